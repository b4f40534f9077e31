"""The PNG plots next to the markdown file: accuracy by format and damage level, and the reliability diagram."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.bench.accuracy import RELIABILITY_BUCKETS
from benchmarks.bench.baselines import TOOL_NAMES, TOOLS

RELIABILITY_PLOT = "reliability.png"


def plot(res: dict[str, Any], path: Path) -> None:
    """Left: our cell accuracy by format (forms not read drawn as empty). Right: damage levels — ruled vs
    unruled PDF (ours and the baselines, same matching), 200 dpi vs heavily damaged scans."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    forms = [f for f, r in res["forms"].items() if "agg" in r]
    accs = [res["forms"][f]["agg"]["accuracy"] for f in forms]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(max(14.0, 6 + 0.45 * len(forms)), 5),
                                 gridspec_kw={"width_ratios": [max(3.0, 0.17 * len(forms)), 2]})
    known = [100 * a for a in accs if a is not None]
    lo = max(0.0, min(known + [90.0]) - 3)
    colour = {"scan": "#dd8452", "real": "#55a868", "conv_": "#8172b3"}
    bars = ax.bar(forms, [100 * a if a is not None else lo for a in accs],
                  color=[next((c for k, c in colour.items() if k in f), "#4c72b0") for f in forms])
    for b, a in zip(bars, accs, strict=True):
        y = 100 * a if a is not None else lo
        ax.text(b.get_x() + b.get_width() / 2, y + 0.1, f"{100 * a:.2f}" if a is not None else "not read\n(needs_ocr)",
                ha="center", va="bottom", fontsize=8)
    ax.set_ylim(lo, 101)
    ax.set_ylabel("cell accuracy (%)")
    ax.set_title("Ours: cell accuracy by format (orange: scans, green: real documents, purple: converted)")
    ax.tick_params(axis="x", rotation=30)
    _plot_damage(bx, res)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_reliability(res: dict[str, Any], path: Path, note: str = "") -> None:
    """Reliability diagram: each confidence bucket at its cells' mean confidence (x) against the share of
    them that are right (y), all formats (marker area by cell count, counts written) and each format (thin
    lines); the diagonal is perfect calibration, the dashed line the review threshold. Right: cells per bucket."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from extractor.validate import REVIEW_CONFIDENCE

    points = res.get("reliability_points") or {}
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw={"width_ratios": [3, 2]})
    ax.plot([0, 1], [0, 1], color="grey", lw=1, ls=":", label="perfect calibration")
    ax.axvline(REVIEW_CONFIDENCE, color="#c44e52", lw=1, ls="--", label=f"review below {REVIEW_CONFIDENCE}")
    for form, pts in points.items():
        if form == "all" or not pts:
            continue
        ax.plot([p["mean_confidence"] for p in pts], [p["accuracy"] for p in pts], lw=0.8, alpha=0.6, marker=".",
                label=f"{form} ({sum(p['cells'] for p in pts)} cells)")
    overall = points.get("all") or []
    if overall:
        total = sum(p["cells"] for p in overall)
        xs, ys = [p["mean_confidence"] for p in overall], [p["accuracy"] for p in overall]
        ax.plot(xs, ys, color="black", lw=2, label=f"all formats ({total} cells)")
        ax.scatter(xs, ys, s=[20 + 300 * p["cells"] / total for p in overall], color="black", zorder=3)
        ax.text(0.98, 0.03, "all formats\n" + "\n".join(
            f"{p['bucket']}: {100 * p['accuracy']:.2f}% of {p['cells']}" for p in overall),
            transform=ax.transAxes, ha="right", va="bottom", fontsize=8, family="monospace",
            bbox={"facecolor": "white", "edgecolor": "grey", "alpha": 0.9})
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("confidence (mean of the cells in each bucket)")
    ax.set_ylabel("observed accuracy (share of cells right)")
    ax.set_title("Reliability: confidence bucket against observed accuracy")
    ax.legend(fontsize=7, loc="upper left")
    names = [name for _, name in reversed(RELIABILITY_BUCKETS)]
    counts = {p["bucket"]: p["cells"] for p in overall}
    bx.bar(names, [counts.get(n, 0) for n in names], color="#4c72b0")
    for i, n in enumerate(names):
        bx.text(i, max(counts.get(n, 0), 1), str(counts.get(n, 0)), ha="center", va="bottom", fontsize=8)
    bx.set_yscale("log")
    bx.set_ylim(bottom=0.8, top=max([*counts.values(), 1]) * 3)
    bx.set_ylabel("cells (log scale)")
    bx.set_title("Cells per confidence bucket, all formats")
    if note:
        fig.suptitle(note, fontsize=8, color="grey", x=0.01, ha="left")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _plot_damage(bx: Any, res: dict[str, Any]) -> None:
    groups_ = [(f, n) for f, n in [("pdf", "PDF ruled"), ("pdf_unruled", "PDF unruled"), ("scan_200", "scan 200 dpi"),
                                    ("scan_heavy", "scan heavy\n150 dpi, seal"),
                                    ("photo", "photo\nperspective")] if "agg" in res["forms"].get(f, {})]
    series = [("ours", None)] + [(TOOL_NAMES[t], t) for t in TOOLS]
    width = 0.8 / len(series)
    for i, (name, tool) in enumerate(series):
        xs, ys = [], []
        for j, (f, _) in enumerate(groups_):
            a = res["forms"][f]["agg"] if tool is None else res["baselines"].get(f, {}).get(tool, {}).get("agg")
            x = j + (i - (len(series) - 1) / 2) * width
            if a and a["accuracy"] is not None:
                xs.append(x)
                ys.append(100 * a["accuracy"])
            elif a:
                bx.text(x, 1, "not read", rotation=90, ha="center", va="bottom", fontsize=7)
        bars = bx.bar(xs, ys, width, label=name)
        for b, y in zip(bars, ys, strict=True):
            bx.text(b.get_x() + b.get_width() / 2, y + 1, f"{y:.0f}", ha="center", va="bottom", fontsize=7)
    bx.set_xticks(range(len(groups_)), [n for _, n in groups_])
    bx.set_ylim(0, 112)
    bx.set_ylabel("cell accuracy (%)")
    bx.set_title("Damage level; baselines' tables through our matching")
    bx.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4, frameon=False)

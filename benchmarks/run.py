"""Benchmark: accuracy, review flags, identity findings and speed per format, plus baselines on the PDFs.

    python benchmarks/run.py [--quick] [--corpus corpora/bench --corpus corpora/real] [--out benchmarks/RESULTS.md]

Each form (a folder with docs/ and gold/) is extracted in a subprocess of its own, so its peak memory is
its own. Baselines: pdfplumber ``extract_tables()`` and camelot lattice/stream on the same PDFs, their
tables passed through the SAME matching and validation (``build_report``) and scored the same way; and
bare pdfplumber ``extract_text()`` time over the same pages, the floor for our PDF time.
Pipeline: collect -> run (per form, subprocess) -> aggregate -> render markdown (+ a PNG plot).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.score import score_document  # noqa: E402

QUICK_PER_FORM = 3
# Scan documents timed twice (ours vs the bare OCR engine on the same pages).
OCR_FLOOR_DOCS = 3
FORM_ORDER = ["text_lines", "text_tabs", "text_glued", "html", "docx", "pdf", "pdf_unruled", "scan_200", "scan_heavy"]


@dataclass
class Item:
    form: str
    stem: str
    doc: Path
    gold: Path


# ---------------------------------------------------------------- collect


def collect(corpora: list[Path], quick: bool) -> dict[str, list[Item]]:
    forms: dict[str, list[Item]] = {}
    for corpus in corpora:
        dirs = [corpus] if (corpus / "gold").is_dir() else sorted(p for p in corpus.iterdir() if (p / "gold").is_dir())
        for d in dirs:
            form = d.name if d != corpus or corpus.name != "real" else "real"
            items = []
            for g in sorted((d / "gold").glob("*.json")):
                src = json.loads(g.read_text(encoding="utf-8"))["source"]
                if (d / "docs" / src).exists():
                    items.append(Item(form, g.stem, d / "docs" / src, g))
            if quick and form != "real":
                items = items[:QUICK_PER_FORM]
            if items:
                forms[form] = items
    return forms


# ---------------------------------------------------------------- run (inside a worker subprocess)


def _doc_result(item: Item, rep: dict[str, Any] | None, err: str | None, secs: float) -> dict[str, Any]:
    gold = json.loads(item.gold.read_text(encoding="utf-8"))
    s = score_document(gold, rep, item.stem)
    out: dict[str, Any] = {"stem": item.stem, "template": gold.get("template"), "right": s.right, "total": s.total,
                           "by_section": s.by_section, "wrong": s.wrong[:10], "seconds": secs, "error": err,
                           "status": rep.get("status") if rep else "failed", "pages": (rep or {}).get("pages") or 1,
                           "inconsistent": gold.get("inconsistent") or []}
    cells = (rep or {}).get("cells") or {}
    flagged = unflag_right = unflag_total = 0
    from benchmarks.score import same

    for k, gv in (gold.get("cells") or {}).items():
        c = cells.get(k)
        if c is None:
            continue
        if c.get("review"):
            flagged += 1
        else:
            unflag_total += 1
            unflag_right += same(c.get("value"), gv) and s.template_ok
    checks = (rep or {}).get("checks") or []
    fixed = sum(1 for k in (gold.get("cells") or {}) if (cells.get(k) or {}).get("source") in ("repaired", "inferred"))
    out.update(flagged=flagged, unflagged_right=unflag_right, unflagged_total=unflag_total, fixed=fixed,
               failed_identities=[c["id"] for c in checks if c["kind"] == "identity" and c["status"] == "fail"],
               narrative=Counter(c["status"] for c in checks if c["kind"] == "narrative"),
               conf=[(round(cells[k]["confidence"], 2), bool(same(cells[k].get("value"), gv)))
                     for k, gv in (gold.get("cells") or {}).items() if k in cells])
    return out


def _warm_up() -> None:
    """What a long batch pays once: imports of the format readers and the jieba dictionary. Timings are of
    the steady state, as the floors' are (their libraries are imported before their clocks start)."""
    from extractor import extract
    from extractor.errors import ExtractorError
    from extractor.textlayer import BACKENDS, backend_for

    for fmt in BACKENDS:
        try:
            backend_for(fmt)
        except (ImportError, ExtractorError):
            pass
    extract((ROOT / "corpora" / "real" / "docs" / "002_0843dfdf5e1a4b6d.txt").read_bytes())


def run_form(items: list[Item]) -> dict[str, Any]:
    from extractor import extract
    from extractor.errors import ExtractorError

    _warm_up()
    docs = []
    t0 = time.perf_counter()
    for it in items:
        t = time.perf_counter()
        try:
            rep, err = extract(it.doc).model_dump(mode="json"), None
        except ExtractorError as e:
            rep, err = None, e.code
        docs.append(_doc_result(it, rep, err, time.perf_counter() - t))
    return {"docs": docs, "seconds": time.perf_counter() - t0,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _tables_document(path: Path, tool: str) -> Any:
    """A baseline tool's tables as a Document of grid tables (title lines from pdfplumber's text)."""
    import pdfplumber

    from extractor.datamodel import Document, Provenance, SourceCell, SourceRow, SourceTable, TextLine

    tables: list[list[list[str | None]]] = []
    with pdfplumber.open(path) as pdf:
        lines = [TextLine(text=t) for p in pdf.pages for t in (p.extract_text() or "").split("\n")]
        pages = len(pdf.pages)
        if tool == "pdfplumber":
            tables = [t for p in pdf.pages for t in p.extract_tables()]
    if tool.startswith("camelot"):
        import camelot

        flavor = tool.split("_", 1)[1]
        found = camelot.read_pdf(str(path), pages="all", flavor=flavor)
        tables = [t.df.values.tolist() for t in found]
    st = [SourceTable(kind="grid", rows=[SourceRow(cells=[SourceCell(text=(c or "").replace("\n", ""),
                                                                      prov=Provenance(table=i, row=r, col=k))
                                                           for k, c in enumerate(row)]) for r, row in enumerate(t)])
          for i, t in enumerate(tables)]
    # a tool that finds no table gives no rows: the text lines are only there for title and template signals
    return Document(name=path.name, format="pdf", pages=pages, lines=lines, tables=st or [SourceTable(rows=[])])


def run_baseline(items: list[Item], tool: str) -> dict[str, Any]:
    from extractor.pipeline import build_report

    docs = []
    t0 = time.perf_counter()
    for it in items:
        t = time.perf_counter()
        try:
            rep, err = build_report(_tables_document(it.doc, tool)).model_dump(mode="json"), None
        except Exception as e:  # a baseline tool failing on a document scores zero for it
            rep, err = None, type(e).__name__
        docs.append(_doc_result(it, rep, err, time.perf_counter() - t))
    return {"docs": docs, "seconds": time.perf_counter() - t0}


def bare_text_time(items: list[Item]) -> dict[str, float]:
    import pdfplumber

    pages = 0
    t0 = time.perf_counter()
    for it in items:
        with pdfplumber.open(it.doc) as pdf:
            for p in pdf.pages:
                p.extract_text()
                pages += 1
    return {"seconds": time.perf_counter() - t0, "pages": pages}


def bare_ocr_time(items: list[Item], dpi: int = 200) -> dict[str, float]:
    """The OCR engine alone on the same pages: render (pypdfium2) and recognise, nothing else."""
    import numpy as np
    import pypdfium2 as pdfium

    from extractor.ocr import get_engine

    engine = get_engine("rapidocr")
    engine.recognize(np.full((64, 64, 3), 255, dtype=np.uint8), 0)  # warm-up, as our run had its first page
    pages = 0
    t0 = time.perf_counter()
    for it in items:
        pdf = pdfium.PdfDocument(str(it.doc))
        for i in range(len(pdf)):
            engine.recognize(np.asarray(pdf[i].render(scale=dpi / 72).to_pil().convert("RGB")), i + 1)
            pages += 1
        pdf.close()
    return {"seconds": time.perf_counter() - t0, "pages": pages}


def _worker(args: argparse.Namespace) -> None:
    items = [Item(**{**d, "doc": Path(d["doc"]), "gold": Path(d["gold"])}) for d in json.loads(Path(args.items).read_text())]
    if args.worker == "extract":
        out = run_form(items)
    elif args.worker == "floor":
        out = bare_text_time(items)
    elif args.worker == "ocr_floor":
        out = bare_ocr_time(items)
    else:
        out = run_baseline(items, args.worker)
    Path(args.result).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


def in_subprocess(kind: str, items: list[Item], timeout: float = 1800) -> dict[str, Any] | None:
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "items.json", Path(tmp) / "result.json"
        src.write_text(json.dumps([{**it.__dict__, "doc": str(it.doc), "gold": str(it.gold)} for it in items]))
        p = subprocess.run([sys.executable, __file__, "--worker", kind, "--items", str(src), "--result", str(dst)],
                           capture_output=True, timeout=timeout, cwd=ROOT)
        if p.returncode != 0 or not dst.exists():
            sys.stderr.write(p.stderr.decode("utf-8", "replace")[-2000:])
            return None
        return json.loads(dst.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- aggregate


def aggregate(docs: list[dict[str, Any]]) -> dict[str, Any]:
    right = sum(d["right"] for d in docs)
    total = sum(d["total"] for d in docs)
    sections: dict[tuple[str | None, str], list[int]] = defaultdict(lambda: [0, 0])
    for d in docs:
        for sec, (r, t) in d["by_section"].items():
            sections[(d["template"], sec)][0] += r
            sections[(d["template"], sec)][1] += t
    incons = [d for d in docs if d["inconsistent"]]
    recall_hit = sum(len(set(d["inconsistent"]) & set(d["failed_identities"])) for d in incons)
    recall_all = sum(len(d["inconsistent"]) for d in incons)
    false_alarm = sum(len(d["failed_identities"]) for d in docs if not d["inconsistent"])
    flagged = sum(d["flagged"] for d in docs)
    uright, utotal = sum(d["unflagged_right"] for d in docs), sum(d["unflagged_total"] for d in docs)
    statuses = Counter(d["error"] and f"failed:{d['error']}" or d["status"] for d in docs)
    return {"docs": len(docs), "right": right, "total": total, "accuracy": right / total if total else 0.0,
            "exact": sum(d["right"] == d["total"] for d in docs), "sections": dict(sections),
            "incons_found": recall_hit, "incons_total": recall_all, "false_alarms": false_alarm,
            "flagged_share": flagged / total if total else 0.0,
            "fixed_share": sum(d.get("fixed", 0) for d in docs) / total if total else 0.0,
            "unflagged_accuracy": uright / utotal if utotal else None,
            "statuses": dict(statuses), "pages": sum(d["pages"] for d in docs),
            "read": sum(d["status"] in ("ok", "partial") for d in docs)}


def reliability(docs: list[dict[str, Any]]) -> list[tuple[str, int, float]]:
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in docs:
        for conf, ok in d["conf"]:
            b = "≥0.99" if conf >= 0.99 else "0.9–0.99" if conf >= 0.9 else "0.75–0.9" if conf >= 0.75 else "0.5–0.75" if conf >= 0.5 else "<0.5"
            buckets[b][0] += ok
            buckets[b][1] += 1
    order = ["≥0.99", "0.9–0.99", "0.75–0.9", "0.5–0.75", "<0.5"]
    return [(b, buckets[b][1], buckets[b][0] / buckets[b][1]) for b in order if buckets[b][1]]


# ---------------------------------------------------------------- render


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def render(res: dict[str, Any], meta: dict[str, str]) -> str:
    out = ["# Benchmark results", "",
           f"Run {meta['when']} on commit `{meta['commit']}` with `{meta['command']}` ({meta['total']}); machine: "
           f"{machine()}. Written by `benchmarks/run.py` — do not edit by hand.", ""]
    out += ["## Accuracy by format", "",
            "| format | docs | read | cell accuracy | docs fully right | status | flagged cells | accuracy of unflagged cells "
            "| inferred or repaired (identities, mixed-form rule) |",
            "|---|---|---|---|---|---|---|---|---|"]
    for form, r in res["forms"].items():
        a = r["agg"]
        not_read = a["read"] == 0
        acc = "**not read yet** (" + ", ".join(a["statuses"]) + ")" if not_read else f"{_pct(a['accuracy'])} ({a['right']}/{a['total']})"
        st = ", ".join(f"{k} {v}" for k, v in sorted(a["statuses"].items()))
        out.append(f"| {form} | {a['docs']} | {a['read']} | {acc} | {a['exact']}/{a['docs']} | {st} | "
                   f"{_pct(a['flagged_share'])} | {_pct(a['unflagged_accuracy'])} | {_pct(a['fixed_share'])} |")
    out += ["", "## Accuracy by format × template × section", "", "| format | template | section | accuracy |", "|---|---|---|---|"]
    for form, r in res["forms"].items():
        for (tmpl, sec), (ri, ti) in sorted(r["agg"]["sections"].items(), key=lambda x: (str(x[0][0]), x[0][1])):
            out.append(f"| {form} | {tmpl} | {sec} | {_pct(ri / ti if ti else None)} ({ri}/{ti}) |")
    out += ["", "## Identity failures found", "",
            "Documents whose gold lists deliberate inconsistencies (`inconsistent`): how many of those broken identities "
            "the extractor reported as failed; and failed identities reported on documents whose gold is consistent.", "",
            "| format | inconsistencies reported / present | failed identities on consistent documents |", "|---|---|---|"]
    for form, r in res["forms"].items():
        a = r["agg"]
        out.append(f"| {form} | {a['incons_found']}/{a['incons_total']} | {a['false_alarms']} |")
    out += ["", "## Speed and memory", "", "| format | docs | pages | seconds | docs/s | pages/s | peak RSS (MB) |",
            "|---|---|---|---|---|---|---|"]
    for form, r in res["forms"].items():
        a, secs = r["agg"], r["seconds"]
        out.append(f"| {form} | {a['docs']} | {a['pages']} | {secs:.1f} | {a['docs'] / secs:.2f} | {a['pages'] / secs:.2f} | "
                   f"{r['peak_rss_mb']:.0f} |")
    if res["baselines"]:
        out += ["", "## Baselines on the same PDFs", "",
                "Each tool's tables go through the same label matching, validation and scorer as ours.", "",
                "| format | ours | pdfplumber extract_tables | camelot lattice | camelot stream |", "|---|---|---|---|---|"]
        for form, b in res["baselines"].items():
            ours = res["forms"][form]["agg"]["accuracy"]
            cells = [_pct(b[t]["agg"]["accuracy"]) if b.get(t) else "not run" for t in ("pdfplumber", "camelot_lattice", "camelot_stream")]
            out.append(f"| {form} | {_pct(ours)} | " + " | ".join(cells) + " |")
        out += ["", "Time of our PDF pipeline against bare pdfplumber `extract_text()` over the same pages (the floor):", "",
                "| format | pages | ours s/page | extract_text s/page | ratio |", "|---|---|---|---|---|"]
        for form, b in res["baselines"].items():
            f = b.get("floor")
            if f and f["pages"]:
                ours = res["forms"][form]["seconds"] / res["forms"][form]["agg"]["pages"]
                floor = f["seconds"] / f["pages"]
                out.append(f"| {form} | {f['pages']} | {ours:.3f} | {floor:.3f} | {ours / floor:.2f}× |")
    if res.get("ocr_floor"):
        out += ["", "Time of our scan pipeline against the bare OCR engine (render + recognise) on the same pages:", "",
                "| format | pages | ours s/page | bare OCR s/page | ratio |", "|---|---|---|---|---|"]
        for form, f in res["ocr_floor"].items():
            ours, bare = f["ours"] / f["pages"], f["bare"] / f["pages"]
            out.append(f"| {form} | {f['pages']} | {ours:.2f} | {bare:.2f} | {ours / bare:.2f}× |")
    out += ["", "## Calibration", "", "Confidence bucket against observed accuracy, all formats read:", "",
            "| confidence | cells | accuracy |", "|---|---|---|"]
    out += [f"| {b} | {n} | {_pct(acc)} |" for b, n, acc in res["reliability"]]
    out += ["", "![accuracy by format](accuracy_by_format.png)", ""]
    return "\n".join(out)


def plot(res: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    forms = [f for f in res["forms"] if res["forms"][f]["agg"]["read"]]
    accs = [100 * res["forms"][f]["agg"]["accuracy"] for f in forms]
    fig, ax = plt.subplots(figsize=(9, 4))
    bars = ax.bar(forms, accs, color=["#4c72b0" if "scan" not in f else "#dd8452" for f in forms])
    ax.set_ylim(min(accs + [90]) - 1, 100.5)
    ax.set_ylabel("cell accuracy (%)")
    ax.set_title("Cell accuracy by format and damage level")
    for b, a in zip(bars, accs, strict=True):
        ax.text(b.get_x() + b.get_width() / 2, a + 0.1, f"{a:.2f}", ha="center", fontsize=8)
    plt.xticks(rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ---------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_PER_FORM} documents per form, no camelot")
    ap.add_argument("--corpus", action="append", type=Path)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    ap.add_argument("--worker"), ap.add_argument("--items"), ap.add_argument("--result")
    args = ap.parse_args()
    if args.worker:
        _worker(args)
        return 0
    t0 = time.perf_counter()
    corpora = args.corpus or [ROOT / "corpora" / "bench", ROOT / "corpora" / "real"]
    forms = collect(corpora, args.quick)
    forms = dict(sorted(forms.items(), key=lambda kv: FORM_ORDER.index(kv[0]) if kv[0] in FORM_ORDER else 99))
    res: dict[str, Any] = {"forms": {}, "baselines": {}, "ocr_floor": {}}
    all_docs = []
    for form, items in forms.items():
        print(f"{form}: {len(items)} documents", file=sys.stderr)
        r = in_subprocess("extract", items)
        if r is None:
            continue
        r["agg"] = aggregate(r["docs"])
        res["forms"][form] = r
        all_docs += [d for d in r["docs"] if d["status"] in ("ok", "partial")]
        pdfs = [it for it in items if it.doc.suffix.lower() == ".pdf"]
        if form.startswith("scan"):
            sub = items[:OCR_FLOOR_DOCS]
            mine = in_subprocess("extract", sub)
            floor = in_subprocess("ocr_floor", sub)
            if mine and floor:
                res["ocr_floor"][form] = {"pages": floor["pages"], "ours": mine["seconds"], "bare": floor["seconds"]}
        if pdfs and not form.startswith("scan"):
            tools = ["pdfplumber"] + ([] if args.quick else ["camelot_lattice", "camelot_stream"])
            b: dict[str, Any] = {}
            for tool in tools:
                br = in_subprocess(tool, pdfs)
                if br is not None:
                    br["agg"] = aggregate(br["docs"])
                    b[tool] = br
            b["floor"] = in_subprocess("floor", pdfs)
            res["baselines"][form] = b
    res["reliability"] = reliability(all_docs)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, cwd=ROOT).stdout.decode().strip()
    meta = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": commit or "unknown",
            "command": "python benchmarks/run.py" + (" --quick" if args.quick else ""),
            "total": f"{time.perf_counter() - t0:.0f} s"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    try:
        plot(res, args.out.parent / "accuracy_by_format.png")
    except ImportError:
        print("matplotlib missing: no plot (pip install 'extractor[bench]')", file=sys.stderr)
    args.out.write_text(render(res, meta), encoding="utf-8")
    print(f"wrote {args.out} in {meta['total']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

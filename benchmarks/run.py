"""Benchmark: accuracy, review flags, identity findings and speed per format, plus baselines on the PDFs.

    python benchmarks/run.py [--quick] [--corpus corpora/bench --corpus corpora/real --corpus corpora/converted]
                             [--out benchmarks/RESULTS.md]
                             [--form NAME ...] [--no-ocr]

Pipeline: collect -> run (one subprocess per form and per baseline tool) -> aggregate -> render markdown
(+ a PNG plot next to the markdown file). Each step is a module of ``benchmarks/bench`` (its docstring lists
them); this file is the command line, and the worker subprocess (``--worker SPEC RESULT``) each job runs in.

* Each form (a folder with ``docs/`` and ``gold/``) is extracted in a subprocess of its own, so its peak
  memory (``ru_maxrss`` of the process and of anything it started) is its own, and a crash or a hang in one
  form is recorded for that form while the others go on.
* Timings are of the steady state (readers imported and the jieba dictionary loaded before the clock; the OCR
  engine loaded for scan forms); forms that take under ``REPEAT_BELOW_S`` are timed ``REPEATS`` times and the
  median is reported, since the machine is shared.
* Documents the extractor cannot read (status ``needs_ocr``) are shown as *not read yet*, never as zeros
  folded into an average; a document that fails with an error does count, as zero.
* Baselines: pdfplumber ``extract_tables()`` and camelot lattice/stream on the same PDFs; each tool's tables
  become ``SourceTable(kind="grid")`` rows and go through the SAME matching and validation (``build_report``)
  and the same scorer. Bare pdfplumber ``extract_text()`` over the same pages is the floor our PDF time is
  compared with; for scans, the bare OCR engine (render + recognise) on the same pages.
"""

from __future__ import annotations

import argparse
import importlib.util  # noqa: F401 - run.importlib.util is where tests make a baseline tool look missing
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The names the tests and other scripts take from here; each module's own are in benchmarks/bench.
from benchmarks.bench.accuracy import aggregate, doc_result, reliability  # noqa: E402
from benchmarks.bench.corpus import (  # noqa: E402
    CONVERTED_FORMS,
    DEFAULT_CORPORA,
    QUICK_PER_FORM,
    QUICK_SCAN_DOCS,
    Item,
    _order,
    collect,
    file_kind,
    groups,
    origin_of,
)
from benchmarks.bench.meta import git_commit, run_meta  # noqa: E402
from benchmarks.bench.plots import RELIABILITY_PLOT, plot, plot_reliability  # noqa: E402
from benchmarks.bench.report import kept_sections, render  # noqa: E402
from benchmarks.bench.suite import run_all, run_baselines  # noqa: E402
from benchmarks.bench.worker import _worker  # noqa: E402

__all__ = ["CONVERTED_FORMS", "QUICK_PER_FORM", "Item", "_order", "aggregate", "collect", "doc_result", "file_kind",
           "groups", "kept_sections", "main", "origin_of", "reliability", "render", "run_all", "run_baselines"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        _worker(Path(argv[1]), Path(argv[2]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_PER_FORM} documents per form ({QUICK_SCAN_DOCS} "
                    "per scan form; real corpus in full; converted forms: in turn from each origin), no camelot, no OCR floor")
    ap.add_argument("--corpus", action="append", type=Path, help="corpus folder (repeatable); default "
                    "corpora/bench, corpora/real and corpora/converted")
    ap.add_argument("--form", action="append", help="only these forms (repeatable)")
    ap.add_argument("--no-ocr", action="store_true", help="OCR off (EXTRACTOR_OCR=0): scans give needs_ocr")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    start = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "commit": git_commit(),
             "load": " / ".join(f"{x:.2f}" for x in os.getloadavg())}
    default = [ROOT / "corpora" / c for c in DEFAULT_CORPORA if (ROOT / "corpora" / c).is_dir()]
    corpora = [c if c.is_absolute() else (Path.cwd() / c) for c in (args.corpus or default)]
    res = run_all(collect(corpora, args.quick, args.form), args.quick, args.no_ocr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = run_meta(argv, t0, start)
    try:
        plot(res, args.out.parent / "accuracy_by_format.png")
        meta["plot"] = "accuracy_by_format.png"
        if res.get("reliability_points", {}).get("all"):
            plot_reliability(res, args.out.parent / RELIABILITY_PLOT, f"{meta['command']}  (commit {meta['commit']})")
            meta["reliability_plot"] = RELIABILITY_PLOT
    except ImportError:
        print("matplotlib missing: no plot (pip install -e '.[bench]')", file=sys.stderr)
    meta["total"] = f"{time.perf_counter() - t0:.0f} s"
    text = render(res, meta)
    if args.out.exists():
        hand = kept_sections(args.out.read_text(encoding="utf-8"))
        text += f"\n{hand}" if hand else ""
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} in {meta['total']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())


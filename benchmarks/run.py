"""Benchmark: accuracy, review flags, identity findings and speed per format, plus baselines on the PDFs.

    python benchmarks/run.py [--quick] [--corpus corpora/bench --corpus corpora/real --corpus corpora/converted]
                             [--out benchmarks/RESULTS.md]
                             [--form NAME ...] [--no-ocr]

Pipeline: collect -> run (one subprocess per form and per baseline tool) -> aggregate -> render markdown
(+ a PNG plot next to the markdown file). Every function below the worker section is importable and pure.

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
import importlib.util
import json
import os
import platform
import resource
import shlex
import statistics
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

from benchmarks.score import same, score_document  # noqa: E402

QUICK_PER_FORM = 3
QUICK_SCAN_DOCS = 1  # OCR costs 10-25 s a document on 2 shared cores: one per scan form in --quick
OCR_FLOOR_DOCS = 3  # scan documents also read by the bare OCR engine (not with --quick)
REPEATS = 3  # timing passes for forms faster than REPEAT_BELOW_S (median reported)
REPEAT_BELOW_S = 15.0
SUBPROCESS_TIMEOUT_S = 900
# The converted corpus (corpora/converted, corpora/convert): one form per third-party converter.
CONVERTED_FORMS = ["conv_pymupdf4llm", "conv_markitdown_pdf", "conv_markitdown_docx", "conv_docx2txt", "conv_html2text",
                   "conv_inscriptis", "conv_trafilatura", "conv_bs4_newline", "conv_bs4_join"]
FORM_ORDER = ["text_lines", "text_tabs", "text_glued", "text_runon", "html", "docx", "pdf", "pdf_unruled", "scan_200", "scan_heavy",
              "photo", "real", *CONVERTED_FORMS]
# Corpus folders of one sub-folder per form whose forms also get a row together (the group is the folder's name).
GROUPED_CORPORA = ("converted",)
# Groups whose every document not fully right is listed (the bench forms list a few each).
LIST_ALL_WRONG = ("real", "converted")
DEFAULT_CORPORA = ("bench", "real", "converted")
TOOLS = ["pdfplumber", "camelot_lattice", "camelot_stream"]
# Baseline tools outside the default install: (module, how to install it).
TOOL_MODULES = {"camelot_lattice": ("camelot", "pip install 'zfxxgk-extractor[camelot]'"),
                "camelot_stream": ("camelot", "pip install 'zfxxgk-extractor[camelot]'")}
TOOL_NAMES = {"pdfplumber": "pdfplumber extract_tables", "camelot_lattice": "camelot lattice",
              "camelot_stream": "camelot stream"}
WRONG_SHOWN = 8  # wrong cells kept per document (for the "not fully right" listing)
NOT_READ = "needs_ocr"
HAND_MARK = "appended by hand"  # a "## " section of RESULTS.md whose heading says so is kept across runs
# Confidence buckets of the calibration table and reliability plot: (lower edge, label), highest first. The
# review threshold itself is extractor.validate.REVIEW_CONFIDENCE (shown in the table and drawn in the plot).
RELIABILITY_BUCKETS = [(0.99, "≥0.99"), (0.9, "0.9–0.99"), (0.75, "0.75–0.9"), (0.5, "0.5–0.75"), (-1.0, "<0.5")]
RELIABILITY_PLOT = "reliability.png"


KINDS = {".txt": "text", ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".html": "html", ".htm": "html",
         ".md": "markdown"}


def file_kind(path: Path) -> str:
    return KINDS.get(path.suffix.lower(), path.suffix.lower().lstrip("."))


@dataclass
class Item:
    form: str
    stem: str
    doc: Path
    gold: Path
    group: str = ""  # the corpus a split form comes from (real -> real_text, real_pdf; converted -> conv_*)


# ---------------------------------------------------------------- collect


def _form_items(d: Path) -> list[Item]:
    """A folder's documents with gold. When they come in several file types (the real corpus: texts and
    PDFs), each type is a form of its own, ``<folder>_<type>``, so that every table is per format."""
    items = []
    for g in sorted((d / "gold").glob("*.json")):
        src = json.loads(g.read_text(encoding="utf-8")).get("source") or g.stem
        if (d / "docs" / src).exists():
            items.append(Item(d.name, g.stem, d / "docs" / src, g))
    kinds = {file_kind(it.doc) for it in items}
    if len(kinds) > 1:
        for it in items:
            it.group = d.name
            it.form = f"{d.name}_{file_kind(it.doc)}"
    return items


def _order(form: str) -> tuple[int, str]:
    base = next((f for f in FORM_ORDER if form == f or form.startswith(f + "_")), None)
    return (FORM_ORDER.index(base) if base else 99, form)


def collect(corpora: list[Path], quick: bool = False, only: list[str] | None = None) -> dict[str, list[Item]]:
    """Forms -> documents with gold. A corpus folder either holds ``gold/`` itself (the form is named after
    the folder, split by file type when mixed) or one sub-folder per form. ``only`` keeps the forms (or
    corpus folders) named. ``quick`` keeps ``QUICK_PER_FORM`` documents per form, every real document
    (converted forms: taken in turn from each origin, real first)."""
    forms: dict[str, list[Item]] = {}
    for corpus in corpora:
        dirs = [corpus] if (corpus / "gold").is_dir() else sorted(p for p in corpus.iterdir() if (p / "gold").is_dir())
        for d in dirs:
            for it in _form_items(d):
                if d != corpus and corpus.name in GROUPED_CORPORA:
                    it.group = corpus.name
                if not only or it.form in only or d.name in only:
                    forms.setdefault(it.form, []).append(it)
    if quick:
        forms = {f: quick_subset(f, items) for f, items in forms.items()}
    return dict(sorted(forms.items(), key=lambda kv: _order(kv[0])))


def quick_subset(form: str, items: list[Item]) -> list[Item]:
    if items[0].group == "real" or form == "real":
        return items
    if items[0].group == "converted":
        return converted_quick(items)
    if not is_scan_form(form, items):
        return items[:QUICK_PER_FORM]
    # OCR costs by the page: the shortest scans (gold "pages"), in corpus order among equals
    pages = [json.loads(it.gold.read_text(encoding="utf-8")).get("pages") or 99 for it in items]
    order = sorted(range(len(items)), key=lambda i: (pages[i], i))[:QUICK_SCAN_DOCS]
    return [items[i] for i in sorted(order)]


def origin_of(stem: str) -> str:
    """A converted document's origin, the part of its stem before ``__`` (``real``, or the bench form)."""
    return stem.split("__", 1)[0] if "__" in stem else ""


def converted_quick(items: list[Item]) -> list[Item]:
    """``QUICK_PER_FORM`` documents taken in turn from each origin (real first, then by name), so that every
    origin is in; each origin's documents by name."""
    by_origin: dict[str, list[Item]] = {}
    for it in items:
        by_origin.setdefault(origin_of(it.stem), []).append(it)
    queues = [by_origin[o] for o in sorted(by_origin, key=lambda o: (o != "real", o))]
    picked: list[Item] = []
    for i in range(max(len(q) for q in queues)):
        picked += [q[i] for q in queues if i < len(q)]
    keep = {id(it) for it in picked[:QUICK_PER_FORM]}
    return [it for it in items if id(it) in keep]


# The input kinds the issues set goals on (#9: flagged share on the text, document and scan corpora).
KIND_GROUPS = {"text": ("text_lines", "text_tabs", "text_glued", "text_runon"),
               "documents": ("html", "docx", "pdf", "pdf_unruled"),
               "scans": ("scan_200", "scan_heavy", "photo")}


def groups(forms: dict[str, list[Item]]) -> dict[str, list[str]]:
    """Corpora split into several forms (group -> its forms), then the bench's forms by input kind."""
    out: dict[str, list[str]] = {}
    for f, items in forms.items():
        if items and items[0].group:
            out.setdefault(items[0].group, []).append(f)
    for kind, members in KIND_GROUPS.items():
        present = [f for f in members if f in forms]
        if len(present) > 1:
            out[kind] = present
    return out


# ---------------------------------------------------------------- per document (pure)


def doc_result(gold: dict[str, Any], rep: dict[str, Any] | None, stem: str, *, error: str | None = None,
               seconds: float = 0.0, kind: str | None = None) -> dict[str, Any]:
    """One document's numbers: score, flagged/unflagged cells against gold, failed identities, confidences.

    ``rep`` is a Report as a dict (None when extraction raised; ``error`` is then its code). ``origin`` and
    ``input_kind`` come from gold (corpora/real), else ``unknown`` and ``kind`` (the file type)."""
    s = score_document(gold, rep, stem)
    gcells: dict[str, Any] = gold.get("cells") or {}
    cells: dict[str, Any] = (rep or {}).get("cells") or {}
    flagged = flagged_right = unflagged = unflagged_right = fixed = und_total = und_right = 0
    clean = clean_flagged = 0  # cells outside undecidable rows of documents whose gold is consistent
    undecidable = undecidable_rows(gold)
    consistent = not gold.get("inconsistent")
    wrong: list[list[Any]] = []
    conf: list[tuple[float, bool]] = []
    for k, gv in gcells.items():
        c = cells.get(k)
        if c is None:
            continue
        ok = bool(s.template_ok and same(c.get("value"), gv))
        if c.get("review"):
            flagged, flagged_right = flagged + 1, flagged_right + ok
        else:
            unflagged, unflagged_right = unflagged + 1, unflagged_right + ok
        fixed += c.get("source") in ("repaired", "inferred")
        conf.append((round(float(c.get("confidence", 1.0)), 2), ok))
        if any(k.startswith(row + ".") for row in undecidable):
            und_total, und_right = und_total + 1, und_right + ok
        elif consistent:
            clean, clean_flagged = clean + 1, clean_flagged + bool(c.get("review"))
        if not ok and len(wrong) < WRONG_SHOWN:
            wrong.append([k, gv, c.get("value"), bool(c.get("review")), c.get("source")])
    checks = (rep or {}).get("checks") or []
    status = "failed" if rep is None else rep.get("status", "ok")
    return {"stem": stem, "template": gold.get("template"), "pred_template": (rep or {}).get("template"),
            "right": s.right, "total": s.total, "by_section": s.by_section, "wrong_keys": s.wrong[:20],
            "wrong": wrong, "seconds": seconds, "error": error, "status": status,
            "pages": (rep or {}).get("pages"), "inconsistent": list(gold.get("inconsistent") or []),
            "flagged": flagged, "flagged_right": flagged_right, "unflagged": unflagged,
            "unflagged_right": unflagged_right, "fixed": fixed, "undecidable": und_total,
            "undecidable_right": und_right, "clean": clean, "clean_flagged": clean_flagged,
            "failed_identities": [c["id"] for c in checks if c.get("kind", "identity") == "identity"
                                  and c["status"] == "fail"],
            "narrative": dict(Counter(c["status"] for c in checks if c.get("kind") == "narrative")),
            "conf": conf, "origin": str(gold.get("origin") or "unknown"),
            "input_kind": str(gold.get("input_kind") or kind or "unknown")}


def undecidable_rows(gold: dict[str, Any]) -> list[str]:
    """Glued text: rows whose run-together digits split more than one way even with the identities (the
    active-table rows of ``glued_ambiguous_rows``, per corpora/bench/README.md)."""
    return [r for r in gold.get("glued_ambiguous_rows") or [] if r.startswith("active.")]


# ---------------------------------------------------------------- run (inside a worker subprocess)


def _peak_rss_mb() -> float:
    """Peak RSS of this process and of any process it started and waited for (Linux: KiB)."""
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def _warm_up(ocr: bool) -> None:
    """What a long batch pays once: imports of the format readers, the jieba dictionary and, for scans, the
    OCR models. Timings are of the steady state, as the floors' are (their libraries load before the clock)."""
    from extractor import extract
    from extractor.errors import ExtractorError
    from extractor.textlayer import BACKENDS, backend_for

    for fmt in BACKENDS:
        try:
            backend_for(fmt)
        except (ImportError, ExtractorError):
            pass
    extract((ROOT / "corpora" / "real" / "docs" / "002_0843dfdf5e1a4b6d.txt").read_bytes())
    if ocr:
        try:
            import numpy as np

            from extractor.ocr import get_engine

            get_engine("rapidocr").recognize(np.full((64, 64, 3), 255, dtype=np.uint8), 0)
        except Exception:  # noqa: BLE001 - no OCR extra: the form will say needs_ocr or failed
            pass


def _extract_one(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    from extractor import extract
    from extractor.errors import ExtractorError

    try:
        return extract(path).model_dump(mode="json"), None
    except ExtractorError as e:
        return None, e.code
    except Exception as e:  # noqa: BLE001 - an unexpected exception is recorded as the document's failure
        return None, f"internal:{type(e).__name__}"


def run_form(items: list[Item], *, warm_ocr: bool = False, repeats: int = REPEATS) -> dict[str, Any]:
    """Extract every document (scored), then, when that was quick, time more passes; median wall time."""
    _warm_up(warm_ocr)
    docs = []
    times: list[list[float]] = [[] for _ in items]
    t0 = time.perf_counter()
    for i, it in enumerate(items):
        t = time.perf_counter()
        rep, err = _extract_one(it.doc)
        times[i].append(time.perf_counter() - t)
        docs.append(doc_result(json.loads(it.gold.read_text(encoding="utf-8")), rep, it.stem, error=err,
                               kind=file_kind(it.doc)))
    runs = [time.perf_counter() - t0]
    while runs[0] < REPEAT_BELOW_S and len(runs) < repeats:
        t0 = time.perf_counter()
        for i, it in enumerate(items):
            t = time.perf_counter()
            _extract_one(it.doc)
            times[i].append(time.perf_counter() - t)
        runs.append(time.perf_counter() - t0)
    for d, ts in zip(docs, times, strict=True):
        d["seconds"] = statistics.median(ts)
    return {"docs": docs, "seconds": statistics.median(runs), "seconds_runs": runs, "peak_rss_mb": _peak_rss_mb()}


def tables_document(path: Path, tool: str) -> Any:
    """A baseline tool's tables as a Document of grid tables; the text lines (pdfplumber) are only there for
    the title and template signals. A tool that finds no table gives one empty table, so that table recovery
    does not fall back to our own text grammar."""
    import pdfplumber

    from extractor.datamodel import Document, Provenance, SourceCell, SourceRow, SourceTable, TextLine

    tables: list[list[list[str | None]]] = []
    with pdfplumber.open(path) as pdf:
        lines = [TextLine(text=t, prov=Provenance(page=i))
                 for i, p in enumerate(pdf.pages, 1) for t in (p.extract_text() or "").split("\n")]
        pages = len(pdf.pages)
        if tool == "pdfplumber":
            tables = [t for p in pdf.pages for t in p.extract_tables()]
    if tool.startswith("camelot"):
        import camelot

        found = camelot.read_pdf(str(path), pages="all", flavor=tool.split("_", 1)[1])
        tables = [t.df.values.tolist() for t in found]
    st = [SourceTable(kind="grid", prov=Provenance(table=i), rows=[
        SourceRow(prov=Provenance(table=i, row=r), cells=[
            SourceCell(text=(c or "").replace("\n", ""), prov=Provenance(table=i, row=r, col=k))
            for k, c in enumerate(row)]) for r, row in enumerate(t)]) for i, t in enumerate(tables)]
    return Document(name=path.name, format="pdf", pages=pages, lines=lines, tables=st or [SourceTable(rows=[])])


def run_baseline(items: list[Item], tool: str) -> dict[str, Any]:
    import warnings

    from extractor.pipeline import build_report

    warnings.simplefilter("ignore")  # camelot warns on every page without a table
    docs = []
    t0 = time.perf_counter()
    for it in items:
        t = time.perf_counter()
        try:
            rep, err = build_report(tables_document(it.doc, tool)).model_dump(mode="json"), None
        except Exception as e:  # noqa: BLE001 - a tool failing on a document scores zero for it
            rep, err = None, f"{tool}:{type(e).__name__}"
        docs.append(doc_result(json.loads(it.gold.read_text(encoding="utf-8")), rep, it.stem, error=err,
                               seconds=time.perf_counter() - t))
    return {"docs": docs, "seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}


def bare_text_time(items: list[Item], repeats: int = REPEATS) -> dict[str, Any]:
    """pdfplumber ``extract_text()`` over every page, nothing else: the floor of a PDF text reader."""
    import pdfplumber

    runs, pages = [], 0
    for _ in range(repeats):
        pages = 0
        t0 = time.perf_counter()
        for it in items:
            with pdfplumber.open(it.doc) as pdf:
                for p in pdf.pages:
                    p.extract_text()
                    pages += 1
        runs.append(time.perf_counter() - t0)
    return {"seconds": statistics.median(runs), "seconds_runs": runs, "pages": pages}


def _render_and_recognise(engine: Any, path: Path, dpi: int) -> int:
    import numpy as np
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            engine.recognize(np.asarray(pdf[i].render(scale=dpi / 72).to_pil().convert("RGB")), i + 1)
        return len(pdf)
    finally:
        pdf.close()


def ocr_floor_time(items: list[Item], dpi: int = 200) -> dict[str, Any]:
    """Our whole pipeline and the bare OCR engine (render with pypdfium2 + recognise, nothing else) on the
    same scan pages, document by document in one process, alternating which goes first, so that a shared
    machine's load falls on both alike. Both warmed before the clock."""
    from extractor.ocr import get_engine

    _warm_up(True)
    engine = get_engine("rapidocr")
    ours = bare = 0.0
    pages = 0
    for i, it in enumerate(items):
        for which in (("ours", "bare") if i % 2 == 0 else ("bare", "ours")):
            t = time.perf_counter()
            if which == "ours":
                _extract_one(it.doc)
                ours += time.perf_counter() - t
            else:
                pages += _render_and_recognise(engine, it.doc, dpi)
                bare += time.perf_counter() - t
    return {"docs": len(items), "pages": pages, "ours": ours, "bare": bare}


def _worker(spec_path: Path, result_path: Path) -> None:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    items = [Item(d["form"], d["stem"], Path(d["doc"]), Path(d["gold"]), d.get("group", "")) for d in spec["items"]]
    kind = spec["kind"]
    if kind == "extract":
        out = run_form(items, warm_ocr=spec.get("warm_ocr", False), repeats=spec.get("repeats", REPEATS))
    elif kind == "floor":
        out = bare_text_time(items, spec.get("repeats", REPEATS))
    elif kind == "ocr_floor":
        out = ocr_floor_time(items)
    else:
        out = run_baseline(items, kind)
    result_path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


def in_subprocess(kind: str, items: list[Item], *, env: dict[str, str] | None = None,
                  timeout: float = SUBPROCESS_TIMEOUT_S, **params: Any) -> dict[str, Any]:
    """Run one job in a fresh interpreter. Returns its result, or ``{"run_error": why}``."""
    with tempfile.TemporaryDirectory() as tmp:
        spec, dst = Path(tmp) / "spec.json", Path(tmp) / "result.json"
        spec.write_text(json.dumps({"kind": kind, **params, "items": [
            {"form": it.form, "stem": it.stem, "doc": str(it.doc), "gold": str(it.gold), "group": it.group}
            for it in items]}))
        try:
            p = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(spec), str(dst)],
                               capture_output=True, timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})})
        except subprocess.TimeoutExpired:
            return {"run_error": f"timed out after {timeout:.0f} s"}
        if p.returncode != 0 or not dst.exists():
            tail = p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            sys.stderr.write(p.stderr.decode("utf-8", "replace")[-2000:])
            return {"run_error": f"exit {p.returncode}: {tail[0][:200]}"}
        return json.loads(dst.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- aggregate (pure)


def status_label(d: dict[str, Any]) -> str:
    return f"failed ({d['error']})" if d.get("error") else d["status"]


def _identities(scored: list[dict[str, Any]]) -> dict[str, Any]:
    incons = [d for d in scored if d["inconsistent"]]
    consistent = [d for d in scored if not d["inconsistent"]]
    narrative: Counter[str] = Counter()
    for d in scored:
        narrative.update(d.get("narrative") or {})
    return {"failed_checks": sum(len(d["failed_identities"]) for d in scored),
            "docs_with_failed": sum(bool(d["failed_identities"]) for d in scored),
            "incons_docs": len(incons),
            "incons_found": sum(len(set(d["inconsistent"]) & set(d["failed_identities"])) for d in incons),
            "incons_total": sum(len(set(d["inconsistent"])) for d in incons),
            "false_alarms": sum(len(d["failed_identities"]) for d in consistent),
            "false_alarm_docs": sum(bool(d["failed_identities"]) for d in consistent),
            "consistent_docs": len(consistent), "narrative": dict(narrative)}


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def aggregate(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """A form's numbers from its documents' results. Documents not read (``needs_ocr``) are counted apart and
    left out of every accuracy; a failed document counts, as zero."""
    scored = [d for d in docs if d["status"] != NOT_READ]
    right, total = sum(d["right"] for d in scored), sum(d["total"] for d in scored)
    sections: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for d in scored:
        for sec, (r, t) in d["by_section"].items():
            sections[(str(d["template"]), sec)][0] += r
            sections[(str(d["template"]), sec)][1] += t
    flagged = sum(d["flagged"] for d in scored)
    flagged_right = sum(d["flagged_right"] for d in scored)
    unflagged, unflagged_right = sum(d["unflagged"] for d in scored), sum(d["unflagged_right"] for d in scored)
    wrong = total - right
    return {"docs": len(docs), "scored": len(scored), "not_read": len(docs) - len(scored),
            "read": sum(d["status"] in ("ok", "partial") for d in docs),
            "right": right, "total": total, "accuracy": _ratio(right, total),
            "exact": sum(d["right"] == d["total"] for d in scored),
            "sections": {k: (v[0], v[1]) for k, v in sections.items()},
            "flagged_share": _ratio(flagged, total),
            "clean_flagged_share": _ratio(sum(d.get("clean_flagged", 0) for d in scored),
                                          sum(d.get("clean", 0) for d in scored)),
            "unflagged_accuracy": _ratio(unflagged_right, unflagged),
            "flagged_accuracy": _ratio(flagged_right, flagged),
            # of the wrong cells a user would get, how many carry the review flag (wrong-template cells: none)
            "wrong_flagged": _ratio(flagged - flagged_right, wrong), "wrong": wrong,
            "fixed_share": _ratio(sum(d["fixed"] for d in scored), total),
            "statuses": dict(sorted(Counter(status_label(d) for d in docs).items())),
            "pages": sum(d["pages"] for d in docs if d["pages"]) or None,
            "undecidable": sum(d.get("undecidable", 0) for d in scored),
            "undecidable_right": sum(d.get("undecidable_right", 0) for d in scored),
            "median_doc_s": statistics.median([d["seconds"] for d in docs]) if docs else None,
            **_identities(scored)}


def reliability_points(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per confidence bucket (``RELIABILITY_BUCKETS``) with cells: the bucket, its cells, their mean confidence
    and the share of them that are right — the points of a reliability diagram."""
    buckets: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # right, cells, sum of confidence
    for d in docs:
        for conf, ok in d["conf"]:
            b = next(name for lo, name in RELIABILITY_BUCKETS if conf >= lo)
            buckets[b][0] += ok
            buckets[b][1] += 1
            buckets[b][2] += conf
    return [{"bucket": name, "cells": int(buckets[name][1]), "mean_confidence": buckets[name][2] / buckets[name][1],
             "accuracy": buckets[name][0] / buckets[name][1]}
            for _, name in RELIABILITY_BUCKETS if buckets[name][1]]


def reliability(docs: list[dict[str, Any]]) -> list[tuple[str, int, float]]:
    """Confidence buckets against observed accuracy: (bucket, cells, accuracy)."""
    return [(p["bucket"], p["cells"], p["accuracy"]) for p in reliability_points(docs)]


def _read_docs(r: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in r.get("docs", []) if d["status"] in ("ok", "partial")]


# ---------------------------------------------------------------- render (pure)


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def machine() -> str:
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), platform.processor() or "unknown CPU")
    except OSError:
        cpu = platform.processor() or "unknown CPU"
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = ""
    try:
        kb = int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")))
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"nproc {nproc} ({cpu}){mem}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def accuracy_cell(a: dict[str, Any]) -> str:
    if not a["scored"]:
        return f"**not read yet** ({NOT_READ})"
    s = f"{pct(a['accuracy'])} ({a['right']}/{a['total']})"
    return s + (f"; {a['not_read']} not read yet ({NOT_READ})" if a["not_read"] else "")


def _header(meta: dict[str, str]) -> list[str]:
    return ["# Benchmark results", "",
            f"- **run**: started {meta['when']}, total {meta['total']}",
            f"- **commit**: `{meta['commit']}`",
            f"- **command**: `{meta['command']}`",
            f"- **machine**: {meta['machine']}; load average {meta['load']} (the machine is shared: timings are "
            "medians of repeated passes where a form takes under "
            f"{REPEAT_BELOW_S:.0f} s)", "",
            "Written by `benchmarks/run.py` (`make bench`; `make bench-quick` for a subset) — do not edit by hand, "
            f"except in sections whose heading says *{HAND_MARK}* (kept at the end when the file is rewritten). "
            "Scoring: `benchmarks/score.py` (a cell is right when its value equals gold, blank = null; a wrong "
            "template scores 0 on every cell). Documents the extractor cannot read yet are shown as such and "
            "left out of accuracies; documents that fail count as zero.", ""]


def _form_row(name: str, a: dict[str, Any]) -> str:
    st = ", ".join(f"{k} {v}" for k, v in a["statuses"].items())
    exact = f"{a['exact']}/{a['scored']}" if a["scored"] else "—"
    return (f"| {name} | {a['docs']} | {st} | {accuracy_cell(a)} | {exact} | {pct(a['flagged_share'])} | "
            f"{pct(a['clean_flagged_share'])} | {pct(a['unflagged_accuracy'])} | {pct(a['wrong_flagged'])} | {pct(a['fixed_share'])} |")


def _form_rows(res: dict[str, Any]) -> list[str]:
    out = ["## Accuracy by format", "",
           "| format | docs | status | cell accuracy | docs fully right | cells flagged `review` | flagged "
           "without cause | accuracy of unflagged cells | wrong cells that are flagged | inferred or repaired |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for form, r in res["forms"].items():
        if "run_error" in r:
            out.append(f"| {form} | {len(r.get('items', []))} | **run failed**: {r['run_error']} | — | — | — | — | — | — | — |")
        else:
            out.append(_form_row(form, r["agg"]))
    for group, forms in (res.get("groups") or {}).items():
        docs = [d for f in forms for d in res["forms"].get(f, {}).get("docs", [])]
        if docs:
            out.append(_form_row(f"**{group}** (all: {' + '.join(forms)})", aggregate(docs)))
    out.append("")
    for form, r in res["forms"].items():
        a = r.get("agg")
        if a and a["undecidable"]:
            rest = _ratio(a["right"] - a["undecidable_right"], a["total"] - a["undecidable"])
            out.append(f"{form}: {a['undecidable']} cells lie in active-table rows whose glued digits split "
                       f"several ways that no identity decides (gold `glued_ambiguous_rows`); "
                       f"{a['undecidable_right']} of them are right; accuracy on the other cells {pct(rest)}.")
            out.append("")
    return out + ["*cells flagged*: share of gold cells the report marks `review`; *flagged without cause*: the "
                  "same share over documents whose gold is consistent, leaving out rows no identity can decide "
                  "(the flags a reader would not expect); *accuracy of unflagged "
                  "cells*: what a user who trusts unflagged cells gets; *wrong cells that are flagged*: of the "
                  "cells that are wrong, the share marked `review`; *inferred or repaired*: cells filled by the "
                  "mixed-form rule or (scans) repaired/inferred from identities.", ""]


def real_docs(res: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-document results of the real corpus (its split forms, or the form ``real``)."""
    forms = (res.get("groups") or {}).get("real") or [f for f in res["forms"] if f == "real"]
    return [d for f in forms for d in res["forms"].get(f, {}).get("docs", [])]


def _real_rows(res: dict[str, Any]) -> list[str]:
    docs = real_docs(res)
    if not docs:
        return []
    out = ["## Real documents by source and input kind", "",
           "The real corpus's documents (corpora/real) by where they come from (gold `origin`) and what kind of "
           "input they are (gold `input_kind`; without it, the file type).", "",
           "| documents | docs | cell accuracy | docs fully right | cells flagged `review` | accuracy of unflagged cells |",
           "|---|---|---|---|---|---|"]
    for field, label in (("origin", "origin"), ("input_kind", "kind")):
        for value in sorted({d.get(field) or "unknown" for d in docs}):
            a = aggregate([d for d in docs if (d.get(field) or "unknown") == value])
            exact = f"{a['exact']}/{a['scored']}" if a["scored"] else "—"
            out.append(f"| real · {label}={value} | {a['docs']} | {accuracy_cell(a)} | {exact} | "
                       f"{pct(a['flagged_share'])} | {pct(a['unflagged_accuracy'])} |")
    return out + [""]


def _section_rows(res: dict[str, Any]) -> list[str]:
    secs = sorted({s for r in res["forms"].values() if "agg" in r for (_, s) in r["agg"]["sections"]})
    out = ["## Accuracy by format × template × section", "",
           "| format | template | " + " | ".join(secs) + " | all |", "|---|---|" + "---|" * (len(secs) + 1)]
    for form, r in res["forms"].items():
        if "agg" not in r:
            continue
        a = r["agg"]
        if not a["scored"]:
            out.append(f"| {form} | — | " + " | ".join(["not read yet"] * (len(secs) + 1)) + " |")
            continue
        for tmpl in sorted({t for (t, _) in a["sections"]}):
            cells = [a["sections"].get((tmpl, s)) for s in secs]
            r_all, t_all = sum(c[0] for c in cells if c), sum(c[1] for c in cells if c)
            out.append(f"| {form} | {tmpl} | " + " | ".join(
                f"{pct(c[0] / c[1])} ({c[0]}/{c[1]})" if c and c[1] else "—" for c in cells)
                + f" | {pct(_ratio(r_all, t_all))} |")
    return out + [""]


def _identity_rows(res: dict[str, Any]) -> list[str]:
    out = ["## Identity failures found", "",
           "Failed identity checks (勾稽关系) reported; for documents whose gold lists deliberate inconsistencies "
           "(`inconsistent`), how many of those broken identities the extractor reported as failed (recall of "
           "real inconsistencies); and failed checks on documents whose gold is consistent (false alarms). "
           "Narrative checks compare numbers stated in the prose with the table.", "",
           "| format | docs read | failed identity checks (docs) | real inconsistencies reported / present "
           "| false alarms: failed checks on consistent docs (docs) | narrative checks pass / fail / unconfirmed |",
           "|---|---|---|---|---|---|"]
    for form, r in res["forms"].items():
        if "agg" not in r:
            continue
        a = r["agg"]
        if not a["scored"]:
            out.append(f"| {form} | 0 | not read yet | — | — | — |")
            continue
        n = a["narrative"]
        recall = f"{a['incons_found']}/{a['incons_total']} ({a['incons_docs']} docs)" if a["incons_total"] else "— (none in gold)"
        out.append(f"| {form} | {a['scored']} | {a['failed_checks']} ({a['docs_with_failed']}) | {recall} | "
                   f"{a['false_alarms']} ({a['false_alarm_docs']}/{a['consistent_docs']}) | "
                   f"{n.get('pass', 0)} / {n.get('fail', 0)} / {n.get('unconfirmed', 0)} |")
    return out + [""]


def _speed_rows(res: dict[str, Any]) -> list[str]:
    out = ["## Speed and memory", "",
           "One subprocess per format, readers and models loaded before the clock; peak RSS of that subprocess "
           "(`ru_maxrss`, including the warm-up).", "",
           "| format | docs | pages | seconds | docs/s | pages/s | median s/doc | peak RSS (MB) |",
           "|---|---|---|---|---|---|---|---|"]
    for form, r in res["forms"].items():
        if "agg" not in r:
            continue
        a, secs = r["agg"], r["seconds"]
        runs = r.get("seconds_runs") or [secs]
        note = f" (median of {len(runs)})" if len(runs) > 1 else ""
        if not a["scored"]:
            out.append(f"| {form} | {a['docs']} | {a['pages'] or '—'} | not read yet ({NOT_READ}) | — | — | — | "
                       f"{r['peak_rss_mb']:.0f} |")
            continue
        pages = f"{a['pages']}" if a["pages"] else "—"
        pps = f"{a['pages'] / secs:.2f}" if a["pages"] else "—"
        out.append(f"| {form} | {a['docs']} | {pages} | {secs:.2f}{note} | {a['docs'] / secs:.2f} | {pps} | "
                   f"{a['median_doc_s']:.3f} | {r['peak_rss_mb']:.0f} |")
    return out + ["", "Pages: PDF and scan pages (text, HTML and DOCX have none).", ""]


def _baseline_rows(res: dict[str, Any]) -> list[str]:
    if not res["baselines"]:
        return []
    out = ["## Baselines on the same PDFs", "",
           "Each tool's tables become grid rows and go through the same label matching, validation and scorer "
           "as ours (`build_report`); the text lines are only used for the title and template detection. Cell "
           "accuracy (docs fully right); *gain* = ours minus the best baseline, in percentage points.", "",
           "| format | docs | ours | " + " | ".join(TOOL_NAMES[t] for t in TOOLS) + " | gain over best baseline |",
           "|---|---|---|" + "---|" * (len(TOOLS) + 1)]
    for form, b in res["baselines"].items():
        ours = b["ours"]["agg"]

        def cell(a: dict[str, Any]) -> str:
            return f"{pct(a['accuracy'])} ({a['exact']}/{a['scored']})" if a["scored"] else accuracy_cell(a)

        accs = [b[t]["agg"]["accuracy"] for t in TOOLS if "agg" in b.get(t, {})]
        gain = (f"{100 * (ours['accuracy'] - max(accs)):+.2f} pp"
                if accs and ours["accuracy"] is not None and all(x is not None for x in accs) else "—")
        tools = [cell(b[t]["agg"]) if "agg" in b.get(t, {}) else
                 ((b[t]["run_error"] if b[t]["run_error"].startswith("not installed") else f"failed: {b[t]['run_error']}")
                  if t in b else "not run (--quick)") for t in TOOLS]
        out.append(f"| {form} | {ours['docs']} | {cell(ours)} | " + " | ".join(tools) + f" | {gain} |")
    out += ["", "Time per page on the same PDFs. The floor is bare pdfplumber `extract_text()` (no tables, no "
            "matching); *ours / floor* is what our whole pipeline costs over reading the text.", "",
            "| format | pages | ours s/page | floor s/page | ours / floor | " + " | ".join(
                f"{TOOL_NAMES[t]} s/page" for t in TOOLS) + " |", "|---|---|---|---|---|" + "---|" * len(TOOLS)]
    for form, b in res["baselines"].items():
        f = b.get("floor") or {}
        if not f.get("pages"):
            continue
        ours, floor = b["ours"]["seconds"] / f["pages"], f["seconds"] / f["pages"]
        tools = [f"{b[t]['seconds'] / f['pages']:.3f}" if "seconds" in b.get(t, {}) else "—" for t in TOOLS]
        out.append(f"| {form} | {f['pages']} | {ours:.3f} | {floor:.3f} | {ours / floor:.2f}× | " + " | ".join(tools) + " |")
    return out + [""]


def _ocr_floor_rows(res: dict[str, Any]) -> list[str]:
    if not res.get("ocr_floor"):
        return []
    out = ["Our scan pipeline against the bare OCR engine (render at 200 dpi + recognise, nothing else) on the "
           "same pages, timed document by document in one process, alternating which runs first:", "", "| format | docs | pages | ours s/page | bare OCR s/page | ours / bare |",
           "|---|---|---|---|---|---|"]
    for form, f in res["ocr_floor"].items():
        ours, bare = f["ours"] / f["pages"], f["bare"] / f["pages"]
        out.append(f"| {form} | {f['docs']} | {f['pages']} | {ours:.2f} | {bare:.2f} | {ours / bare:.2f}× |")
    return out + [""]


def _list_all_forms(res: dict[str, Any]) -> set[str]:
    """Forms whose every document not fully right is listed: the real and converted corpora's."""
    grouped = res.get("groups") or {}
    return {f for g in LIST_ALL_WRONG for f in grouped.get(g, [])} | {f for f in res["forms"] if f in LIST_ALL_WRONG}


def _wrong_rows(res: dict[str, Any], per_form: int = 6) -> list[str]:
    out = ["## Documents not fully right", "",
           f"Up to {per_form} documents per bench format, every one of the real and converted corpora, with the "
           "first wrong cells: `key: gold → extracted` (⚑ = flagged `review`; the cell's source when not simply "
           "read). Worst first in the real and converted forms.", ""]
    any_wrong = False
    list_all = _list_all_forms(res)
    for form, r in res["forms"].items():
        bad = [d for d in r.get("docs", []) if d["status"] != NOT_READ and d["right"] < d["total"]]
        if not bad:
            continue
        any_wrong = True
        out.append(f"- **{form}** ({len(bad)} of {len(r['docs'])} documents)")
        if form in list_all:
            bad = sorted(bad, key=lambda d: (d["right"] / d["total"] if d["total"] else 0.0, d["stem"]))
        for d in bad if form in list_all else bad[:per_form]:
            why = f" failed ({d['error']})" if d["error"] else ""
            if not d["error"] and d["pred_template"] != d["template"]:
                why = f" template {d['pred_template']} instead of {d['template']}"
            ws = "; ".join(f"`{k}`: {g} → {v}{' ⚑' if fl else ''}{'' if src in ('read', None) else f' ({src})'}"
                           for k, g, v, fl, src in d["wrong"][:5])
            out.append(f"  - `{d['stem']}` {d['right']}/{d['total']}{why}" + (f": {ws}" if ws else ""))
    return out + [""] if any_wrong else out + ["Every document read is fully right.", ""]


def _unflattened_rows(res: dict[str, Any]) -> list[str]:
    if not res.get("unflattened"):
        return []
    out = ["Photographed pages read as they are (`EXTRACTOR_RECTIFY=0`) against flattened first (the default: "
           "the sheet's outline found and warped to a rectangle before OCR, `extractor.pageimage.rectify`):", "",
           "| format | docs | flattened: cell accuracy | as photographed: cell accuracy | flattened s | as photographed s |",
           "|---|---|---|---|---|---|"]
    for form, u in res["unflattened"].items():
        ours = res["forms"][form]["agg"]
        out.append(f"| {form} | {ours['docs']} | {accuracy_cell(ours)} | {accuracy_cell(u['agg'])} | "
                   f"{u['ours_seconds']:.1f} | {u['seconds']:.1f} |")
    return out + [""]


def render(res: dict[str, Any], meta: dict[str, str]) -> str:
    out = _header(meta) + _form_rows(res) + _real_rows(res) + _section_rows(res) + _identity_rows(res) + _speed_rows(res)
    out += _ocr_floor_rows(res) + _unflattened_rows(res) + _baseline_rows(res)
    if res.get("reliability"):
        out += _calibration_rows(res, meta)
    out += _wrong_rows(res)
    if meta.get("plot"):
        out += ["## Plot", "", f"![accuracy by format and damage level]({meta['plot']})", ""]
    return "\n".join(out)


def _calibration_rows(res: dict[str, Any], meta: dict[str, str]) -> list[str]:
    from extractor.validate import REVIEW_CONFIDENCE

    out = ["## Calibration", "",
           f"A cell is flagged `review` when it takes part in a failed check, or when its confidence is below "
           f"`REVIEW_CONFIDENCE` = {REVIEW_CONFIDENCE} (extractor/validate) and it was read, not left blank or "
           "inferred. Confidence of every scored cell, all formats read, against observed accuracy:", "",
           "| confidence | cells | accuracy |", "|---|---|---|"]
    out += [f"| {b} | {n} | {pct(acc)} |" for b, n, acc in res["reliability"]] + [""]
    per_form = {f: pts for f, pts in (res.get("reliability_points") or {}).items() if f != "all"}
    if per_form:
        names = [name for _, name in RELIABILITY_BUCKETS]
        out += ["By format (accuracy, cells):", "", "| format | " + " | ".join(names) + " |",
                "|---|" + "---|" * len(names)]
        for f, pts in per_form.items():
            by = {p["bucket"]: p for p in pts}
            out.append(f"| {f} | " + " | ".join(f"{pct(by[n]['accuracy'])} ({by[n]['cells']})" if n in by else "—"
                                                for n in names) + " |")
        out.append("")
    if meta.get("reliability_plot"):
        out += [f"![reliability: confidence bucket against observed accuracy]({meta['reliability_plot']})", ""]
    return out


def kept_sections(previous: str) -> str:
    """The sections of an earlier results file that were added by hand (a ``## `` heading containing
    ``HAND_MARK``), to be carried over to the end of the new file."""
    out: list[str] = []
    keep = False
    for ln in previous.splitlines():
        if ln.startswith("## "):
            keep = HAND_MARK in ln
        if keep:
            out.append(ln)
    return "\n".join(out).strip() + "\n" if out else ""


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


# ---------------------------------------------------------------- main


def _damage_kinds(items: list[Item]) -> set[str]:
    """What the form's first gold file says was done to it (``damage.scan``, ``damage.photo``)."""
    for it in items[:1]:
        damage = json.loads(it.gold.read_text(encoding="utf-8")).get("damage")
        return set(damage) if isinstance(damage, dict) else set()
    return set()


def is_scan_form(form: str, items: list[Item]) -> bool:
    """Scans: image-only documents (gold ``damage.scan`` or ``damage.photo``, or the form's name says so)."""
    return "scan" in form or form == "photo" or bool({"scan", "photo"} & _damage_kinds(items))


def is_photo_form(form: str, items: list[Item]) -> bool:
    """Photographed pages (gold ``damage.photo``): also read with the sheet left unflattened, to measure it."""
    return form == "photo" or "photo" in _damage_kinds(items)


def run_all(forms: dict[str, list[Item]], quick: bool, no_ocr: bool) -> dict[str, Any]:
    env = {"EXTRACTOR_OCR": "0"} if no_ocr else {}
    res: dict[str, Any] = {"forms": {}, "baselines": {}, "ocr_floor": {}, "unflattened": {}}
    for form, items in forms.items():
        t = time.perf_counter()
        scans = is_scan_form(form, items)
        r = in_subprocess("extract", items, env=env, warm_ocr=scans and not no_ocr)
        if "run_error" in r:
            res["forms"][form] = {"run_error": r["run_error"], "items": [it.stem for it in items]}
            continue
        r["agg"] = aggregate(r["docs"])
        res["forms"][form] = r
        print(f"{form}: {len(items)} docs, {pct(r['agg']['accuracy'])}, {time.perf_counter() - t:.0f} s", file=sys.stderr)
        if scans and r["agg"]["read"] and not quick:
            floor = in_subprocess("ocr_floor", items[:OCR_FLOOR_DOCS])
            if "run_error" not in floor:
                res["ocr_floor"][form] = floor
        if is_photo_form(form, items) and r["agg"]["read"] and not quick:
            unflat = in_subprocess("extract", items, env={**env, "EXTRACTOR_RECTIFY": "0"}, warm_ocr=True, repeats=1)
            if "run_error" not in unflat:
                res["unflattened"][form] = {"agg": aggregate(unflat["docs"]), "seconds": unflat["seconds"],
                                            "ours_seconds": r["seconds"]}
        pdfs = [it for it in items if it.doc.suffix.lower() == ".pdf"]
        if pdfs and not scans:
            b = run_baselines(pdfs, quick)
            mine = [d for d in r["docs"] if d["stem"] in {it.stem for it in pdfs}]
            b["ours"] = {"agg": aggregate(mine), "seconds": sum(d["seconds"] for d in mine)}
            res["baselines"][form] = b
    res["groups"] = groups(forms)
    res["reliability"] = reliability([d for r in res["forms"].values() for d in _read_docs(r)])
    res["reliability_points"] = {"all": reliability_points([d for r in res["forms"].values() for d in _read_docs(r)]),
                                 **{f: reliability_points(_read_docs(r)) for f, r in res["forms"].items()
                                    if _read_docs(r)}}
    return res


def run_baselines(pdfs: list[Item], quick: bool) -> dict[str, Any]:
    b: dict[str, Any] = {}
    for tool in TOOLS:
        if quick and tool.startswith("camelot"):
            continue
        t = time.perf_counter()
        missing = TOOL_MODULES.get(tool)
        if missing and importlib.util.find_spec(missing[0]) is None:  # a missing tool is not a tool scoring 0
            b[tool] = {"run_error": f"not installed ({missing[1]}; `make bench` installs it)"}
            print(f"  {tool}: {b[tool]['run_error']}", file=sys.stderr)
            continue
        br = in_subprocess(tool, pdfs)
        if "run_error" not in br:
            br["agg"] = aggregate(br["docs"])
        b[tool] = br
        print(f"  {tool}: {pct(br.get('agg', {}).get('accuracy'))}, {time.perf_counter() - t:.0f} s", file=sys.stderr)
    floor = in_subprocess("floor", pdfs)
    if "run_error" not in floor:
        b["floor"] = floor
    return b


def git_commit() -> str:
    """The commit the run starts from (``git rev-parse --short HEAD``), marked when the tree differs."""
    def git(*a: str) -> str:
        try:
            p = subprocess.run(["git", *a], capture_output=True, cwd=ROOT, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return p.stdout.decode().strip() if p.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    return commit


def run_meta(argv: list[str], t0: float, start: dict[str, str]) -> dict[str, str]:
    load1 = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"when": start["when"], "commit": start["commit"],
            "command": shlex.join(["python", "benchmarks/run.py", *argv]),
            "total": f"{time.perf_counter() - t0:.0f} s", "machine": machine(),
            "load": f"{start['load']} (1/5/15 min) at start, {load1} at end"}


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

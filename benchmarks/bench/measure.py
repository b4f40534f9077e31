"""Inside a worker subprocess: our extractor on a form's documents (scored, then timed in the steady state,
median of repeated passes when quick), and the floors our time is compared with — bare pdfplumber
``extract_text()`` on the PDFs, the bare OCR engine on the scans."""

from __future__ import annotations

import json
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from benchmarks.bench import ROOT
from benchmarks.bench.accuracy import doc_result
from benchmarks.bench.corpus import Item, file_kind

REPEATS = 3  # timing passes for forms faster than REPEAT_BELOW_S (median reported)
REPEAT_BELOW_S = 15.0


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

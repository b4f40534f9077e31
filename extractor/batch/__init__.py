"""Many documents: one result per input, never an exception for one bad document.

``Extractor.iter(paths)`` yields a :class:`BatchRecord` per input (ok, partial, needs_ocr or failed with a
stable error code). ``run_batch`` writes ``reports.jsonl`` (one line per input, appended as each finishes),
``cells.csv`` (long form) and ``summary.json`` to an output folder.
"""

from __future__ import annotations

import csv
import json
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ..datamodel import ErrorInfo, Report
from ..errors import ExtractorError
from ..options import Options
from ..pipeline import extract

SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class BatchRecord(BaseModel):
    path: str
    status: str  # ok | partial | needs_ocr | failed
    error: ErrorInfo | None = None
    seconds: float = 0.0
    report: Report | None = None
    traceback: str | None = Field(None, description="only for unexpected (non-Extractor) errors")


class Extractor:
    """Extract many documents with one set of options."""

    def __init__(self, options: Options | dict[str, Any] | None = None) -> None:
        self.options = Options.coerce(options)

    def one(self, path: str | os.PathLike[str], name: str | None = None) -> BatchRecord:
        t0 = time.perf_counter()
        shown = name or str(path)
        try:
            rep = extract(Path(path), self.options)
            return BatchRecord(path=shown, status=rep.status, report=rep, seconds=time.perf_counter() - t0)
        except ExtractorError as e:  # expected, classified failure
            return BatchRecord(path=shown, status="failed", seconds=time.perf_counter() - t0,
                               error=ErrorInfo(code=e.code, message=e.message, stage=e.stage))
        except Exception as e:  # the isolation boundary: record class, message and traceback
            return BatchRecord(path=shown, status="failed", seconds=time.perf_counter() - t0,
                               error=ErrorInfo(code="internal", message=f"{type(e).__name__}: {e}"),
                               traceback=traceback.format_exc())

    def iter(self, paths: Iterable[str | os.PathLike[str]], root: Path | None = None) -> Iterator[BatchRecord]:
        for p in paths:
            shown = os.path.relpath(p, root) if root else str(p)
            yield self.one(p, shown)


def list_inputs(source: Path) -> list[Path]:
    """Every regular file under a folder (sorted), or the file itself."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise FileNotFoundError(f"no such file or folder: {source}")
    return sorted(p for p in source.rglob("*") if p.is_file() and p.name not in SKIP_NAMES
                  and not any(part.startswith(".") for part in p.relative_to(source).parts))


CSV_FIELDS = ["document", "key", "value", "unit", "confidence", "source", "review", "raw"]


def _csv_rows(rec: BatchRecord) -> Iterator[dict[str, Any]]:
    if rec.report is None:
        return
    for key, c in rec.report.cells.items():
        yield {"document": rec.path, "key": key, "value": "" if c.value is None else c.value,
               "unit": rec.report.units.get(key, ""), "confidence": round(c.confidence, 3), "source": c.source,
               "review": int(c.review), "raw": c.raw or ""}


def run_batch(source: Path, out: Path, options: Options | dict[str, Any] | None = None,
              progress: Callable[[int, int, BatchRecord], None] | None = None) -> dict[str, Any]:
    """Extract every file under ``source`` into ``out``; returns the summary (also written as summary.json)."""
    out.mkdir(parents=True, exist_ok=True)
    inputs = list_inputs(source)
    root = source if source.is_dir() else source.parent
    ex = Extractor(options)
    statuses: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    failed_checks = review_cells = 0
    t0 = time.perf_counter()
    tmp_jsonl, tmp_csv = out / "reports.jsonl.part", out / "cells.csv.part"
    with open(tmp_jsonl, "w", encoding="utf-8") as fj, open(tmp_csv, "w", encoding="utf-8", newline="") as fc:
        w = csv.DictWriter(fc, fieldnames=CSV_FIELDS)
        w.writeheader()
        for i, rec in enumerate(ex.iter(inputs, root), 1):
            fj.write(rec.model_dump_json(exclude_none=False) + "\n")
            fj.flush()
            w.writerows(_csv_rows(rec))
            statuses[rec.status] += 1
            if rec.error:
                codes[rec.error.code] += 1
            if rec.report:
                failed_checks += len(rec.report.failed_checks)
                review_cells += sum(1 for c in rec.report.cells.values() if c.review)
            if progress:
                progress(i, len(inputs), rec)
    os.replace(tmp_jsonl, out / "reports.jsonl")
    os.replace(tmp_csv, out / "cells.csv")
    secs = time.perf_counter() - t0
    summary = {"documents": len(inputs), "by_status": dict(statuses), "by_error_code": dict(codes),
               "failed_identities": failed_checks, "cells_to_review": review_cells,
               "seconds": round(secs, 3), "docs_per_s": round(len(inputs) / secs, 2) if secs else None}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return summary

"""One record per input: :class:`BatchRecord`, and :class:`Extractor` which makes them in this process.

Statuses: ``ok``, ``partial`` (cells missing), ``needs_ocr`` (no text layer and OCR off) and ``failed``
with an error code. Codes are those of ``extractor.errors`` plus the batch-only ones:

- ``not_a_report``: the document was read but holds no standard statistics table (the report, with
  ``template: null`` and its warnings, is kept in the record);
- ``tables_not_found``: the document looks like an annual report (title, section headings or row labels)
  but no statistics table was recovered;
- ``timeout``: no result within ``Limits.timeout_s`` (the worker was killed and replaced);
- ``memory``: the worker ran out of its ``Limits.max_memory_mb``;
- ``crashed``: the worker process died on the document (segfault, ``os._exit``, killed from outside);
- ``internal``: an unexpected exception (a bug), with its traceback.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ..datamodel import ErrorInfo, Report
from ..errors import ErrorCode, ExtractorError
from ..options import Options
from ..pipeline import extract


class BatchRecord(BaseModel):
    path: str
    sha256: str | None = Field(None, description="content hash of the input (the resume key)")
    status: str  # ok | partial | needs_ocr | failed
    error: ErrorInfo | None = None
    seconds: float = 0.0
    same_as: str | None = Field(None, description="identical content: the record was copied from this path")
    report: Report | None = None
    traceback: str | None = Field(None, description="only for unexpected (non-Extractor) errors")


@dataclass
class Outcome:
    """A finished record as the supervisor handles it: the JSON line, never parsed again on the way to
    the journal, and the few fields the run needs."""

    json: str
    path: str
    status: str
    sha256: str | None = None
    code: ErrorCode | None = None

    @classmethod
    def of(cls, rec: BatchRecord) -> Outcome:
        return cls(rec.model_dump_json(), rec.path, rec.status, rec.sha256, rec.error.code if rec.error else None)

    def brief(self) -> BatchRecord:
        """The record without its report (for progress callbacks)."""
        err = ErrorInfo(code=self.code, message="") if self.code else None
        return BatchRecord(path=self.path, sha256=self.sha256, status=self.status, error=err)


def failed(path: str, code: ErrorCode, message: str, *, sha256: str | None = None, seconds: float = 0.0,
           stage: str | None = None) -> BatchRecord:
    return BatchRecord(path=path, sha256=sha256, status="failed", seconds=round(seconds, 4),
                       error=ErrorInfo(code=code, message=message, stage=stage))


def _memory_error(e: BaseException) -> bool:
    """A MemoryError anywhere in the chain (readers wrap parse failures in CorruptDocumentError)."""
    seen: set[int] = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, MemoryError):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


class Extractor:
    """Extract many documents with one set of options, in this process (no isolation: a hang or a crash
    here is the caller's; ``run_batch`` runs each document in a supervised worker process)."""

    def __init__(self, options: Options | dict[str, Any] | None = None) -> None:
        self.options = Options.coerce(options)

    def one(self, path: str | os.PathLike[str], name: str | None = None, sha256: str | None = None) -> BatchRecord:
        t0 = time.perf_counter()
        shown = name or str(path)
        opts = self.options
        if name and opts.name is None:  # the report names the input, not a temporary file it was copied to
            opts = opts.model_copy(update={"name": Path(name).name})

        def secs() -> float:
            return round(time.perf_counter() - t0, 4)

        try:
            rep = extract(Path(path), opts)
        except MemoryError:
            return failed(shown, "memory", f"out of memory (limit max_memory_mb={opts.limits.max_memory_mb})",
                          sha256=sha256, seconds=secs())
        except ExtractorError as e:  # expected, classified failure
            if _memory_error(e):
                return failed(shown, "memory", f"out of memory while reading: {e.message}", sha256=sha256,
                              seconds=secs(), stage=e.stage)
            return failed(shown, e.code, e.message, sha256=sha256, seconds=secs(), stage=e.stage)
        except Exception as e:  # the isolation boundary: record class, message and traceback
            code: ErrorCode = "memory" if _memory_error(e) else "internal"
            rec = failed(shown, code, f"{type(e).__name__}: {e}", sha256=sha256, seconds=secs())
            rec.traceback = traceback.format_exc()
            return rec
        sha256 = sha256 or rep.sha256
        if rep.status != "needs_ocr" and rep.template is None:
            if rep.status == "partial":  # it looks like an annual report, but its tables were not recovered
                rec = failed(shown, "tables_not_found", "the document looks like an annual report but no "
                             "statistics table was recovered", sha256=sha256, seconds=secs(), stage="tables")
            else:
                rec = failed(shown, "not_a_report", "no standard statistics table found (template null)",
                             sha256=sha256, seconds=secs(), stage="tables")
            rec.report = rep
            return rec
        return BatchRecord(path=shown, sha256=sha256, status=rep.status, report=rep, seconds=secs())

    def iter(self, paths: Iterable[str | os.PathLike[str]], root: Path | None = None) -> Iterator[BatchRecord]:
        for p in paths:
            shown = os.path.relpath(p, root) if root else str(p)
            yield self.one(p, shown)

"""The service's worker processes: each request's extraction or review page is one job of an
``isolation.Pool`` (driven by ``isolation.Background``); a worker that overruns is killed and replaced,
each job writes in a temporary folder of its own. Here: the jobs, and ``Workers``, the pool as the
service holds it."""

from __future__ import annotations

import concurrent.futures as cf
import threading
from typing import Any

from ..errors import ExtractorError
from ..isolation import Background, Pool, Result, Retire

# ------------------------------------------------------------------------------------------ the jobs
# Each runs in a worker process (its TMPDIR the job's own folder) and returns the answer as a dict: the
# result, or ``{"error": {...}}``. After running out of memory the worker is replaced (``Retire``).

def _work(data: bytes, name: str, options: dict[str, Any]) -> dict[str, Any] | Retire:
    """The report as a dict, or the error as a dict."""
    from ..pipeline import extract

    try:
        return {"report": extract(data, {**options, "name": name}).model_dump(mode="json")}
    except ExtractorError as e:
        return {"error": e.to_dict()}
    except MemoryError:
        return Retire({"error": {"status": 500, "code": "memory", "message": "the document needs more memory "
                                 "than Limits.max_memory_mb allows"}})
    except Exception as e:  # a bug, not the caller's fault: say so in JSON, keep the worker
        return {"error": {"status": 500, "code": "internal", "message": f"{type(e).__name__}: {e}"[:500]}}


def _work_pair(a: bytes, name_a: str, b: bytes, name_b: str, options: dict[str, Any]) -> dict[str, Any] | Retire:
    """Both reports of a comparison, or the first error (naming its field)."""
    reports = []
    for field, data, name in (("a", a, name_a), ("b", b, name_b)):
        out = _work(data, name, options)
        res = out.value if isinstance(out, Retire) else out
        if "error" in res:
            res["error"]["message"] = f"{field} ({name}): {res['error']['message']}"
            return out
        reports.append(res["report"])
    return {"reports": reports}


def _render(data: bytes | None, report: dict[str, Any]) -> dict[str, Any]:
    """The review page's HTML."""
    from ..datamodel import Report
    from ..review import render_review_html

    try:
        return {"html": render_review_html(data, Report.model_validate(report))}
    except ExtractorError as e:
        return {"error": e.to_dict()}
    except Exception as e:
        return {"error": {"status": 500, "code": "internal", "message": f"{type(e).__name__}: {e}"[:500]}}


# ------------------------------------------------------------------------------------------ server side

class Workers:
    """``size`` worker processes, started by ``start`` (``tmp``: the service's folder, the workers'
    ``TMPDIR``). ``submit`` gives a job to a worker without one (or None: busy); one that overruns
    ``timeout_s`` or dies is killed and replaced, which touches no other request; a worker is replaced
    after ``recycle_after`` jobs."""

    def __init__(self, size: int, max_memory_mb: int | None = None, recycle_after: int | None = None,
                 tmp: str | None = None, timeout_s: float = 300.0) -> None:
        self.size = size
        self.tmp = tmp
        self.max_memory_mb = max_memory_mb
        self.recycle_after = recycle_after
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._bg: Background | None = None
        self._closed = False

    def start(self) -> None:
        """Start the processes now: the first requests do not pay for it."""
        with self._lock:
            if self._bg is None and not self._closed:
                self._bg = Background(Pool(self.size, timeout_s=self.timeout_s, max_memory_mb=self.max_memory_mb,
                                           max_jobs=self.recycle_after, tmp=self.tmp,
                                           tmp_prefix="extractor-service-"))

    @property
    def busy(self) -> int:
        return self._bg.busy if self._bg is not None else 0

    def submit(self, fn: Any, *args: Any) -> cf.Future[Result] | None:
        """``fn(*args)`` in a worker; None when every worker holds a job (or the service is closing)."""
        self.start()
        return self._bg.submit(fn, *args) if self._bg is not None else None

    def close(self) -> None:
        """No worker outlives the service."""
        with self._lock:
            self._closed = True
            bg, self._bg = self._bg, None
        if bg is not None:
            bg.close()

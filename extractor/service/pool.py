"""The service's worker processes: each request's extraction or review page runs in one of them, a worker
that overruns is killed and replaced, each job writes in a temporary folder of its own."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing as mp
import os
import tempfile
import threading
from typing import Any

from ..errors import ExtractorError

# ------------------------------------------------------------------------------------------ worker side

def _worker_init(parent: int, max_memory_mb: int | None, tmp: str | None) -> None:
    from ..batch.worker import _die_with_parent, _set_limits, warm_up

    _die_with_parent(parent)
    _set_limits(max_memory_mb)
    if tmp:  # what the worker writes outside a job (the tokenizer's cache) stays in the service's folder
        os.environ["TMPDIR"] = tempfile.tempdir = tmp
    warm_up()


@contextlib.contextmanager
def _job_tmp(tmp: str) -> Any:
    """Point ``tempfile`` and child processes at the job's own folder while the job runs."""
    old_env, old_dir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"], tempfile.tempdir = tmp, tmp
    try:
        yield
    finally:
        tempfile.tempdir = old_dir
        if old_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = old_env


def _work(data: bytes, name: str, options: dict[str, Any], tmp: str) -> dict[str, Any]:
    """Runs in a worker process: the report as a dict, or the error as a dict."""
    from ..pipeline import extract

    with _job_tmp(tmp):
        try:
            return {"report": extract(data, {**options, "name": name}).model_dump(mode="json")}
        except ExtractorError as e:
            return {"error": e.to_dict()}
        except MemoryError:
            return {"error": {"status": 500, "code": "memory", "message": "the document needs more memory than "
                              "Limits.max_memory_mb allows"}}
        except Exception as e:  # a bug, not the caller's fault: say so in JSON, keep the worker
            return {"error": {"status": 500, "code": "internal", "message": f"{type(e).__name__}: {e}"[:500]}}


def _work_pair(a: bytes, name_a: str, b: bytes, name_b: str, options: dict[str, Any], tmp: str) -> dict[str, Any]:
    """Runs in a worker process: both reports of a comparison, or the first error (naming its field)."""
    reports = []
    for field, data, name in (("a", a, name_a), ("b", b, name_b)):
        out = _work(data, name, options, tmp)
        if "error" in out:
            out["error"]["message"] = f"{field} ({name}): {out['error']['message']}"
            return out
        reports.append(out["report"])
    return {"reports": reports}


def _render(data: bytes | None, report: dict[str, Any], tmp: str) -> dict[str, Any]:
    """Runs in a worker process: the review page's HTML."""
    from ..datamodel import Report
    from ..review import render_review_html

    with _job_tmp(tmp):
        try:
            return {"html": render_review_html(data, Report.model_validate(report))}
        except ExtractorError as e:
            return {"error": e.to_dict()}
        except Exception as e:
            return {"error": {"status": 500, "code": "internal", "message": f"{type(e).__name__}: {e}"[:500]}}


def _noop() -> None:
    return None


# ------------------------------------------------------------------------------------------ server side

class Workers:
    """``size`` single-process pools. A request takes a free one (or none: busy); a timed-out or dead
    worker's pool is killed and replaced, which touches no other request."""

    def __init__(self, size: int, max_memory_mb: int | None = None, recycle_after: int | None = None,
                 tmp: str | None = None) -> None:
        self.size = size
        self.tmp = tmp
        self.max_memory_mb = max_memory_mb
        self.recycle_after = recycle_after
        self._lock = threading.Lock()
        self._free: list[cf.ProcessPoolExecutor] = []
        self._all: set[cf.ProcessPoolExecutor] = set()
        self._started = False
        self._closed = False

    def _new(self) -> cf.ProcessPoolExecutor:
        pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"), initializer=_worker_init,
                                      initargs=(os.getpid(), self.max_memory_mb, self.tmp),
                                      max_tasks_per_child=self.recycle_after)
        self._all.add(pool)
        return pool

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
            self._free = [self._new() for _ in range(self.size)]
        for pool in list(self._free):  # start the processes now: the first requests do not pay for it
            pool.submit(_noop)

    @property
    def busy(self) -> int:
        return self.size - len(self._free) if self._started else 0

    def acquire(self) -> cf.ProcessPoolExecutor | None:
        self.start()
        with self._lock:
            return self._free.pop() if self._free and not self._closed else None

    def release(self, pool: cf.ProcessPoolExecutor) -> None:
        with self._lock:
            if self._closed:
                return
            self._free.append(pool)

    def replace(self, pool: cf.ProcessPoolExecutor) -> None:
        """Kill ``pool``'s process (blocking: call it from a thread) and put a fresh pool in its place."""
        with self._lock:
            self._all.discard(pool)
            fresh = None if self._closed else self._new()
        self._kill(pool)
        if fresh is not None:
            self.release(fresh)

    @staticmethod
    def _kill(pool: cf.ProcessPoolExecutor) -> None:
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for p in procs:
            with contextlib.suppress(Exception):
                p.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.join(timeout=5)

    def close(self) -> None:
        """No worker outlives the service."""
        with self._lock:
            self._closed = True
            pools, self._all, self._free = list(self._all), set(), []
        for pool in pools:
            self._kill(pool)

"""The FastAPI application: the service's state (workers, review store, temporary folder) and its routes."""


import asyncio
import concurrent.futures as cf
import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError
from ..options import Limits
from ..settings import settings
from .admission import MULTIPART_SLACK, REQUEST_IDLE_S, REQUEST_READ_S, _BodyLimit
from .errors import _install_error_handlers
from .pool import Workers
from .reviews import ReviewStore
from .routes import _install_extract, _install_review


class Service:
    """What the endpoints share: workers, the temporary folder, the review store."""

    def __init__(self, concurrency: int, limits: Limits, timeout: float, review_keep: int, review_max_bytes: int,
                 tmp_root: str | os.PathLike[str] | None, recycle_after: int | None) -> None:
        self.concurrency = concurrency
        self.limits = limits
        self.timeout = timeout
        self.tmp_root = tmp_root
        self.tmp: Path | None = None
        self.workers = Workers(concurrency, limits.max_memory_mb, recycle_after)
        self.reviews = ReviewStore(review_keep, review_max_bytes)
        self._lock = threading.Lock()
        # uploads admitted (read into memory, waiting for or holding a worker): at most ``concurrency``, so a
        # burst of large uploads holds at most concurrency x max_file_bytes; checked and counted on the event
        # loop with no await in between
        self.admitted = 0

    def start(self) -> None:
        with self._lock:
            if self.tmp is None:
                self.tmp = Path(tempfile.mkdtemp(prefix="extractor-service-", dir=self.tmp_root))
                self.workers.tmp = str(self.tmp)
        self.workers.start()

    def close(self) -> None:
        self.workers.close()
        self.reviews.clear()
        with self._lock:
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None

    async def run(self, fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """``fn(*args, tmp)`` in a free worker with the timeout; ``{"error": {...}}`` when busy, timed out or
        crashed. The job's temporary folder is gone when this returns."""
        self.start()
        assert self.tmp is not None
        pool = self.workers.acquire()
        if pool is None:
            return {"error": {"status": 503, "code": "busy",
                              "message": f"all {self.concurrency} workers are busy; retry later"}}
        job_tmp = tempfile.mkdtemp(prefix="job-", dir=self.tmp)
        healthy = False
        try:
            fut = pool.submit(fn, *args, job_tmp)
            out = await asyncio.wait_for(asyncio.wrap_future(fut), self.timeout)
            healthy = True
            return out
        except TimeoutError:
            return {"error": {"status": 504, "code": "timeout",
                              "message": f"the work took more than {self.timeout:g} s; the worker was replaced"}}
        except (cf.process.BrokenProcessPool, MemoryError):
            return {"error": {"status": 500, "code": "crashed", "message": "the worker died on this document"}}
        finally:
            if healthy:
                self.workers.release(pool)
            else:
                await asyncio.to_thread(self.workers.replace, pool)
            await asyncio.to_thread(shutil.rmtree, job_tmp, True)


def create_app(concurrency: int = 2, limits: Limits | None = None, timeout_s: float | None = None,
               review_keep: int | None = None, review_max_bytes: int | None = None,
               tmp_dir: str | os.PathLike[str] | None = None, recycle_after: int | None = 200,
               request_idle_s: float = REQUEST_IDLE_S, request_read_s: float = REQUEST_READ_S) -> Any:
    """The FastAPI application.

    ``review_keep`` documents (``review_max_bytes`` in all) stay reviewable; ``tmp_dir`` is where the
    service's private temporary folder is made (default: the system's); workers are replaced after
    ``recycle_after`` jobs (None: never). Defaults from the environment: ``EXTRACTOR_REVIEW_KEEP`` (64; 0
    turns review pages off), ``EXTRACTOR_REVIEW_MAX_MB`` (512), and, when ``limits`` is not given,
    ``EXTRACTOR_MAX_FILE_BYTES`` (the upload limit; ``Limits.max_file_bytes`` by default)."""
    try:
        from fastapi import FastAPI
    except ImportError as e:
        raise MissingDependencyError("the service needs: pip install 'extractor[service]'") from e
    from ..templates import all_templates

    env = settings()
    if limits is None:
        limits = Limits(max_file_bytes=env.max_file_bytes or Limits().max_file_bytes)
    if review_keep is None:
        review_keep = env.review_keep
    if review_max_bytes is None:
        review_max_bytes = env.review_max_mb * 1024 * 1024
    svc = Service(concurrency, limits, timeout_s or limits.timeout_s, review_keep, review_max_bytes, tmp_dir,
                  recycle_after)

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        svc.start()
        try:
            yield
        finally:
            await asyncio.to_thread(svc.close)

    app = FastAPI(title="extractor", version="0.1.0", lifespan=lifespan,
                  description="Statistics tables of 政府信息公开工作年度报告 into canonical, validated cells.")
    app.state.service = svc
    _install_error_handlers(app)

    @app.get("/healthz", operation_id="healthz")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "workers": concurrency, "busy": svc.workers.busy, "reviews": len(svc.reviews)}

    @app.get("/v1/templates", operation_id="templates")
    async def templates() -> dict[str, Any]:
        return {t.id: {"name": t.name, "keys": t.keys()} for t in all_templates()}

    _install_extract(app, svc)
    _install_review(app, svc)
    app.add_middleware(_BodyLimit, max_body=limits.max_file_bytes + MULTIPART_SLACK, svc=svc,
                       idle_s=request_idle_s, read_s=request_read_s)
    return app

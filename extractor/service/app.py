"""The FastAPI application: the service's state (``state.Service``), its routes, error handlers and guard."""


import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

from ..errors import MissingDependencyError
from ..options import Limits
from ..settings import settings
from .admission import MULTIPART_SLACK, REQUEST_IDLE_S, REQUEST_READ_S, _BodyLimit
from .compare_routes import _install_compare
from .errors import _install_error_handlers
from .routes import _install_extract, _install_review
from .state import Service


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
        raise MissingDependencyError("the service needs: pip install 'zfxxgk-extractor[service]'") from e
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
    _install_compare(app, svc)
    app.add_middleware(_BodyLimit, max_body=limits.max_file_bytes + MULTIPART_SLACK, svc=svc,
                       idle_s=request_idle_s, read_s=request_read_s)
    return app

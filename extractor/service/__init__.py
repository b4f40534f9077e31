"""HTTP extraction service (FastAPI on uvicorn; optional extra ``service``).

    POST /v1/extract      multipart ``file`` (+ optional ``template``) -> the Report JSON
    GET  /healthz         liveness
    GET  /v1/templates    the templates and their keys
    GET  /openapi.json    the OpenAPI document

Each request's extraction runs in a worker process with a wall-clock timeout (a worker that overruns is
killed and replaced); at most ``concurrency`` run at once and further requests get 503 at once. Errors are
JSON ``{"error": {"code", "message"}}`` with a stable code: 413 too large, 415 unsupported, 422
unreadable, 504 timeout, 503 busy. Uploads are kept in memory (bounded by the size limit): no temporary
file is ever written.
"""


import asyncio
import concurrent.futures as cf
import contextlib
import multiprocessing as mp
import threading
from collections.abc import AsyncIterator
from typing import Any

from ..errors import ExtractorError, MissingDependencyError
from ..options import Limits, Options

STATUS_BY_CODE = {"limit": 413, "unsupported": 415, "empty": 422, "decode": 422, "corrupt": 422,
                  "encrypted": 422, "input": 422, "options": 422, "timeout": 504, "missing_dependency": 501,
                  "engine": 500}


def _work(data: bytes, name: str, options: dict[str, Any]) -> dict[str, Any]:
    """Runs in a worker process: the report as a dict, or the error as a dict."""
    from ..pipeline import extract

    try:
        return {"report": extract(data, {**options, "name": name}).model_dump(mode="json")}
    except ExtractorError as e:
        return {"error": e.to_dict()}


class Workers:
    """A process pool whose stuck or dead workers are replaced: a timed-out request kills the pool's
    processes and a fresh pool takes the next requests."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._pool = self._new()

    def _new(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=self.size, mp_context=mp.get_context("spawn"))

    def submit(self, *args: Any) -> cf.Future[dict[str, Any]]:
        with self._lock:
            try:
                return self._pool.submit(_work, *args)
            except cf.process.BrokenProcessPool:
                self._pool = self._new()
                return self._pool.submit(_work, *args)

    @staticmethod
    def _kill(pool: cf.ProcessPoolExecutor) -> None:
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for p in procs:
            p.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            p.join(timeout=5)

    def reset(self) -> None:
        with self._lock:
            old, self._pool = self._pool, self._new()
        self._kill(old)

    def close(self) -> None:
        """No worker outlives the service."""
        self._kill(self._pool)


async def run_one(workers: Workers, timeout: float, *args: Any) -> dict[str, Any]:
    """One extraction in a worker; a timeout or a dead worker replaces the pool."""
    try:
        return await asyncio.wait_for(asyncio.wrap_future(workers.submit(*args)), timeout)
    except TimeoutError:
        workers.reset()
        return {"error": {"status": 504, "code": "timeout", "message": f"extraction took more than {timeout:.0f} s"}}
    except cf.process.BrokenProcessPool:
        workers.reset()
        return {"error": {"status": 500, "code": "crashed", "message": "the worker died on this document"}}


def create_app(concurrency: int = 2, limits: Limits | None = None, timeout_s: float | None = None) -> Any:
    try:
        from fastapi import FastAPI, File, Form, UploadFile
        from fastapi.responses import JSONResponse
    except ImportError as e:
        raise MissingDependencyError("the service needs: pip install 'extractor[service]'") from e
    from ..templates import all_templates

    limits = limits or Limits()
    timeout = timeout_s or limits.timeout_s
    workers = Workers(concurrency)
    slots = asyncio.Semaphore(concurrency)

    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        yield
        workers.close()

    app = FastAPI(title="extractor", version="0.1.0", lifespan=lifespan,
                  description="Statistics tables of 政府信息公开工作年度报告 into canonical, validated cells.")

    def error(status: int, code: str, message: str) -> JSONResponse:
        return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}})

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/templates")
    async def templates() -> dict[str, Any]:
        return {t.id: {"name": t.name, "keys": t.keys()} for t in all_templates()}

    @app.post("/v1/extract", response_model=None)
    async def extract_endpoint(file: UploadFile = File(...), template: str = Form("auto")) -> Any:  # noqa: B008
        if template not in ("auto", "2019", "2021"):
            return error(422, "options", f"template must be auto, 2019 or 2021, not {template!r}")
        if slots.locked():
            return error(503, "busy", f"all {concurrency} workers are busy; retry later")
        async with slots:
            data = await file.read(limits.max_file_bytes + 1)
            await file.close()
            if len(data) > limits.max_file_bytes:
                return error(413, "limit", f"upload larger than max_file_bytes={limits.max_file_bytes}")
            opts = Options(template=template, limits=limits).model_dump(exclude={"name"})
            out = await run_one(workers, timeout, data, file.filename or "upload", opts)
        if "error" in out:
            e = out["error"]
            return error(e.get("status") or STATUS_BY_CODE.get(e["code"], 422), e["code"], e["message"])
        return out["report"]

    return app

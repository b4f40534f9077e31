"""HTTP extraction service (FastAPI on uvicorn; optional extra ``service``).

    POST /v1/extract           multipart ``file`` (+ optional ``template``) -> the Report JSON; headers
                               ``X-Review-Id`` and ``Link: </v1/review/ID>; rel="review"``
    GET  /v1/review/{id}       the review page (one self-contained HTML file, see ``extractor.review``)
    GET  /healthz              liveness and load
    GET  /v1/templates         the templates and their keys
    GET  /openapi.json         the OpenAPI document

**Workers.** Each request's work (an extraction, or the rendering of a review page) runs in one of
``concurrency`` worker processes (``spawn``), each its own single-process pool: at most ``concurrency``
run at once and a request that finds none free gets 503 at once. A worker that overruns the per-request
timeout is killed and replaced (504); only that request is affected. Workers cap their address space at
``Limits.max_memory_mb``, write no core dumps, die with the service, and are recycled after
``recycle_after`` jobs so that their memory stays flat.

**Temporary files.** The service makes one private folder at start; each job gets a subfolder that is the
worker's ``TMPDIR`` (LibreOffice conversions and anything else a backend writes) and is removed when the job
ends — also after a timeout or a crash, once the worker is dead. The folder is removed at shutdown.
Uploads are read into memory (bounded by the size limit, checked from ``Content-Length`` and while the body
streams in, before anything is parsed).

**Review pages.** The last ``review_keep`` successful extractions (document bytes + report, at most
``review_max_bytes`` in all; oldest dropped first) are kept in memory for ``GET /v1/review/{id}``.

**Admission.** An upload to ``/v1/extract`` is admitted by the ASGI middleware before its body is read:
with ``concurrency`` uploads admitted or every worker busy it gets 503 ``busy`` at once, and a body that
stalls (``REQUEST_IDLE_S``) or takes longer than ``REQUEST_READ_S`` gets 408 ``request_timeout``.

Errors are JSON ``{"error": {"code", "message"}}`` with a stable code: 400 ``bad_request``, 408
``request_timeout``, 413 ``limit``, 415 ``unsupported``, 422 ``empty``/``decode``/``corrupt``/``encrypted``/
``input``/``outside_source``/``options``/``request``, 404 ``not_found`` (``review_not_found`` for an unknown or
expired review id), 405 ``method_not_allowed``, 503 ``busy``, 504 ``timeout``, 500 ``crashed``/``memory``/
``engine``/``internal``, 501 ``missing_dependency``.
"""


import asyncio
import concurrent.futures as cf
import contextlib
import multiprocessing as mp
import os
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ExtractorError, MissingDependencyError, OptionsError
from ..options import Limits, Options

STATUS_BY_CODE = {"limit": 413, "unsupported": 415, "empty": 422, "decode": 422, "corrupt": 422,
                  "encrypted": 422, "input": 422, "outside_source": 422, "options": 422, "timeout": 504, "missing_dependency": 501,
                  "engine": 500, "template": 500}
MULTIPART_SLACK = 64 * 1024  # multipart headers and the small form fields beside the file
# A request body that sends nothing for REQUEST_IDLE_S, or is not complete after REQUEST_READ_S, is answered
# 408 and dropped: a slow client must not hold one of the ``concurrency`` admissions (200 MiB at 1 MB/s is
# 200 s, under the total).
REQUEST_IDLE_S = 30.0
REQUEST_READ_S = 600.0


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


@dataclass
class Stored:
    name: str
    data: bytes | None
    report: dict[str, Any]

    @property
    def size(self) -> int:
        return len(self.data or b"") + 4096 + 600 * len(self.report.get("cells") or {})


class ReviewStore:
    """The last ``keep`` documents (bytes + report) by review id, ``max_bytes`` at most in all."""

    def __init__(self, keep: int = 64, max_bytes: int = 512 * 1024 * 1024) -> None:
        self.keep = keep
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return self._bytes

    def put(self, name: str, data: bytes, report: dict[str, Any]) -> str | None:
        if self.keep <= 0:
            return None
        item = Stored(name, data, report)
        if item.size > self.max_bytes:  # too big to keep: the page will have the tables but no image
            item = Stored(name, None, report)
        rid = secrets.token_urlsafe(16)
        with self._lock:
            self._items[rid] = item
            self._bytes += item.size
            while self._items and (len(self._items) > self.keep or self._bytes > self.max_bytes):
                _, old = self._items.popitem(last=False)
                self._bytes -= old.size
        return rid if rid in self._items else None

    def get(self, rid: str) -> Stored | None:
        with self._lock:
            return self._items.get(rid)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


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


def _body_limit(app: Any, max_body: int, svc: Service | None = None, idle_s: float = REQUEST_IDLE_S,
                read_s: float = REQUEST_READ_S) -> Callable[..., Awaitable[None]]:
    """ASGI middleware, before anything reads the body: 413 for a body over ``max_body`` (from
    ``Content-Length``, and while a body without one streams in); 503 ``busy`` for an upload to
    ``/v1/extract`` while ``concurrency`` uploads are already admitted or every worker is busy (admission
    before parsing: a refused upload is never received, let alone spooled); 408 ``request_timeout`` when the
    body stalls for ``idle_s`` or is not complete after ``read_s`` (slow clients do not hold an admission)."""
    from starlette.exceptions import HTTPException
    from starlette.responses import JSONResponse

    async def middleware(scope: dict[str, Any], receive: Callable[..., Awaitable[dict[str, Any]]],
                         send: Callable[..., Awaitable[None]]) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > max_body:
            resp = JSONResponse(status_code=413, headers={"Connection": "close"},
                                content={"error": {"code": "limit", "message": f"request body over {max_body} bytes"}})
            return await resp(scope, receive, send)
        admit = svc is not None and scope.get("method") == "POST" and scope.get("path") == "/v1/extract"
        if svc is not None and admit:
            if svc.workers.busy >= svc.concurrency or svc.admitted >= svc.concurrency:
                resp = JSONResponse(status_code=503, headers={"Connection": "close", "Retry-After": "1"},
                                    content={"error": {"code": "busy", "message": f"all {svc.concurrency} "
                                                       "workers are busy; retry later"}})
                return await resp(scope, receive, send)
            svc.admitted += 1  # on the event loop, no await since the check
        seen = 0
        body_done = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + read_s

        async def counted() -> dict[str, Any]:
            nonlocal seen, body_done
            if body_done:  # after the body: whatever waits for a disconnect waits untimed
                return await receive()
            wait_s = min(idle_s, deadline - loop.time())
            try:
                msg = await asyncio.wait_for(receive(), max(0.001, wait_s))
            except TimeoutError:
                raise HTTPException(408, f"the request body did not arrive in time (idle {idle_s:g} s, "
                                         f"at most {read_s:g} s in all)", headers={"Connection": "close"}) from None
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > max_body:
                    raise HTTPException(413, f"request body over {max_body} bytes")
                body_done = not msg.get("more_body", False)
            else:
                body_done = True
            return msg

        try:
            return await app(scope, counted, send)
        finally:
            if svc is not None and admit:
                svc.admitted -= 1

    return middleware


_ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
}


def _error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {400: "malformed request body (code bad_request)", 404: "unknown review id",
            408: "the request body did not arrive in time (code request_timeout)", 413: "upload too large (code limit)",
            415: "unsupported format (code unsupported)",
            422: "unreadable document or invalid request (codes empty, decode, corrupt, encrypted, input, "
                 "options, request)",
            500: "the worker died (code crashed), ran out of memory (memory), an engine failed (engine) or a "
                 "bug (internal)", 501: "an optional component is missing",
            503: "all workers busy (code busy); retry later", 504: "the work ran past the timeout (code timeout)"}
    return {c: {"description": text[c], "content": {"application/json": {"schema": _ERROR_SCHEMA}}} for c in codes}


HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 408: "request_timeout", 413: "limit"}


def _json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Any:
    from fastapi.responses import JSONResponse

    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}}, headers=headers)


def _job_error(out: dict[str, Any], default_status: int) -> Any:
    e = out["error"]
    return _json_error(e.get("status") or STATUS_BY_CODE.get(e["code"], default_status), e["code"], e["message"])


def _install_error_handlers(app: Any) -> None:
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> Any:
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()[:5]]
        return _json_error(422, "request", "invalid request: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Any:
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        return _json_error(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))


def _install_extract(app: Any, svc: Service) -> None:
    from fastapi import File, Form, UploadFile
    from fastapi.responses import JSONResponse

    from ..datamodel import Report

    limits = svc.limits
    responses: dict[int | str, dict[str, Any]] = {
        200: {"model": Report, "description": "the Report", "headers": {
            "X-Review-Id": {"description": "id of the review page: GET /v1/review/{id}",
                            "schema": {"type": "string"}},
            "Link": {"description": '</v1/review/{id}>; rel="review"', "schema": {"type": "string"}}},
            "links": {"review": {"operationId": "review", "description": "the review page of this extraction",
                                 "parameters": {"review_id": "$response.header.X-Review-Id"}}}},
        **_error_responses(400, 408, 413, 415, 422, 500, 501, 503, 504),
    }

    @app.post("/v1/extract", response_model=None, responses=responses, operation_id="extract")
    async def extract_endpoint(
        file: UploadFile = File(..., description="the report: text, PDF, DOCX, HTML, image"),  # noqa: B008
        template: str = Form("auto", description="auto, 2019 or 2021",
                             json_schema_extra={"enum": ["auto", "2019", "2021"]}),
    ) -> Any:
        """Extract one uploaded document into a Report. The response's ``X-Review-Id`` names its review page."""
        if template not in ("auto", "2019", "2021"):
            return _json_error(422, "options", f"template must be auto, 2019 or 2021, not {template!r}")
        # admitted (counted in svc.admitted) by the middleware before the body was read
        if svc.workers.busy >= svc.concurrency:  # a review page took the last worker meanwhile
            await file.close()
            return _json_error(503, "busy", f"all {svc.concurrency} workers are busy; retry later")
        data = await file.read(limits.max_file_bytes + 1)
        await file.close()
        if len(data) > limits.max_file_bytes:
            return _json_error(413, "limit", f"upload larger than max_file_bytes={limits.max_file_bytes}")
        name = os.path.basename(file.filename or "") or "upload"
        opts = Options(template=template, limits=limits).model_dump(exclude={"name"})
        out = await svc.run(_work, data, name, opts)
        if "error" in out:
            return _job_error(out, 422)
        rid = svc.reviews.put(name, data, out["report"])
        headers = {"X-Review-Id": rid, "Link": f'</v1/review/{rid}>; rel="review"'} if rid else None
        return JSONResponse(content=out["report"], headers=headers)


def _install_review(app: Any, svc: Service) -> None:
    from fastapi import Path as PathParam
    from fastapi.responses import HTMLResponse

    responses: dict[int | str, dict[str, Any]] = {
        200: {"description": "the review page: one self-contained HTML file",
              "content": {"text/html": {"schema": {"type": "string"}}}},
        **_error_responses(404, 422, 500, 503, 504),
    }

    @app.get("/v1/review/{review_id}", response_class=HTMLResponse, responses=responses, operation_id="review")
    async def review_endpoint(
        review_id: str = PathParam(..., max_length=64, description="the X-Review-Id of an extraction"),  # noqa: B008
    ) -> Any:
        """The review page of a recent extraction: page images with the cells drawn, tables, failed checks."""
        item = svc.reviews.get(review_id)
        if item is None:
            return _json_error(404, "review_not_found", f"no review {review_id!r}: unknown, or older than the "
                               f"last {svc.reviews.keep} extractions")
        out = await svc.run(_render, item.data, item.report)
        if "error" in out:
            return _job_error(out, 500)
        return HTMLResponse(out["html"], headers={"Cache-Control": "no-store"})


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as e:
        raise OptionsError(f"{name} must be an integer, not {value!r}") from e


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

    if limits is None:
        limits = Limits(max_file_bytes=_env_int("EXTRACTOR_MAX_FILE_BYTES", Limits().max_file_bytes))
    if review_keep is None:
        review_keep = _env_int("EXTRACTOR_REVIEW_KEEP", 64)
    if review_max_bytes is None:
        review_max_bytes = _env_int("EXTRACTOR_REVIEW_MAX_MB", 512) * 1024 * 1024
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


class _BodyLimit:
    """The body-size guard as a Starlette middleware class (see ``_body_limit``)."""

    def __init__(self, app: Any, max_body: int, svc: Service | None = None, idle_s: float = REQUEST_IDLE_S,
                 read_s: float = REQUEST_READ_S) -> None:
        self._call = _body_limit(app, max_body, svc, idle_s, read_s)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._call(scope, receive, send)


__all__ = ["ReviewStore", "Service", "Workers", "create_app"]

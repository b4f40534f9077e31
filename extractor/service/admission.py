"""Admission before the body is read (ASGI middleware): the upload size limit, 503 ``busy`` when every
worker is taken, 408 for a body that stalls or takes too long."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Service



MULTIPART_SLACK = 64 * 1024  # multipart headers and the small form fields beside the file
# A request body that sends nothing for REQUEST_IDLE_S, or is not complete after REQUEST_READ_S, is answered
# 408 and dropped: a slow client must not hold one of the ``concurrency`` admissions (200 MiB at 1 MB/s is
# 200 s, under the total).
REQUEST_IDLE_S = 30.0
REQUEST_READ_S = 600.0
ADMITTED = ("/v1/extract", "/v1/compare")  # the uploads that take a worker: admitted before their body is read


def _body_limit(app: Any, max_body: int, svc: Service | None = None, idle_s: float = REQUEST_IDLE_S,
                read_s: float = REQUEST_READ_S) -> Callable[..., Awaitable[None]]:
    """ASGI middleware, before anything reads the body: 413 for a body over ``max_body`` (from
    ``Content-Length``, and while a body without one streams in); 503 ``busy`` for an upload to
    ``/v1/extract`` or ``/v1/compare`` while ``concurrency`` uploads are already admitted or every worker is busy (admission
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
        # /v1/compare carries two files, each within the upload limit
        limit = 2 * max_body - MULTIPART_SLACK if scope.get("path") == "/v1/compare" else max_body
        if length is not None and length.isdigit() and int(length) > limit:
            resp = JSONResponse(status_code=413, headers={"Connection": "close"},
                                content={"error": {"code": "limit", "message": f"request body over {limit} bytes"}})
            return await resp(scope, receive, send)
        admit = svc is not None and scope.get("method") == "POST" and scope.get("path") in ADMITTED
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
                if seen > limit:
                    raise HTTPException(413, f"request body over {limit} bytes")
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


class _BodyLimit:
    """The body-size guard as a Starlette middleware class (see ``_body_limit``)."""

    def __init__(self, app: Any, max_body: int, svc: Service | None = None, idle_s: float = REQUEST_IDLE_S,
                 read_s: float = REQUEST_READ_S) -> None:
        self._call = _body_limit(app, max_body, svc, idle_s, read_s)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._call(scope, receive, send)

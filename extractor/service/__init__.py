"""HTTP extraction service (FastAPI on uvicorn; optional extra ``service``).

    POST /v1/extract           multipart ``file`` (+ optional ``template``) -> the Report JSON; headers
                               ``X-Review-Id`` and ``Link: </v1/review/ID>; rel="review"``
    GET  /v1/review/{id}       the review page (one self-contained HTML file, see ``extractor.review``)
    POST /v1/compare           multipart ``a`` and ``b`` (+ ``template``) -> the Comparison JSON (one body's two
                               years, see ``extractor.compare``); headers ``X-Compare-Id``, ``X-Review-Ids``
    GET  /v1/compare/{id}      the comparison page; its values link to both review pages
    GET  /healthz              liveness and load
    GET  /v1/templates         the templates and their keys
    GET  /openapi.json         the OpenAPI document

**Workers.** Each request's work (an extraction, or the rendering of a review page) runs in one of
``concurrency`` worker processes (``spawn``) of an ``extractor.isolation.Pool``, the one batch uses: at most
``concurrency`` run at once and a request that finds none free gets 503 at once. A worker that overruns the
per-request timeout or its memory is killed and replaced (504, 500 ``memory``); only that request is
affected. Workers cap their address space at
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

from __future__ import annotations

from .app import create_app
from .pool import Workers
from .reviews import ReviewStore
from .state import Service

__all__ = ["ReviewStore", "Service", "Workers", "create_app"]

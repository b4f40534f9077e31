"""The HTTP service over real HTTP on loopback: a server process started by the test."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.score import score_document
from tests.conftest import REAL, load_gold
from tests.servers import served


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with served("--concurrency", "2", "--timeout", "60") as (url, proc):
        yield url
        children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _child_of(p, proc.pid)]
        assert any("spawn_main" in _cmdline(p) for p in children), "the service ran no worker process"
        proc.terminate()
        proc.wait(timeout=20)
        time.sleep(1.0)
        left = [p.name for p in children if p.exists() and "spawn_main" in _cmdline(p)]
        assert left == [], "worker processes outlived the service"


def _cmdline(p: Path) -> str:
    try:
        return (p / "cmdline").read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""


def _child_of(p: Path, pid: int) -> bool:
    try:
        stat = (p / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[1] == str(pid)


@pytest.mark.parametrize("name", ["002_0843dfdf5e1a4b6d.txt", "szfgs2024.pdf"])
def test_extract_real_documents(base: str, name: str) -> None:
    data = (REAL / "docs" / name).read_bytes()
    r = httpx.post(base + "/v1/extract", files={"file": (name, data)}, timeout=60)
    assert r.status_code == 200
    stem = name.rsplit(".", 1)[0]
    assert score_document(load_gold(stem), r.json(), stem).wrong == []


def test_errors_are_json_with_codes(base: str) -> None:
    r = httpx.post(base + "/v1/extract", files={"file": ("e.txt", b"   ")}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["code"] == "empty"
    r = httpx.post(base + "/v1/extract", files={"file": ("a.zip", b"PK\x03\x04junk")}, timeout=30)
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported"
    r = httpx.post(base + "/v1/extract", files={"file": ("x.txt", b"x")}, data={"template": "2018"}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["code"] == "options"


def test_templates_and_openapi(base: str) -> None:
    t = httpx.get(base + "/v1/templates", timeout=10).json()
    assert len(t["2019"]["keys"]) == 198 and len(t["2021"]["keys"]) == 200
    assert "/v1/extract" in httpx.get(base + "/openapi.json", timeout=10).json()["paths"]


def test_concurrent_requests_beyond_the_limit_get_503(base: str) -> None:
    data = (REAL / "docs" / "hzq2023_working.pdf").read_bytes()

    def call(_: int) -> int:
        return httpx.post(base + "/v1/extract", files={"file": ("a.pdf", data)}, timeout=60).status_code

    with ThreadPoolExecutor(8) as ex:
        codes = list(ex.map(call, range(8)))
    assert set(codes) <= {200, 503} and codes.count(200) >= 2


def test_review_store_is_bounded_by_count_and_bytes() -> None:
    from extractor.service import ReviewStore

    store = ReviewStore(keep=3, max_bytes=3 * 1_000_000)
    ids = [store.put(f"d{i}", b"x" * 10, {"cells": {}}) for i in range(5)]
    assert all(ids) and len(store) == 3 and store.get(ids[0]) is None and store.get(ids[4]) is not None
    big = store.put("big", b"x" * 2_000_000, {"cells": {}})  # pushes older ones out by size
    assert big and store.get(big) is not None and store.nbytes <= 3 * 1_000_000
    huge = store.put("huge", b"x" * 5_000_000, {"cells": {}})  # kept without its bytes (tables only)
    assert huge and store.get(huge).data is None
    assert ReviewStore(keep=0).put("a", b"x", {}) is None  # review pages off
    store.clear()
    assert len(store) == 0 and store.nbytes == 0


def test_service_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.errors import OptionsError
    from extractor.service import create_app

    monkeypatch.setenv("EXTRACTOR_REVIEW_KEEP", "7")
    monkeypatch.setenv("EXTRACTOR_MAX_FILE_BYTES", "12345")
    svc = create_app().state.service
    assert svc.reviews.keep == 7 and svc.limits.max_file_bytes == 12345 and svc.tmp is None  # nothing made yet
    monkeypatch.setenv("EXTRACTOR_REVIEW_KEEP", "many")
    with pytest.raises(OptionsError):
        create_app()


def test_uploads_beyond_the_admitted_count_are_refused_before_being_read() -> None:
    """While ``concurrency`` uploads are admitted (read or waiting for a worker), the next gets 503 at once:
    memory held by uploads stays bounded by concurrency x max_file_bytes."""
    import asyncio

    from extractor.service import create_app

    app = create_app(concurrency=1)
    svc = app.state.service

    async def go() -> tuple[int, str, int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            svc.admitted = 1  # one upload in flight
            r = await client.post("/v1/extract", files={"file": ("a.txt", b"x" * 1000)})
            svc.admitted = 0
            ok = await client.post("/v1/extract", files={"file": ("a.txt", "一、总体情况".encode())})
            return r.status_code, r.json()["error"]["code"], ok.status_code

    try:
        assert asyncio.run(go()) == (503, "busy", 200)
        assert svc.admitted == 0
    finally:
        svc.close()


def _asgi_post(app: Any, receive: Any) -> tuple[int, dict[str, Any]]:
    """POST /v1/extract straight through the ASGI app with a hand-made ``receive``."""
    import asyncio

    sent: list[dict[str, Any]] = []

    async def send(msg: dict[str, Any]) -> None:
        sent.append(msg)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/v1/extract", "raw_path": b"/v1/extract", "query_string": b"",
             "root_path": "", "server": ("t", 80), "client": ("c", 1),
             "headers": [(b"content-type", b"multipart/form-data; boundary=XX"), (b"host", b"t")]}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body)


def test_busy_is_answered_before_the_body_is_read() -> None:
    """Admission before parsing (issue 20): with every admission taken, not one byte of the body is received."""
    from extractor.service import create_app

    app = create_app(concurrency=1)
    svc = app.state.service

    async def receive() -> dict[str, Any]:
        raise AssertionError("the body was read")

    try:
        svc.admitted = 1
        status, body = _asgi_post(app, receive)
        assert status == 503 and body["error"]["code"] == "busy"
        assert svc.admitted == 1
    finally:
        svc.admitted = 0
        svc.close()


def test_a_stalled_upload_times_out_and_frees_its_admission() -> None:
    import asyncio
    import time

    from extractor.service import create_app

    app = create_app(concurrency=1, request_idle_s=0.3, request_read_s=5)
    svc = app.state.service
    chunks = [b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc"]

    async def receive() -> dict[str, Any]:
        if chunks:
            return {"type": "http.request", "body": chunks.pop(), "more_body": True}
        await asyncio.sleep(3600)  # a client that stops sending
        raise AssertionError

    try:
        t0 = time.monotonic()
        status, body = _asgi_post(app, receive)
        assert status == 408 and body["error"]["code"] == "request_timeout", body
        assert time.monotonic() - t0 < 3 and svc.admitted == 0
    finally:
        svc.close()


def test_each_worker_failure_is_its_http_answer_and_the_worker_is_replaced(tmp_path: Path) -> None:
    """``Service.run`` over ``extractor.isolation``: timeout 504, a dead worker 500 ``crashed``, memory 500
    ``memory``, a job that raises 500 ``internal``; each time the next job still runs, nothing is left."""
    import asyncio

    from extractor.options import Limits
    from extractor.service import Service
    from tests.batch import jobs

    svc = Service(1, Limits(max_memory_mb=768), 2.0, 0, 0, tmp_path, None)

    async def go() -> list[dict[str, Any]]:
        out = [await svc.run(jobs.echo, {"ok": 1})]
        for fn in (jobs.sleep, jobs.kill, jobs.alloc, jobs.boom):
            out.append(await svc.run(fn, 60) if fn is jobs.sleep else await svc.run(fn))
            out.append(await svc.run(jobs.echo, {"ok": 2}))
        return out

    try:
        svc.start()
        ok, timeout, ok1, crashed, ok2, memory, ok3, internal, ok4 = asyncio.run(go())
        assert ok == {"ok": 1} and ok1 == ok2 == ok3 == ok4 == {"ok": 2}
        assert timeout["error"] == {"status": 504, "code": "timeout",
                                    "message": "the work took more than 2 s; the worker was replaced"}
        assert crashed["error"] == {"status": 500, "code": "crashed", "message": "the worker died on this document"}
        assert memory["error"]["status"] == 500 and memory["error"]["code"] == "memory"
        assert internal["error"]["code"] == "internal" and "injected failure" in internal["error"]["message"]
        assert svc.workers.busy == 0
        assert svc.tmp is not None and not [p for p in svc.tmp.iterdir() if p.name.startswith("job-")]
    finally:
        svc.close()
    assert list(tmp_path.iterdir()) == []

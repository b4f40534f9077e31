"""The HTTP service over real HTTP: ``extractor serve`` started in a subprocess on a loopback port.

Each server runs with its own ``TMPDIR``, so the test sees every file the service (and its workers) write
outside memory, and checks that nothing is left there: not after a request, not after a timeout, not after
shutdown.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from extractor import extract
from tests.batch.hostile import write_hostile
from tests.conftest import REAL
from tests.servers import free_port

DOCS = sorted((REAL / "docs").iterdir())
PDF = REAL / "docs" / "hzq2023_working.pdf"
TEXT = REAL / "docs" / "002_0843dfdf5e1a4b6d.txt"
MAX_BYTES = 1_000_000
REVIEW_KEEP = 4
STATUS = {"limit": 413, "unsupported": 415, "empty": 422, "decode": 422, "corrupt": 422, "encrypted": 422}


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            stat = (p / "stat").read_text()
            cmd = (p / "cmdline").read_bytes()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[1] == str(pid) and b"spawn_main" in cmd:
            out.append(int(p.name))
    return out


class Server:
    """``extractor serve`` in a subprocess with a private TMPDIR; ``stop()`` checks what it leaves."""

    def __init__(self, tmp: Path, concurrency: int = 2, timeout: float = 60.0, env: dict[str, str] | None = None):
        self.tmp = tmp
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp.parent / f"server-{self.port}.log", "wb")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "extractor", "serve", "--port", str(self.port), "--concurrency", str(concurrency),
             "--timeout", str(timeout)],
            stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "TMPDIR": str(tmp), "EXTRACTOR_MAX_FILE_BYTES": str(MAX_BYTES),
                 "EXTRACTOR_REVIEW_KEEP": str(REVIEW_KEEP), **(env or {})})
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_text()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.proc.kill()
        raise RuntimeError("the server did not start within 60 s")

    def log_text(self) -> str:
        self.log.flush()
        return (self.tmp.parent / f"server-{self.port}.log").read_text(errors="replace")[-3000:]

    def service_dir(self) -> Path:
        (d,) = list(self.tmp.glob("extractor-service-*"))
        return d

    def assert_up(self) -> None:
        assert self.proc.poll() is None, f"the server died: {self.log_text()}"
        assert httpx.get(self.url + "/healthz", timeout=5).json()["status"] == "ok"

    def stop(self) -> None:
        workers = _children(self.proc.pid)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in workers):
            time.sleep(0.2)
        assert not [p for p in workers if Path(f"/proc/{p}/cmdline").exists()
                    and b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()], "workers outlived the service"
        left = sorted(str(p.relative_to(self.tmp)) for p in self.tmp.rglob("*"))
        assert left == [], f"temporary files left behind: {left}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("svc") / "tmp")
    try:
        yield srv
    finally:
        srv.stop()


def _post(base: str, path: Path | str, data: bytes | None = None, timeout: float = 120, **form: str) -> httpx.Response:
    name = Path(path).name
    body = Path(path).read_bytes() if data is None else data
    return httpx.post(base + "/v1/extract", files={"file": (name, body)}, data=form or None, timeout=timeout)


def _no_job_dirs(srv: Server) -> None:
    assert [p.name for p in srv.service_dir().iterdir() if p.name.startswith("job-")] == []


# ------------------------------------------------------------------------------------------ extraction

@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_extraction_over_http_equals_the_library(server: Server, path: Path) -> None:
    r = _post(server.url, path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    got = r.json()
    want = extract(path.read_bytes(), {"name": path.name}).model_dump(mode="json")
    got.pop("timings"), want.pop("timings")
    assert got == want
    rid = r.headers["x-review-id"]
    assert r.headers["link"] == f'</v1/review/{rid}>; rel="review"'
    assert "review" not in got  # the Report schema is untouched: the id travels in headers


def test_templates_healthz_and_openapi(server: Server) -> None:
    t = httpx.get(server.url + "/v1/templates", timeout=10).json()
    assert len(t["2019"]["keys"]) == 198 and len(t["2021"]["keys"]) == 200
    spec = httpx.get(server.url + "/openapi.json", timeout=10).json()
    assert {"/v1/extract", "/v1/review/{review_id}", "/healthz", "/v1/templates"} <= set(spec["paths"])
    ok = spec["paths"]["/v1/extract"]["post"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Report"}
    assert "X-Review-Id" in ok["headers"] and ok["links"]["review"]["operationId"] == "review"
    h = httpx.get(server.url + "/healthz", timeout=5).json()
    assert h["workers"] == 2 and h["busy"] == 0


# ------------------------------------------------------------------------------------------ review pages

def test_review_page_round_trip(server: Server) -> None:
    r = _post(server.url, PDF)
    assert r.status_code == 200
    link = r.headers["link"].split(";")[0].strip("<>")
    page = httpx.get(server.url + link, timeout=60)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert html.startswith("<!DOCTYPE html>") and "hzq2023_working.pdf" in html
    assert 'class="cell c-fail"' in html and 'data-key="review.review.total"' in html
    assert html.count('<img alt="page') == 4 and "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html
    # text documents: the tables, no image
    r = _post(server.url, TEXT)
    html = httpx.get(server.url + "/v1/review/" + r.headers["x-review-id"], timeout=60).text
    assert "No page image" in html and "<img" not in html and 'class="cell c-ok"' in html
    _no_job_dirs(server)


def test_unknown_and_evicted_review_ids_are_404(server: Server) -> None:
    r = httpx.get(server.url + "/v1/review/no-such-id", timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "review_not_found"
    first = _post(server.url, TEXT).headers["x-review-id"]
    ids = [_post(server.url, TEXT).headers["x-review-id"] for _ in range(REVIEW_KEEP)]
    assert len(set(ids + [first])) == REVIEW_KEEP + 1
    assert httpx.get(server.url + "/v1/review/" + first, timeout=10).status_code == 404  # the oldest is dropped
    assert httpx.get(server.url + "/v1/review/" + ids[-1], timeout=60).status_code == 200
    assert httpx.get(server.url + "/healthz", timeout=5).json()["reviews"] == REVIEW_KEEP
    r = httpx.get(server.url + "/v1/nothing", timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


# ------------------------------------------------------------------------------------------ load

def test_concurrent_requests_below_the_limit_all_succeed(server: Server) -> None:
    docs = [p for p in DOCS if p.suffix == ".pdf"]

    def client(i: int) -> list[int]:  # each client waits for its answer: never more than 2 in flight
        return [_post(server.url, docs[(i + j) % len(docs)], timeout=60).status_code for j in range(3)]

    t0 = time.monotonic()
    with ThreadPoolExecutor(2) as ex:
        codes = [c for cs in ex.map(client, range(2)) for c in cs]
    assert codes == [200] * 6
    assert time.monotonic() - t0 < 60


def test_concurrent_requests_above_the_limit_get_503(server: Server) -> None:
    data = PDF.read_bytes()
    start = threading.Barrier(8)

    def call(_: int) -> httpx.Response:
        start.wait()
        return _post(server.url, PDF, data, timeout=60)

    t0 = time.monotonic()
    with ThreadPoolExecutor(8) as ex:
        answers = list(ex.map(call, range(8)))
    codes = [a.status_code for a in answers]
    assert set(codes) <= {200, 503} and codes.count(200) >= 2 and codes.count(503) >= 1, codes
    assert all(a.json()["error"]["code"] == "busy" for a in answers if a.status_code == 503)
    assert time.monotonic() - t0 < 60
    server.assert_up()
    assert httpx.get(server.url + "/healthz", timeout=5).json()["busy"] == 0
    _no_job_dirs(server)


# ------------------------------------------------------------------------------------------ hostile input

def test_hostile_uploads_get_json_errors_and_the_server_stays_up(server: Server, tmp_path: Path) -> None:
    expected = write_hostile(tmp_path / "hostile")
    for name, code in expected.items():
        r = _post(server.url, tmp_path / "hostile" / name, timeout=60)
        if code == "not_a_report":  # readable, but no statistics table: a Report with template null
            assert r.status_code == 200 and r.json()["template"] is None, name
        else:
            assert r.status_code == STATUS[code], (name, r.status_code, r.text)
            assert r.json()["error"]["code"] == code, (name, r.text)
        server.assert_up()
    _no_job_dirs(server)


def test_oversized_and_malformed_requests(server: Server) -> None:
    big = b"0" * (MAX_BYTES + 100_000)
    r = _post(server.url, "big.txt", big)  # refused from Content-Length, before the body is read
    assert r.status_code == 413 and r.json()["error"]["code"] == "limit"
    boundary = "x-boundary-7f3a"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while it streams in
        yield head
        for _ in range(12):
            yield b"1" * 100_000
        yield f"\r\n--{boundary}--\r\n".encode()

    r = httpx.post(server.url + "/v1/extract", content=chunks(), timeout=60,
                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "limit"
    # just under the limit passes the guard (and is then read as text)
    r = _post(server.url, "small.txt", "年度报告\n".encode() * ((MAX_BYTES - 1000) // 13))
    assert r.status_code == 200 and r.json()["template"] is None, r.text
    # whatever the extractor makes of a 999,000-digit number, the answer is JSON with a code
    r = _post(server.url, "digits.txt", b"1" * (MAX_BYTES - 1000))
    assert r.status_code in (200, 413, 422, 500) and r.headers["content-type"] == "application/json"  # 413: max_line_chars
    assert r.status_code == 200 or r.json()["error"]["code"]
    r = httpx.post(server.url + "/v1/extract", data={"template": "auto"}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "request"
    r = _post(server.url, TEXT, template="2018")
    assert r.status_code == 422 and r.json()["error"]["code"] == "options"
    r = httpx.post(server.url + "/v1/extract", content=b"--zz\r\ngarbage", timeout=10,
                   headers={"Content-Type": "multipart/form-data; boundary=zz"})
    assert r.status_code in (400, 422) and "code" in r.json()["error"]
    r = httpx.get(server.url + "/v1/review/" + "x" * 65, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "request"
    server.assert_up()


def test_no_temporary_file_while_running(server: Server) -> None:
    """Between requests the service's folder holds only the tokenizer's cache (removed at shutdown)."""
    _post(server.url, PDF)
    left = sorted(p.name for p in server.service_dir().iterdir())
    assert set(left) <= {"jieba.cache"}, left
    assert [p.name for p in server.tmp.iterdir()] == [server.service_dir().name]


# ------------------------------------------------------------------------------------------ timeouts

def test_timeout_gives_504_replaces_the_worker_and_leaves_nothing(tmp_path: Path) -> None:
    srv = Server(tmp_path / "tmp", concurrency=1, timeout=0.1)
    try:
        before = _children(srv.proc.pid)
        assert len(before) == 1
        r = _post(srv.url, PDF, timeout=60)
        assert r.status_code == 504 and r.json()["error"]["code"] == "timeout"
        srv.assert_up()
        after = _children(srv.proc.pid)
        assert len(after) <= 1 and before[0] not in after  # the overrunning worker was killed
        assert httpx.get(srv.url + "/healthz", timeout=5).json()["busy"] == 0
        _no_job_dirs(srv)
        r = _post(srv.url, PDF, timeout=60)  # a fresh worker answers (and overruns again)
        assert r.status_code == 504
    finally:
        srv.stop()


# ------------------------------------------------------------------------------------------ schemathesis

def test_schemathesis_against_the_openapi_document(server: Server, tmp_path: Path) -> None:
    exe = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")
    if exe is None:
        pytest.fail("schemathesis is not installed: pip install -e '.[dev]'")
    cmd = [exe, "run", server.url + "/openapi.json", "--max-examples", "30", "--seed", "7", "--workers", "1",
           "--checks", "all", "--exclude-checks", "positive_data_acceptance", "--request-timeout", "60",
           "--no-color", "--report", "ndjson", "--report-dir", str(tmp_path / "report")]
    t0 = time.monotonic()
    res = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=180, check=False)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-6000:]
    assert time.monotonic() - t0 < 90
    # what was sent: every operation, and no server error (a 503/504 would be deliberate, none is expected
    # with one client)
    statuses: set[int] = set()
    for line in (next((tmp_path / "report").glob("*.ndjson"))).read_text().splitlines():
        statuses.update(int(s) for s in _statuses(json.loads(line)))
    assert 200 in statuses and 404 in statuses and 422 in statuses
    assert not {s for s in statuses if s >= 500}, statuses
    server.assert_up()


def _statuses(obj: object) -> Iterator[int]:
    """Every ``status_code`` found in an event of the ndjson report."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "status_code" and isinstance(v, int):
                yield v
            else:
                yield from _statuses(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _statuses(v)

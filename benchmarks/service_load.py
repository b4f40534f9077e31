"""The HTTP service under a load of concurrent uploads (a benchmark, not a test).

    python benchmarks/service_load.py [--concurrency 2] [--below 250] [--above-clients 8] [--above 30]

Starts ``extractor serve`` on a loopback port (private TMPDIR) and uploads the documents of corpora/real
(text and PDF, in turn) from client threads that each wait for their answer before sending the next:

1. **below the limit** — ``concurrency`` clients, ``--below`` requests each: every request must succeed;
2. **above the limit** — ``--above-clients`` clients, ``--above`` requests each: what finds every worker
   busy gets 503 at once (never retried here), the rest succeed;
3. **review pages** — ``concurrency`` clients fetch the review pages of the extractions above.

It prints throughput (successful requests/s), p50/p95 latency, the count of each status, and the server's
RSS (the service process plus its worker processes, from /proc every 0.25 s): after warm-up, at the end, and
the largest — memory is flat when the end is close to the start. Finally it checks that nothing was left in
the temporary folder. Output: a Markdown section for RESULTS.md (and ``--json`` for the raw numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "corpora" / "real" / "docs").iterdir())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if (p / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(pid):
                    out.append(int(p.name))
            except (OSError, IndexError):
                continue
    return out


def tree_rss_mb(pid: int) -> float:
    """RSS of the server process and its children (the workers), in MB."""
    return sum(split_rss_mb(pid))


def split_rss_mb(pid: int) -> tuple[float, float]:
    """(the service process, its worker processes) RSS in MB."""
    return _rss_kb(pid) / 1024, sum(_rss_kb(c) for c in _children(pid)) / 1024


class Sampler(threading.Thread):
    def __init__(self, pid: int, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, float]] = []
        self.split: list[tuple[float, float]] = []
        self._halt = threading.Event()

    def run(self) -> None:
        t0 = time.monotonic()
        while not self._halt.is_set():
            main, workers = split_rss_mb(self.pid)
            self.samples.append((time.monotonic() - t0, main + workers))
            self.split.append((main, workers))
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join()


@dataclass
class Phase:
    name: str
    clients: int
    wall: float = 0.0
    latencies: dict[int, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    review_ids: list[str] = field(default_factory=list)

    def record(self, status: int, seconds: float) -> None:
        self.latencies.setdefault(status, []).append(seconds)

    def count(self, status: int) -> int:
        return len(self.latencies.get(status, []))

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.latencies.values()) + len(self.errors)

    def summary(self) -> dict[str, Any]:
        ok = sorted(self.latencies.get(200, []))
        busy = self.latencies.get(503, [])
        return {
            "phase": self.name, "clients": self.clients, "requests": self.total, "wall_s": round(self.wall, 2),
            "ok": len(ok), "busy_503": len(busy),
            "other": {str(k): len(v) for k, v in self.latencies.items() if k not in (200, 503)},
            "transport_errors": len(self.errors),
            "ok_per_s": round(len(ok) / self.wall, 2) if self.wall else None,
            "p50_ms": round(1000 * statistics.median(ok)) if ok else None,
            "p95_ms": round(1000 * ok[min(len(ok) - 1, int(0.95 * len(ok)))]) if ok else None,
            "busy_p50_ms": round(1000 * statistics.median(busy)) if busy else None,
        }


def _extract_phase(url: str, name: str, clients: int, per_client: int) -> Phase:
    phase = Phase(name, clients)
    payloads = [(p.name, p.read_bytes()) for p in DOCS]
    lock = threading.Lock()

    def client(i: int) -> None:
        with httpx.Client(timeout=300) as http:
            for j in range(per_client):
                fname, data = payloads[(i + j) % len(payloads)]
                t = time.perf_counter()
                try:
                    r = http.post(url + "/v1/extract", files={"file": (fname, data)})
                except httpx.HTTPError as e:
                    with lock:
                        phase.errors.append(repr(e))
                    continue
                dt = time.perf_counter() - t
                with lock:
                    phase.record(r.status_code, dt)
                    if r.status_code == 200 and "x-review-id" in r.headers:
                        phase.review_ids.append(r.headers["x-review-id"])

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as ex:
        list(ex.map(client, range(clients)))
    phase.wall = time.perf_counter() - t0
    return phase


def _review_phase(url: str, clients: int, ids: list[str]) -> Phase:
    phase = Phase("review pages", clients)
    lock = threading.Lock()

    def client(i: int) -> None:
        with httpx.Client(timeout=300) as http:
            for rid in ids[i::clients]:
                t = time.perf_counter()
                try:
                    r = http.get(url + "/v1/review/" + rid)
                except httpx.HTTPError as e:
                    with lock:
                        phase.errors.append(repr(e))
                    continue
                with lock:
                    phase.record(r.status_code, time.perf_counter() - t)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as ex:
        list(ex.map(client, range(clients)))
    phase.wall = time.perf_counter() - t0
    return phase


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--concurrency", type=int, default=2, help="the service's worker count (its limit)")
    ap.add_argument("--below", type=int, default=250, help="requests per client below the limit")
    ap.add_argument("--above-clients", type=int, default=8, help="clients at once above the limit")
    ap.add_argument("--above", type=int, default=30, help="requests per client above the limit")
    ap.add_argument("--reviews", type=int, default=32, help="review pages to fetch")
    ap.add_argument("--json", action="store_true", help="print the raw numbers as JSON too")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="service-load-"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TMPDIR": str(tmp)}
    server = subprocess.Popen([sys.executable, "-m", "extractor", "serve", "--port", str(port),
                               "--concurrency", str(args.concurrency), "--timeout", "120"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    sampler = Sampler(server.pid)
    phase_rss: dict[str, int] = {}
    try:
        t_start = time.monotonic()
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() - t_start > 60 or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        warm = _extract_phase(url, "warm-up", args.concurrency, len(DOCS))  # every document once per worker
        rss_warm = tree_rss_mb(server.pid)
        sampler.start()
        below = _extract_phase(url, "below the limit", args.concurrency, args.below)
        phase_rss["below"] = round(tree_rss_mb(server.pid))
        above = _extract_phase(url, "above the limit", args.above_clients, args.above)
        phase_rss["above"] = round(tree_rss_mb(server.pid))
        reviews = _review_phase(url, args.concurrency, (below.review_ids + above.review_ids)[-args.reviews:])
        phase_rss["reviews"] = round(tree_rss_mb(server.pid))
        sampler.stop()
        alive = server.poll() is None and httpx.get(url + "/healthz", timeout=5).status_code == 200
    finally:
        if sampler.is_alive():
            sampler.stop()
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    left = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*"))
    shutil.rmtree(tmp, ignore_errors=True)

    rss = [m for _, m in sampler.samples]
    result = {
        "phases": [p.summary() for p in (warm, below, above, reviews)],
        "rss_mb": {"after_warm_up": round(rss_warm), "first": round(rss[0]), "last": round(rss[-1]),
                   "max": round(max(rss)), "min": round(min(rss)), "samples": len(rss),
                   "over_time": [(round(sampler.samples[i][0], 1), round(rss[i]), round(sampler.split[i][0]),
                                  round(sampler.split[i][1]))
                                 for i in (int(q * (len(rss) - 1)) for q in (0, 0.25, 0.5, 0.75, 1.0))]},
        "phase_rss": phase_rss, "server_alive_after": alive, "temp_files_left": left,
        "below_limit_failures": below.total - below.count(200),
        "docs": [p.name for p in DOCS],
    }
    print(_markdown(result, args))
    if args.json:
        print(json.dumps(result, indent=1))
    ok = result["below_limit_failures"] == 0 and above.count(503) > 0 and alive and not left
    return 0 if ok else 1


def _markdown(res: dict[str, Any], args: argparse.Namespace) -> str:
    load = os.getloadavg()[0]
    lines = [
        f"`python benchmarks/service_load.py --concurrency {args.concurrency} --below {args.below} "
        f"--above-clients {args.above_clients} --above {args.above} --reviews {args.reviews}` — "
        f"{time.strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), load {load:.1f} at the end; "
        f"uploads cycle over the {len(res['docs'])} documents of corpora/real (4 text, 3 PDF).",
        "",
        "| phase | clients | requests | 200 | 503 | other | wall | ok req/s | p50 | p95 | 503 p50 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for p in res["phases"]:
        other = ", ".join(f"{k}: {v}" for k, v in p["other"].items()) or "0"
        if p["transport_errors"]:
            other += f", transport errors: {p['transport_errors']}"
        busy = f"{p['busy_p50_ms']} ms" if p["busy_p50_ms"] is not None else "—"
        lines.append(f"| {p['phase']} | {p['clients']} | {p['requests']} | {p['ok']} | {p['busy_503']} | {other} | "
                     f"{p['wall_s']} s | {p['ok_per_s']} | {p['p50_ms']} ms | {p['p95_ms']} ms | {busy} |")
    r = res["rss_mb"]
    lines += [
        "",
        f"Failures below the limit: **{res['below_limit_failures']}**. Server RSS (service + "
        f"{args.concurrency} workers, {r['samples']} samples): {r['first']} MB at the start of the load, "
        f"{r['last']} MB at the end, max {r['max']} MB (min {r['min']}); over the run (time: total = service + "
        "workers) " + ", ".join(f"{t} s: {m} = {a} + {w}" for t, m, a, w in r["over_time"])
        + f". Phase ends: {res['phase_rss']}. Server up afterwards: "
        f"{res['server_alive_after']}; temporary files left: {len(res['temp_files_left'])}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

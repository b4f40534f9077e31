"""Run one extraction in a forked child under an address-space cap and a wall-clock bound, and measure it.

``bounded(source)`` forks (the parent has already imported the library, so the child starts warm), caps
the child's address space (``RLIMIT_AS``), runs ``extract`` and returns what it ended in (``"ok"``, an error
code, ``"untyped:<class>"``, ``"memory"``, ``"timeout"`` or ``"crashed"``), its wall time and its peak
resident set (``wait4``'s ``ru_maxrss`` of that child alone).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    result: str
    seconds: float
    peak_mb: float
    detail: str = ""


def _child(fn: Any, w: int, mem_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (mem_mb << 20, resource.RLIM_INFINITY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from extractor.errors import ExtractorError

    try:
        fn()
        out = {"result": "ok"}
    except MemoryError:
        out = {"result": "memory"}
    except ExtractorError as e:
        out = {"result": e.code, "detail": e.message[:300]}
    except BaseException as e:  # noqa: BLE001 - what the test is looking for
        out = {"result": f"untyped:{type(e).__name__}", "detail": str(e)[:300]}
    os.write(w, json.dumps(out).encode())
    os._exit(0)


def bounded_call(fn: Any, mem_mb: int = 1536, timeout_s: float = 30.0) -> Outcome:
    r, w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        try:
            _child(fn, w, mem_mb)
        finally:
            os._exit(1)
    os.close(w)
    status = None
    while time.monotonic() - t0 < timeout_s:
        got, status, usage = os.wait4(pid, os.WNOHANG)
        if got:
            break
        time.sleep(0.01)
    else:
        os.kill(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        os.close(r)
        return Outcome("timeout", time.monotonic() - t0, usage.ru_maxrss / 1024)
    secs = time.monotonic() - t0
    data = os.read(r, 1 << 16)
    os.close(r)
    peak = usage.ru_maxrss / 1024
    if not data:
        return Outcome("crashed", secs, peak, f"wait status {status}")
    out = json.loads(data)
    return Outcome(out["result"], secs, peak, out.get("detail", ""))


def bounded(source: Any, options: dict[str, Any] | None = None, **kw: Any) -> Outcome:
    from extractor import extract

    return bounded_call(lambda: extract(source, options), **kw)

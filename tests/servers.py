"""A service process for the tests that speak real HTTP: a free loopback port, ``extractor serve`` on it,
waited for until /healthz answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(*args: str, cwd: Path | None = None) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``extractor serve --port P *args`` running (its base URL and process); stopped after the block
    unless the block stopped it."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "extractor", "serve", "--port", str(port), *args], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start within 20 s")
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=20)

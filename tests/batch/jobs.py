"""Jobs for the ``isolation.Pool`` tests: module-level functions, so that a worker process can import them."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

from extractor.isolation import Retire


def echo(x: object) -> object:
    return x


def pid() -> int:
    return os.getpid()


def sleep(s: float) -> str:
    time.sleep(s)
    return "slept"


def exit_(code: int) -> None:
    os._exit(code)


def kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def boom() -> None:
    raise RuntimeError("injected failure")


def alloc() -> None:
    hog = []
    while True:
        hog.append(bytearray(b"x" * (16 << 20)))


def retire(x: object) -> Retire:
    return Retire(x)


def tmpdir(hang: float = 0.0) -> str:
    """The job's temporary folder (with a file in it, as a DOC conversion leaves); hangs ``hang`` s."""
    d = tempfile.gettempdir()
    Path(d, "input.doc").write_bytes(b"x" * 1024)
    time.sleep(hang)
    return d


def unpicklable() -> object:
    return lambda: None

"""The worker process's side of ``isolation.Pool``: limits, warm-up, then one job at a time.

At start it turns off core dumps, caps its own address space at ``max_memory_mb`` (``RLIMIT_AS``; a
runaway allocation becomes a ``MemoryError``), asks the kernel to kill it when the parent dies
(``PR_SET_PDEATHSIG``; elsewhere a thread polls for the parent), points ``TMPDIR`` at the pool's folder,
runs the pool's ``init`` and warms up. Messages on its pipe: in ``(job_id, fn, args, job_tmp)`` or
``None`` to stop; out ``("ready", pid)`` once, then per job ``("done", job_id, value, retire)`` or
``("failed", job_id, code, message, retire)``. It exits after a job with ``retire`` set: one that
returned ``Retire(value)``, ran out of memory, or was the ``max_jobs``-th.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Retire:
    """A job's value, after which its worker exits (and is replaced by a fresh one)."""

    value: Any


def die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # elsewhere (no prctl): poll for the parent being gone
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def set_limits(max_memory_mb: int | None) -> None:
    """No core dumps; the address space capped at ``max_memory_mb`` (within the hard limit)."""
    try:
        import resource
    except ImportError:  # not POSIX: the pool's RSS polling is the only cap
        return
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    if max_memory_mb:
        cap = max_memory_mb * 1024 * 1024
        try:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        except (ValueError, OSError):
            pass


def warm_up() -> None:
    """Load what every document needs (templates, the tokenizer's dictionary) before the first job, so
    that its time is not counted against the first document's timeout."""
    try:
        from ..matching.matcher import tokens
        from ..templates import all_templates

        all_templates()
        tokens("本年新收政府信息公开申请数量")
    except Exception:  # a warm-up failure shows again, recorded, on the first document
        pass


def point_tmp(path: str | None) -> None:
    """Point ``tempfile`` and child processes (LibreOffice) at ``path`` (None: the default)."""
    if path is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.makedirs(path, exist_ok=True)
        os.environ["TMPDIR"] = path
    tempfile.tempdir = path


def _run(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, tuple[Any, ...], bool]:
    try:
        value = fn(*args)
    except MemoryError:
        return "failed", ("memory", "the job needs more memory than max_memory_mb allows"), True
    except Exception as e:  # the job's own bug: say so, keep the worker
        return "failed", ("internal", f"{type(e).__name__}: {e}"[:500]), False
    if isinstance(value, Retire):
        return "done", (value.value,), True
    return "done", (value,), False


def main(conn: Connection, parent: int, max_memory_mb: int | None, tmp: str | None,
         init: Callable[..., Any] | None, init_args: tuple[Any, ...], max_jobs: int | None) -> None:
    die_with_parent(parent)
    set_limits(max_memory_mb)
    if tmp is not None:  # what the worker writes outside a job (the tokenizer's cache) stays in the pool's folder
        point_tmp(tmp)
    if init is not None:
        init(*init_args)
    warm_up()
    conn.send(("ready", os.getpid()))
    done = 0
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        job_id, fn, args, job_tmp = msg
        point_tmp(job_tmp)
        try:
            kind, body, retire = _run(fn, args)
        finally:
            point_tmp(tmp)
        done += 1
        retire = retire or bool(max_jobs and done >= max_jobs)
        try:
            conn.send((kind, job_id, *body, retire))
        except (EOFError, OSError):
            return
        except Exception as e:  # a value that cannot be pickled
            conn.send(("failed", job_id, "internal", f"the result cannot be sent: {type(e).__name__}: {e}"[:500],
                       retire))
        if retire:
            return

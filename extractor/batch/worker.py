"""The worker process: extracts one document at a time for the supervisor, under resource limits.

At start it caps its own address space at ``Limits.max_memory_mb`` (``RLIMIT_AS``; a runaway allocation
becomes a ``MemoryError``, recorded as ``memory``), turns off core dumps, and asks the kernel to kill it
when the supervisor dies (``PR_SET_PDEATHSIG``), so a ``kill -9`` of the batch leaves no worker behind.
Messages on its pipe: in ``(job_id, path, name, sha256)`` or ``None`` to stop; out ``("ready", pid)`` once,
then ``("done", job_id, record_json, retiring, status, code)`` per job. After a ``memory`` record it exits and is replaced, since
the heap of a process that hit its cap is not worth trusting.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
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


def _set_limits(max_memory_mb: int | None) -> None:
    try:
        import resource
    except ImportError:  # not POSIX: the supervisor's RSS polling is the only cap
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


def call_target(target: str) -> Any:
    """Call a ``module:function`` (the worker-init hook: registers test backends, warms caches)."""
    mod, _, func = target.partition(":")
    return getattr(importlib.import_module(mod), func)()


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


def _job_tmp(path: str | None) -> None:
    """Point ``tempfile`` and child processes (LibreOffice) at the job's own folder (None: the default)."""
    import tempfile

    if path is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.makedirs(path, exist_ok=True)
        os.environ["TMPDIR"] = path
    tempfile.tempdir = path


def main(conn: Connection, options_json: str, init: str | None, parent: int, tmp: str | None = None) -> None:
    _die_with_parent(parent)
    from ..options import Options

    options = Options.model_validate_json(options_json)
    _set_limits(options.limits.max_memory_mb)
    from .records import Extractor

    if init:
        call_target(init)
    ex = Extractor(options)
    warm_up()
    conn.send(("ready", os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        job_id, path, name, sha = msg
        if tmp is not None:
            _job_tmp(os.path.join(tmp, f"job-{job_id}"))
        try:
            rec = ex.one(path, name, sha)
        finally:
            if tmp is not None:
                _job_tmp(tmp)
        code = rec.error.code if rec.error else None
        retire = code == "memory"
        conn.send(("done", job_id, rec.model_dump_json(), retire, rec.status, code))
        if retire:
            return

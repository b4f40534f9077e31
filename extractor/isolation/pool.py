"""``Pool``: worker processes that each run one job at a time under a timeout and a memory cap (see the
package docstring); the parent's side. The worker's side is ``isolation.worker``."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..errors import ErrorCode
from . import worker as _worker

POLL_S = 0.2
START_TIMEOUT_S = 120.0
RETIRE_S = 5.0
MAX_START_FAILURES = 3
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

@dataclass(frozen=True)
class Done:
    """A job's return value."""

    value: Any
    seconds: float


@dataclass(frozen=True)
class Failed:
    """A job that gave no value: ``timeout``, ``memory``, ``crashed`` or ``internal``."""

    code: ErrorCode
    message: str
    seconds: float


Result = Done | Failed


def rss_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def exit_name(code: int | None) -> str:
    """How a process ended, in words: ``signal SIGKILL``, ``exit code 3``."""
    import signal

    if code is None:
        return "unknown"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


@dataclass(eq=False)
class _Job:
    key: Any
    jid: int
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    tmp: str
    started: float = field(default_factory=time.monotonic)
    sent: bool = False
    cancelled: bool = False


@dataclass(eq=False)
class _Worker:
    proc: Any
    conn: Connection
    state: str = "starting"  # starting | idle | busy | retiring (exits after its last result)
    job: _Job | None = None  # sent (busy) or held until the worker is ready (``submit(..., hold=True)``)
    since: float = field(default_factory=time.monotonic)


class Pool:
    """``size`` worker processes, each holding at most one job.

    ``init(*init_args)`` runs in each worker at start (a module-level function: the batch builds its
    extractor there); ``max_jobs``: a worker retires after that many jobs; ``tmp``: the folder for the
    workers' ``TMPDIR`` and the jobs' folders (default: one made with ``tmp_prefix`` and removed at
    ``close``). After more than ``max_start_failures`` workers in a row die before they are ready,
    ``broken`` says why and dead workers are no longer replaced."""

    def __init__(self, size: int, *, timeout_s: float, max_memory_mb: int | None = None,
                 init: Callable[..., Any] | None = None, init_args: tuple[Any, ...] = (),
                 max_jobs: int | None = None, tmp: str | None = None, tmp_prefix: str = "extractor-jobs-",
                 start_method: str = "spawn", max_start_failures: int = MAX_START_FAILURES) -> None:
        self.size = max(1, size)
        self.timeout_s = timeout_s
        self.max_memory_mb = max_memory_mb
        self.init, self.init_args, self.max_jobs = init, init_args, max_jobs
        self.max_start_failures = max_start_failures
        self.ctx: Any = mp.get_context(start_method)
        self._own_tmp = tmp is None
        self.tmp = tempfile.mkdtemp(prefix=tmp_prefix) if tmp is None else tmp
        self._jids = itertools.count(1)
        self.start_failures = 0
        self.replaced = 0
        self.broken: str | None = None
        self._waits: dict[Any, _Worker] = {}
        self.workers: list[_Worker] = [self._spawn() for _ in range(self.size)]

    # ------------------------------------------------------------------ workers
    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker.main, daemon=True, name="extractor-worker",
                                args=(child, os.getpid(), self.max_memory_mb, self.tmp, self.init,
                                      self.init_args, self.max_jobs))
        proc.start()
        child.close()
        return _Worker(proc=proc, conn=parent)

    @staticmethod
    def _kill(w: _Worker) -> None:
        try:
            if w.proc.is_alive():
                w.proc.kill()
            w.proc.join(5)
            w.proc.close()
        except (OSError, ValueError):
            pass
        w.conn.close()

    def _replace(self, w: _Worker) -> None:
        """Kill ``w`` and start a fresh worker in its place; a job it held unsent moves to the new one."""
        self._kill(w)
        fresh = self._spawn()
        fresh.job = w.job if w.job is not None and not w.job.sent else None
        self.workers[self.workers.index(w)] = fresh
        self.replaced += 1

    def pids(self) -> list[int]:
        return [w.proc.pid for w in self.workers if w.proc.pid is not None]

    # ------------------------------------------------------------------ jobs
    def idle(self) -> int:
        """Workers ready for a job now."""
        return sum(1 for w in self.workers if w.state == "idle" and w.job is None)

    def busy(self) -> int:
        """Workers holding a job (running, or held until the worker is ready)."""
        return sum(1 for w in self.workers if w.job is not None)

    def submit(self, key: Any, fn: Callable[..., Any], *args: Any, hold: bool = False) -> bool:
        """``fn(*args)`` on an idle worker, its result later from ``poll`` under ``key``; False when none
        is idle. ``hold``: any worker without a job takes it (one still starting or retiring included),
        sent by the next ``poll`` once the worker is ready; the timeout counts from now."""
        for w in self.workers:
            if w.job is not None or not (w.state == "idle" or hold):
                continue
            w.job = _Job(key, jid := next(self._jids), fn, args, os.path.join(self.tmp, f"job-{jid}"))
            if hold or self._send(w):
                return True
            w.job = None  # died while idle: noticed (and replaced) by the next poll
        return False

    def cancel(self, key: Any) -> None:
        """Drop the job ``key``: its worker, if it runs it, is killed and replaced by the next ``poll``."""
        for w in self.workers:
            if w.job is not None and w.job.key == key:
                w.job.cancelled = True

    def _send(self, w: _Worker) -> bool:
        job = w.job
        assert job is not None
        try:
            os.makedirs(job.tmp, exist_ok=True)
            w.conn.send((job.jid, job.fn, job.args, job.tmp))
        except (OSError, ValueError):
            shutil.rmtree(job.tmp, ignore_errors=True)
            return False
        job.sent, w.state, w.since = True, "busy", time.monotonic()
        return True

    def dispatch(self) -> None:
        """Send each held job whose worker is ready now (``poll`` and ``handle`` do it too)."""
        for w in self.workers:
            if w.state == "idle" and w.job is not None and not w.job.sent:
                self._send(w)

    def _finish(self, w: _Worker, result: Result, out: list[tuple[Any, Result]]) -> None:
        job = w.job
        assert job is not None
        w.job = None
        self._report(job, result, out)

    @staticmethod
    def _report(job: _Job, result: Result, out: list[tuple[Any, Result]]) -> None:
        shutil.rmtree(job.tmp, ignore_errors=True)
        if not job.cancelled:
            out.append((job.key, result))

    def _fail(self, w: _Worker, code: ErrorCode, message: str, out: list[tuple[Any, Result]]) -> None:
        job = w.job
        assert job is not None
        w.job = None  # the job ends with its worker: not carried over to the fresh one
        self._replace(w)  # first: the worker is dead, nothing writes into the job's folder any more
        self._report(job, Failed(code, message, time.monotonic() - job.started), out)

    def _on_message(self, w: _Worker, msg: tuple[Any, ...], out: list[tuple[Any, Result]]) -> None:
        if msg[0] == "ready":
            w.state, w.since = "idle", time.monotonic()
            self.start_failures = 0
            if w.job is not None and not w.job.sent:
                self._send(w)
            return
        job = w.job
        if job is None or not job.sent or msg[1] != job.jid:
            return
        retire = msg[-1]
        seconds = time.monotonic() - job.started
        self._finish(w, Done(msg[2], seconds) if msg[0] == "done" else Failed(msg[2], msg[3], seconds), out)
        w.state, w.since = "retiring" if retire else "idle", time.monotonic()

    def _on_exit(self, w: _Worker, out: list[tuple[Any, Result]]) -> None:
        # the sentinel fires when the process closes its descriptors, a moment before it can be reaped
        w.proc.join(1)
        # a result sent just before the exit (a worker retiring after a memory record) is still in the pipe
        try:
            while w.conn.poll(0):
                self._on_message(w, w.conn.recv(), out)
        except (EOFError, OSError):
            pass
        how = exit_name(w.proc.exitcode)
        if w.job is not None and w.job.sent:
            self._fail(w, "crashed", f"the worker process died on this document ({how}); it was replaced", out)
            return
        if w.state == "starting":
            self.start_failures += 1
            if self.start_failures > self.max_start_failures:
                self.broken = f"workers cannot start ({how}); see the worker's stderr"
                if w.job is not None:
                    self._finish(w, Failed("crashed", self.broken, time.monotonic() - w.job.started), out)
                self._kill(w)
                self.workers.remove(w)
                return
        self._replace(w)

    def waitables(self) -> list[Any]:
        """What ``poll`` waits on: each worker's pipe and process sentinel."""
        self._waits = {}
        for w in self.workers:
            self._waits[w.conn] = w
            self._waits[w.proc.sentinel] = w
        return list(self._waits)

    def wait_s(self, timeout: float) -> float:
        """How long ``poll`` may wait: ``timeout``, or less where a job's deadline comes first."""
        now = time.monotonic()
        deadlines = [w.job.started + self.timeout_s - now for w in self.workers if w.job is not None]
        return max(0.0, min([timeout, *deadlines]))

    def poll(self, timeout: float = POLL_S) -> list[tuple[Any, Result]]:
        """Wait up to ``timeout`` s; returns the jobs finished (or failed by the pool) meanwhile."""
        self.dispatch()
        return self.handle(wait(self.waitables(), timeout=self.wait_s(timeout)))

    def handle(self, ready: list[Any]) -> list[tuple[Any, Result]]:
        """Act on what ``waitables()`` found ready, then kill what overran; the finished jobs."""
        out: list[tuple[Any, Result]] = []
        handled: set[int] = set()
        for obj in ready:
            w = self._waits.get(obj)
            if w is None or id(w) in handled or w not in self.workers:
                continue
            if obj is w.conn:
                try:
                    self._on_message(w, w.conn.recv(), out)
                    continue
                except (EOFError, OSError):
                    pass
            handled.add(id(w))
            self._on_exit(w, out)
        self._enforce(out)
        self.dispatch()
        return out

    def _enforce(self, out: list[tuple[Any, Result]]) -> None:
        now = time.monotonic()
        for w in list(self.workers):
            job = w.job
            if job is not None and job.cancelled:
                if job.sent:
                    self._fail(w, "crashed", "cancelled", out)  # not reported: the job was cancelled
                else:
                    self._finish(w, Failed("crashed", "cancelled", 0.0), out)
            elif job is not None and now - job.started > self.timeout_s:
                self._fail(w, "timeout", f"no result after {self.timeout_s:g} s (limit timeout_s); "
                           "the worker was killed and replaced", out)
            elif job is not None and job.sent and self.max_memory_mb and w.proc.pid is not None and (
                    rss := rss_bytes(w.proc.pid)) is not None and rss > self.max_memory_mb * 1024 * 1024:
                self._fail(w, "memory", f"worker memory {rss >> 20} MB over the limit "
                           f"max_memory_mb={self.max_memory_mb}; it was killed", out)
            elif (w.state == "starting" and now - w.since > START_TIMEOUT_S) or (
                    w.state == "retiring" and now - w.since > RETIRE_S):
                self._replace(w)

    def close(self) -> None:
        """Stop every worker: ask, then kill what is left; none survives."""
        for w in self.workers:
            with contextlib.suppress(OSError, ValueError):
                w.conn.send(None)
        deadline = time.monotonic() + 3.0
        for w in self.workers:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            self._kill(w)
        self.workers = []
        if self._own_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

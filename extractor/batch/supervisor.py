"""Supervised worker processes: a wall-clock timeout and a memory cap per document, and a worker that
hangs, overruns its memory or dies is killed and replaced while the others go on.

Unlike ``ProcessPoolExecutor`` (where one dead worker breaks the whole pool and fails every pending job),
each worker here has its own pipe and holds at most one job, so a death costs exactly that job, which is
recorded as failed (``timeout``, ``memory`` or ``crashed``).

Workers are started with the ``spawn`` method (no state inherited from the supervisor; safe with threads).
The memory cap is enforced twice: ``RLIMIT_AS`` inside the worker (see ``worker``) and the supervisor
polling each busy worker's resident set size from ``/proc`` (where there is one) and killing it past the
cap.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from ..errors import EngineError, ErrorCode
from ..options import Options
from . import worker as worker_mod
from .records import Outcome, failed

POLL_S = 0.2
START_TIMEOUT_S = 120.0
RETIRE_S = 5.0
MAX_START_FAILURES = 3
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Job:
    id: int
    path: str
    name: str
    sha256: str | None
    started: float = 0.0


@dataclass(eq=False)
class _Worker:
    proc: Any
    conn: Connection
    state: str = "starting"  # starting | idle | busy | retiring (exits after its last result)
    job: Job | None = None
    since: float = field(default_factory=time.monotonic)


def rss_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _signal_name(code: int | None) -> str:
    if code is None:
        return "unknown"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


class Supervisor:
    def __init__(self, size: int, options: Options, init: str | None = None, start_method: str = "spawn") -> None:
        self.size = max(1, size)
        self.options = options
        self.options_json = options.model_dump_json()
        self.init = init
        self.timeout_s = options.limits.timeout_s
        self.max_rss = options.limits.max_memory_mb * 1024 * 1024
        self.ctx: Any = mp.get_context(start_method)
        self.workers: list[_Worker] = []
        self.start_failures = 0
        self.replaced = 0
        # each job's TMPDIR (DOC conversions, anything a backend writes): tmp/job-<id>, removed by the
        # supervisor when the job ends, also after its worker was killed; tmp itself at close
        self.tmp = tempfile.mkdtemp(prefix="extractor-batch-")
        for _ in range(self.size):
            self.workers.append(self._spawn())

    # ------------------------------------------------------------------ workers
    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=worker_mod.main, args=(child, self.options_json, self.init, os.getpid(), self.tmp),
                                daemon=True, name="extractor-worker")
        proc.start()
        child.close()
        return _Worker(proc=proc, conn=parent)

    def _kill(self, w: _Worker) -> None:
        try:
            if w.proc.is_alive():
                w.proc.kill()
            w.proc.join(5)
            w.proc.close()
        except (OSError, ValueError):
            pass
        w.conn.close()

    def _replace(self, w: _Worker) -> None:
        self._kill(w)
        self.workers[self.workers.index(w)] = self._spawn()
        self.replaced += 1

    def pids(self) -> list[int]:
        return [w.proc.pid for w in self.workers if w.proc.pid is not None]

    # ------------------------------------------------------------------ jobs
    def idle(self) -> int:
        return sum(1 for w in self.workers if w.state == "idle")

    def busy(self) -> int:
        return sum(1 for w in self.workers if w.state == "busy")

    def submit(self, job: Job) -> bool:
        for w in self.workers:
            if w.state == "idle":
                try:
                    w.conn.send((job.id, job.path, job.name, job.sha256))
                except (OSError, ValueError):
                    continue  # died while idle: noticed (and replaced) by the next poll
                job.started = time.monotonic()
                w.state, w.job, w.since = "busy", job, job.started
                return True
        return False

    def job_tmp(self, job: Job) -> str:
        return os.path.join(self.tmp, f"job-{job.id}")

    def _fail(self, w: _Worker, code: ErrorCode, message: str) -> tuple[Job, Outcome]:
        job = w.job
        assert job is not None
        rec = failed(job.name, code, message, sha256=job.sha256, seconds=time.monotonic() - job.started,
                     stage="batch")
        w.job = None
        self._replace(w)  # the worker is dead: nothing writes into its job folder any more
        shutil.rmtree(self.job_tmp(job), ignore_errors=True)
        return job, Outcome.of(rec)

    def _on_message(self, w: _Worker, out: list[tuple[Job, Outcome]]) -> None:
        msg = w.conn.recv()
        if msg[0] == "ready":
            w.state, w.since = "idle", time.monotonic()
            self.start_failures = 0
        elif msg[0] == "done" and w.job is not None and msg[1] == w.job.id:
            job = w.job
            shutil.rmtree(self.job_tmp(job), ignore_errors=True)
            out.append((job, Outcome(msg[2], job.name, msg[4], job.sha256, msg[5])))
            w.job, w.state, w.since = None, "retiring" if msg[3] else "idle", time.monotonic()

    def _on_exit(self, w: _Worker, out: list[tuple[Job, Outcome]]) -> None:
        # the sentinel fires when the process closes its descriptors, a moment before it can be reaped
        w.proc.join(1)
        # a result sent just before the exit (a worker retiring after a memory record) is still in the pipe
        try:
            while w.conn.poll(0):
                self._on_message(w, out)
        except (EOFError, OSError):
            pass
        if w.job is not None:
            out.append(self._fail(w, "crashed", f"the worker process died on this document "
                                  f"({_signal_name(w.proc.exitcode)}); it was replaced"))
            return
        if w.state == "starting":
            self.start_failures += 1
            if self.start_failures > MAX_START_FAILURES:
                raise EngineError(f"batch workers cannot start ({_signal_name(w.proc.exitcode)}); "
                                  "see the worker's stderr")
        self._replace(w)

    def poll(self, timeout: float = POLL_S) -> list[tuple[Job, Outcome]]:
        """Wait up to ``timeout`` s; returns the jobs finished (or failed by the supervisor) meanwhile."""
        out: list[tuple[Job, Outcome]] = []
        now = time.monotonic()
        deadlines = [w.job.started + self.timeout_s - now for w in self.workers if w.job is not None]
        waits: dict[Any, _Worker] = {}
        for w in self.workers:
            waits[w.conn] = w
            waits[w.proc.sentinel] = w
        ready = wait(list(waits), timeout=max(0.0, min([timeout, *deadlines])))
        handled: set[int] = set()
        for obj in ready:
            w = waits[obj]
            if id(w) in handled or w not in self.workers:
                continue
            if obj is w.conn:
                try:
                    self._on_message(w, out)
                    continue
                except (EOFError, OSError):
                    pass
            handled.add(id(w))
            self._on_exit(w, out)
        self._enforce(out)
        return out

    def _enforce(self, out: list[tuple[Job, Outcome]]) -> None:
        now = time.monotonic()
        for w in list(self.workers):
            if w.job is not None and now - w.job.started > self.timeout_s:
                out.append(self._fail(w, "timeout", f"no result after {self.timeout_s:g} s (limit timeout_s); "
                                      "the worker was killed and replaced"))
            elif w.job is not None and w.proc.pid is not None:
                rss = rss_bytes(w.proc.pid)
                if rss is not None and rss > self.max_rss:
                    out.append(self._fail(w, "memory", f"worker memory {rss >> 20} MB over the limit "
                                          f"max_memory_mb={self.options.limits.max_memory_mb}; it was killed"))
            elif (w.state == "starting" and now - w.since > START_TIMEOUT_S) or (
                    w.state == "retiring" and now - w.since > RETIRE_S):
                self._replace(w)

    def close(self) -> None:
        """Stop every worker: ask, then kill what is left; none survives."""
        for w in self.workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 3.0
        for w in self.workers:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            self._kill(w)
        self.workers = []
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Supervised worker processes for the batch: each document is one job of an ``isolation.Pool`` (a
wall-clock timeout and a memory cap per document; a worker that hangs, overruns its memory or dies is
killed and replaced while the others go on), and each outcome becomes the document's record.

A death costs exactly its document, recorded as failed (``timeout``, ``memory`` or ``crashed``, stage
``batch``); a document whose worker is fine gets the record ``Extractor.one`` made in the worker. Each job's
``TMPDIR`` (DOC conversions, anything a backend writes) is ``job-N`` in the pool's folder
(``extractor-batch-*``), removed when the job ends, also after its worker was killed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..errors import EngineError
from ..isolation import POLL_S, Done, Pool, Result
from ..options import Options
from . import worker as worker_mod
from .records import Outcome, failed


@dataclass
class Job:
    id: int
    path: str
    name: str
    sha256: str | None
    started: float = 0.0


class Supervisor:
    """``size`` workers extracting with ``options`` (``init``: a ``module:function`` each calls first)."""

    def __init__(self, size: int, options: Options, init: str | None = None, start_method: str = "spawn") -> None:
        self.size = max(1, size)
        self.options = options
        self.pool = Pool(self.size, timeout_s=options.limits.timeout_s, max_memory_mb=options.limits.max_memory_mb,
                         init=worker_mod.start, init_args=(options.model_dump_json(), init),
                         tmp_prefix="extractor-batch-", start_method=start_method)
        self.jobs: dict[int, Job] = {}

    @property
    def replaced(self) -> int:
        return self.pool.replaced

    def pids(self) -> list[int]:
        return self.pool.pids()

    def idle(self) -> int:
        return self.pool.idle()

    def busy(self) -> int:
        return self.pool.busy()

    def submit(self, job: Job) -> bool:
        """``job`` to an idle worker; False when none is idle."""
        if not self.pool.submit(job.id, worker_mod.extract, job.path, job.name, job.sha256):
            return False
        job.started = time.monotonic()
        self.jobs[job.id] = job
        return True

    def _outcome(self, job: Job, result: Result) -> Outcome:
        if isinstance(result, Done):
            record, status, code = result.value
            return Outcome(record, job.name, status, job.sha256, code)
        return Outcome.of(failed(job.name, result.code, result.message, sha256=job.sha256,
                                 seconds=result.seconds, stage="batch"))

    def poll(self, timeout: float = POLL_S) -> list[tuple[Job, Outcome]]:
        """Wait up to ``timeout`` s; returns the jobs finished (or failed by the supervisor) meanwhile."""
        out = [(job, self._outcome(job, result)) for key, result in self.pool.poll(timeout)
               if (job := self.jobs.pop(key, None)) is not None]
        if self.pool.broken:
            raise EngineError(f"batch {self.pool.broken}")
        return out

    def close(self) -> None:
        """Stop every worker: ask, then kill what is left; none survives."""
        self.pool.close()

    def __enter__(self) -> Supervisor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

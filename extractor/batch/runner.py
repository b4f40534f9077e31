"""A batch run: resume decisions, identical-file sharing, the local engine's dispatch loop, outputs.

For each input, in order: make it a file and hash it (``Source.prepare``), then

1. a failed record without extraction if preparing failed (too large, zip limits, unreadable);
2. skip it if OUT already has a record for this path with this content (a failed one is rerun only with
   ``retry_failed``);
3. copy the record of another path with the same content (``same_as``) if one is final for this run;
4. wait for it if the same content is being extracted right now;
5. else extract it in a worker.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExtractorError
from ..options import Options
from . import outputs
from .journal import Journal
from .records import BatchRecord, Outcome
from .sources import Entry, Prepared, Source, open_source
from .supervisor import Job, Supervisor

Progress = Callable[[int, int, BatchRecord], None]
WORKDIR = ".work"
LOCK = ".lock"


class BatchLockedError(ExtractorError):
    """Another batch run is writing to the same output folder."""

    code = "options"


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            raise BatchLockedError(f"another batch run is writing to {out}") from e
        yield
    finally:
        os.close(fd)


def default_workers() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:
        n = os.cpu_count() or 1
    return max(1, n)


@dataclass
class Counts:
    inputs: int = 0
    extracted: int = 0
    skipped: int = 0
    identical: int = 0
    refused: int = 0


@dataclass
class Run:
    out: Path
    source: Source
    journal: Journal
    retry_failed: bool = False
    progress: Progress | None = None
    counts: Counts = field(default_factory=Counts)
    names: list[str] = field(default_factory=list)
    final_by_sha: dict[str, str] = field(default_factory=dict)
    waiting: dict[str, list[Entry]] = field(default_factory=dict)
    next_id: int = 0

    def __post_init__(self) -> None:
        for name, m in self.journal.meta.items():
            if m.sha256 and (m.status != "failed" or not self.retry_failed):
                self.final_by_sha.setdefault(m.sha256, name)

    # ------------------------------------------------------------------ records
    def _tick(self, rec: BatchRecord) -> None:
        if self.progress:
            done = self.counts.extracted + self.counts.skipped + self.counts.identical + self.counts.refused
            self.progress(done, self.source.total, rec)

    def write(self, rec: BatchRecord | Outcome) -> None:
        out = rec if isinstance(rec, Outcome) else Outcome.of(rec)
        self.journal.append(out.json, out.path, out.status, out.sha256)

    def _copy(self, entry: Entry, src_name: str, sha: str) -> None:
        rec = self.journal.get(src_name)
        rec.update(path=entry.name, same_as=rec.get("same_as") or src_name, seconds=0.0)
        if rec.get("report"):
            rec["report"]["source"] = Path(entry.name).name
        copy = BatchRecord.model_validate(rec)
        self.write(copy)
        self.counts.identical += 1
        self._tick(copy)

    # ------------------------------------------------------------------ decisions
    def decide(self, entry: Entry) -> Job | None:
        """Settle an input now, or return the job that extracts it."""
        self.names.append(entry.name)
        self.counts.inputs += 1
        prep = self.source.prepare(entry)
        if isinstance(prep, BatchRecord):
            old = self.journal.meta.get(entry.name)
            if old and old.sha256 is None and old.status == prep.status and not self.retry_failed:
                self.counts.skipped += 1
            else:
                self.write(prep)
                self.counts.refused += 1
            self._tick(prep)
            return None
        return self._decide_prepared(entry, prep)

    def _decide_prepared(self, entry: Entry, prep: Prepared) -> Job | None:
        sha = prep.sha256
        old = self.journal.meta.get(entry.name)
        if old and old.sha256 == sha and (old.status != "failed" or not self.retry_failed):
            self.counts.skipped += 1
            self.source.release(entry)
            self._tick(BatchRecord(path=entry.name, sha256=sha, status=old.status))
            return None
        src = self.final_by_sha.get(sha)
        if src is not None and src != entry.name:
            self._copy(entry, src, sha)
            self.source.release(entry)
            return None
        if sha in self.waiting:
            self.waiting[sha].append(entry)
            self.source.release(entry)
            return None
        self.waiting[sha] = []
        self.next_id += 1
        return Job(self.next_id, str(prep.path), entry.name, sha)

    def finish(self, job: Job, rec: Outcome, entry: Entry | None = None) -> None:
        self.write(rec)
        self.counts.extracted += 1
        if entry is not None:
            self.source.release(entry)
        if self.progress:
            self._tick(rec.brief())
        if job.sha256:
            self.final_by_sha[job.sha256] = job.name
            for other in self.waiting.pop(job.sha256, []):
                self._copy(other, job.name, job.sha256)


def _local(run: Run, options: Options, workers: int, worker_init: str | None) -> None:
    """Keep every worker busy: up to ``workers`` jobs are decided ahead, and a worker that reports is given
    its next job before the result is written (the journal's fsync overlaps the next extraction)."""
    entries = iter(run.source)
    inflight: dict[int, Entry] = {}  # submitted or decided and waiting for a worker
    pending: deque[Job] = deque()
    exhausted = False

    def refill() -> None:
        nonlocal exhausted
        while not exhausted and len(pending) < workers:
            entry = next(entries, None)
            if entry is None:
                exhausted = True
                return
            job = run.decide(entry)
            if job is not None:
                inflight[job.id] = entry
                pending.append(job)

    with Supervisor(workers, options, worker_init) as sup:

        def submit() -> None:
            while pending and sup.idle():
                if not sup.submit(pending[0]):
                    return
                pending.popleft()

        while True:
            refill()
            submit()
            refill()
            if exhausted and not inflight:
                break
            results = sup.poll()
            submit()
            for job, rec in results:
                run.finish(job, rec, inflight.pop(job.id, None))


def run_batch(source: str | os.PathLike[str], out: Path, options: Options | dict[str, Any] | None = None,
              progress: Progress | None = None, *, workers: int | None = None, retry_failed: bool = False,
              engine: str = "local", address: str | None = None, worker_init: str | None = None,
              ocr_gpus: float = 0.0) -> dict[str, Any]:
    """Extract every input of ``source`` (folder, glob, zip/tar archive, manifest) into ``out``.

    Writes ``reports.jsonl`` (one line per input), ``cells.csv``, ``cells.parquet`` and
    ``documents.parquet`` (with the ``parquet`` extra) and ``summary.json``; returns the summary. A rerun
    with the same ``out`` resumes: inputs already recorded with the same content are skipped, failed ones
    rerun only with ``retry_failed``. ``engine="ray"`` runs the extraction on Ray Data (``address`` of a
    cluster, else a local instance). ``worker_init`` (``"module:function"``) is called in every worker
    process before its first document (test backends, warm-up).
    """
    opts = Options.coerce(options)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    workers = workers or default_workers()
    if engine not in ("local", "ray"):
        raise ValueError(f"engine must be local or ray, not {engine!r}")
    if engine == "ray":
        from .ray_engine import require_ray

        require_ray()
    t0 = time.perf_counter()
    with _locked(out):
        src = open_source(source, opts.limits, out / WORKDIR)
        journal = Journal(out)
        run = Run(out, src, journal, retry_failed, progress)
        try:
            if engine == "ray":
                from .ray_engine import run_ray

                run_ray(run, opts, workers, address, worker_init, ocr_gpus)
            else:
                _local(run, opts, workers, worker_init)
        finally:
            src.close()
            journal.close()
        secs = time.perf_counter() - t0
        journal.compact(order=run.names)
        summary, notes = outputs.write_outputs(journal, out)
        c = run.counts
        summary.update({
            "seconds": round(secs, 3),
            "docs_per_s": round(c.extracted / secs, 2) if secs and c.extracted else None,
            "this_run": {"inputs": c.inputs, "extracted": c.extracted, "already_done": c.skipped,
                         "identical": c.identical, "refused": c.refused, "engine": engine, "workers": workers},
        })
        if notes:
            summary["notes"] = notes
        outputs.write_json(summary, out / "summary.json")
        with contextlib.suppress(OSError):
            (out / WORKDIR).rmdir()
    return summary

"""A batch run: the engines (local worker pool, Ray) in a registry, the output folder's lock, the outputs.

What each input becomes (skipped, shared with an identical file, extracted) is decided by ``run.Run``; an
engine only carries the jobs it returns to workers and hands each outcome back to ``Run.finish``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ExtractorError
from ..options import Options
from . import outputs
from .journal import Journal
from .run import Progress, Run
from .sources import Entry, open_source
from .supervisor import Job, Supervisor

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


def _local(run: Run, options: Options, workers: int, _address: str | None, worker_init: str | None,
           _ocr_gpus: float) -> None:
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


def _ray(run: Run, options: Options, workers: int, address: str | None, worker_init: str | None,
         ocr_gpus: float) -> None:
    from .ray_engine import run_ray  # ray is an optional extra: imported only when asked for

    run_ray(run, options, workers, address, worker_init, ocr_gpus)


# Batch engines by name: each carries the jobs ``Run.decide`` returns to workers and gives every outcome to
# ``Run.finish``. Arguments: run, options, workers, address (ray), worker_init, ocr_gpus (ray).
Engine = Callable[[Run, Options, int, "str | None", "str | None", float], None]
ENGINES: dict[str, Engine] = {
    "local": _local,
    "ray": _ray,
}


def run_batch(source: str | os.PathLike[str], out: Path, options: Options | dict[str, Any] | None = None,
              progress: Progress | None = None, *, workers: int | None = None, retry_failed: bool = False,
              engine: str = "local", address: str | None = None, worker_init: str | None = None,
              ocr_gpus: float = 0.0, csv_bom: bool = False, compare_html: Path | None = None) -> dict[str, Any]:
    """Extract every input of ``source`` (folder, glob, zip/tar archive, manifest) into ``out``.

    Writes ``reports.jsonl`` (one line per input), ``cells.csv``, ``cells.parquet`` and
    ``documents.parquet`` (with the ``parquet`` extra) and ``summary.json``; returns the summary. A rerun
    with the same ``out`` resumes: inputs already recorded with the same content are skipped, failed ones
    rerun only with ``retry_failed``. ``engine="ray"`` runs the extraction on Ray Data (``address`` of a
    cluster, else a local instance). ``worker_init`` (``"module:function"``) is called in every worker
    process before its first document (test backends, warm-up). ``csv_bom``: cells.csv starts with a UTF-8
    byte order mark (spreadsheet programs then read it as UTF-8). ``compare.jsonl`` (and ``.parquet``) compare
    every body's consecutive years key by key; ``compare_html``: a folder for one comparison page per pair.
    """
    opts = Options.coerce(options)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    workers = workers or default_workers()
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "ray":
        from .ray_engine import require_ray

        require_ray()
    t0 = time.perf_counter()
    with _locked(out):
        src = open_source(source, opts.limits, out / WORKDIR)
        journal = Journal(out)
        run = Run(out, src, journal, retry_failed, progress)
        try:
            ENGINES[engine](run, opts, workers, address, worker_init, ocr_gpus)
        finally:
            src.close()
            journal.close()
        secs = time.perf_counter() - t0
        journal.compact(order=run.names)
        summary, notes = outputs.write_outputs(journal, out, csv_bom=csv_bom,
                                               compare_html=Path(compare_html) if compare_html else None)
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

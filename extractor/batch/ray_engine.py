"""``engine="ray"``: the same batch job on Ray Data (optional extra ``ray``: ``pip install 'zfxxgk-extractor[ray]'``).

The driver makes the same resume and identical-file decisions as the local engine, then runs the inputs
left to extract as a Ray Dataset:

    from_items(paths) -> map_batches(extract, CPU actors) [-> map_batches(OCR, GPU actors)] -> driver

Each actor keeps one supervised worker process (``Supervisor(1)``), so a document that hangs, overruns its
memory or crashes is recorded as ``timeout`` / ``memory`` / ``crashed`` on a cluster too instead of
failing the Ray task. With ``ocr_gpus > 0`` documents that need OCR are first read without it on the CPU
stage and re-run on a second stage whose actors ask Ray for that many GPUs each. Results stream back to
the driver, which appends them to ``reports.jsonl`` and writes the Parquet tables like the local engine.

Without ``address`` a local Ray instance with ``workers`` CPUs is started and shut down at the end; with
``address`` (``ray://host:10001`` or ``auto``) the cluster's nodes must see the input paths (a shared
file system).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError, error_code
from ..options import Options
from .records import Outcome, failed
from .supervisor import Job, Supervisor

if TYPE_CHECKING:
    from .run import Run

BATCH_SIZE = 4
LOCAL_OBJECT_STORE_BYTES = 256 * 1024 * 1024


def require_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError("the ray engine needs Ray Data: pip install 'zfxxgk-extractor[ray]'") from e
    return ray


class _Stage:
    """A Ray Data actor: one supervised worker process extracting the batch's documents in turn."""

    def __init__(self, options_json: str, init: str | None, only_needs_ocr: bool = False) -> None:
        self.options = Options.model_validate_json(options_json)
        self.init = init
        self.only_needs_ocr = only_needs_ocr
        self.sup: Supervisor | None = None

    def _run(self, job: Job) -> Outcome:
        if self.sup is None:
            self.sup = Supervisor(1, self.options, self.init)
        while not self.sup.idle():
            self.sup.poll()
        self.sup.submit(job)
        while True:
            for _, rec in self.sup.poll():
                return rec

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        cols: dict[str, list[Any]] = {k: [] for k in ("id", "path", "name", "sha256", "record", "status", "code")}
        for i, (jid, path, name, sha) in enumerate(zip(batch["id"], batch["path"], batch["name"], batch["sha256"],
                                                       strict=True)):
            sha = str(sha) if sha else None
            if self.only_needs_ocr and str(batch["status"][i]) != "needs_ocr":
                rec = Outcome(str(batch["record"][i]), str(name), str(batch["status"][i]), sha,
                              error_code(str(batch["code"][i])))
            else:
                rec = self._run(Job(int(jid), str(path), str(name), sha))
            for k, v in (("id", int(jid)), ("path", str(path)), ("name", str(name)), ("sha256", sha or ""),
                         ("record", rec.json), ("status", rec.status), ("code", rec.code or "")):
                cols[k].append(v)
        return cols

    def __del__(self) -> None:
        if self.sup is not None:
            self.sup.close()


def run_ray(run: Run, options: Options, workers: int, address: str | None, init: str | None,
            ocr_gpus: float = 0.0) -> None:
    ray = require_ray()
    jobs: dict[int, Job] = {}
    entries = {}
    for entry in run.source:
        job = run.decide(entry)
        if job is not None:
            jobs[job.id], entries[job.id] = job, entry
    if not jobs:
        return
    started = False
    if not ray.is_initialized():
        if address:
            ray.init(address=address, log_to_driver=False, configure_logging=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, configure_logging=False,
                     object_store_memory=LOCAL_OBJECT_STORE_BYTES,
                     runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(_sys_path())}})
        started = True
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        ctx.print_on_execution_start = False
        two_stage = options.ocr and ocr_gpus > 0
        first = options.model_copy(update={"ocr": False}) if two_stage else options
        items = [{"id": j.id, "path": j.path, "name": j.name, "sha256": j.sha256} for j in jobs.values()]
        ds = ray.data.from_items(items, override_num_blocks=max(1, min(len(items), workers * 4)))
        ds = ds.map_batches(_Stage, fn_constructor_kwargs={"options_json": first.model_dump_json(), "init": init},
                            batch_size=BATCH_SIZE, batch_format="numpy",
                            compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1)
        if two_stage:
            ds = ds.map_batches(_Stage, fn_constructor_kwargs={"options_json": options.model_dump_json(),
                                                               "init": init, "only_needs_ocr": True},
                                batch_size=BATCH_SIZE, batch_format="numpy",
                                compute=ray.data.ActorPoolStrategy(min_size=1, max_size=workers), num_gpus=ocr_gpus)
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for jid, rec, status, code in zip(batch["id"], batch["record"], batch["status"], batch["code"],
                                              strict=True):
                job = jobs.pop(int(jid))
                run.finish(job, Outcome(str(rec), job.name, str(status), job.sha256, error_code(str(code))),
                           entries.pop(job.id))
    finally:
        if started and not address:
            ray.shutdown()
    for job in jobs.values():  # should not happen: Ray returned without a row for these
        run.finish(job, Outcome.of(failed(job.name, "engine", "no result from the Ray job", sha256=job.sha256)),
                   entries.get(job.id))


def _sys_path() -> list[str]:
    import sys

    return [p for p in sys.path if p]

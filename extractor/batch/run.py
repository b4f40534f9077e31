"""The state of one batch run and what each input becomes, whatever engine carries the work.

For each input, in order: make it a file and hash it (``Source.prepare``), then

1. a failed record without extraction if preparing failed (too large, zip limits, unreadable);
2. skip it if OUT already has a record for this path with this content (a failed one is rerun only with
   ``retry_failed``);
3. copy the record of another path with the same content (``same_as``) if one is final for this run;
4. wait for it if the same content is being extracted right now;
5. else extract it in a worker (``decide`` returns the job; the engine gives its outcome to ``finish``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .journal import Journal
from .records import BatchRecord, Outcome
from .sources import Entry, Prepared, Source
from .supervisor import Job

Progress = Callable[[int, int, BatchRecord], None]


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

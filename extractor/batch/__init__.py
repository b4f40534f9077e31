"""Many documents: one final record per input, never an exception for one bad document.

``Extractor.iter(paths)`` yields a :class:`BatchRecord` per input in this process (ok, partial, needs_ocr
or failed with a stable error code). ``run_batch(source, out)`` is the archive job: every input of a
folder, glob, zip/tar archive or manifest extracted in supervised worker processes (timeout, memory cap,
a dead worker replaced) or on Ray Data, with resume by content hash, into ``reports.jsonl``,
``cells.csv``, ``cells.parquet``, ``documents.parquet``, ``cross_year`` and ``compare`` (``.jsonl`` and
``.parquet``: each body's consecutive years) and ``summary.json``.

Modules: ``records`` (BatchRecord, Extractor, batch-only error codes), ``sources`` (inputs),
``worker`` / ``supervisor`` (process isolation), ``journal`` (reports.jsonl, atomic appends, resume
state), ``outputs`` (derived tables), ``compare_out`` (compare.jsonl/parquet, the pages), ``runner`` (the run), ``ray_engine`` (``engine="ray"``).
"""

from __future__ import annotations

from .outputs import CSV_FIELDS
from .records import BatchRecord, Extractor
from .runner import BatchLockedError, default_workers, run_batch
from .sources import SKIP_NAMES, list_inputs, open_source

__all__ = ["BatchLockedError", "BatchRecord", "CSV_FIELDS", "Extractor", "SKIP_NAMES",
           "default_workers", "list_inputs", "open_source", "run_batch"]

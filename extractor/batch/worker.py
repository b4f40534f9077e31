"""The batch's jobs in ``isolation`` worker processes: each worker builds one ``Extractor`` at start
(``start``, the pool's ``init``) and extracts one document per job (``extract``).

Limits, warm-up, per-job ``TMPDIR`` and the death of the worker with the supervisor are
``extractor.isolation``'s. After a ``memory`` record the worker retires (``Retire``) and is replaced,
since the heap of a process that hit its cap is not worth trusting.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..isolation import Retire

_extractor: Any = None  # this worker's Extractor, made by ``start``


def call_target(target: str) -> Any:
    """Call a ``module:function`` (the worker-init hook: registers test backends, warms caches)."""
    mod, _, func = target.partition(":")
    return getattr(importlib.import_module(mod), func)()


def start(options_json: str, init: str | None) -> None:
    """The pool's ``init``: the options, the worker-init hook, then the extractor."""
    global _extractor
    from ..options import Options
    from .records import Extractor

    options = Options.model_validate_json(options_json)
    if init:
        call_target(init)
    _extractor = Extractor(options)


def extract(path: str, name: str, sha256: str | None) -> tuple[str, str, str | None] | Retire:
    """One document: ``(record_json, status, error_code)``; wrapped in ``Retire`` after a memory record."""
    rec = _extractor.one(path, name, sha256)
    code = rec.error.code if rec.error else None
    out = (rec.model_dump_json(), rec.status, code)
    return Retire(out) if code == "memory" else out

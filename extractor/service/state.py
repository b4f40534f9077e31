"""The service's state, shared by its endpoints: the worker processes, the temporary folder, the review store."""

import asyncio
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from ..isolation import Done, Failed
from ..options import Limits
from .pool import Workers
from .reviews import ReviewStore


class Service:
    """What the endpoints share: workers, the temporary folder, the review and comparison stores."""

    def __init__(self, concurrency: int, limits: Limits, timeout: float, review_keep: int, review_max_bytes: int,
                 tmp_root: str | os.PathLike[str] | None, recycle_after: int | None) -> None:
        self.concurrency = concurrency
        self.limits = limits
        self.timeout = timeout
        self.tmp_root = tmp_root
        self.tmp: Path | None = None
        self.workers = Workers(concurrency, limits.max_memory_mb, recycle_after, timeout_s=timeout)
        self.reviews = ReviewStore(review_keep, review_max_bytes)
        # comparison pages (rendered HTML as the stored bytes), kept as many as review pages
        self.compares = ReviewStore(review_keep, review_max_bytes)
        self._lock = threading.Lock()
        # uploads admitted (read into memory, waiting for or holding a worker): at most ``concurrency``, so a
        # burst of large uploads holds at most concurrency x max_file_bytes; checked and counted on the event
        # loop with no await in between
        self.admitted = 0

    def start(self) -> None:
        with self._lock:
            if self.tmp is None:
                self.tmp = Path(tempfile.mkdtemp(prefix="extractor-service-", dir=self.tmp_root))
                self.workers.tmp = str(self.tmp)
        self.workers.start()

    def close(self) -> None:
        self.workers.close()
        self.reviews.clear()
        self.compares.clear()
        with self._lock:
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None

    async def run(self, fn: Callable[..., Any], *args: Any) -> dict[str, Any]:
        """``fn(*args)`` in a free worker with the timeout; ``{"error": {...}}`` when busy, timed out or
        crashed. The job's temporary folder is gone when this returns."""
        self.start()
        fut = self.workers.submit(fn, *args)
        if fut is None:
            return {"error": {"status": 503, "code": "busy",
                              "message": f"all {self.concurrency} workers are busy; retry later"}}
        result = await asyncio.wrap_future(fut)  # cancelled (the client went away): the worker is replaced
        if isinstance(result, Done):
            return cast(dict[str, Any], result.value)
        return {"error": self._error(result)}

    def _error(self, failed: Failed) -> dict[str, Any]:
        if failed.code == "timeout":
            return {"status": 504, "code": "timeout",
                    "message": f"the work took more than {self.timeout:g} s; the worker was replaced"}
        if failed.code == "crashed":
            return {"status": 500, "code": "crashed", "message": "the worker died on this document"}
        return {"status": 500, "code": failed.code, "message": failed.message}  # memory, internal

"""``Background``: a ``Pool`` driven by a thread of its own, for callers that cannot poll (the service's
event loop): each job gets a ``concurrent.futures.Future``."""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import itertools
import os
import threading
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

from .pool import POLL_S, Failed, Pool, Result


class Background:
    """A ``Pool`` driven by a thread of its own: ``submit`` gives a ``Future`` resolved with the job's
    ``Result`` (cancelling it kills the job's worker), or None when every worker holds a job."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self._lock = threading.Lock()
        self._futures: dict[int, cf.Future[Result]] = {}
        self._keys = itertools.count()
        self._closed = False
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._thread = threading.Thread(target=self._loop, daemon=True, name="isolation-pool")
        self._thread.start()

    @property
    def busy(self) -> int:
        return len(self._futures)

    def submit(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Result] | None:
        fut: cf.Future[Result] = cf.Future()
        with self._lock:
            if self._closed:
                return None
            if self.pool.broken and not self.pool.workers:
                fut.set_result(Failed("crashed", self.pool.broken, 0.0))
                return fut
            key = next(self._keys)
            if not self.pool.submit(key, fn, *args, hold=True):
                return None
            self._futures[key] = fut
        self._wake()
        return fut

    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # full: the thread is woken already
            os.write(self._wake_w, b"x")

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._closed:
                    return
                for key, fut in list(self._futures.items()):
                    if fut.cancelled():
                        self.pool.cancel(key)
                        del self._futures[key]
                self.pool.dispatch()
                objs, timeout = self.pool.waitables(), self.pool.wait_s(POLL_S)
            ready = wait([*objs, self._wake_r], timeout=timeout)
            if self._wake_r in ready:
                with contextlib.suppress(OSError):
                    os.read(self._wake_r, 4096)
            with self._lock:
                if self._closed:
                    return
                try:
                    out = self.pool.handle([o for o in ready if o != self._wake_r])
                except Exception as e:  # a bug here must not leave requests waiting for ever
                    out = [(k, Failed("internal", f"{type(e).__name__}: {e}"[:500], 0.0)) for k in self._futures]
                    for key in self._futures:
                        self.pool.cancel(key)  # their workers are killed and replaced by the next round
                for key, result in out:
                    waiting = self._futures.pop(key, None)
                    if waiting is not None and not waiting.done():
                        waiting.set_result(result)

    def close(self) -> None:
        """Stop the thread and every worker; a job still running ends ``crashed``."""
        with self._lock:
            self._closed = True
        self._wake()
        self._thread.join(10)
        self.pool.close()
        for fut in self._futures.values():
            if not fut.done():
                fut.set_result(Failed("crashed", "the worker was stopped (shutting down)", 0.0))
        self._futures = {}
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)

"""The documents kept for their review page: the last ``keep`` successful extractions, bounded in bytes."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any


@dataclass
class Stored:
    name: str
    data: bytes | None
    report: dict[str, Any]

    @property
    def size(self) -> int:
        return len(self.data or b"") + 4096 + 600 * len(self.report.get("cells") or {})


class ReviewStore:
    """The last ``keep`` documents (bytes + report) by review id, ``max_bytes`` at most in all."""

    def __init__(self, keep: int = 64, max_bytes: int = 512 * 1024 * 1024) -> None:
        self.keep = keep
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        return self._bytes

    def put(self, name: str, data: bytes, report: dict[str, Any]) -> str | None:
        if self.keep <= 0:
            return None
        item = Stored(name, data, report)
        if item.size > self.max_bytes:  # too big to keep: the page will have the tables but no image
            item = Stored(name, None, report)
        rid = secrets.token_urlsafe(16)
        with self._lock:
            self._items[rid] = item
            self._bytes += item.size
            while self._items and (len(self._items) > self.keep or self._bytes > self.max_bytes):
                _, old = self._items.popitem(last=False)
                self._bytes -= old.size
        return rid if rid in self._items else None

    def get(self, rid: str) -> Stored | None:
        with self._lock:
            return self._items.get(rid)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

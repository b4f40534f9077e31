"""``reports.jsonl`` as the run's journal: one line per input, appended atomically, the resume state.

Each record is one ``write`` of a whole line on an ``O_APPEND`` descriptor, then ``fsync``: a crash or a
``kill -9`` leaves whole lines only (a torn last line, which a full disk could make, is dropped when the
journal is next opened). A record for a path that already has one (``--retry-failed``, a file whose
content changed) is appended too; the last line for a path wins, and the file is compacted — rewritten to
a temporary name, synced and renamed — when a run opens it and when it ends, so a finished run leaves
exactly one line per path.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAME = "reports.jsonl"


@dataclass
class Meta:
    status: str
    sha256: str | None
    offset: int
    length: int


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_atomically(tmp: Path, final: Path) -> None:
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)
    fsync_dir(final.parent)


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        rec = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return rec if isinstance(rec, dict) and isinstance(rec.get("path"), str) and "status" in rec else None


class Journal:
    def __init__(self, out: Path) -> None:
        self.path = out / NAME
        self.meta: dict[str, Meta] = {}
        self._fd: int | None = None
        if self.path.exists():
            self.compact()

    # ------------------------------------------------------------------ reading
    def _scan(self) -> tuple[dict[str, Meta], int, int]:
        """Last line per path; counts of lines and of lines superseded or unreadable."""
        meta: dict[str, Meta] = {}
        lines = bad = 0
        offset = 0
        with open(self.path, "rb") as f:
            for line in f:
                lines += 1
                rec = _parse(line) if line.endswith(b"\n") else None
                if rec is None:
                    bad += 1
                else:
                    if rec["path"] in meta:
                        bad += 1
                        del meta[rec["path"]]  # keep the order of the latest write
                    meta[rec["path"]] = Meta(rec["status"], rec.get("sha256"), offset, len(line))
                offset += len(line)
        return meta, lines, bad

    def get(self, name: str) -> dict[str, Any]:
        m = self.meta[name]
        with open(self.path, "rb") as f:
            f.seek(m.offset)
            rec = _parse(f.read(m.length))
        assert rec is not None
        return rec

    def lines(self) -> Iterator[bytes]:
        """The current record lines (one per path), in file order."""
        spans = sorted((m.offset, m.length) for m in self.meta.values())
        with open(self.path, "rb") as f:
            for off, n in spans:
                f.seek(off)
                yield f.read(n)

    def records(self) -> Iterator[dict[str, Any]]:
        for line in self.lines():
            rec = _parse(line)
            if rec is not None:
                yield rec

    # ------------------------------------------------------------------ writing
    def compact(self, order: Iterable[str] | None = None) -> None:
        """Rewrite with one line per path (the last written), paths of ``order`` first in that order."""
        self.close()
        if not self.path.exists():
            self.meta = {}
            return
        meta, lines, bad = self._scan()
        self.meta = meta
        names = list(meta)
        if order is not None:
            first = [n for n in dict.fromkeys(order) if n in meta]
            seen = set(first)
            names = first + [n for n in names if n not in seen]
        if bad == 0 and names == list(meta):
            return
        tmp = self.path.with_name(NAME + ".tmp")
        new: dict[str, Meta] = {}
        with open(self.path, "rb") as src, open(tmp, "wb") as dst:
            for n in names:
                m = meta[n]
                src.seek(m.offset)
                line = src.read(m.length)
                new[n] = Meta(m.status, m.sha256, dst.tell(), len(line))
                dst.write(line)
        replace_atomically(tmp, self.path)
        self.meta = new

    def append(self, rec_json: str, name: str, status: str, sha256: str | None) -> None:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        data = (rec_json + "\n").encode("utf-8")
        offset = os.lseek(self._fd, 0, os.SEEK_END)
        view = memoryview(data)
        while view:  # one write unless the disk is full; a torn line is dropped on reopening
            n = os.write(self._fd, view)
            view = view[n:]
        os.fsync(self._fd)
        self.meta.pop(name, None)
        self.meta[name] = Meta(status, sha256, offset, len(data))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

"""The entries a batch reads and the plain folder source (see ``sources`` for the whole picture)."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ErrorCode, InputError, LimitExceededError
from ..ingest import open_regular
from ..options import Limits
from .records import BatchRecord, failed

SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
CHUNK = 1 << 20


@dataclass
class Entry:
    name: str  # what the record's ``path`` says
    path: Path | None = None  # on disk (files); set by prepare for archive members
    member: Any = None  # zipfile.ZipInfo / tarfile.TarInfo
    index: int = 0
    temporary: bool = False
    problem: tuple[ErrorCode, str] | None = None  # (code, message): recorded as failed without reading anything


@dataclass
class Prepared:
    path: Path
    sha256: str
    size: int


def _hidden(rel_parts: tuple[str, ...]) -> bool:
    return any((p.startswith(".") and p not in (".", "..")) or p == "__MACOSX" for p in rel_parts) or (
        bool(rel_parts) and rel_parts[-1] in SKIP_NAMES)


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _walk(source: Path, skip: Path | None = None) -> list[tuple[Path, bool]]:
    """(path, is a link to a folder) of every non-folder entry under ``source`` and of every link to a
    folder, walked without following links; hidden and system files left out, and the folder ``skip`` (the
    batch's own output folder, when it lies inside SOURCE: its reports are no inputs)."""
    out: list[tuple[Path, bool]] = []
    skipped = os.path.realpath(skip) if skip is not None else None
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        base = Path(dirpath)
        rel = base.relative_to(source).parts
        if (_hidden(rel) if rel else False) or (rel and os.path.realpath(base) == skipped):
            dirnames[:] = []
            continue
        for d in dirnames:
            if (base / d).is_symlink():
                out.append((base / d, True))
        out.extend((base / f, False) for f in filenames)
    return sorted(((p, d) for p, d in out if not _hidden(p.relative_to(source).parts)), key=lambda x: str(x[0]))


def list_inputs(source: Path) -> list[Path]:
    """Every regular file under a folder (sorted, hidden and system files left out, links not followed out
    of the folder), or the file itself."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise FileNotFoundError(f"no such file or folder: {source}")
    root = os.path.realpath(source)
    out = []
    for p, _ in _walk(source):
        real = os.path.realpath(p)
        if _inside(real, root) and os.path.isfile(real):
            out.append(p)
    return out


def _folder_entries(source: Path, skip: Path | None = None) -> list[Entry]:
    """One entry per file, link, device or FIFO under the folder (``skip``: a folder left out); links to
    folders inside it are not followed (their files are listed where they are)."""
    root = os.path.realpath(source)
    entries = []
    for p, is_dir_link in _walk(source, skip):
        if is_dir_link and _inside(os.path.realpath(p), root):
            continue
        entries.append(Entry(name=p.relative_to(source).as_posix(), path=p))
    return entries


def _hash_fd(fd: int, cap: int) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with os.fdopen(fd, "rb") as f:
        while chunk := f.read(CHUNK):
            size += len(chunk)
            if size > cap:  # grew since the stat
                raise LimitExceededError(f"file is over {cap} bytes; limit max_file_bytes={cap}")
            h.update(chunk)
    return h.hexdigest(), size


class Source:
    """Files on disk (folder, glob, manifest, single file). With ``root`` (folder and glob sources) a path
    whose real location is outside ``root`` is refused (``outside_source``) before it is opened."""

    kind = "files"

    def __init__(self, entries: list[Entry], limits: Limits, description: str, root: Path | None = None) -> None:
        self.entries = entries
        self.limits = limits
        self.description = description
        self.root = os.path.realpath(root) if root is not None else None

    @property
    def total(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def prepare(self, e: Entry) -> Prepared | BatchRecord:
        if e.problem is not None:
            return failed(e.name, e.problem[0], e.problem[1], stage="ingest")
        assert e.path is not None
        real = os.path.realpath(e.path)
        if self.root is not None and not _inside(real, self.root):
            return failed(e.name, "outside_source", "a link to a file outside the input folder: not read",
                          stage="ingest")
        try:
            # stat before opening, opened non-blocking without following a link swapped in since realpath
            fd, _ = open_regular(real, self.limits) if self.root is None else _open_nofollow(real, self.limits)
            sha, size = _hash_fd(fd, self.limits.max_file_bytes)
        except InputError as err:
            return failed(e.name, err.code, err.message.replace(real, e.name), stage="ingest")
        except OSError as err:
            return failed(e.name, "input", f"cannot read the file: {err.strerror or err}", stage="ingest")
        return Prepared(Path(real), sha, size)

    def release(self, e: Entry) -> None:
        if e.temporary and e.path is not None:
            e.path.unlink(missing_ok=True)

    def close(self) -> None:
        pass


def _open_nofollow(path: str, limits: Limits) -> tuple[int, os.stat_result]:
    """``open_regular`` of an already resolved path, refusing a final component that became a link."""
    try:
        st = os.lstat(path)
    except OSError:
        st = None
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise InputError(f"the file became a link while the batch ran: {path}")
    return open_regular(path, limits)

"""Zip and tar archives as batch sources: every member one record (see ``sources``)."""

from __future__ import annotations

import hashlib
import shutil
import stat
import tarfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import ErrorCode
from ..options import Limits
from .records import BatchRecord, failed
from .source_base import CHUNK, Entry, Prepared, Source, _hidden


class _Archive(Source):
    """Members extracted one at a time into ``workdir`` with the zip limits of ``Limits``."""

    def __init__(self, path: Path, limits: Limits, workdir: Path) -> None:
        super().__init__([], limits, f"archive {path}")
        self.archive = path
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)

    def _open_member(self, e: Entry) -> Any:
        raise NotImplementedError

    def _check(self, e: Entry) -> str | None:
        return None

    def prepare(self, e: Entry) -> Prepared | BatchRecord:
        if e.problem is not None:
            return failed(e.name, e.problem[0], e.problem[1], stage="ingest")
        problem = self._check(e)
        if problem:
            return failed(e.name, "limit", problem, stage="ingest")
        cap = min(self.limits.max_zip_member_bytes, self.limits.max_file_bytes)
        suffix = "".join(PurePosixPath(e.name).suffixes[-1:])[:16]
        dest = self.workdir / f"m{e.index:07d}{suffix}"
        h = hashlib.sha256()
        size = 0
        try:
            with self._open_member(e) as src, open(dest, "wb") as out:
                while chunk := src.read(CHUNK):
                    size += len(chunk)
                    if size > cap:  # the header may lie: the cap is enforced while inflating
                        raise _TooLarge()
                    h.update(chunk)
                    out.write(chunk)
        except _TooLarge:
            dest.unlink(missing_ok=True)
            return failed(e.name, "limit", f"archive member inflates past {cap} bytes "
                          "(limits max_zip_member_bytes / max_file_bytes)", stage="ingest")
        except Exception as err:  # BadZipFile, TarError, EOFError, zlib/lzma errors, NotImplementedError (method)
            dest.unlink(missing_ok=True)
            code: ErrorCode = "encrypted" if "encrypted" in str(err) or "password" in str(err) else "corrupt"
            return failed(e.name, code, f"cannot extract the archive member: {err}", stage="ingest")
        e.path, e.temporary = dest, True
        return Prepared(dest, h.hexdigest(), size)

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


class _TooLarge(Exception):
    pass


MAX_LINK_HOPS = 8


def _unsafe_name(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _member_entries(members: list[tuple[str, Any]], kind_of: Any, link_of: Any) -> list[Entry]:
    """One entry per archive member (folders and hidden files left out). ``kind_of(m)`` is "file", "link" or
    a description of a special member; ``link_of(m)`` the member name a link points to (or None)."""
    by_name: dict[str, Any] = {}
    for name, m in members:
        by_name.setdefault(name.rstrip("/"), m)
    seen: dict[str, int] = {}
    entries: list[Entry] = []
    for name, m in members:
        if _hidden(PurePosixPath(name).parts):
            continue
        kind = kind_of(m)
        if kind == "dir":
            continue
        seen[name] = seen.get(name, 0) + 1
        shown = name if seen[name] == 1 else f"{name}#{seen[name]}"
        e = Entry(name=shown, member=m, index=len(entries))
        if _unsafe_name(name):
            e.problem = ("input", "archive member name leaves the archive (absolute or with ..): not extracted")
        elif kind == "link":
            target, cur = None, m
            for _ in range(MAX_LINK_HOPS):
                dest = link_of(cur)
                cur = by_name.get(dest) if dest is not None else None
                if cur is None or kind_of(cur) != "link":
                    target = cur
                    break
            if target is None or kind_of(target) != "file":
                e.problem = ("outside_source", "a link to a file that is not a member of the archive: not followed")
            else:
                e.member = target
        elif kind != "file":
            e.problem = ("input", f"not a regular file ({kind}) in the archive")
        entries.append(e)
    return entries


def _link_target(name: str, target: str, hard: bool) -> str | None:
    """The archive member name a link points to: a hard link names a member, a symbolic one is relative to
    the link's folder; None when it leaves the archive."""
    if not target or target.startswith("/"):
        return None
    joined = PurePosixPath(target) if hard else PurePosixPath(name).parent / target
    parts: list[str] = []
    for p in joined.parts:
        if p == "..":
            if not parts:
                return None
            parts.pop()
        elif p != ".":
            parts.append(p)
    return "/".join(parts)


class ZipSource(_Archive):
    def __init__(self, path: Path, limits: Limits, workdir: Path) -> None:
        super().__init__(path, limits, workdir)
        self.zf = zipfile.ZipFile(path)
        self.entries = _member_entries([(i.filename, i) for i in self.zf.infolist()], self._kind, self._link)

    @staticmethod
    def _kind(i: zipfile.ZipInfo) -> str:
        mode = i.external_attr >> 16
        if i.is_dir():
            return "dir"
        if stat.S_ISLNK(mode):
            return "link"
        if mode and not stat.S_ISREG(mode) and stat.S_IFMT(mode):
            return _special(mode)
        return "file"

    def _link(self, i: zipfile.ZipInfo) -> str | None:
        if i.file_size > 4096:
            return None
        try:
            target = self.zf.read(i).decode("utf-8", "replace")
        except Exception:
            return None
        return _link_target(i.filename, target, hard=False)

    def _check(self, e: Entry) -> str | None:
        i: zipfile.ZipInfo = e.member
        if i.file_size > self.limits.max_zip_member_bytes:
            return f"archive member is {i.file_size} bytes; limit max_zip_member_bytes={self.limits.max_zip_member_bytes}"
        if i.compress_size and i.file_size / i.compress_size > self.limits.max_zip_ratio:
            return (f"archive member inflates {i.file_size / i.compress_size:.0f}x; "
                    f"limit max_zip_ratio={self.limits.max_zip_ratio:g}")
        return None

    def _open_member(self, e: Entry) -> Any:
        return self.zf.open(e.member)

    def close(self) -> None:
        self.zf.close()
        super().close()


def _special(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "a special file"


class TarSource(_Archive):
    def __init__(self, path: Path, limits: Limits, workdir: Path) -> None:
        super().__init__(path, limits, workdir)
        self.tf = tarfile.open(path, "r:*")
        members: list[tarfile.TarInfo] = []
        damage: str | None = None
        try:
            for m in self.tf:  # stops at the first damaged header: the members before it are kept
                members.append(m)
        except (tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as err:
            damage = f"the archive is damaged after {len(members)} members: {err}"
        self.entries = _member_entries([(m.name, m) for m in members], self._kind, self._link)
        if damage is not None:
            self.entries.append(Entry(name=path.name, index=len(self.entries), problem=("corrupt", damage)))

    @staticmethod
    def _kind(m: tarfile.TarInfo) -> str:
        if m.isdir():
            return "dir"
        if m.isfile():
            return "file"
        if m.islnk() or m.issym():
            return "link"
        return {tarfile.CHRTYPE: "a character device", tarfile.BLKTYPE: "a block device",
                tarfile.FIFOTYPE: "a FIFO"}.get(m.type, "a special file")

    @staticmethod
    def _link(m: tarfile.TarInfo) -> str | None:
        return _link_target(m.name, m.linkname, hard=m.islnk())

    def _check(self, e: Entry) -> str | None:
        m: tarfile.TarInfo = e.member
        if m.size > self.limits.max_zip_member_bytes:
            return f"archive member is {m.size} bytes; limit max_zip_member_bytes={self.limits.max_zip_member_bytes}"
        return None

    def _open_member(self, e: Entry) -> Any:
        f = self.tf.extractfile(e.member)
        if f is None:
            raise OSError("not a regular file")
        return f

    def close(self) -> None:
        self.tf.close()
        super().close()

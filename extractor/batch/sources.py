"""What a batch reads: a folder, a glob, a zip/tar archive or a manifest, as a stream of :class:`Entry`.

Each entry has the name its record carries (relative to the folder or the glob's fixed prefix, the member
name inside an archive, the path as written in a manifest). ``Source.prepare(entry)`` makes it a file on
disk and hashes it, or answers with a failed record (too large, a member over the zip limits, a missing
file). Archive members are extracted lazily, one at a time, into a temporary folder under OUT and removed
by ``release`` once their record is written.

Only regular files are read, and only inside the input: a folder or glob SOURCE is walked without following
links, a link whose target lies outside SOURCE gets a record ``outside_source`` (its target is never opened
or hashed), devices, FIFOs and sockets get ``input`` before anything is opened (a read of /dev/zero never
ends, one of a FIFO waits forever), and manifest paths are stat-checked the same way. Every archive member
gets exactly one record: links resolved inside the archive (else ``outside_source``), devices and FIFOs
``input``, names that leave the archive (``..``, absolute) ``input``, duplicate names disambiguated
(``a.txt#2``); an archive that cannot be listed (corrupt zip, truncated tar) gives one ``corrupt`` record
for itself beside the members listed before the damage.
"""

from __future__ import annotations

import csv
import glob as globmod
import hashlib
import json
import os
import shutil
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import InputError, LimitExceededError
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
    problem: tuple[str, str] | None = None  # (code, message): recorded as failed without reading anything


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


def _walk(source: Path) -> list[tuple[Path, bool]]:
    """(path, is a link to a folder) of every non-folder entry under ``source`` and of every link to a
    folder, walked without following links; hidden and system files left out."""
    out: list[tuple[Path, bool]] = []
    for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
        base = Path(dirpath)
        rel = base.relative_to(source).parts
        if _hidden(rel) if rel else False:
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


def _folder_entries(source: Path) -> list[Entry]:
    """One entry per file, link, device or FIFO under the folder; links to folders inside it are not
    followed (their files are listed where they are)."""
    root = os.path.realpath(source)
    entries = []
    for p, is_dir_link in _walk(source):
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
            code = "encrypted" if "encrypted" in str(err) or "password" in str(err) else "corrupt"
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


def _manifest_paths(path: Path) -> list[str] | None:
    """The paths of a manifest (.csv with a ``path`` column, .jsonl with "path"), or None if it is not one."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as f:
                reader = csv.DictReader(f)
                if not reader.fieldnames or "path" not in reader.fieldnames:
                    return None
                return [r["path"] for r in reader if r.get("path")]
        if suffix in (".jsonl", ".ndjson"):
            out = []
            with open(path, encoding="utf-8-sig") as f:
                for line in f:
                    if not line.strip():
                        continue
                    obj = json.loads(line)
                    if not isinstance(obj, dict) or "path" not in obj:
                        return None
                    out.append(str(obj["path"]))
            return out
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error):
        return None
    return None


def _is_tar(path: Path) -> bool:
    name = path.name.lower()
    if not name.endswith((".tar", ".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz")):
        return False
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def _glob_source(text: str, limits: Limits) -> Source:
    """Names relative to the pattern's fixed leading folders."""
    matches = sorted(Path(p) for p in globmod.glob(text, recursive=True) if not os.path.isdir(p))
    if not matches:
        raise FileNotFoundError(f"no files match {text}")
    fixed = []
    for part in Path(text).parts:
        if globmod.has_magic(part):
            break
        fixed.append(part)
    root = Path(*fixed) if fixed else Path(".")
    entries = []
    for p in matches:
        try:
            name = p.relative_to(root).as_posix()
        except ValueError:
            name = p.as_posix()
        if not _hidden(Path(name).parts):
            entries.append(Entry(name=name, path=p))
    return Source(entries, limits, f"glob {text}", root=root)


def open_source(source: str | os.PathLike[str], limits: Limits, workdir: Path) -> Source:
    """A folder, a glob (``*``, ``?``, ``[``; ``**`` recursive), a .zip or .tar(.gz/.bz2/.xz) archive, a
    manifest (.csv with a ``path`` column or .jsonl with "path"; relative paths are relative to the
    manifest), or one document."""
    text = os.fspath(source)
    path = Path(text)
    if path.is_dir():
        return Source(_folder_entries(path), limits, f"folder {path}", root=path)
    if path.is_file():
        archive = ZipSource if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path) else \
            TarSource if _is_tar(path) else None
        if archive is not None:
            try:
                return archive(path, limits, workdir)
            except Exception as err:  # the archive cannot even be listed: one record for it, the run goes on
                shutil.rmtree(workdir, ignore_errors=True)
                return Source([Entry(name=path.name, problem=("corrupt", f"unreadable archive: {err!r}"))],
                              limits, f"archive {path}")
        listed = _manifest_paths(path)
        if listed is not None:
            base = path.parent
            return Source([Entry(name=p, path=(base / p) if not os.path.isabs(p) else Path(p)) for p in listed],
                          limits, f"manifest {path}")
        return Source([Entry(name=path.name, path=path)], limits, f"file {path}")
    if globmod.has_magic(text):
        return _glob_source(text, limits)
    raise FileNotFoundError(f"no such file, folder or matching files: {text}")

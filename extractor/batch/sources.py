"""What a batch reads: a folder, a glob, a zip/tar archive or a manifest, as a stream of :class:`Entry`.

Each entry has the name its record carries (relative to the folder or the glob's fixed prefix, the member
name inside an archive, the path as written in a manifest). ``Source.prepare(entry)`` makes it a file on
disk and hashes it, or answers with a failed record (too large, a member over the zip limits, a missing
file). Archive members are extracted lazily, one at a time, into a temporary folder under OUT and removed
by ``release`` once their record is written.
"""

from __future__ import annotations

import csv
import glob as globmod
import hashlib
import json
import os
import shutil
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

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


@dataclass
class Prepared:
    path: Path
    sha256: str
    size: int


def _hidden(rel_parts: tuple[str, ...]) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in rel_parts) or (rel_parts[-1] in SKIP_NAMES)


def list_inputs(source: Path) -> list[Path]:
    """Every regular file under a folder (sorted, hidden and system files left out), or the file itself."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise FileNotFoundError(f"no such file or folder: {source}")
    return sorted(p for p in source.rglob("*") if p.is_file() and not _hidden(p.relative_to(source).parts))


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class Source:
    """Files on disk (folder, glob, manifest, single file)."""

    kind = "files"

    def __init__(self, entries: list[Entry], limits: Limits, description: str) -> None:
        self.entries = entries
        self.limits = limits
        self.description = description

    @property
    def total(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def prepare(self, e: Entry) -> Prepared | BatchRecord:
        assert e.path is not None
        try:
            size = e.path.stat().st_size
        except OSError as err:
            return failed(e.name, "input", f"cannot read the file: {err.strerror or err}", stage="ingest")
        if size > self.limits.max_file_bytes:  # not even hashed
            return failed(e.name, "limit", f"file is {size} bytes; limit max_file_bytes={self.limits.max_file_bytes}",
                          stage="ingest")
        try:
            return Prepared(e.path, _hash_file(e.path), size)
        except OSError as err:
            return failed(e.name, "input", f"cannot read the file: {err.strerror or err}", stage="ingest")

    def release(self, e: Entry) -> None:
        if e.temporary and e.path is not None:
            e.path.unlink(missing_ok=True)

    def close(self) -> None:
        pass


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
        except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, RuntimeError, ValueError) as err:
            dest.unlink(missing_ok=True)
            code = "encrypted" if "encrypted" in str(err) or "password" in str(err) else "corrupt"
            return failed(e.name, code, f"cannot extract the archive member: {err}", stage="ingest")
        e.path, e.temporary = dest, True
        return Prepared(dest, h.hexdigest(), size)

    def close(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)


class _TooLarge(Exception):
    pass


class ZipSource(_Archive):
    def __init__(self, path: Path, limits: Limits, workdir: Path) -> None:
        super().__init__(path, limits, workdir)
        self.zf = zipfile.ZipFile(path)
        infos = [i for i in self.zf.infolist()
                 if not i.is_dir() and not _hidden(PurePosixPath(i.filename).parts)]
        self.entries = [Entry(name=i.filename, member=i, index=n) for n, i in enumerate(infos)]

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


class TarSource(_Archive):
    def __init__(self, path: Path, limits: Limits, workdir: Path) -> None:
        super().__init__(path, limits, workdir)
        self.tf = tarfile.open(path, "r:*")
        members = [m for m in self.tf.getmembers() if m.isfile() and not _hidden(PurePosixPath(m.name).parts)]
        self.entries = [Entry(name=m.name, member=m, index=n) for n, m in enumerate(members)]

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
    matches = sorted(Path(p) for p in globmod.glob(text, recursive=True) if os.path.isfile(p))
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
    return Source(entries, limits, f"glob {text}")


def open_source(source: str | os.PathLike[str], limits: Limits, workdir: Path) -> Source:
    """A folder, a glob (``*``, ``?``, ``[``; ``**`` recursive), a .zip or .tar(.gz/.bz2/.xz) archive, a
    manifest (.csv with a ``path`` column or .jsonl with "path"; relative paths are relative to the
    manifest), or one document."""
    text = os.fspath(source)
    path = Path(text)
    if path.is_dir():
        files = list_inputs(path)
        return Source([Entry(name=p.relative_to(path).as_posix(), path=p) for p in files], limits, f"folder {path}")
    if path.is_file():
        if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
            return ZipSource(path, limits, workdir)
        if _is_tar(path):
            return TarSource(path, limits, workdir)
        listed = _manifest_paths(path)
        if listed is not None:
            base = path.parent
            return Source([Entry(name=p, path=(base / p) if not os.path.isabs(p) else Path(p)) for p in listed],
                          limits, f"manifest {path}")
        return Source([Entry(name=path.name, path=path)], limits, f"file {path}")
    if globmod.has_magic(text):
        return _glob_source(text, limits)
    raise FileNotFoundError(f"no such file, folder or matching files: {text}")

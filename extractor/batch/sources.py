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
import json
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

from ..options import Limits
from .archives import TarSource, ZipSource
from .source_base import SKIP_NAMES, Entry, Prepared, Source, _folder_entries, _hidden, list_inputs


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
    manifest), or one document. ``workdir`` lies in the batch's output folder, which is never an input."""
    text = os.fspath(source)
    path = Path(text)
    if path.is_dir():
        return Source(_folder_entries(path, skip=workdir.parent), limits, f"folder {path}", root=path)
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


__all__ = ["SKIP_NAMES", "Entry", "Prepared", "Source", "TarSource", "ZipSource", "list_inputs", "open_source"]

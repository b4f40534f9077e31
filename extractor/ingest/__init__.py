"""Ingest: read a source (path, bytes or text), check limits, and sniff its format by content.

Contract: ``load(source, options) -> RawInput``. The format is decided from magic bytes, zip members and
markup, never from the file extension alone.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..datamodel import Format
from ..errors import DecodeError, EmptyDocumentError, InputError, LimitExceededError, UnsupportedFormatError
from ..options import Limits

SNIFF_BYTES = 4096


@dataclass
class RawInput:
    name: str | None
    data: bytes
    format: Format
    sha256: str
    text: str | None = None  # decoded text for text-like formats


def _zip_format(data: bytes, limits: Limits) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            for info in z.infolist():
                if info.file_size > limits.max_zip_member_bytes or (
                    info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio
                ):
                    raise LimitExceededError(f"zip member {info.filename!r} too large or too compressed")
    except zipfile.BadZipFile as e:
        raise UnsupportedFormatError(f"corrupt or unsupported zip container: {e}") from e
    if "word/document.xml" in names:
        return "docx"
    raise UnsupportedFormatError("zip container that is not a Word document (DOCX)")


def sniff_bytes(data: bytes) -> Format:
    """Format from content only; text-like inputs return "text" and are refined after decoding."""
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # refined by _zip_format
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "image"
    return "text"


def sniff_text(text: str) -> Format:
    head = text[:SNIFF_BYTES].lower()
    if any(m in head for m in ("<html", "<!doctype html", "<table", "<body", "<div", "<meta")):
        return "html"
    return "text"


def decode_text(data: bytes) -> str:
    """UTF-8/UTF-16 by BOM, strict UTF-8, else the best of GB18030/Big5 by charset detection."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "gbk", "big5", "utf_8"]).best()
    if best is None:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as e:
            raise DecodeError("text in an unknown encoding (not UTF-8, UTF-16 or GB18030)") from e
    return str(best)


def _read_path(path: Path, limits: Limits) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError as e:
        raise InputError(f"no such file: {path}") from e
    if size > limits.max_file_bytes:
        raise LimitExceededError(f"file is {size} bytes; limit max_file_bytes={limits.max_file_bytes}")
    return path.read_bytes()


def load(source: str | bytes | os.PathLike[str], limits: Limits, name: str | None = None) -> RawInput:
    """A ``Path`` or a short one-line ``str`` naming an existing file is read from disk; other ``str`` is the
    document's text; ``bytes`` are a file's content."""
    text: str | None = None
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and "\n" not in source and len(source) < 4096 and os.path.isfile(source)
    ):
        path = Path(source)
        data = _read_path(path, limits)
        name = name or path.name
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str):
        text = source
        data = source.encode("utf-8")
    else:
        raise InputError(f"cannot extract from a {type(source).__name__}")
    if len(data) > limits.max_file_bytes:
        raise LimitExceededError(f"input is {len(data)} bytes; limit max_file_bytes={limits.max_file_bytes}")
    if not data.strip():
        raise EmptyDocumentError("the document is empty")
    sha = hashlib.sha256(data).hexdigest()
    fmt = sniff_bytes(data) if text is None else "text"
    if fmt == "docx":
        fmt = _zip_format(data, limits)
    if fmt == "text":
        if text is None:
            text = decode_text(data)
        if len(text) > limits.max_text_chars:
            raise LimitExceededError(f"text has {len(text)} characters; limit max_text_chars={limits.max_text_chars}")
        if not text.strip():
            raise EmptyDocumentError("the document has no text")
        fmt = sniff_text(text)
    return RawInput(name=name, data=data, format=fmt, sha256=sha, text=text)

"""Ingest: read a source (path, bytes or text), check limits, and sniff its format by content.

Contract: ``load(source, options) -> RawInput``. The format is decided from magic bytes, zip members and
markup, never from the file extension alone.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import stat
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..datamodel import Format, ReportWarning, warning
from ..errors import DecodeError, EmptyDocumentError, InputError, LimitExceededError, UnsupportedFormatError
from ..options import Limits

SNIFF_BYTES = 4096
# UTF-16 without a BOM: text whose ASCII characters (digits, spaces, line breaks: a fifth or more of a
# report) leave a NUL in every other byte. One parity holding at least this share of NULs while the other
# holds under a tenth of that is UTF-16 (LE: NULs at odd offsets); GB18030 and UTF-8 text holds no NUL.
UTF16_NUL_SHARE = 0.1
UTF16_SAMPLE = 1 << 16


@dataclass
class RawInput:
    name: str | None
    data: bytes
    format: Format
    sha256: str
    text: str | None = None  # decoded text for text-like formats
    warnings: list[ReportWarning] = field(default_factory=list)  # e.g. undecodable bytes replaced


def _zip_format(data: bytes, limits: Limits) -> Format:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            for info in z.infolist():
                if info.file_size > limits.max_zip_member_bytes or (
                    info.compress_size and info.file_size / info.compress_size > limits.max_zip_ratio
                ):
                    raise LimitExceededError(f"zip member {info.filename!r} too large or too compressed "
                                             f"({info.file_size} bytes from {info.compress_size}; limits "
                                             f"max_zip_member_bytes={limits.max_zip_member_bytes}, "
                                             f"max_zip_ratio={limits.max_zip_ratio:g})")
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError) as e:
        # NotImplementedError: a zip of a version or compression zipfile does not implement
        raise UnsupportedFormatError(f"corrupt or unsupported zip container: {e!r}") from e
    if "word/document.xml" in names:
        return "docx"
    raise UnsupportedFormatError("zip container that is not a Word document (DOCX)")


def check_lines(lines: Iterable[str], limits: Limits) -> None:
    """``limit`` when a line is longer than ``max_line_chars`` (the text grammar runs per line)."""
    longest = max(map(len, lines), default=0)
    if longest > limits.max_line_chars:
        raise LimitExceededError(f"a line has {longest} characters; limit max_line_chars={limits.max_line_chars}")


def sniff_bytes(data: bytes) -> Format:
    """Format from content only; text-like inputs return "text" and are refined after decoding."""
    head = data[:SNIFF_BYTES]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # refined by _zip_format
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a")) \
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP") or _is_bmp(head, len(data)):
        return "image"
    return "text"


def _is_bmp(head: bytes, size: int) -> bool:
    """A BMP file header: "BM", two reserved words of zero, and the pixel data's offset inside the file past
    the headers (a text that merely starts with "BM" fails the zeros)."""
    if len(head) < 26 or not head.startswith(b"BM") or head[6:10] != b"\0\0\0\0":
        return False
    return 26 <= int.from_bytes(head[10:14], "little") < size


def sniff_text(text: str) -> Format:
    head = text[:SNIFF_BYTES].lower()
    if any(m in head for m in ("<html", "<!doctype html", "<table", "<body", "<div", "<meta")):
        return "html"
    return "text"


_counter = threading.local()


def _count_bad(e: UnicodeError) -> tuple[str, int]:
    assert isinstance(e, UnicodeDecodeError)
    _counter.bad += e.end - e.start
    return "\ufffd", e.end


codecs.register_error("extractor.count", _count_bad)


def _decode_counted(data: bytes, encoding: str) -> tuple[str, int]:
    """Text with undecodable bytes replaced by U+FFFD, and how many bytes were replaced."""
    _counter.bad = 0
    text = data.decode(encoding, errors="extractor.count")
    return text, _counter.bad


def _utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when the NUL bytes of the sample sit at odd/even offsets (see UTF16_NUL_SHARE)."""
    sample = data[:UTF16_SAMPLE]
    half = len(sample) // 2
    if half < 4:
        return None
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    if odd >= UTF16_NUL_SHARE and even < odd / 10:
        return "utf-16-le"
    if even >= UTF16_NUL_SHARE and odd < even / 10:
        return "utf-16-be"
    return None


def decode_counted(data: bytes, max_bad_share: float = Limits().max_bad_bytes_share) -> tuple[str, int]:
    """The text and the number of undecodable bytes replaced. UTF-8/UTF-16 by BOM, UTF-16 without a BOM by
    its NUL bytes, strict UTF-8, else the best of GB18030/Big5 by charset detection; a text that is mostly
    UTF-8 or GB18030 keeps its text with the few bad bytes replaced (one 0xFF in a real report must not
    lose the document). ``decode`` only when more than ``max_bad_share`` of the bytes cannot be decoded."""
    n = max(1, len(data))

    def ok(bad: int) -> bool:
        return bad <= max_bad_share * n

    if data.startswith(b"\xef\xbb\xbf"):
        text, bad = _decode_counted(data[3:], "utf-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, bad = _decode_counted(data, "utf-16")
    elif (enc := _utf16_without_bom(data)) is not None:
        text, bad = _decode_counted(data, enc)
    else:
        try:
            return data.decode("utf-8"), 0
        except UnicodeDecodeError:
            pass
        text, bad = _decode_counted(data, "utf-8")
        if not ok(bad):
            from charset_normalizer import from_bytes

            best = from_bytes(data, cp_isolation=["gb18030", "gbk", "big5", "utf_8"]).best()
            if best is not None:
                return str(best), 0
            text, bad = _decode_counted(data, "gb18030")
    if not ok(bad):
        raise DecodeError(f"text in an unknown encoding (not UTF-8, UTF-16 or GB18030): {bad} of {len(data)} "
                          f"bytes undecodable; limit max_bad_bytes_share={max_bad_share:g}")
    return text, bad


def decode_text(data: bytes, max_bad_share: float = Limits().max_bad_bytes_share) -> str:
    """``decode_counted`` without the count."""
    return decode_counted(data, max_bad_share)[0]


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return "not a regular file"


def check_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """``stat`` of a path that must be a regular file (links followed); ``input`` for anything else, so a
    device (/dev/zero: an endless read) or a FIFO (a read that waits forever) is never opened."""
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        raise InputError(f"no such file: {path}") from e
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"not a regular file ({_kind(st.st_mode)}): {path}")
    return st


def open_regular(path: str | os.PathLike[str], limits: Limits) -> tuple[int, os.stat_result]:
    """An open descriptor of a regular file within ``max_file_bytes``. Stat-checked before opening, opened
    non-blocking (a FIFO swapped in after the check does not block the open) and checked again on the
    descriptor."""
    st = check_regular(path)
    if st.st_size > limits.max_file_bytes:
        raise LimitExceededError(f"file is {st.st_size} bytes; limit max_file_bytes={limits.max_file_bytes}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise InputError(f"not a regular file ({_kind(st.st_mode)}): {path}")
    return fd, st


def _read_path(path: Path, limits: Limits) -> bytes:
    fd, _ = open_regular(path, limits)
    with os.fdopen(fd, "rb") as f:
        data = f.read(limits.max_file_bytes + 1)  # the file may have grown since the stat
    if len(data) > limits.max_file_bytes:
        raise LimitExceededError(f"file is over {limits.max_file_bytes} bytes; limit max_file_bytes="
                                 f"{limits.max_file_bytes}")
    return data


def _text_format(data: bytes, text: str | None, limits: Limits, warnings: list[ReportWarning]) -> tuple[str, Format]:
    """Decode (counting replaced bytes into ``warnings``), check the text limits, sniff text vs HTML."""
    if text is None:
        text, bad = decode_counted(data, limits.max_bad_bytes_share)
        if bad:
            warnings.append(warning("undecodable_bytes", f"{bad} undecodable bytes replaced by U+FFFD (limit "
                                    f"max_bad_bytes_share={limits.max_bad_bytes_share:g})"))
    if len(text) > limits.max_text_chars:
        raise LimitExceededError(f"text has {len(text)} characters; limit max_text_chars={limits.max_text_chars}")
    if not text.strip():
        raise EmptyDocumentError("the document has no text")
    fmt = sniff_text(text)
    if fmt == "text":
        check_lines(text.replace("\r", "\n").split("\n"), limits)
    return text, fmt


# A one-line string that names a file of a format we read: meant as a path, never as a report's text.
_PATH_LIKE = re.compile(r"[^<>|\"\n]*\.(?:txt|md|markdown|pdf|docx?|wps|html?|xhtml|png|jpe?g|tiff?|bmp|gif|webp"
                        r"|zip|tar|tgz|gz|jsonl?|csv)", re.IGNORECASE)


def _names_a_path(source: str) -> bool:
    s = source.strip()
    spaced = any(ch.isspace() for ch in s)  # a path with spaces has a folder in it ("My Files/a.pdf")
    return "\n" not in s and len(s) < 4096 and bool(_PATH_LIKE.fullmatch(s)) and (not spaced or "/" in s or "\\" in s)


def load(source: str | bytes | os.PathLike[str], limits: Limits, name: str | None = None, *,
         as_text: bool = False) -> RawInput:
    """A ``Path`` or a short one-line ``str`` naming an existing file is read from disk; other ``str`` is the
    document's text (``as_text``: always); ``bytes`` are a file's content. A string that looks like a path
    (one line ending in a file extension) but names no file, and a folder, are ``input`` errors: a typo in
    a file name is not a report."""
    text: str | None = None
    warnings: list[ReportWarning] = []
    if isinstance(source, str) and not as_text and "\n" not in source and len(source) < 4096:
        if os.path.isdir(source):
            raise InputError(f"a folder, not a document: {source} (extractor batch reads folders)")
        if not os.path.isfile(source) and _names_a_path(source):
            raise InputError(f"no such file: {source!r} (to extract a text, pass it as text=...)")
    if isinstance(source, os.PathLike) or (
        isinstance(source, str) and not as_text and "\n" not in source and len(source) < 4096
        and os.path.isfile(source)
    ):
        path = Path(source)
        data = _read_path(path, limits)
        name = name or path.name
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str):
        if len(source) > limits.max_text_chars:
            raise LimitExceededError(f"text has {len(source)} characters; limit max_text_chars={limits.max_text_chars}")
        text = source
        data = source.encode("utf-8", errors="replace")
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
        text, fmt = _text_format(data, text, limits, warnings)
    return RawInput(name=name, data=data, format=fmt, sha256=sha, text=text, warnings=warnings)

"""Fuzz targets: mutated bytes of corpus documents through ingest and each reader (issue 20, point 4).

Every input must end in a Document or an ``ExtractorError`` (a typed code); anything else, or a read that
runs past ``HANG_S``, is a finding. ``FUZZ_EXAMPLES`` (default: the small CI budget) sets the examples per
reader; ``make fuzz`` runs a longer budget. Findings are kept under ``tests/hostile/crashers/`` (see
test_fuzz.py, which replays every file there).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

CORPORA = [ROOT / "corpora" / "bench", ROOT / "corpora" / "real" / "docs"]
READERS = {"text": (".txt",), "html": (".html", ".htm"), "docx": (".docx",), "pdf": (".pdf",),
           "image": (".png", ".jpg", ".jpeg"), "scan": (".pdf",)}
SCAN_FORMS = ("scan_200", "photo")
HANG_S = 20
CRASHERS = Path(__file__).parent / "crashers"


def _rendered(fmt: str) -> list[bytes]:
    """Page 1 of two bench scans as small PNG/JPEG files (the corpus keeps scans as PDFs)."""
    import io

    import pypdfium2 as pdfium

    out = []
    for form in SCAN_FORMS:
        pdf = pdfium.PdfDocument(sorted((ROOT / "corpora" / "bench" / form / "docs").glob("*.pdf"))[0])
        img = pdf[0].render(scale=0.3).to_pil().convert("RGB")
        buf = io.BytesIO()
        img.save(buf, format=fmt)
        out.append(buf.getvalue())
        pdf.close()
    return out


@cache
def seeds(reader: str) -> list[bytes]:
    """Up to 6 small corpus documents of the reader's format."""
    if reader == "image":
        return _rendered("PNG") + _rendered("JPEG")
    if reader == "scan":
        return [sorted((ROOT / "corpora" / "bench" / f / "docs").glob("*.pdf"))[0].read_bytes() for f in SCAN_FORMS]
    found: list[Path] = []
    for root in CORPORA:
        found.extend(p for p in root.rglob("*") if p.suffix.lower() in READERS[reader] and p.is_file()
                     and "gold" not in p.parts)
    found = sorted(found, key=lambda p: (p.stat().st_size, str(p)))[:6]
    return [p.read_bytes() for p in found]


class Hang(Exception):
    pass


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    def on_alarm(*_: object) -> None:
        raise Hang(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def read(data: bytes, reader: str = "") -> None:
    """ingest + the reader the content selects, OCR off (images are decoded, not recognised; ``scan``: the
    pages of an image-only PDF rendered by pdfium at 72 dpi)."""
    from extractor import ingest, textlayer
    from extractor.options import Options

    opts = Options(ocr=False, ocr_dpi=72)
    raw = ingest.load(data, opts.limits)
    if reader == "scan" and raw.format == "pdf":
        from extractor.textlayer.scan import _pdf_pages

        for _ in _pdf_pages(raw, opts):
            pass
        return
    if raw.format == "image":
        from extractor.textlayer.scan import _image_pages

        for _ in _image_pages(raw, opts):
            pass
        return
    textlayer.to_document(raw, opts)


def mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, value) edits: flip a byte, insert one, delete a run, truncate, duplicate."""
    buf = bytearray(data)
    for kind, pos, val in ops:
        if not buf:
            break
        i = pos % len(buf)
        k = kind % 5
        if k == 0:
            buf[i] = val & 0xFF
        elif k == 1:
            buf.insert(i, val & 0xFF)
        elif k == 2:
            del buf[i: i + 1 + val % 64]
        elif k == 3:
            del buf[max(1, i):]
        else:
            buf[i:i] = buf[i: i + 1 + val % 256]
    return bytes(buf)


def examples() -> int:
    return int(os.environ.get("FUZZ_EXAMPLES", "12"))

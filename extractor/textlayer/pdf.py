"""Text-layer PDF (pdfplumber): each page as read — its ruled tables, the words outside them, its lines.

Contract: ``load(raw, options) -> Document`` with one ``TextPage`` per page that has a text layer:

* ``find_tables()`` gives the ruled tables; each becomes a ``grid`` SourceTable (one SourceRow per table row,
  merged-away cells as ""). A one-column "table" is a frame around text (a bordered page or paragraph), not
  a statistics table: its words are treated as free text.
* The words outside the ruled tables (typed ``Word``s with their font size) and the page's text lines.

The reader makes no other table: ``tables.pdf_layout`` rebuilds unruled tables from the words (``stream``
tables), drops page headers and footers and makes ``doc.lines``. Pages without a text layer are counted
(all of them: ``needs_ocr``). Budgets (pages from the trailer, inflated stream bytes, encrypted streams)
are checked before pdfplumber parses anything.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import re
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..datamodel import (
    BBox,
    Document,
    Provenance,
    SourceCell,
    SourceRow,
    SourceTable,
    TextLine,
    TextPage,
    Word,
    warning,
)
from ..errors import CorruptDocumentError, EncryptedDocumentError, ExtractorError, LimitExceededError
from ..ingest import RawInput
from ..options import Options

# A ruled "table" with fewer columns than this is a frame around text (seen on every page of the three real
# PDFs: 22x1 and 9x1 frames around the prose), not a statistics table.
MIN_GRID_COLS = 2


_STREAM = re.compile(rb"stream\r?\n")
_INFLATE_CHUNK = 1 << 20


def _inflated_size(data: bytes, start: int, limit: int) -> int:
    """Bytes the zlib stream at ``start`` inflates to, counted in bounded chunks and stopped past ``limit``;
    0 when there is no zlib stream there (another filter, encrypted data)."""
    d = zlib.decompressobj()
    total = 0
    pos = start
    try:
        while pos < len(data) and not d.eof and total <= limit:
            total += len(d.decompress(data[pos:pos + _INFLATE_CHUNK], _INFLATE_CHUNK))
            pos += _INFLATE_CHUNK
            while d.unconsumed_tail and total <= limit:
                total += len(d.decompress(d.unconsumed_tail, _INFLATE_CHUNK))
    except zlib.error:
        return total if d.eof else 0
    return total


def check_streams(data: bytes, limit: int) -> None:
    """``limit`` when a Flate stream of the file inflates past ``limit`` bytes (``Limits.max_inflated_bytes``).
    pdfminer and pdfium inflate a stream whole, with no cap (a 1 MB flate bomb took 2.2 GB), so every
    stream is measured first, with at most a chunk in memory."""
    for m in _STREAM.finditer(data):
        n = _inflated_size(data, m.end(), limit)
        if n > limit:
            raise LimitExceededError(f"a PDF stream inflates past {limit} bytes (at offset {m.end()}); limit "
                                     f"max_inflated_bytes={limit}")


def check_encrypted_streams(data: bytes, limit: int) -> None:
    """``check_streams`` for a PDF under a security handler that opens with the empty password (an owner
    password only, as many published reports have): its streams are RC4/AES ciphertext to the byte scan,
    and pdfminer deciphers and inflates them whole. Every top-level stream object is parsed (not decoded),
    deciphered, and measured in bounded chunks; streams inside object streams are measured as part of
    their container. A file whose encryption cannot be opened is left to the reader (``encrypted``)."""
    if b"/Encrypt" not in data:
        return
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)), password="", caching=False)
    except Exception:  # noqa: BLE001 - the reader reports it (encrypted, corrupt) with its own code
        return
    if doc.decipher is None:
        return
    for xref in doc.xrefs:
        for objid in list(xref.get_objids()):
            try:
                strmid, pos, genno = xref.get_pos(objid)
                if strmid is not None:
                    continue
                obj = doc._getobj_parse(pos, objid)  # the object as written: a stream is not decoded
            except Exception:  # noqa: BLE001 - an unparsable object is the reader's to report
                continue
            if not isinstance(obj, PDFStream) or obj.rawdata is None:
                continue
            try:
                plain = doc.decipher(objid, genno, obj.rawdata, obj.attrs)
            except Exception:  # noqa: BLE001
                continue
            if _inflated_size(plain, 0, limit) > limit:
                raise LimitExceededError(f"an encrypted PDF stream (object {objid}) inflates past {limit} bytes; "
                                         f"limit max_inflated_bytes={limit}")


def _pdfium_pages(data: bytes) -> int | None:
    """The page count pdfium reads from the page tree's root (0.5 s for a 1,000,000-page tree, where
    pdfminer parses the whole /Kids array first: 23 s); None without pypdfium2 or when pdfium cannot open
    the file (pdfminer may still read it)."""
    try:
        import pypdfium2 as pdfium
    except ImportError:
        return None
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        return None
    try:
        return len(pdf)
    except Exception:
        return None
    finally:
        with contextlib.suppress(Exception):
            pdf.close()


def page_count(pdf: Any, data: bytes, limit: int) -> int:
    """Pages of the document from its page tree, without building them: pdfium's count when it is over
    ``limit`` (a 1,000,000-page PDF is refused at once), else the pages pdfminer walks, at most
    ``limit + 1`` (a /Count that lies is not trusted)."""
    from pdfminer.pdfpage import PDFPage

    declared = _pdfium_pages(data)
    if declared is not None and declared > limit:
        return declared
    return sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), limit + 1))


def _close(pdf: Any) -> None:
    """pdfplumber's ``close`` iterates ``pdf.pages``, which builds every page (of a PDF refused for its page
    count) and raises from a ``finally``; only the pages built are closed here."""
    for page in getattr(pdf, "_pages", None) or []:
        with contextlib.suppress(Exception):
            page.close()
    with contextlib.suppress(Exception):
        if not pdf.stream_is_external:
            pdf.stream.close()


@contextmanager
def _open(data: bytes) -> Iterator[Any]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfplumber wraps every pdfminer failure in PdfminerException
        inner = e.args[0] if e.args else e
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
            raise EncryptedDocumentError(f"the PDF is encrypted: {inner!r}") from e
        raise CorruptDocumentError(f"unreadable PDF: {inner!r}") from e
    try:
        yield pdf
    finally:
        _close(pdf)


# ---------------------------------------------------------------- ruled tables


def _grid_table(t: Any, pno: int, index: int) -> SourceTable:
    rows = []
    for r, (row, texts) in enumerate(zip(t.rows, t.extract(), strict=True)):
        cells = [
            SourceCell(text=txt or "", prov=Provenance(page=pno, bbox=bbox, table=index, row=r, col=c))
            for c, (bbox, txt) in enumerate(zip(row.cells, texts, strict=True))
        ]
        rows.append(SourceRow(cells=cells, prov=Provenance(page=pno, bbox=row.bbox, table=index, row=r)))
    return SourceTable(rows=rows, kind="grid", prov=Provenance(page=pno, bbox=t.bbox, table=index))


def _ruled_tables(page: Any) -> list[Any]:
    found = [t for t in page.find_tables() if max((len(r.cells) for r in t.rows), default=0) >= MIN_GRID_COLS]
    return sorted(found, key=lambda t: (t.bbox[1], t.bbox[0]))


# ---------------------------------------------------------------- document


def _inside(w: dict[str, Any], boxes: list[BBox]) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _word(w: dict[str, Any], pno: int) -> Word:
    return Word(text=w["text"], prov=Provenance(page=pno, bbox=(w["x0"], w["top"], w["x1"], w["bottom"])),
                size=w.get("size"))


def _text_page(page: Any, pno: int) -> TextPage:
    """The page as read: its ruled tables, the words outside them, its lines."""
    ruled = _ruled_tables(page)
    grids = [_grid_table(t, pno, i) for i, t in enumerate(ruled)]
    boxes = [t.bbox for t in ruled]
    words = [_word(w, pno) for w in page.extract_words(extra_attrs=["size"]) if not _inside(w, boxes)]
    lines = [TextLine(text=ln["text"], prov=Provenance(page=pno, bbox=(ln["x0"], ln["top"], ln["x1"], ln["bottom"])))
             for ln in page.extract_text_lines(return_chars=False) if ln["text"].strip()]
    return TextPage(page=pno, width=float(page.width), height=float(page.height), grids=grids, words=words,
                    lines=lines)


def _read(pdf: Any, raw: RawInput, options: Options) -> Document:
    counted = page_count(pdf, raw.data, options.limits.max_pages)
    if counted > options.limits.max_pages:
        raise LimitExceededError(f"PDF has {counted} pages (or more); limit max_pages={options.limits.max_pages}")
    n = len(pdf.pages)
    if n == 0:
        raise CorruptDocumentError("the PDF has no pages")
    pages: list[TextPage] = []
    empty_pages = []
    for pno, page in enumerate(pdf.pages, 1):
        if not page.chars:
            empty_pages.append(pno)
            continue
        pages.append(_text_page(page, pno))
        page.close()
    doc = Document(name=raw.name, format="pdf", pages=n, text_pages=pages)
    if len(empty_pages) == n:
        doc.needs_ocr = True
    elif empty_pages:
        doc.warnings.append(warning("pages_need_ocr", f"pages without a text layer (need OCR): {empty_pages}"))
    return doc


def load(raw: RawInput, options: Options) -> Document:
    check_streams(raw.data, options.limits.max_inflated_bytes)
    check_encrypted_streams(raw.data, options.limits.max_inflated_bytes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pdfminer warns about odd fonts and encryption algorithms
        with _open(raw.data) as pdf:
            try:
                return _read(pdf, raw, options)
            except ExtractorError:
                raise
            except Exception as e:  # a broken stream or object surfaces only when a page is parsed
                raise CorruptDocumentError(f"unreadable PDF: {e!r}") from e


__all__ = ["load"]

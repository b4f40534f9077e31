"""Scanned pages: images and image-only PDF pages, read by an OCR engine (extractor.ocr).

Contract: ``load_image(raw, options)`` and ``load_pdf_pages(raw, options)`` -> Document with ``words``
(the OCR records), ``tables`` and ``lines`` (each table row's text in reading order, for title, year and
organ). Word boxes are in the page's own units: PDF points for PDF pages (the render scale is undone),
pixels for images.

Tables: a page whose ruling lines make table grids that hold nearly all its numbers
(``tables.ruling``) gives one ``grid`` table per grid, cells cut by the rules; the words outside the
grids (title, prose) and every page without such grids go through ``tables.geometry.words_to_rows``
(``stream`` tables: lines and cells clustered from the boxes). Tables are in page order, top to bottom.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import numpy as np

from ..datamodel import BBox, Document, Format, Provenance, SourceRow, SourceTable, TextLine, Word
from ..errors import CorruptDocumentError, LimitExceededError, MissingDependencyError
from ..ingest import RawInput
from ..ocr import get_engine
from ..options import Options
from ..tables.geometry import words_to_rows
from ..tables.ruling import SEAL_TEXT_MAX, GridTable, ruled_page
from .rectify import page_quad, rectify


def _pil() -> Any:
    try:
        from PIL import Image
    except ImportError as e:
        raise MissingDependencyError("images need Pillow: pip install 'extractor[ocr]'") from e
    return Image


def _image_pages(raw: RawInput, options: Options) -> Iterator[np.ndarray]:
    Image = _pil()
    from PIL import ImageOps
    try:
        img = Image.open(io.BytesIO(raw.data))
    except Image.DecompressionBombError as e:  # Pillow's own guard, before ours sees the size
        raise LimitExceededError(f"image too large (decompression bomb): {e}") from e
    except Exception as e:
        raise CorruptDocumentError(f"unreadable image: {e}") from e
    frames = getattr(img, "n_frames", 1)
    if frames > options.limits.max_pages:
        raise LimitExceededError(f"image has {frames} frames; limit max_pages={options.limits.max_pages}")
    for i in range(frames):
        try:
            img.seek(i)
        except Exception as e:  # a frame table that points past the data
            raise CorruptDocumentError(f"unreadable image frame {i + 1}: {e!r}") from e
        w, h = img.size  # known before decoding: a decompression bomb is refused here
        if w * h > options.limits.max_image_pixels:
            raise LimitExceededError(f"image is {w}x{h} pixels; limit max_image_pixels={options.limits.max_image_pixels}")
        try:  # a phone's EXIF orientation is applied: the page as the photo is shown
            yield np.asarray(ImageOps.exif_transpose(img).convert("RGB"))
        except Exception as e:
            raise CorruptDocumentError(f"unreadable image data: {e}") from e


def _pdf_pages(raw: RawInput, options: Options) -> Iterator[np.ndarray]:
    try:
        import pypdfium2 as pdfium
    except ImportError as e:
        raise MissingDependencyError("scanned PDFs need pypdfium2: pip install 'extractor[ocr]'") from e
    try:
        pdf = pdfium.PdfDocument(raw.data)
    except Exception as e:
        raise CorruptDocumentError(f"unreadable PDF: {e}") from e
    try:
        if len(pdf) > options.limits.max_pages:
            raise LimitExceededError(f"PDF has {len(pdf)} pages; limit max_pages={options.limits.max_pages}")
        scale = options.ocr_dpi / 72.0
        for i in range(len(pdf)):
            try:
                page = pdf[i]
                w, h = page.get_size()
            except Exception as e:  # PdfiumError: a page object pdfium cannot load
                raise CorruptDocumentError(f"unreadable PDF page {i + 1}: {e!r}") from e
            pixels = int(w * h * scale * scale)
            if pixels > options.limits.max_image_pixels:
                raise LimitExceededError(f"page {i + 1} renders to {pixels} pixels; limit max_image_pixels="
                                         f"{options.limits.max_image_pixels}")
            try:
                img = np.asarray(page.render(scale=scale).to_pil().convert("RGB"))
            except MemoryError:
                raise
            except Exception as e:  # PdfiumError, a bitmap pdfium could not allocate or draw
                raise CorruptDocumentError(f"PDF page {i + 1} cannot be rendered: {e!r}") from e
            finally:
                page.close()
            yield img
    finally:
        pdf.close()


# A red seal: pixels clearly red (R high, G and B well below). Measured on the bench's stamped scans: seal
# ink has R−G and R−B above 80; black text, grey noise and uneven lighting stay under 30.
RED_MARGIN = 60
RED_MIN_R = 120
# The mask is kept on a coarse grid of this many pixels; a block counts when this share of it is red.
MASK_BLOCK = 8
MASK_SHARE = 0.04
# An empty cell within this many blocks of seal ink counts as covered (thin rim strokes fade at q30).
SEAL_REACH = 3


def stamp_mask(img: np.ndarray) -> np.ndarray | None:
    """Coarse boolean grid of red-seal blocks (None when the page has no seal)."""
    r, g, b = (img[..., i].astype(np.int16) for i in range(3))
    red = (r >= RED_MIN_R) & (r - g >= RED_MARGIN) & (r - b >= RED_MARGIN)
    if red.mean() < 0.0005:
        return None
    h, w = red.shape
    hb, wb = h // MASK_BLOCK, w // MASK_BLOCK
    blocks = red[: hb * MASK_BLOCK, : wb * MASK_BLOCK].reshape(hb, MASK_BLOCK, wb, MASK_BLOCK).mean(axis=(1, 3))
    return blocks >= MASK_SHARE


def drop_seal_ink(img: np.ndarray) -> np.ndarray:
    """The page as its red channel, grey: red seal ink turns near white there while black print under it
    stays dark, so OCR reads the digits a seal is stamped over (bench heavy scans: 97.0% -> 99.2% of cells,
    mostly cells under the seal). Print in other colours is dark in every channel and is kept."""
    red = np.ascontiguousarray(img[..., 0])
    return np.stack([red, red, red], axis=-1)


def seal_cover(mask: np.ndarray, factor: float) -> Callable[[float, float], bool]:
    """``hidden(x, y)`` for a page's seal mask: whether a point (page units; ``factor`` page units per
    pixel) lies under the seal or within SEAL_REACH blocks of its ink."""
    def hidden(x: float, y: float) -> bool:
        i, j = int(y / factor) // MASK_BLOCK, int(x / factor) // MASK_BLOCK
        r = SEAL_REACH
        return bool(mask[max(0, i - r): i + r + 1, max(0, j - r): j + r + 1].any())

    return hidden


def _under_stamp(words: list[Word], mask: np.ndarray | None) -> list[Word]:
    """Words overlapping a seal lose half their confidence (seal strokes read as digits, digits lost); short
    text with no digit there is the seal's own lettering (the body's name around its rim) and is dropped."""
    if mask is None:
        return words
    out = []
    for w in words:
        x0, y0, x1, y1 = (int(v) // MASK_BLOCK for v in w.prov.bbox) if w.prov.bbox else (0, 0, -1, -1)
        hit = mask[max(0, y0): y1 + 1, max(0, x0): x1 + 1].any() if x1 >= 0 else False
        if hit and len(w.text.strip()) <= SEAL_TEXT_MAX and not any(ch.isdigit() for ch in w.text):
            continue
        out.append(w.model_copy(update={"confidence": w.confidence * 0.5}) if hit else w)
    return out


def _with_box(prov: Provenance, move: Callable[[BBox], BBox]) -> Provenance:
    return prov.model_copy(update={"bbox": move(prov.bbox)}) if prov.bbox else prov


def _words_moved(words: list[Word], move: Callable[[BBox], BBox]) -> list[Word]:
    return [w.model_copy(update={"prov": _with_box(w.prov, move)}) for w in words]


def _scaled(words: list[Word], factor: float) -> list[Word]:
    """OCR boxes (image pixels) in page units."""
    if factor == 1.0:
        return words
    return _words_moved(words, lambda b: (b[0] * factor, b[1] * factor, b[2] * factor, b[3] * factor))


def _page_tables(img: np.ndarray, words: list[Word], pno: int, factor: float,
                 hidden: Callable[[float, float], bool] | None) -> list[SourceTable]:
    """The page's grids (when they hold the page's numbers) with the rest of its words as stream rows
    between them, top to bottom; else the whole page as one stream table."""
    ruled = ruled_page(img, words, pno, factor, hidden) if words else None
    if ruled is None or not ruled.usable:
        return [SourceTable(rows=words_to_rows(words, pno, hidden), kind="stream", prov=Provenance(page=pno))]
    grids = [g for g in ruled.tables if g.rows]
    parts: list[list[SourceRow]] = [[] for _ in range(len(grids) + 1)]
    y = 0.0
    for row in words_to_rows(ruled.outside, pno, hidden):
        y = _row_y(row, y)
        parts[sum(g.bbox[1] < y for g in grids)].append(row)
    out = []
    for i, rows in enumerate(parts):
        if rows:
            out.append(SourceTable(rows=rows, kind="stream", prov=Provenance(page=pno)))
        if i < len(grids):
            out.append(_grid_table(grids[i], pno))
    return out


def _row_y(row: SourceRow, prev: float) -> float:
    """A stream row's vertical centre on the page (a row whose cells have no box is where the last was)."""
    ys = [(c.prov.bbox[1] + c.prov.bbox[3]) / 2 for c in row.cells if c.prov.bbox]
    return sum(ys) / len(ys) if ys else prev


def _grid_table(g: GridTable, pno: int) -> SourceTable:
    return SourceTable(rows=g.rows, kind="grid", prov=Provenance(page=pno, bbox=g.bbox))


def _tables_moved(tables: list[SourceTable], move: Callable[[BBox], BBox]) -> list[SourceTable]:
    """Tables with every box (table, rows, cells) moved, e.g. from the flattened page back into the photo."""
    out = []
    for t in tables:
        rows = [r.model_copy(update={
            "prov": _with_box(r.prov, move),
            "cells": [c.model_copy(update={"prov": _with_box(c.prov, move)}) for c in r.cells],
        }) for r in t.rows]
        out.append(t.model_copy(update={"rows": rows, "prov": _with_box(t.prov, move)}))
    return out


def _recognize(engine: Any, img: np.ndarray, pno: int) -> list[Word]:
    """The engine's words; an allocation failure inside the engine (onnxruntime's ``bad_alloc`` comes back
    as a RuntimeException naming it) is ``memory``, as a MemoryError in Python is."""
    try:
        words: list[Word] = engine.recognize(img, pno)
        return words
    except MemoryError:
        raise
    except Exception as e:
        text = f"{type(e).__name__}: {e}"
        if "bad_alloc" in text or "Failed to allocate" in text or "out of memory" in text.lower():
            raise MemoryError(f"the OCR engine ran out of memory on page {pno}: {text[:300]}") from e
        raise


def _ocr(images: Iterator[np.ndarray], raw: RawInput, options: Options, fmt: Format, factor: float) -> Document:
    engine = None  # loaded with the first page: a page refused by a limit never pays for the engine
    words: list[Word] = []
    tables: list[SourceTable] = []
    warnings: list[str] = []
    pages = 0
    for pno, img in enumerate(images, 1):
        pages = pno
        if engine is None:
            engine = get_engine(options.ocr_engine)
        quad = page_quad(img) if options.rectify else None
        flat = rectify(img, quad) if quad is not None else None
        if flat is not None:
            img = flat.image
            warnings.append(f"page {pno}: {flat.describe()}; boxes are given in the photo")
        mask = stamp_mask(img)
        if mask is not None:
            img = drop_seal_ink(img)
        page_words = _scaled(_under_stamp(_recognize(engine, img, pno), mask), factor)
        hidden = seal_cover(mask, factor) if mask is not None else None
        page_tables = _page_tables(img, page_words, pno, factor, hidden)
        if flat is not None:
            back = partial(flat.box_back, factor=factor)
            page_words = _words_moved(page_words, back)
            page_tables = _tables_moved(page_tables, back)
        words.extend(page_words)
        tables.extend(page_tables)
    tables = [t.model_copy(update={"prov": t.prov.model_copy(update={"table": i})}) for i, t in enumerate(tables)]
    lines = [TextLine(text=" ".join(c.text for c in r.cells), prov=r.prov) for t in tables for r in t.rows]
    if engine is None:
        engine = get_engine(options.ocr_engine)
    return Document(name=raw.name, format=fmt, pages=pages, words=words, tables=tables,
                    lines=lines, ocr_engine=engine.name, warnings=warnings)


def load_image(raw: RawInput, options: Options) -> Document:
    return _ocr(_image_pages(raw, options), raw, options, "image", 1.0)


def load_pdf_pages(raw: RawInput, options: Options) -> Document:
    return _ocr(_pdf_pages(raw, options), raw, options, "pdf", 72.0 / options.ocr_dpi)


"""Scanned pages: images and image-only PDF pages, read by an OCR engine (extractor.ocr).

Contract: ``load_image(raw, options)`` and ``load_pdf_pages(raw, options)`` -> Document with ``words``
(the OCR records, boxes in the file the user has: a photographed sheet's in the photo) and one
``ScanPage`` per page: its words on the (flattened) page, the ruled grids found in its image
(``pageimage.rules``), its seal (``pageimage.seal``). Word boxes are in the page's own units: PDF points
for PDF pages (the render scale is undone), pixels for images.

Per page: a photographed sheet is warped flat (``pageimage.rectify``), a red seal masked and its ink taken
out, the page read by the OCR engine, and its ruling lines found while the image is at hand. The reader
makes no table: ``tables.scan_layout`` puts the words into the grids (or clusters them into stream rows).
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..datamodel import (
    BBox,
    Document,
    Format,
    PageFrame,
    PageGrid,
    Provenance,
    ReportWarning,
    ScanPage,
    SealCover,
    Word,
    warning,
)
from ..errors import CorruptDocumentError, LimitExceededError, MissingDependencyError
from ..ingest import RawInput
from ..ocr import get_engine
from ..options import Options
from ..pageimage.rectify import page_quad, rectify
from ..pageimage.rules import find_grids, skew_angle, text_unit
from ..pageimage.seal import drop_seal_ink, seal_cover, stamp_mask, under_stamp


def _pil() -> Any:
    try:
        from PIL import Image
    except ImportError as e:
        raise MissingDependencyError("images need Pillow: pip install 'zfxxgk-extractor[ocr]'") from e
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
        raise MissingDependencyError("scanned PDFs need the 'ocr' extra with 'docs': pip install 'zfxxgk-extractor[docs,ocr]' (pypdfium2 is not installed)") from e
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


def _with_box(prov: Provenance, move: Callable[[BBox], BBox]) -> Provenance:
    return prov.model_copy(update={"bbox": move(prov.bbox)}) if prov.bbox else prov


def _words_moved(words: list[Word], move: Callable[[BBox], BBox]) -> list[Word]:
    return [w.model_copy(update={"prov": _with_box(w.prov, move)}) for w in words]


def _scaled(words: list[Word], factor: float) -> list[Word]:
    """OCR boxes (image pixels) in page units."""
    if factor == 1.0:
        return words
    return _words_moved(words, lambda b: (b[0] * factor, b[1] * factor, b[2] * factor, b[3] * factor))


def _grids(img: np.ndarray, words: list[Word], factor: float,
           seal: SealCover | None) -> tuple[PageFrame | None, list[PageGrid]]:
    """The page's ruled grids and the frame they were found in (None: no words to scale the search by, or
    no OpenCV — the page is then read as a stream)."""
    boxed = [w for w in words if w.prov.bbox is not None and w.text.strip()]
    if not boxed or importlib.util.find_spec("cv2") is None:
        return None, []
    sealed = None
    if seal is not None:
        def sealed(x: float, y: float) -> bool:
            return seal.hidden(x * factor, y * factor)
    grids, frame = find_grids(img, text_unit(boxed, factor), skew_angle(boxed), sealed)
    return frame, grids


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
    pages: list[ScanPage] = []
    warnings: list[ReportWarning] = []
    for pno, img in enumerate(images, 1):
        if engine is None:
            engine = get_engine(options.ocr_engine)
        quad = page_quad(img) if options.rectify else None
        flat = rectify(img, quad) if quad is not None else None
        if flat is not None:
            img = flat.image
            warnings.append(warning("photo_rectified", f"page {pno}: {flat.describe()}; boxes are given in the photo"))
        mask = stamp_mask(img)
        if mask is not None:
            img = drop_seal_ink(img)
        page_words = _scaled(under_stamp(_recognize(engine, img, pno), mask), factor)
        seal = seal_cover(mask, factor) if mask is not None else None
        frame, grids = _grids(img, page_words, factor, seal)
        page = ScanPage(page=pno, factor=factor, words=page_words, frame=frame, grids=grids, seal=seal)
        if flat is not None:
            page.to_photo = flat.homography
            page.photo_size = flat.photo_size
            page_words = _words_moved(page_words, page.box_to_photo)
        words.extend(page_words)
        pages.append(page)
    if engine is None:
        engine = get_engine(options.ocr_engine)
    return Document(name=raw.name, format=fmt, pages=len(pages), words=words, scan_pages=pages,
                    ocr_engine=engine.name, warnings=warnings)


def load_image(raw: RawInput, options: Options) -> Document:
    return _ocr(_image_pages(raw, options), raw, options, "image", 1.0)


def load_pdf_pages(raw: RawInput, options: Options) -> Document:
    return _ocr(_pdf_pages(raw, options), raw, options, "pdf", 72.0 / options.ocr_dpi)


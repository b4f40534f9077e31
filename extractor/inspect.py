"""A visual debugger: the page images with every extracted cell drawn where it came from.

``render_overlays(path, report, outdir, dpi)`` writes ``page-N.png`` per page that holds cells: green boxes
for cells read cleanly, orange for cells to review, red for cells in a failed identity, blue for matched
row labels (with the row key). PDFs are rendered with pypdfium2, images opened with Pillow.

``page_images`` is the shared renderer (also used by the HTML review page, ``extractor.review``); it takes
a path or the document's bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .datamodel import Report
from .errors import CorruptDocumentError, LimitExceededError, MissingDependencyError, UnsupportedFormatError

COLORS = {"ok": (0, 160, 60), "review": (255, 140, 0), "fail": (220, 0, 0), "row": (40, 90, 220)}

# formats whose report carries page geometry (bboxes in PDF points or image pixels)
PAGED_FORMATS = ("pdf", "image")


def _bytes_of(source: Path | bytes) -> bytes:
    return source if isinstance(source, bytes) else Path(source).read_bytes()


def _pdf_images(data: bytes, dpi: int, wanted: set[int] | None, max_pages: int) -> list[tuple[int, Any, float]]:
    try:
        import pypdfium2 as pdfium
    except ImportError as e:
        raise MissingDependencyError("PDF page images need pypdfium2: pip install 'zfxxgk-extractor[ocr]'") from e
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise CorruptDocumentError(f"unreadable PDF: {e}") from e
    scale = dpi / 72.0
    out = []
    try:
        for i in range(min(len(pdf), max_pages)):
            if wanted is not None and i + 1 not in wanted:
                continue
            page = pdf[i]
            try:
                out.append((i + 1, page.render(scale=scale).to_pil().convert("RGB"), scale))
            finally:
                page.close()
    finally:
        pdf.close()
    return out


def _image_frames(data: bytes, wanted: set[int] | None, max_side: int | None,
                  max_pages: int) -> list[tuple[int, Any, float]]:
    from PIL import Image, ImageOps

    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as e:
        raise LimitExceededError(f"image too large (decompression bomb): {e}") from e
    except Exception as e:
        raise CorruptDocumentError(f"unreadable image: {e}") from e
    out = []
    for i in range(min(getattr(img, "n_frames", 1), max_pages)):
        if wanted is not None and i + 1 not in wanted:
            continue
        img.seek(i)
        frame = ImageOps.exif_transpose(img).convert("RGB")  # as the OCR saw it (textlayer.scan)
        scale = 1.0
        if max_side and max(frame.size) > max_side:
            scale = max_side / max(frame.size)
            frame = frame.resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))))
        out.append((i + 1, frame, scale))
    return out


def page_images(source: Path | bytes, fmt: str, dpi: int = 100, pages: Iterable[int] | None = None,
                max_side: int | None = None, max_pages: int = 500) -> list[tuple[int, Any, float]]:
    """``(page number, PIL RGB image, scale from page units to image pixels)`` for the wanted pages.

    ``pages`` (1-based) restricts the rendering to those pages (default: all). PDFs are rendered at
    ``dpi`` (bboxes are in points); images keep their pixels unless ``max_side`` asks to shrink them
    (bboxes are in pixels). Raises ``UnsupportedFormatError`` for formats without pages."""
    if fmt not in PAGED_FORMATS:
        raise UnsupportedFormatError(f"inspect draws on pages: a {fmt} document has none (use --json to see lines)")
    try:
        import PIL  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError("page images need Pillow: pip install 'zfxxgk-extractor[ocr]'") from e
    wanted = None if pages is None else set(pages)
    data = _bytes_of(source)
    if fmt == "pdf":
        return _pdf_images(data, dpi, wanted, max_pages)
    return _image_frames(data, wanted, max_side, max_pages)



def failed_identity_keys(report: Report) -> set[str]:
    """Keys of the cells that take part in a failed identity (narrative mismatches flag cells for review)."""
    return {k for c in report.checks if c.kind == "identity" and c.status == "fail" for k in c.lhs_keys + c.rhs_keys}


def render_overlays(path: Path, report: Report, outdir: Path, dpi: int = 100) -> list[Path]:
    from PIL import ImageDraw

    failed = failed_identity_keys(report)
    pages = page_images(path, report.format, dpi)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for pno, img, scale in pages:
        draw = ImageDraw.Draw(img)
        n = 0
        for key, cell in report.cells.items():
            b = cell.prov.bbox
            if cell.prov.page != pno or b is None:
                continue
            color = COLORS["fail"] if key in failed else COLORS["review"] if cell.review else COLORS["ok"]
            draw.rectangle([b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale], outline=color, width=2)
            n += 1
        for row in report.rows:
            b = row.prov.bbox
            if row.prov.page != pno or b is None:
                continue
            draw.rectangle([b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale], outline=COLORS["row"], width=1)
            draw.text((b[0] * scale, max(0, b[1] * scale - 10)), row.key or "unmapped", fill=COLORS["row"])
        if n:
            out = outdir / f"page-{pno}.png"
            img.save(out)
            written.append(out)
    return written

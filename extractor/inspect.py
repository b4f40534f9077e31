"""A visual debugger: the page images with every extracted cell drawn where it came from.

``render_overlays(path, report, outdir, dpi)`` writes ``page-N.png`` per page that holds cells: green boxes
for cells read cleanly, orange for cells to review, red for cells in a failed identity, blue for matched
row labels (with the row key). PDFs are rendered with pypdfium2, images opened with Pillow.
"""

from __future__ import annotations

from pathlib import Path

from .datamodel import Report
from .errors import MissingDependencyError, UnsupportedFormatError

COLORS = {"ok": (0, 160, 60), "review": (255, 140, 0), "fail": (220, 0, 0), "row": (40, 90, 220)}


def _pages(path: Path, fmt: str, dpi: int) -> list[tuple[object, float]]:
    """(PIL image, scale from page units to pixels) per page."""
    try:
        from PIL import Image
    except ImportError as e:
        raise MissingDependencyError("inspect needs Pillow: pip install 'extractor[ocr]'") from e
    if fmt == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        scale = dpi / 72.0
        return [(pdf[i].render(scale=scale).to_pil().convert("RGB"), scale) for i in range(len(pdf))]
    if fmt == "image":
        return [(Image.open(path).convert("RGB"), 1.0)]
    raise UnsupportedFormatError(f"inspect draws on pages: a {fmt} document has none (use --json to see lines)")


def render_overlays(path: Path, report: Report, outdir: Path, dpi: int = 100) -> list[Path]:
    from PIL import ImageDraw

    failed = {k for c in report.failed_checks for k in c.lhs_keys + c.rhs_keys}
    pages = _pages(path, report.format, dpi)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for pno, (img, scale) in enumerate(pages, 1):
        draw = ImageDraw.Draw(img)  # type: ignore[arg-type]
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
            img.save(out)  # type: ignore[attr-defined]
            written.append(out)
    return written

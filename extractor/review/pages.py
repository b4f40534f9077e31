"""The page panel: the document's page images (embedded PNG) with every located cell's box, the matched
row labels and the narrative sentences drawn where they came from. Boxes are placed in percent of the
image, so they scale with it (the page's zoom changes the image's width only)."""

from __future__ import annotations

import base64
import io
from html import escape
from pathlib import Path
from typing import Any

from ..datamodel import Report
from ..errors import ExtractorError
from ..inspect import PAGED_FORMATS, page_images
from .kinds import KINDS, cell_kind

MAX_PAGES_SHOWN = 40


def _wanted_pages(report: Report) -> list[int]:
    pages: set[int] = set()
    for c in report.all_cells.values():
        if c.prov.page is not None and c.prov.bbox is not None:
            pages.add(c.prov.page)
    for r in report.rows:
        if r.prov.page is not None and r.prov.bbox is not None:
            pages.add(r.prov.page)
    for ch in report.checks:
        if ch.prov is not None and ch.prov.page is not None and ch.prov.bbox is not None:
            pages.add(ch.prov.page)
    if not pages:  # nothing located: show the first pages so a person can see why
        pages = set(range(1, min(report.pages or 1, MAX_PAGES_SHOWN) + 1))
    return sorted(pages)[:MAX_PAGES_SHOWN]


def _pct(v: float, total: float) -> str:
    return f"{100.0 * v / total:.3f}%"


def _box_style(b: tuple[float, float, float, float], scale: float, w: int, h: int) -> str:
    x0, top, x1, bottom = (min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3]))
    return (f"left:{_pct(x0 * scale, w)};top:{_pct(top * scale, h)};"
            f"width:{_pct(max(x1 - x0, 1.0) * scale, w)};height:{_pct(max(bottom - top, 1.0) * scale, h)}")


def _page_html(pno: int, img: Any, scale: float, report: Report, failed: set[str]) -> str:
    buf = io.BytesIO()
    img.quantize(256).save(buf, format="PNG")  # a palette keeps text pages ~3x smaller than RGB
    b64 = base64.b64encode(buf.getvalue()).decode("ascii")
    w, h = img.size
    out = [f'<div class="page" id="page-{pno}" data-page="{pno}" style="--w:{w}px"><div class="pno">page {pno}</div>'
           f'<div class="pimg"><img alt="page {pno}" width="{w}" height="{h}" src="data:image/png;base64,{b64}">']
    for r in report.rows:
        if r.prov.page == pno and r.prov.bbox is not None:
            out.append(f'<div class="rowbox" style="{_box_style(r.prov.bbox, scale, w, h)}" '
                       f'title="{escape((r.key or "unmapped") + ": " + r.label, quote=True)}"></div>')
    for ch in report.checks:
        if ch.prov is not None and ch.prov.page == pno and ch.prov.bbox is not None:
            out.append(f'<div class="sentbox s-{escape(ch.status)}" data-check="{escape(ch.id, quote=True)}" '
                       f'style="{_box_style(ch.prov.bbox, scale, w, h)}" title="{escape(ch.text, quote=True)}"></div>')
    order = list(KINDS)
    located = [(k, c) for k, c in report.all_cells.items() if c.prov.page == pno and c.prov.bbox is not None]
    # flagged boxes last, so they are drawn on top of clean ones sharing the same place
    located.sort(key=lambda kc: -order.index(cell_kind(kc[0], kc[1], failed)))
    for key, cell in located:
        kind = cell_kind(key, cell, failed)
        assert cell.prov.bbox is not None
        out.append(f'<div class="box {kind}" data-key="{escape(key, quote=True)}" '
                   f'style="{_box_style(cell.prov.bbox, scale, w, h)}" title="{escape(key, quote=True)}"></div>')
    out.append("</div></div>")
    return "".join(out)


def pages_html(source: Path | bytes | None, report: Report, dpi: int, failed: set[str]) -> tuple[str, bool]:
    """(HTML of the page panel, whether page images are shown)."""
    if report.format not in PAGED_FORMATS:
        return (f'<p class="note nopage">No page image: a {escape(report.format)} document has no page geometry '
                "(cells carry line numbers instead, shown with the text of their line); the tables and checks "
                "follow.</p>"), False
    if source is None:
        return '<p class="note nopage">No page image: the document itself is not available.</p>', False
    try:
        pages = page_images(source, report.format, dpi, pages=_wanted_pages(report), max_side=1600)
    except ExtractorError as e:
        return f'<p class="note nopage">No page image: {escape(e.message)}</p>', False
    if not pages:
        return '<p class="note nopage">No page image: the document has no pages to draw.</p>', False
    return "".join(_page_html(pno, img, scale, report, failed) for pno, img, scale in pages), True

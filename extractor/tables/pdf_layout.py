"""Tables of text-layer PDF pages: what the PDF reader found on each page (``Document.text_pages``: ruled
tables, the words outside them, text lines) becomes the document's tables and lines.

Contract: ``lay_out_pdf(document) -> Document`` — a document without text pages comes back as it is.

* The ruled tables (``grid``) are kept as the reader found them, each cell's lines joined into its text by
  the layout engine (``layout.cell_text``: a label broken inside its box reads whole, two rows' numbers in
  one box where a rule is missing stay apart). The words outside them are clustered into
  lines and cells; where several lines have more than one cell (an unruled table) they become a ``stream``
  table with its rows and blank cells rebuilt (``unruled``). Page headers and footers are dropped first.
* A page's tables are in reading order (top to bottom) and numbered through the document.
* ``doc.lines`` are the page's text lines (for title, year and organ) with a table's lines replaced by its
  rows (cells tab-joined): a header cell broken over lines (本年收费金额 / （单位：万元）) reads whole, as in
  DOCX and HTML.

A table split over pages is simply emitted page by page: the aligner follows the template order.
"""

from __future__ import annotations

import re

from ..datamodel import Document, Provenance, SourceCell, SourceRow, SourceTable, TextLine, TextPage
from . import unruled, unruled_cells
from .layout import cell_text

# Page headers and footers: "- 4 -", "— 5 —", "第 3 页 共 8 页", "3/8", or a lone page number near an edge.
_PAGE_MARK = re.compile(r"^[\s\-—–−_·•~]*(第\s*)?\d{1,4}\s*页?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–−_·•~]*$")
_DASHED = re.compile(r"^\s*[\-—–−_·•~]+\s*\d{1,4}\s*[\-—–−_·•~]+\s*$")
# Share of the page height at the top and bottom where a lone number is taken for a page number.
EDGE_SHARE = 0.1


def _is_page_mark(text: str, top: float, bottom: float, height: float) -> bool:
    t = text.strip()
    if _DASHED.match(t):
        return True
    near_edge = top < EDGE_SHARE * height or bottom > (1 - EDGE_SHARE) * height
    return near_edge and bool(_PAGE_MARK.match(t))


def _stream_tables(tp: TextPage, start: int) -> list[SourceTable]:
    lines = [ln for ln in unruled.lines_from_words(tp.words)
             if not _is_page_mark(" ".join(f.text for f in ln), min(f.top for f in ln), max(f.bottom for f in ln),
                                  tp.height)]
    return unruled_cells.tables(lines, tp.width, tp.page, start)


def _table_top(t: SourceTable) -> float:
    if t.prov.bbox is not None:
        return t.prov.bbox[1]
    tops = [c.prov.bbox[1] for c in t.rows[0].cells if c.prov.bbox] if t.rows else []
    return min(tops, default=0.0)


def _renumber(t: SourceTable, index: int) -> SourceTable:
    if t.prov.table == index:
        return t

    def fix(p: Provenance) -> Provenance:
        return p.model_copy(update={"table": index})

    rows = [SourceRow(cells=[c.model_copy(update={"prov": fix(c.prov)}) for c in r.cells], prov=fix(r.prov))
            for r in t.rows]
    return SourceTable(rows=rows, kind=t.kind, prov=fix(t.prov))


def _joined(t: SourceTable) -> SourceTable:
    """A ruled table with each cell's lines (as pdfplumber extracts them, newline-separated) joined and
    trimmed; a cell (row, table) already so is kept as it is, not copied."""
    def raw(c: SourceCell) -> bool:
        return "\n" in c.text or c.text != c.text.strip()

    if not any(raw(c) for r in t.rows for c in r.cells):
        return t
    rows = [r if not any(raw(c) for c in r.cells) else r.model_copy(update={"cells": [
        c.model_copy(update={"text": cell_text(c.text.split("\n"))}) if raw(c) else c for c in r.cells]})
        for r in t.rows]
    return t.model_copy(update={"rows": rows})


def _page_tables(tp: TextPage, start: int) -> list[SourceTable]:
    grids = [_renumber(_joined(t), start + i) for i, t in enumerate(tp.grids)]
    streams = _stream_tables(tp, start + len(grids))
    tables = sorted(grids + streams, key=_table_top)
    return [_renumber(t, start + i) for i, t in enumerate(tables)]


def _page_lines(tp: TextPage, tables: list[SourceTable]) -> list[TextLine]:
    boxes = [t.prov.bbox for t in tables if t.prov.bbox is not None]
    out = []
    for ln in tp.lines:
        if ln.prov.bbox is None:
            continue
        x0, top, x1, bottom = ln.prov.bbox
        cx, cy = (x0 + x1) / 2, (top + bottom) / 2
        if _is_page_mark(ln.text, top, bottom, tp.height) or any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
            continue
        out.append(ln)
    for t in tables:
        out.extend(TextLine(text="\t".join(c.text for c in r.cells), prov=r.prov) for r in t.rows
                   if any(c.text for c in r.cells))
    return sorted(out, key=lambda ln: ln.prov.bbox[1] if ln.prov.bbox else 0.0)


def lay_out_pdf(doc: Document) -> Document:
    if not doc.text_pages:
        return doc
    tables: list[SourceTable] = []
    lines: list[TextLine] = []
    for tp in doc.text_pages:
        page_tables = _page_tables(tp, len(tables))
        lines.extend(_page_lines(tp, page_tables))
        tables.extend(page_tables)
    return doc.model_copy(update={"tables": tables, "lines": lines, "text_pages": []})


__all__ = ["lay_out_pdf"]

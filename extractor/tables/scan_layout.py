"""Tables of scanned pages: what the scan reader found on each page image (``Document.scan_pages``: OCR
words, ruled grids, the seal) becomes the document's tables and lines.

Contract: ``lay_out_scan(document) -> Document`` — a document without scan pages comes back as it is. A page
whose ruling lines make grids that hold nearly all its numbers (``ruling.ruled_page``) gives one ``grid``
table per grid, cells cut by the rules; the words outside the grids (title, prose) and every page without
such grids go through ``geometry.words_to_rows`` (``stream`` tables: lines and cells clustered from the
boxes). Tables are in page order, top to bottom, numbered; each table row's text is a line (for title, year
and organ). Boxes are built on the flattened page and given in the photo when the page was one.
"""

from __future__ import annotations

from ..datamodel import BBox, Document, Provenance, ScanPage, SourceRow, SourceTable, TextLine
from .geometry import words_to_rows
from .ruling import GridTable, ruled_page


def _page_tables(sp: ScanPage) -> list[SourceTable]:
    """The page's grids (when they hold the page's numbers) with the rest of its words as stream rows
    between them, top to bottom; else the whole page as one stream table."""
    hidden = sp.seal.hidden if sp.seal is not None else None
    pno = sp.page
    ruled = ruled_page(sp.grids, sp.frame, sp.words, pno, sp.factor, hidden) if sp.frame is not None else None
    if ruled is None or not ruled.usable:
        return [SourceTable(rows=words_to_rows(sp.words, pno, hidden), kind="stream", prov=Provenance(page=pno))]
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


def _moved(prov: Provenance, sp: ScanPage) -> Provenance:
    box: BBox | None = prov.bbox
    return prov.model_copy(update={"bbox": sp.box_to_photo(box)}) if box else prov


def _in_photo(tables: list[SourceTable], sp: ScanPage) -> list[SourceTable]:
    """Tables with every box (table, rows, cells) moved from the flattened page back into the photo."""
    if sp.to_photo is None:
        return tables
    out = []
    for t in tables:
        rows = [r.model_copy(update={
            "prov": _moved(r.prov, sp),
            "cells": [c.model_copy(update={"prov": _moved(c.prov, sp)}) for c in r.cells],
        }) for r in t.rows]
        out.append(t.model_copy(update={"rows": rows, "prov": _moved(t.prov, sp)}))
    return out


def lay_out_scan(doc: Document) -> Document:
    if not doc.scan_pages:
        return doc
    tables = [t for sp in doc.scan_pages for t in _in_photo(_page_tables(sp), sp)]
    tables = [t.model_copy(update={"prov": t.prov.model_copy(update={"table": i})}) for i, t in enumerate(tables)]
    lines = [TextLine(text=" ".join(c.text for c in r.cells), prov=r.prov) for t in tables for r in t.rows]
    return doc.model_copy(update={"tables": tables, "lines": lines, "scan_pages": []})


__all__ = ["lay_out_scan"]

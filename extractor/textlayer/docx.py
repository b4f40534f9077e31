"""DOCX (python-docx for the package, the table XML read directly): tables keep their grid.

Each ``w:tbl`` is read row by row (``w:tr`` / ``w:tc``) on the table's column grid, so merged cells keep
their position: a cell spanning ``w:gridSpan`` columns gives its text in its first column and "" in the
others, a vertically merged continuation cell (``w:vMerge`` without ``restart``) gives "" (the row
interpreter drops empties before the first label), ``w:gridBefore``/``w:gridAfter`` give "" too.

A table with a table inside one of its cells is a layout table: its cells are read as running text and the
inner tables as tables ("use the innermost tables"). One-column tables are frames around text.

``doc.lines`` hold the whole text in reading order (paragraphs, and table rows as tab-joined cells) for the
title, year and organ, the template signals and the unit found in a column header.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from lxml import etree

from ..datamodel import Document, Provenance, SourceCell, SourceRow, SourceTable, TextLine
from ..errors import CorruptDocumentError, ExtractorError, LimitExceededError
from ..ingest import RawInput, check_lines
from ..options import Options

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
# A "table" with fewer grid columns than this is a frame around text, not a statistics table.
MIN_GRID_COLS = 2
# Containers that only wrap block or row content (content controls, custom XML, tracked insertions).
_WRAPPERS = {f"{{{W}}}sdt", f"{{{W}}}sdtContent", f"{{{W}}}customXml", f"{{{W}}}ins"}
# Text of a paragraph: runs' text, tabs and breaks; mc:Fallback repeats the mc:Choice of text boxes.
_TEXT_NODES = etree.XPath(
    ".//w:r/w:t[not(ancestor::mc:Fallback)] | .//w:r/w:tab[not(ancestor::mc:Fallback)]"
    " | .//w:r/w:br[not(ancestor::mc:Fallback)] | .//w:r/w:cr[not(ancestor::mc:Fallback)]"
    " | .//w:r/w:noBreakHyphen[not(ancestor::mc:Fallback)]",
    namespaces=NS,
)
_NODE_TEXT = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}

VMergeMode = Literal["empty", "repeat"]
# What a vertically merged continuation cell holds. "empty" is what the row interpreter wants: leading
# empties are indentation; a repeated group label is dropped too, but a repeated odd label would prefix the
# row's own label (tests/textlayer/test_docx.py runs the pipeline with both).
VMERGE_MODE: VMergeMode = "empty"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _children(el: Any, tags: set[str]) -> Iterator[Any]:
    """Children with one of ``tags``, looking through content-control and custom-XML wrappers."""
    for ch in el:
        if ch.tag in tags:
            yield ch
        elif ch.tag in _WRAPPERS:
            yield from _children(ch, tags)


def _node_text(n: Any) -> str:
    """A w:t's text; an entity reference the parser leaves unresolved (a DTD in the part) is dropped but
    the text after it (its tail) is kept."""
    text = n.text or ""
    if len(n):
        text += "".join(ch.tail or "" for ch in n)
    return text


def para_text(p: Any) -> str:
    return "".join(_NODE_TEXT.get(etree.QName(n).localname) or _node_text(n) for n in _TEXT_NODES(p))


def _val(el: Any, path: str) -> str | None:
    found = el.find(path, NS)
    return None if found is None else found.get(_w("val"), "")


def _int_val(el: Any, path: str, default: int) -> int:
    v = _val(el, path)
    try:
        return max(1, int(v)) if v else default
    except ValueError:
        return default


def row_width(tr: Any) -> int:
    """Grid columns of one row (gridBefore + every cell's gridSpan), from the attributes alone."""
    return _int_val(tr, "w:trPr/w:gridBefore", 0) + sum(_int_val(tc, "w:tcPr/w:gridSpan", 1)
                                                         for tc in _children(tr, {_w("tc")}))


def _cell_text(tc: Any) -> str:
    """The cell's paragraphs joined with nothing: a label broken over lines inside its box."""
    parts = (para_text(p) for p in _children(tc, {_w("p")}))
    return "".join(t.replace("\n", "").strip() for t in parts)


def _is_layout(tbl: Any) -> bool:
    return any(True for tc in _cells(tbl) for _ in _children(tc, {_w("tbl")}))


def _rows(tbl: Any) -> Iterator[Any]:
    return _children(tbl, {_w("tr")})


def _cells(tbl: Any) -> Iterator[Any]:
    for tr in _rows(tbl):
        yield from _children(tr, {_w("tc")})


@dataclass
class _Grid:
    """Cell texts of one table on its column grid."""

    rows: list[list[str]] = field(default_factory=list)
    above: dict[int, str] = field(default_factory=dict)  # text of the last merge-start cell per column
    spanned: set[tuple[int, int]] = field(default_factory=set)  # positions covered by a cell to their left

    def add_row(self, tr: Any, mode: VMergeMode) -> None:
        row = [""] * _int_val(tr, "w:trPr/w:gridBefore", 0)
        for tc in _children(tr, {_w("tc")}):
            span = _int_val(tc, "w:tcPr/w:gridSpan", 1)
            vmerge = _val(tc, "w:tcPr/w:vMerge")
            col = len(row)
            if vmerge is not None and vmerge != "restart":  # continuation of the cell above
                text = self.above.get(col, "") if mode == "repeat" else ""
            elif _val(tc, "w:tcPr/w:hMerge") not in (None, "restart"):  # legacy horizontal merge
                text = ""
                self.spanned.add((len(self.rows), col))
            else:
                text = _cell_text(tc)
                self.above[col] = text
            row.append(text)
            self.spanned.update((len(self.rows), col + dc) for dc in range(1, span))
            row.extend([""] * (span - 1))
        self.rows.append(row)


def _source_table(grid: _Grid, index: int) -> SourceTable:
    rows = [
        SourceRow(cells=[SourceCell(text=t, prov=Provenance(table=index, row=r, col=c), spanned=(r, c) in grid.spanned)
                         for c, t in enumerate(row)],
                  prov=Provenance(table=index, row=r))
        for r, row in enumerate(grid.rows)
    ]
    return SourceTable(rows=rows, kind="grid", prov=Provenance(table=index))


@dataclass
class _Reader:
    mode: VMergeMode
    max_cells: int | None = None  # grid cells of all the document's tables (Limits.max_table_cells)
    cells: int = 0
    lines: list[str] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)

    def blocks(self, parent: Any) -> None:
        for el in _children(parent, {_w("p"), _w("tbl")}):
            if el.tag == _w("p"):
                self.lines.extend(para_text(el).split("\n"))
            elif _is_layout(el):
                for tc in _cells(el):
                    self.blocks(tc)
            else:
                self.table(el)

    def table(self, tbl: Any) -> None:
        grid = _Grid()
        for tr in _rows(tbl):
            if self.max_cells is not None:  # a gridSpan of 10^9 must not become a list of 10^9 cells
                self.cells += row_width(tr)
                if self.cells > self.max_cells:
                    raise LimitExceededError(f"the DOCX tables expand to at least {self.cells} grid cells; limit "
                                             f"max_table_cells={self.max_cells}")
            grid.add_row(tr, self.mode)
        self.lines.extend("\t".join(row) for row in grid.rows)
        width = max((sum(1 for t in row if t) for row in grid.rows), default=0)
        if width >= MIN_GRID_COLS:
            self.tables.append(_source_table(grid, len(self.tables)))


def _body(data: bytes) -> Any:
    import docx

    try:
        return docx.Document(io.BytesIO(data)).element.body
    except Exception as e:  # a broken zip, a missing part, malformed XML
        raise CorruptDocumentError(f"unreadable DOCX: {e!r}") from e


def load(raw: RawInput, options: Options, *, vmerge: VMergeMode | None = None) -> Document:
    reader = _Reader(mode=vmerge or VMERGE_MODE, max_cells=options.limits.max_table_cells)
    body = _body(raw.data)
    try:
        reader.blocks(body)
    except (ExtractorError, MemoryError, ImportError):
        raise
    except Exception as e:  # a tree deeper than the recursion allows, a value python-docx cannot read
        raise CorruptDocumentError(f"unreadable DOCX: {e!r}") from e
    check_lines(reader.lines, options.limits)
    lines = [TextLine(text=t, prov=Provenance(line=i + 1)) for i, t in enumerate(reader.lines)]
    return Document(name=raw.name, format="docx", lines=lines, tables=reader.tables)


__all__ = ["load", "para_text"]

"""Ruled tables on page images: OCR words put into the cells of the grids the page's rules make.

Contract: ``ruled_page(grids, frame, words, page, factor, hidden) -> RuledPage``. ``grids`` and ``frame``
are what ``pageimage.rules.find_grids`` found in the page image; ``words`` are the page's OCR words in page
units (``factor`` page units per image pixel: 72/dpi for PDF pages, 1 for images). The result holds one
``SourceRow`` list per grid, in reading order, the words outside every grid (title, prose: they go on to
``geometry.words_to_rows``) and the share of the page's numbers that lie inside a grid, which decides
whether the page is read by its grids at all (``RuledPage.usable``).

1. Each word goes to the cell holding its centre (in the grid's upright frame). A row of the output is one
   band between two horizontal rules: its cells left to right (label cells, then value cells); a cell
   merged over several bands is given in its top band only (as text-layer PDFs give it), an empty cell is
   ``""`` with the scan conventions of ``geometry`` (reading ``blank_on_scan``; ``hidden_by_seal`` under
   a seal, where the seal's lettering read into a value cell, "人0", is dropped as well).
2. A page is read by its grids (``usable``) when they hold ``MIN_NUMERIC_COVER`` of its numbers and no
   cell holds numbers on two lines (a horizontal rule the grid missed: two rows' values in one row).

A vertical rule the grid missed leaves the cells on both sides as one, their numbers space-separated (two
values). Tables split over pages come out as one grid per page, in order; a row broken by the page end is
joined by the template-aware matching (``matching.align.merge_fragments``), which knows the labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median

from ..datamodel import BBox, PageFrame, PageGrid, Provenance, SourceCell, SourceRow, Word
from ..pageimage.seal import SEAL_TEXT_MAX
from ..values.parse import is_number
from .geometry import empty_cell, reading_of
from .layout import OCR_IN_CELL, Box, cell_text, cluster_lines, union

# Numbers in one cell more than this many box heights apart (centres) are on two lines.
STACKED_LINES = 0.6
# A page is read by its grids when this share of its numbers (OCR words that parse as one) lie in them.
MIN_NUMERIC_COVER = 0.9


@dataclass
class GridTable:
    """A grid's rows, and where it lies on the page (page units)."""

    rows: list[SourceRow]
    bbox: BBox
    shape: tuple[int, int]


@dataclass
class RuledPage:
    tables: list[GridTable] = field(default_factory=list)
    outside: list[Word] = field(default_factory=list)
    numbers: int = 0  # words of the page that parse as a number
    numbers_inside: int = 0  # ... of them inside a grid
    stacked: int = 0  # grid cells holding numbers on two lines (a horizontal rule the grid missed)
    angle: float = 0.0

    @property
    def cover(self) -> float:
        return self.numbers_inside / self.numbers if self.numbers else 0.0

    @property
    def usable(self) -> bool:
        """Read the page by its grids: they hold MIN_NUMERIC_COVER of its numbers, and no cell two rows'."""
        return bool(self.tables) and self.numbers > 0 and self.cover >= MIN_NUMERIC_COVER and not self.stacked



# ---------------------------------------------------------------- words into cells


def _placed(w: Word, x: float, y: float, h: float) -> Box:
    """A word placed in a grid: its centre in the grid's upright frame (pixels) and its box height."""
    return Box(w.text, x, y - h / 2, x, y + h / 2, h, (w,))


def _cell_text(placed: list[Box]) -> str:
    """Words of one cell: lines top to bottom (the layout engine, ``OCR_IN_CELL``), words left to right,
    joined as ``layout.cell_text`` joins a cell's pieces (with nothing, a number kept apart)."""
    return cell_text(b.text for line in cluster_lines(placed, OCR_IN_CELL) for b in line)


_SEAL_JUNK = re.compile(r"[^0-9.+\-]")


def _value_columns(g: PageGrid, placed: dict[int, list[Box]]) -> set[int]:
    """Columns most of whose one-column cells with text hold a number."""
    seen: dict[int, list[bool]] = {}
    for k, (_, _, c0, c1) in enumerate(g.cells):
        if c1 - c0 == 1 and placed.get(k):
            seen.setdefault(c0, []).append(any(is_number(p.words[0].text) for p in placed[k]))
    return {c for c, v in seen.items() if sum(v) >= 2 and sum(v) >= len(v) / 2}


def _without_seal_text(placed: list[Box], hidden: Callable[[float, float], bool]) -> list[Box]:
    """A value cell under a seal: the seal's lettering and rim read into it ("人0", "<0") are dropped, the
    number kept at half confidence."""
    out = []
    for p in placed:
        b = p.words[0].prov.bbox
        if is_number(p.words[0].text) or b is None or not hidden((b[0] + b[2]) / 2, (b[1] + b[3]) / 2):
            out.append(p)
            continue
        rest = _SEAL_JUNK.sub("", p.words[0].text)
        if len(p.words[0].text.strip()) - len(rest) > SEAL_TEXT_MAX:
            out.append(p)
        elif rest and is_number(rest):
            out.append(p)  # digits with seal glyphs beside them: the value reader drops the glyphs and says so
    return out


class _Pager:
    """Upright-frame pixel rectangles back to page units."""

    def __init__(self, frame: PageFrame, factor: float) -> None:
        self.frame, self.factor = frame, factor

    def point(self, x: float, y: float) -> tuple[float, float]:
        px, py = self.frame.back(x, y)
        return px * self.factor, py * self.factor

    def box(self, x0: float, y0: float, x1: float, y1: float) -> BBox:
        pts = [self.point(x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
        return min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)


def _grid_rows(g: PageGrid, placed: dict[int, list[Box]], page: int, pager: _Pager,
               hidden: Callable[[float, float], bool] | None) -> list[SourceRow]:
    rows: list[SourceRow] = []
    nr, _ = g.shape
    values = _value_columns(g, placed) if hidden is not None else set()
    for i in range(nr):
        cells: list[SourceCell] = []
        for k in sorted((k for k, s in enumerate(g.cells) if s[0] == i), key=lambda k: g.cells[k][2]):
            r0, r1, c0, c1 = g.cells[k]
            x0, y0, x1, y1 = g.xs[c0], g.ys[r0], g.xs[c1], g.ys[r1]
            prov = Provenance(page=page, row=i, col=c0)
            words = placed.get(k, [])
            if hidden is not None and c1 - c0 == 1 and c0 in values:
                words = _without_seal_text(words, hidden)
            if words:
                bbox = union(p.words[0].prov.bbox for p in words if p.words[0].prov.bbox)
                cells.append(SourceCell(text=_cell_text(words), confidence=min(p.words[0].confidence for p in words),
                                        reading=reading_of([p.words[0] for p in words]),
                                        prov=prov.model_copy(update={"bbox": bbox})))
                continue
            px, py = pager.point((x0 + x1) / 2, (y0 + y1) / 2)
            cells.append(empty_cell(hidden is not None and hidden(px, py),
                                    prov.model_copy(update={"bbox": pager.box(x0, y0, x1, y1)})))
        if cells:
            band = pager.box(g.xs[0], g.ys[i], g.xs[-1], g.ys[i + 1])
            rows.append(SourceRow(cells=cells, prov=Provenance(page=page, bbox=band, row=i)))
    return rows


def ruled_page(grids: list[PageGrid], frame: PageFrame, words: list[Word], page: int, factor: float = 1.0,
               hidden: Callable[[float, float], bool] | None = None) -> RuledPage:
    """The grids found in one page image (``pageimage.rules.find_grids``) with its OCR words (page units,
    ``factor`` page units per pixel) put in their cells; ``hidden(x, y)`` (page units) tells whether a
    point lies under a seal."""
    out = RuledPage(angle=frame.angle)
    placed: list[dict[int, list[Box]]] = [{} for _ in grids]
    for w in words:
        num = is_number(w.text)
        out.numbers += num
        spot = _spot(w, grids, frame, factor)
        if spot is None:
            out.outside.append(w)
            continue
        gi, k, p = spot
        placed[gi].setdefault(k, []).append(p)
        out.numbers_inside += num
    out.stacked = sum(_stacked(ps) for pl in placed for ps in pl.values())
    pager = _Pager(frame, factor)
    for g, pl in zip(grids, placed, strict=True):
        bbox = pager.box(g.xs[0], g.ys[0], g.xs[-1], g.ys[-1])
        out.tables.append(GridTable(_grid_rows(g, pl, page, pager, hidden), bbox, g.shape))
    return out


def _stacked(placed: list[Box]) -> bool:
    """Numbers one above the other in one cell: two rows' values, the rule between them not seen."""
    ys = sorted(p.cy for p in placed if is_number(p.words[0].text))
    return len(ys) > 1 and ys[-1] - ys[0] > STACKED_LINES * median(p.h for p in placed)


def _spot(w: Word, grids: list[PageGrid], frame: PageFrame, factor: float) -> tuple[int, int, Box] | None:
    if w.prov.bbox is None or not w.text.strip():
        return None
    x0, y0, x1, y1 = (v / factor for v in w.prov.bbox)
    x, y = frame.fwd((x0 + x1) / 2, (y0 + y1) / 2)
    for gi, g in enumerate(grids):
        k = g.locate(x, y)
        if k is not None:
            return gi, k, _placed(w, x, y, y1 - y0)
    return None


__all__ = ["GridTable", "RuledPage", "ruled_page"]

"""Rows and cells from positioned words (OCR boxes): deskew, cluster into lines, cut into cells, put the
blank cells back.

Contract: ``words_to_rows(words) -> list[SourceRow]`` for one page, in reading order. Coordinates are
deskewed with the median angle of the long text boxes (scans are rotated up to a few degrees: 3° drifts
by two row heights across an A4 page); lines and cells come from the layout engine (``tables.layout``,
settings ``OCR_BOXES``). The original boxes stay in each cell's provenance. What is OCR's own is where a
row's blank cells go: no box is detected in an empty cell, so each row's numbers are laid on the columns of a
fuller row nearby, or of the header boxes above it, or of the grid of its own numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from statistics import median

from ..datamodel import Provenance, Reading, SourceCell, SourceRow, Word
from ..pageimage.rules import skew_angle
from ..values.parse import is_number
from .layout import OCR_BOXES, Box, boxes, cluster_lines, page_point, slot, split_cells, union

# Blank cells: a row's numbers are placed in the columns of the nearest fuller row within this many lines
# (a sub-table of the template has at most 26 rows; blanks come in runs of a few rows).
COLUMN_WINDOW = 6
# ... or, with no fuller row near, in the columns of the header cells in the lines above it.
HEADER_LINES = 4
# Header boxes wider than this many column spacings span several columns (group headers) and are ignored;
# header boxes of one column centre within HEADER_CLUSTER spacings of each other.
HEADER_MAX_WIDTH = 1.5
HEADER_CLUSTER = 0.35
# Header text stacked one or two characters a line ("计", "他结果") is at most this long; row labels are longer.
HEADER_FRAGMENT_MAX = 3
# A number belongs to a column when its centre is within this share of the column spacing, and within
# this many box heights, of the column centre.
COLUMN_TOL_SHARE = 0.45
COLUMN_TOL_HEIGHTS = 2.0


def _signed(text: str) -> bool:
    return text.lstrip().startswith(("+", "＋", "-", "－"))


def _cell(b: Box, page: int) -> SourceCell:
    """A cell of OCR boxes: the union of their original (not deskewed) boxes, the least sure reading."""
    bbox = union(w.prov.bbox for w in b.words if w.prov.bbox)
    return SourceCell(text=b.text, confidence=min(w.confidence for w in b.words), reading=reading_of(list(b.words)),
                      prov=Provenance(page=page, bbox=bbox))


@dataclass
class _Row:
    cells: list[SourceCell]
    xs: list[float]  # deskewed x-centre of each cell
    h: float
    boxes: list[tuple[str, float, float]] = field(default_factory=list)  # each OCR box's text, x0, x1
    cy: float = 0.0  # deskewed y-centre
    columns: list[float] | None = None  # the columns its values were placed in (blank cells filled)

    def value_columns(self) -> list[float]:
        """x-centres of the row's value columns: those it was filled in, else its numbers'."""
        return self.columns if self.columns is not None else [self.xs[k] for k in self.numeric()]

    def numeric(self) -> list[int]:
        """The cells holding numbers. Signed numbers occur only in the 本年增/减 column; a line whose only
        numbers are signed and whose only text is header fragments is header text misread ("计" of a vertical
        总计 read as "+1")."""
        num = [i for i, c in enumerate(self.cells) if is_number(c.text)]
        if num and all(_signed(self.cells[i].text) for i in num):
            # a row label (行政许可 with a blank 上一年) is longer than the fragments of a stacked header
            labels = [c.text for i, c in enumerate(self.cells) if i not in num and c.text.strip()]
            if all(len(t.strip()) <= HEADER_FRAGMENT_MAX for t in labels):
                return []
        return num


def _columns(xs: list[float], tol: float) -> list[float]:
    """1-D clustering of x-centres into column centres."""
    cols: list[list[float]] = []
    for x in sorted(xs):
        if cols and x - cols[-1][-1] <= tol:
            cols[-1].append(x)
        else:
            cols.append([x])
    return [sum(c) / len(c) for c in cols]


def _templates_for(rows: list[_Row], i: int) -> Iterator[list[float]]:
    """Candidate column centres for row i, most trusted first: the nearest row within COLUMN_WINDOW lines
    with the most numbers (more than row i has); for a row under a header (the 行政复议 table), the header
    cells above it; those header cells that lie on the row's own grid of numbers, with the columns OCR
    missed between them put back; the header's extent cut into columns as wide as the row's spacing."""
    n = len(rows[i].numeric())
    lo, hi = max(0, i - COLUMN_WINDOW), min(len(rows), i + COLUMN_WINDOW + 1)
    best = max((len(rows[j].value_columns()) for j in range(lo, hi)), default=0)
    if best > n:
        j = min((j for j in range(lo, hi) if len(rows[j].value_columns()) == best), key=lambda j: abs(j - i))
        yield rows[j].value_columns()
    xs = [rows[i].xs[k] for k in rows[i].numeric()]
    if len(xs) < 2:
        return
    step = median(b - a for a, b in zip(xs, xs[1:], strict=False))
    if step <= 0:
        return
    header: list[tuple[str, float, float]] = []
    for j in range(i - 1, max(-1, i - 1 - HEADER_LINES), -1):
        if rows[j].numeric():
            break
        header += rows[j].boxes
    # header cells of one column (a spanning group header such as 行政诉讼 is wider than a column)
    narrow = [b for b in header if b[2] - b[1] <= HEADER_MAX_WIDTH * step]
    single = [(x0 + x1) / 2 for _, x0, x1 in narrow]
    cols = _columns(single, HEADER_CLUSTER * step)
    on_grid = _on_grid(single, xs, step)
    # a header column OCR missed leaves a gap of two spacings in the header's columns: the grid has it
    for cand in sorted([cols, on_grid], key=len, reverse=True):
        if len(cand) > n:
            yield cand
    even = _even_columns(narrow, xs, step)
    if even:
        yield even


def _on_grid(header: list[float], xs: list[float], step: float) -> list[float]:
    """The row's numbers lie on a grid of equal columns (the template's tables are ruled evenly): the
    grid positions from the first to the last that a number or a one-column header cell occupies, without a
    gap of more than one column (a header cell OCR missed)."""
    tol = HEADER_CLUSTER * step
    slots: dict[int, list[float]] = {}
    for x in [*xs, *header]:
        k = round((x - xs[0]) / step)
        if abs(x - (xs[0] + k * step)) <= tol:
            slots.setdefault(k, []).append(x)
    lo, hi = 0, round((xs[-1] - xs[0]) / step)
    while lo - 1 in slots or lo - 2 in slots:
        lo -= 1 if lo - 1 in slots else 2
    while hi + 1 in slots or hi + 2 in slots:
        hi += 1 if hi + 1 in slots else 2
    return [sum(slots[k]) / len(slots[k]) if k in slots else xs[0] + k * step for k in range(lo, hi + 1)]


def _even_columns(header: list[tuple[str, float, float]], xs: list[float], step: float) -> list[float] | None:
    """Header cells merged or lost by OCR: the columns are the header's extent cut into equal parts as wide
    as the spacing of the row's own numbers."""
    if not header or step <= 0:
        return None
    x0, x1 = min(b[1] for b in header), max(b[2] for b in header)
    n = round((x1 - x0) / step)
    width = (x1 - x0) / n if n else 0
    return [x0 + (k + 0.5) * width for k in range(n)] if n > len(xs) else None

HIDDEN_CONFIDENCE = 0.0  # an empty cell under a seal (reading "hidden_by_seal"): something may be printed there
BLANK_CONFIDENCE = 0.5  # an empty cell with nothing over it (reading "blank_on_scan"): most likely left blank
_READING_ORDER: tuple[Reading, ...] = ("text", "ocr", "ocr_under_seal")


def reading_of(words: list[Word]) -> Reading:
    """The reading of a cell made of these words: the least sure of theirs (one word under a seal puts the
    cell under it)."""
    return max((w.reading for w in words), key=_READING_ORDER.index, default="text")


def empty_cell(hidden: bool, prov: Provenance) -> SourceCell:
    """An empty cell of a scan: under a seal (unreadable, not blank) or with nothing over it."""
    if hidden:
        return SourceCell(text="", confidence=HIDDEN_CONFIDENCE, reading="hidden_by_seal", prov=prov)
    return SourceCell(text="", confidence=BLANK_CONFIDENCE, reading="blank_on_scan", prov=prov)


def _fill_blanks(rows: list[_Row], page: int, angle: float = 0.0,
                 hidden: Callable[[float, float], bool] | None = None) -> None:
    """Scans lose blank cells (no box is detected in an empty cell): put an empty cell wherever a column of
    the table has no number in this row, so values keep their columns."""
    for i, r in enumerate(rows):
        num = r.numeric()
        if not num:
            continue
        for cols in _templates_for(rows, i):
            hit = _place(cols, r, num)
            if hit is None:
                continue
            r.cells = r.cells[:num[0]] + [r.cells[hit[c]] if c in hit else _empty(cols[c], r.cy, page, angle, hidden)
                                          for c in range(len(cols))] + r.cells[num[-1] + 1:]
            r.xs = r.xs[:num[0]] + list(cols) + r.xs[num[-1] + 1:]
            r.columns = list(cols)  # a later row may take this one's columns
            break


def _place(cols: list[float], r: _Row, num: list[int]) -> dict[int, int] | None:
    """Column index -> cell index for each number of the row, or None when a number is off every column or
    two share one."""
    gaps = [b - a for a, b in zip(cols, cols[1:], strict=False)]
    tol = min([COLUMN_TOL_SHARE * g for g in gaps] + [COLUMN_TOL_HEIGHTS * r.h])
    slots = slot([r.xs[k] for k in num], cols, tol)
    return None if slots is None else dict(zip(slots, num, strict=True))


def _empty(x: float, y: float, page: int, angle: float, hidden: Callable[[float, float], bool] | None) -> SourceCell:
    px, py = page_point(x, y, angle)
    return empty_cell(hidden is not None and hidden(px, py), Provenance(page=page))


def words_to_rows(words: list[Word], page: int,
                  hidden: Callable[[float, float], bool] | None = None) -> list[SourceRow]:
    """``hidden(x, y)`` tells whether a page point lies under a seal: an empty cell there is unreadable,
    not blank."""
    angle = skew_angle(words)
    rows: list[_Row] = []
    for line in cluster_lines(boxes(words, OCR_BOXES, angle), OCR_BOXES):
        cells = split_cells(line, OCR_BOXES)
        rows.append(_Row([_cell(c, page) for c in cells], [c.cx for c in cells], median(b.h for b in line),
                         [(b.text, b.x0, b.x1) for b in line], sum(b.cy for b in line) / len(line)))
    _fill_blanks(rows, page, angle, hidden)
    return [SourceRow(cells=r.cells, prov=Provenance(page=page, bbox=r.cells[0].prov.bbox)) for r in rows]

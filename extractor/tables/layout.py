"""The layout engine: positioned words into lines and cells, for text-layer PDF words and OCR boxes alike.

Contract: ``boxes(words, settings)`` -> ``Box`` list (deskewed where the settings say so);
``cluster_lines(boxes, settings)`` -> lines top to bottom, each left to right; ``split_cells(line,
settings)`` -> the line's cells (boxes joined); ``slot(positions, columns, tol)`` -> the column of each of
a row's values (how blank cells are put back); ``cell_text(tokens)`` -> one cell's text from its lines or
words in reading order.

One implementation; what differs between the two kinds of input is named in one place, the settings
presets (the way pdfplumber's ``TableSettings`` names its strategies):

* ``TEXT_WORDS`` — text-layer words have exact boxes and a font size, and one row mixes sizes (9 pt labels
  beside 14 pt values, tops 3.6 pt apart): a word joins a line its vertical extent overlaps; gaps are
  measured in font sizes.
* ``OCR_BOXES`` — detector boxes carry padding that varies box to box and the page is skewed: boxes are
  deskewed, a box joins the line whose mean centre is near its own (in median box heights); the detector
  already cuts at column rules, so a number is never joined to the box beside it.
* ``OCR_IN_CELL`` — the words inside one cell of a ruled grid: the same as ``OCR_BOXES`` with the slack of
  a box that is alone in its cell.

What stays with each kind is where the columns of a row with blank cells come from (``tables.geometry``:
fuller rows nearby, then the header boxes and the grid of the row's own numbers, as OCR loses header boxes;
``tables.unruled_cells``: the nearest fuller row, left/centre/right aligned, then the header above the review
row), and everything after the cells: which lines are a table, labels broken over lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median
from typing import Literal

from ..datamodel import BBox, Word
from ..values.parse import is_number, parse_value


@dataclass
class Box:
    """A word, or words joined into one cell: text, box (page units; deskewed for OCR), size (font size of
    a text-layer word, box height of an OCR box) and the words it was made of."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    words: tuple[Word, ...] = ()

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def h(self) -> float:
        return self.bottom - self.top

    @property
    def is_value(self) -> bool:
        """A number or a blank mark (— / 无)."""
        return parse_value(self.text).kind != "text"


@dataclass(frozen=True)
class LayoutSettings:
    """How words become lines and cells (see the module docstring for the presets)."""

    name: str
    # "overlap": a word joins a line its vertical extent overlaps by ``line_tolerance`` of the shorter one;
    # "centre": a word joins the line whose mean centre is within ``line_tolerance`` median box heights.
    line_strategy: Literal["overlap", "centre"]
    line_tolerance: float
    # how many of the most recent lines a word may join (text lines of one row interleave in a PDF)
    line_lookback: int
    # two words of a line are one cell while the gap between them is at most ``cell_gap`` sizes, the size
    # being the smaller ("min") or larger ("max") of the two
    cell_gap: float
    cell_gap_size: Literal["min", "max"]
    numbers_apart: bool  # a number is a cell of its own
    joiner: str  # between the words of one cell
    deskew: bool  # rotate boxes by the page's skew (the words' provenance keeps the original boxes)


# Text-layer PDFs: labels (9 pt) and values (14 pt) of one row overlap fully, rows above and below not at
# all (real PDFs). Gaps inside prose (spaces around digits, justified CJK) are <= 0.35 em, between value
# columns >= 1.5 em (15 narrow review columns); 0.75 em is 1.5 widths of a half-width digit.
TEXT_WORDS = LayoutSettings("text_words", line_strategy="overlap", line_tolerance=0.5, line_lookback=3,
                            cell_gap=0.75, cell_gap_size="min", numbers_apart=False, joiner=" ", deskew=False)
# OCR boxes: rows of the template tables are >= 1.1 box heights apart at 150-300 dpi (bench scans), text
# lines of one row never more than 0.3 apart after deskewing. Inside a cell the gaps are a space at most
# (<= 0.5 height); detection splits at column rules.
OCR_BOXES = LayoutSettings("ocr_boxes", line_strategy="centre", line_tolerance=0.45, line_lookback=1,
                           cell_gap=0.8, cell_gap_size="max", numbers_apart=True, joiner="", deskew=True)
# The words of one grid cell (a label wrapped over lines): lines are a full line height apart.
OCR_IN_CELL = LayoutSettings("ocr_in_cell", line_strategy="centre", line_tolerance=0.5, line_lookback=1,
                             cell_gap=0.8, cell_gap_size="max", numbers_apart=True, joiner="", deskew=False)


# ---------------------------------------------------------------- boxes


def _rotated(words: Sequence[Word], angle: float) -> list[Box]:
    """Box corners rotated by -angle about the origin (a pure rotation: the original boxes in the words'
    provenance still locate them on the page)."""
    c, s = math.cos(math.radians(-angle)), math.sin(math.radians(-angle))
    out = []
    for w in words:
        assert w.prov.bbox is not None  # filtered by boxes()
        x0, y0, x1, y1 = w.prov.bbox
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        rx, ry = cx * c - cy * s, cx * s + cy * c
        hw, hh = (x1 - x0) / 2, (y1 - y0) / 2
        if angle:  # the axis-aligned box of a rotated quad is taller than the text: take the text height back
            hh = max(1.0, hh - abs(math.sin(math.radians(angle))) * hw)
        out.append(Box(w.text, rx - hw, ry - hh, rx + hw, ry + hh, 2 * hh, (w,)))
    return out


def boxes(words: Iterable[Word], settings: LayoutSettings, angle: float = 0.0) -> list[Box]:
    """The words with a box and some text, as boxes: rotated by -angle (degrees) when the settings deskew,
    sized by their font size (text layer) or box height."""
    kept = [w for w in words if w.prov.bbox is not None and w.text.strip()]
    if settings.deskew:
        return _rotated(kept, angle)
    out = []
    for w in kept:
        assert w.prov.bbox is not None
        x0, top, x1, bottom = w.prov.bbox
        out.append(Box(w.text, x0, top, x1, bottom, float(w.size or (bottom - top)), (w,)))
    return out


def page_point(x: float, y: float, angle: float) -> tuple[float, float]:
    """A deskewed point back on the page (the inverse of the rotation ``boxes`` applied)."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return x * c - y * s, x * s + y * c


# ---------------------------------------------------------------- lines


@dataclass
class _Line:
    boxes: list[Box] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0
    cy_sum: float = 0.0

    def add(self, b: Box) -> None:
        if not self.boxes:
            self.top, self.bottom = b.top, b.bottom
        self.boxes.append(b)
        self.top, self.bottom = min(self.top, b.top), max(self.bottom, b.bottom)
        self.cy_sum += b.cy

    def takes(self, b: Box, s: LayoutSettings, height: float) -> bool:
        if s.line_strategy == "centre":
            return abs(b.cy - self.cy_sum / len(self.boxes)) <= s.line_tolerance * height
        inter = min(self.bottom, b.bottom) - max(self.top, b.top)
        shorter = min(self.bottom - self.top, b.bottom - b.top) or 1.0
        return inter >= s.line_tolerance * shorter


def cluster_lines(items: Sequence[Box], settings: LayoutSettings) -> list[list[Box]]:
    """Boxes clustered into lines, top to bottom; each line's boxes left to right."""
    if not items:
        return []
    if settings.line_strategy == "centre":
        order = sorted(items, key=lambda b: b.cy)
        height = median(b.h for b in items)
    else:
        order = sorted(items, key=lambda b: (b.top, b.x0))
        height = 0.0
    lines: list[_Line] = []
    for b in order:
        target = next((ln for ln in reversed(lines[-settings.line_lookback:]) if ln.takes(b, settings, height)), None)
        if target is None:
            target = _Line()
            lines.append(target)
        target.add(b)
    return [sorted(ln.boxes, key=lambda b: b.x0) for ln in lines]


# ---------------------------------------------------------------- cells


def join(group: Sequence[Box], joiner: str) -> Box:
    """Boxes of one cell as one box (the union of their boxes, the smallest size, their words)."""
    return Box(joiner.join(b.text for b in group), min(b.x0 for b in group), min(b.top for b in group),
               max(b.x1 for b in group), max(b.bottom for b in group), min(b.size for b in group),
               tuple(w for b in group for w in b.words))


def split_cells(line: Sequence[Box], settings: LayoutSettings) -> list[Box]:
    """A line (left to right) cut into cells at wide gaps."""
    if not line:
        return []
    size = min if settings.cell_gap_size == "min" else max
    groups: list[list[Box]] = [[line[0]]]
    for prev, b in zip(line, line[1:], strict=False):
        apart = settings.numbers_apart and (is_number(prev.text) or is_number(b.text))
        if apart or b.x0 - prev.x1 > settings.cell_gap * size(prev.size, b.size):
            groups.append([b])
        else:
            groups[-1].append(b)
    return [join(g, settings.joiner) for g in groups]


def cell_text(tokens: Iterable[str]) -> str:
    """One cell's text from its lines (or words) in reading order, joined with nothing (a label broken over
    lines), with a space before a number and between two digits (a rule missed between two rows' values,
    or between a label and its value, must not glue them into one)."""
    out = ""
    for t in (t.strip() for t in tokens):
        sep = " " if out and (is_number(t) or (out[-1:].isdigit() and t[:1].isdigit())) else ""
        out += sep + t
    return out


def union(bboxes: Iterable[BBox]) -> BBox:
    """The box holding all these boxes."""
    bs = list(bboxes)
    return min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs)


# ---------------------------------------------------------------- columns


def slot(positions: Sequence[float], columns: Sequence[float], tol: float) -> list[int] | None:
    """The column of each of a row's values (positions left to right): the nearest column centre within
    tol; None where a value is off every column or two values share one (then these are not its columns)."""
    out: list[int] = []
    for x in positions:
        c = min(range(len(columns)), key=lambda k: abs(columns[k] - x), default=None)
        if c is None or abs(columns[c] - x) > tol or (out and c <= out[-1]):
            return None
        out.append(c)
    return out


__all__ = ["OCR_BOXES", "OCR_IN_CELL", "TEXT_WORDS", "Box", "LayoutSettings", "boxes", "cell_text",
           "cluster_lines", "join", "page_point", "slot", "split_cells", "union"]

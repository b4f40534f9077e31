"""Unruled tables, second half: the columns of a row with fewer values than its neighbours, rows of blank
cells for a label alone on its line, and the page's tables (``tables``). The first half (``unruled``) made
the logical rows from the page's words.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import replace

from ..datamodel import Provenance, SourceCell, SourceRow, SourceTable
from .layout import slot
from .unruled import (
    COLUMN_TOL_EM,
    CONTINUATION_PITCHES,
    WRAP_FULL_SHARE,
    WRAP_STEP_EM,
    Frag,
    Line,
    _aligned,
    _n_values,
    _overlap,
    _pitch,
    _starts_item,
    drop_vertical_text,
    logical_rows,
    merge_stacked,
    table_runs,
)

# Header positions are used only for an unlabelled row of at least this many values (the review row), whose
# closest values give the column pitch.
MIN_HEADER_FILL_VALUES = 3
# A label alone on its line is a row of blank cells only one row away from the label cell it is aligned with:
# at most this many line pitches of white space between them (cell padding of a header row above it: 0.8 in
# the bench PDFs); a section heading between two tables sits 1.8 pitches or more below the last row.
BLANK_ROW_GAP_PITCHES = 1.25
# Text right of such a label that overlaps its height by more than this many font sizes makes the line part of
# a header (信息内容 between the lines of 本年收费金额 / （单位：万元）), not a row of blanks.
BAND_SLACK_EM = 0.1
# Lines of one cell are closer than rows: within WRAP_STEP_EM font sizes, or in a loose table within this share
# of the line pitch (szfgs2024.pdf read without its rules: rows 24 pt apart, a cell's lines 15 pt).
WRAP_PITCH_SHARE = 0.8
# The heading of a sub-table (第二十条第（五）项) is no row, wherever it is placed.
_HEADING = re.compile(r"^\s*第[一二三四五六七八九十百\d]+条")


# ---------------------------------------------------------------- columns and blank cells


_ALIGN = {"center": lambda f: f.cx, "left": lambda f: f.x0, "right": lambda f: f.x1}


def _match(vals: Line, ref: Line, tol: float) -> list[int] | None:
    """The column of ref that each value sits in (numbers centred, left- or right-aligned), or None."""
    for pos in _ALIGN.values():
        slots = slot([pos(f) for f in vals], [pos(g) for g in ref], tol)
        if slots is not None:
            return slots
    return None


def _values_of(line: Line) -> Line:
    return line[len(line) - _n_values(line):]


def _fill(line: Line, slots: list[int], n_columns: int) -> Line:
    """The row with "" at the columns it has no value in."""
    vals = dict(zip(slots, _values_of(line), strict=True))
    filled = [vals.get(k) or Frag("", 0.0, 0.0, 0.0, 0.0, 0.0) for k in range(n_columns)]
    return line[:len(line) - len(slots)] + filled


def _regular_pitch(xs: list[float]) -> tuple[float, float]:
    """(pitch, spread): the column pitch of positions xs and how unevenly the single steps vary."""
    diffs = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    if not diffs or min(diffs) <= 0:
        return 0.0, float("inf")
    single = [d for d in diffs if d < 1.5 * min(diffs)]
    return statistics.median(single), max(single) - min(single)


def _grid_from_header(lines: list[Line], upto: int, vals: Line, tol: float) -> tuple[list[int], int] | None:
    """Columns of an unlabelled row from its own spacing and the headers above it: the values' column pitch
    repeated into the gaps between them and to both sides while a header cell sits there. The numbers'
    alignment (centred, left, right) is the one whose steps are the most even."""
    start = upto - 1
    while start >= 0 and not _n_values(lines[start]):
        start -= 1
    heads = [f for line in lines[start + 1:upto] for f in line]
    pos = min(_ALIGN.values(), key=lambda p: _regular_pitch([p(f) for f in vals])[1])
    xs = [pos(f) for f in vals]
    pitch, _ = _regular_pitch(xs)
    if not heads or pitch <= 2 * tol:
        return None
    steps = [(b - a) / pitch for a, b in zip(xs, xs[1:], strict=False)]
    if any(abs(st - round(st)) * pitch > tol for st in steps):
        return None
    cols = [0]
    for st in steps:
        cols.append(cols[-1] + round(st))
    left = right = 0
    while any(abs(pos(h) - (xs[0] - (left + 1) * pitch)) <= tol for h in heads):
        left += 1
    while any(abs(pos(h) - (xs[-1] + (right + 1) * pitch)) <= tol for h in heads):
        right += 1
    return [c + left for c in cols], left + cols[-1] + 1 + right


def place_columns(lines: list[Line]) -> list[Line]:
    """Blank cells of an unruled table made explicit: each value row is laid on the columns of the nearest
    row of the same table that has more values (or, for the unlabelled review row, on its headers)."""
    value_idx = [i for i, line in enumerate(lines) if _n_values(line)]
    if not value_idx:
        return lines
    tol = COLUMN_TOL_EM * statistics.median(f.size for i in value_idx for f in lines[i])
    out = list(lines)
    for i in value_idx:
        vals = _values_of(lines[i])
        refs = sorted((j for j in value_idx if _n_values(lines[j]) > len(vals)), key=lambda j: abs(j - i))
        found = next(((s, _n_values(lines[j])) for j in refs if (s := _match(vals, _values_of(lines[j]), tol))), None)
        if found is None and len(vals) >= MIN_HEADER_FILL_VALUES and len(vals) == len(lines[i]):
            found = _grid_from_header(lines, i, vals, tol)
        if found is not None:
            out[i] = _fill(lines[i], *found)
    return out


# ---------------------------------------------------------------- rows with every value cell blank


def _wraps(upper: Frag, lower: Frag, widest: float, pitch: float) -> bool:
    """lower may be the next line of upper's cell: aligned with it, one wrapped line below (closer than rows
    in a loose table), upper as wide as the widest row label aligned with it (a full line), and no item
    number on lower."""
    reach = min(CONTINUATION_PITCHES * pitch, max(WRAP_STEP_EM * upper.size, WRAP_PITCH_SHARE * pitch))
    return (_aligned(upper, lower) and 0 < lower.top - upper.top <= reach
            and upper.x1 - upper.x0 >= WRAP_FULL_SHARE * widest and not _starts_item(lower))


def _column_neighbour(lines: list[Line], i: int, f: Frag, down: bool) -> tuple[int, Frag] | None:
    """The nearest text cell above (below) f that shares its x-range: (its line, the cell). A value row's
    label other than its last one (a group label: （三）不予公开) is returned too; the caller rejects it."""
    for k in range(i + 1, len(lines)) if down else range(i - 1, -1, -1):
        hit = next((g for g in lines[k] if not g.is_value and _overlap(f, g)), None)
        if hit is not None:
            return k, hit
    return None


def _row_step(f: Frag, g: Frag, pitch: float) -> bool:
    """g is one row away from f: the white space between them at most BLANK_ROW_GAP_PITCHES line pitches
    (header padding included; a section heading between two tables is further)."""
    return max(f.top - g.bottom, g.top - f.bottom) <= BLANK_ROW_GAP_PITCHES * pitch


def blank_rows(lines: list[Line]) -> list[Line]:
    """A row whose value cells are all blank has no numbers on its line, only its label. Such a line gets a
    blank cell at each value position of the nearest value row (of two as near, the one with more values;
    place_columns then lays them on the table's columns) when:

    * its label lies left of the numbers of the value rows around it, with nothing else at its height (a
      header cell over the value columns beside it makes it a header: 信息内容 / 本年收费金额);
    * a row's label cell, a header's label cell (信息内容) or another such row is right above or below it
      in the same column, aligned with it (left or centred), one row away;
    * it is between two lines of several cells (not a label's line carried over a page break) and no line of
      numbers without a label is next to it (this line would be their label);
    * it is no line of a wrapped label: no full label line right above it in its cell, nor is it a full line
      that goes on in the cell below, and it is no group label's piece (the cell above or below it in its
      column is a group label: （三）不 / 予公开).
    """
    valued = [i for i, line in enumerate(lines) if 0 < _n_values(line) < len(line)]  # value rows with a label
    if not valued:
        return lines
    pitch = _pitch(lines)
    own = {i: lines[i][len(lines[i]) - _n_values(lines[i]) - 1] for i in valued}  # a row's label next to its numbers
    multi = [i for i, line in enumerate(lines) if len(line) >= 2]

    def widest(g: Frag) -> float:
        return max([h.x1 - h.x0 for h in own.values() if _aligned(g, h)] + [g.x1 - g.x0])

    found: dict[int, int] = {}  # blank row line -> the value row whose positions it takes
    grew = True
    while grew:  # a row next to a blank row may be one too
        grew = False
        for i, line in enumerate(lines):
            if i in found or len(line) != 1 or line[0].is_value or _HEADING.match(line[0].text) \
                    or not multi or not multi[0] < i < multi[-1]:
                continue
            f = line[0]
            refs = [j for j in (max((j for j in valued if j < i), default=None),
                                min((j for j in valued if j > i), default=None)) if j is not None]
            limit = min(min(g.x0 for g in _values_of(lines[j])) for j in refs)
            if f.x1 > limit or any(_n_values(lines[k]) == len(lines[k]) for k in (i - 1, i + 1)):
                continue
            if any(g.x0 >= f.x1 and min(f.bottom, g.bottom) - max(f.top, g.top) > BAND_SLACK_EM * f.size
                   for k, ln in enumerate(lines) if k != i for g in ln):
                continue  # something at its height right of it: a header, not an empty row
            sides = [n for n in (_column_neighbour(lines, i, f, False), _column_neighbour(lines, i, f, True)) if n]
            if any(g is not own[k] for k, g in sides if k in own):
                continue  # a group label's column
            above = [g for k, g in sides if k < i]
            below = [g for k, g in sides if k > i]
            if any(_wraps(g, f, widest(g), pitch) for g in above) or any(_wraps(f, g, widest(f), pitch) for g in below):
                continue
            if any(_aligned(f, g) and _row_step(f, g, pitch) and (k in own or k in found or len(lines[k]) >= 2)
                   for k, g in sides):
                found[i] = min(refs, key=lambda j: (abs(j - i), -_n_values(lines[j])))
                grew = True
    return [line + [replace(g, text="", top=line[0].top, bottom=line[0].bottom) for g in _values_of(lines[found[i]])]
            if i in found else line for i, line in enumerate(lines)]


# ---------------------------------------------------------------- tables


def _cell(f: Frag, pno: int, table: int, row: int, col: int) -> SourceCell:
    bbox = (f.x0, f.top, f.x1, f.bottom) if f.text else None
    return SourceCell(text=f.text, prov=Provenance(page=pno, bbox=bbox, table=table, row=row, col=col))


def _union(line: Line) -> tuple[float, float, float, float]:
    boxes = [f for f in line if f.text]
    return (min(f.x0 for f in boxes), min(f.top for f in boxes), max(f.x1 for f in boxes), max(f.bottom for f in boxes))


def tables(lines: list[Line], page_width: float, pno: int, start: int) -> list[SourceTable]:
    """The unruled tables among a page's lines, numbered from ``start``."""
    out: list[SourceTable] = []
    for first, last in table_runs(lines, page_width):
        index = start + len(out)
        rows = place_columns(merge_stacked(blank_rows(logical_rows(drop_vertical_text(lines[first:last + 1])))))
        srows = [SourceRow(cells=[_cell(f, pno, index, r, c) for c, f in enumerate(line)],
                           prov=Provenance(page=pno, bbox=_union(line), table=index, row=r))
                 for r, line in enumerate(rows)]
        top = min(f.top for f in lines[first])
        box = (min(f.x0 for ln in lines[first:last + 1] for f in ln), top,
               max(f.x1 for ln in lines[first:last + 1] for f in ln), max(f.bottom for f in lines[last]))
        out.append(SourceTable(rows=srows, kind="stream", prov=Provenance(page=pno, bbox=box, table=index)))
    return out

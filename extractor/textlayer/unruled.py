"""Unruled tables rebuilt from word geometry (pdfplumber words: text, x0, x1, top, bottom, size).

1. Words become lines (vertical overlap) and a line becomes cells at wide horizontal gaps.
2. A run of lines with several cells (and a number among them) is a table; prose lines end it.
3. The characters of vertically written labels (三/、/本/年/度 …) are dropped.
4. Logical rows: an unruled row is one *value line* (a line ending in numbers). The lines of a label
   broken over several lines sit above and below it (centred) or below it (top-aligned); they are attached
   to the value line they belong to (``_claim``), so "4.无正当理由大量反复申" / "处理 0 0 …" / "请" reads as one
   row. Where geometry cannot tell (tight rows, equal steps), fragments stay label-only rows and
   matching/align.merge_fragments joins them by the template's labels.
5. Multi-line header cells outside value rows are joined (本年收费金额 / （单位：万元）).
6. Columns: a row with fewer values than the nearest row of the same table lays its values on that row's
   columns (numbers centred, left- or right-aligned); the unlabelled review row uses its header cells. The
   missing columns get "": blank cells keep their position, as in a ruled table.
7. A row whose value cells are all blank is a label alone on its line; where the label sits in the label
   column of the rows around it (and is no piece of a wrapped label) it gets a blank cell per column, so it
   reads as a row of blanks, not as a row the document lacks.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ..datamodel import Provenance, SourceCell, SourceRow, SourceTable
from ..values.parse import parse_value

# Two words are on one line when their vertical extents overlap by this share of the shorter one. Labels
# (9 pt) and values (14 pt) of one row in the real PDFs have tops 3.6 pt apart but overlap fully; the
# rows above/below do not overlap at all.
LINE_OVERLAP = 0.5
# A horizontal gap wider than this many font sizes separates two cells. Measured on the real PDFs: gaps
# inside prose (spaces around digits, justified CJK) are <= 0.35 em; gaps between value columns are >= 1.5 em
# (15 narrow review columns). 0.75 em is 1.5 widths of a half-width digit.
CELL_GAP_EM = 0.75
# An unruled table needs at least this many multi-cell lines (one with a number), with at most
# MAX_TABLE_GAP_LINES single-cell lines between two of them (headings, wrapped labels, the 第二十条 rows and
# a three-line column header between two sub-tables) and no prose line: a single cell wider than
# PROSE_WIDTH_SHARE of the page (prose spans 75% of the page in the real PDFs, table labels under 35%).
MIN_TABLE_LINES = 3
MAX_TABLE_GAP_LINES = 8
PROSE_WIDTH_SHARE = 0.6
# Single-cell lines kept before a table's first and after its last multi-cell line: the lines of a label
# whose numbers are on the next page (bench pdf_unruled_014: "申请" at the foot of page 2,
# "5.要求行政机关确认或" at the head of page 3 above its numbers).
MAX_EDGE_LINES = 3
# ... and each such line at most this many line pitches from the table line next to it.
EDGE_MAX_PITCHES = 1.5
# Vertical text: one-character cells at the same x (within VERTICAL_X_TOL pt) on at least VERTICAL_MIN
# lines, each at most VERTICAL_LINE_STEP lines below the previous one (value lines sit between them).
VERTICAL_MIN = 3
VERTICAL_X_TOL = 2.0
VERTICAL_LINE_STEP = 2
# A label fragment is attached to a value line at most this many line pitches away: a label wrapped over
# five lines and centred on its numbers reaches 2 pitches (（六）其他处理 sub-rows in the bench PDFs).
ATTACH_PITCHES = 3.0
# Steps between line tops shorter than this many font sizes are half steps (a centred label's lines fall
# between the value lines); single-spaced table text steps 1.2-1.4 em. Without steps: PITCH_DEFAULT_EM.
PITCH_MIN_EM = 0.9
PITCH_DEFAULT_EM = 1.3
# A label line may continue the one above it when their tops are at most this many pitches apart (a header
# row above a data row is further: 1.5 pitches in the bench PDFs, the cell padding of two rows).
CONTINUATION_PITCHES = 1.2
# Two stacked fragments are one cell when their x-ranges overlap by this share of the narrower one
# (a centred header cell's lines; not a spanning header above a column: 第二十条第（八）项 / 本年收费金额).
STACK_OVERLAP = 0.5
# Lines wrapped inside one cell are at most this many font sizes apart (single to 1.15 line spacing: 1.2-1.4
# em); rows of a loose table are further apart (3.5 em in szfgs2024.pdf), so a row label is not taken for
# the continuation of the label above it.
WRAP_STEP_EM = 1.5
# A label line wraps only when it is full: at least this share of the widest label in its column
# ("行政处罚" over an all-blank "行政强制" row is no wrapped label).
WRAP_FULL_SHARE = 0.8
# Item numbers that begin a label: 三、 （四） (4) 2. 2、 2．
_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d{1,2}\s*[.、．](?!\d))")
# Horizontal slack (pt) when testing whether a fragment lies in the label gap of a value line.
ATTACH_X_TOL = 2.0
# Value positions closer than this many font sizes are one column (centred digits of 1 to 7 characters
# differ by up to 1.7 em in x0 / x1 but not in centre; the narrowest columns are 2.5 em apart).
COLUMN_TOL_EM = 0.8
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


@dataclass
class Frag:
    """A cell as found on the page: words joined, with its box and font size."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def is_value(self) -> bool:
        return parse_value(self.text).kind != "text"


Line = list[Frag]


# ---------------------------------------------------------------- words -> lines -> cells


@dataclass
class _Band:
    words: list[dict[str, Any]] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0

    def overlaps(self, w: dict[str, Any]) -> bool:
        inter = min(self.bottom, w["bottom"]) - max(self.top, w["top"])
        shorter = min(self.bottom - self.top, w["bottom"] - w["top"]) or 1.0
        return inter >= LINE_OVERLAP * shorter

    def add(self, w: dict[str, Any]) -> None:
        if not self.words:
            self.top, self.bottom = w["top"], w["bottom"]
        self.words.append(w)
        self.top, self.bottom = min(self.top, w["top"]), max(self.bottom, w["bottom"])


def _size(w: dict[str, Any]) -> float:
    return float(w.get("size") or (w["bottom"] - w["top"]))


def _frag(words: list[dict[str, Any]]) -> Frag:
    return Frag(" ".join(w["text"] for w in words), min(w["x0"] for w in words), min(w["top"] for w in words),
                max(w["x1"] for w in words), max(w["bottom"] for w in words), min(_size(w) for w in words))


def _split(words: list[dict[str, Any]]) -> Line:
    cells: list[list[dict[str, Any]]] = [[words[0]]]
    for prev, w in zip(words, words[1:], strict=False):
        if w["x0"] - prev["x1"] > CELL_GAP_EM * min(_size(prev), _size(w)):
            cells.append([w])
        else:
            cells[-1].append(w)
    return [_frag(c) for c in cells]


def lines_from_words(words: Iterable[dict[str, Any]]) -> list[Line]:
    """Words clustered into lines by vertical overlap, each cut into cells at wide gaps, top to bottom."""
    bands: list[_Band] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        target = next((b for b in reversed(bands[-3:]) if b.overlaps(w)), None)
        if target is None:
            target = _Band()
            bands.append(target)
        target.add(w)
    return [_split(sorted(b.words, key=lambda w: w["x0"])) for b in bands]


# ---------------------------------------------------------------- which lines are a table


def _tabular(line: Line) -> bool:
    return len(line) >= 2 and any(f.is_value for f in line)


def _is_prose(line: Line, page_width: float) -> bool:
    return len(line) == 1 and line[0].x1 - line[0].x0 > PROSE_WIDTH_SHARE * page_width


def _edge(line: Line, neighbour: Line, pitch: float, page_width: float) -> bool:
    """A single-cell line right above or below a table that belongs to it (not prose, one line away)."""
    gap = abs(min(f.top for f in line) - min(f.top for f in neighbour))
    return not _is_prose(line, page_width) and gap <= EDGE_MAX_PITCHES * pitch


def table_runs(lines: list[Line], page_width: float) -> list[tuple[int, int]]:
    """(first, last) line indexes of the unruled tables on a page."""
    runs: list[list[int]] = []
    last = -1  # the last multi-cell line, while no prose line has come since
    for i, line in enumerate(lines):
        if _is_prose(line, page_width):
            last = -1
        elif len(line) >= 2:
            if last >= 0 and i - last - 1 <= MAX_TABLE_GAP_LINES:
                runs[-1].append(i)
            else:
                runs.append([i])
            last = i
    out: list[tuple[int, int]] = []
    pitch = _pitch(lines)
    for r in runs:
        if len(r) >= MIN_TABLE_LINES and any(_tabular(lines[i]) for i in r):
            first, last = r[0], r[-1]
            while first > 0 and r[0] - first < MAX_EDGE_LINES and _edge(lines[first - 1], lines[first], pitch,
                                                                           page_width) \
                    and (not out or first - 1 > out[-1][1]):
                first -= 1
            while last + 1 < len(lines) and last - r[-1] < MAX_EDGE_LINES and _edge(lines[last + 1], lines[last],
                                                                                    pitch, page_width):
                last += 1
            out.append((first, last))
    return out


# ---------------------------------------------------------------- vertical text


def _is_char(f: Frag) -> bool:
    return len(f.text.strip()) == 1 and not f.is_value


def drop_vertical_text(lines: list[Line]) -> list[Line]:
    """Remove the characters of vertically written labels; they would prefix the row labels beside them.
    A line of several one-character cells is a header of narrow columns (结/果/维/持), not vertical text."""
    chars = sorted(((i, f) for i, line in enumerate(lines) for f in line
                    if _is_char(f) and sum(map(_is_char, line)) == 1), key=lambda t: t[1].x0)
    vertical: set[int] = set()
    for _i, f in chars:
        chain = [(j, g) for j, g in chars if abs(g.x0 - f.x0) <= VERTICAL_X_TOL]
        chain.sort(key=lambda t: t[0])
        run = [chain[0]]
        for prev, cur in zip(chain, chain[1:], strict=False):
            run = run + [cur] if cur[0] - prev[0] <= VERTICAL_LINE_STEP else [cur]
            if len(run) >= VERTICAL_MIN:
                vertical.update(id(g) for _, g in run)
    return [kept for line in lines if (kept := [f for f in line if id(f) not in vertical])]


# ---------------------------------------------------------------- logical rows


def _n_values(line: Line) -> int:
    n = 0
    for f in reversed(line):
        if not f.is_value:
            break
        n += 1
    return n


def _pitch(lines: list[Line]) -> float:
    """The line pitch: the median step between line tops, leaving out the half steps of a column whose
    lines sit between the lines of the column beside it (a label centred on its numbers)."""
    sizes = [f.size for line in lines for f in line]
    size = statistics.median(sizes) if sizes else 10.0
    tops = [min(f.top for f in line) for line in lines if line]
    steps = [b - a for a, b in zip(tops, tops[1:], strict=False) if b - a >= PITCH_MIN_EM * size]
    return statistics.median(steps) if steps else PITCH_DEFAULT_EM * size


@dataclass
class _ValueLine:
    index: int
    labels: list[Frag]
    values: list[Frag]
    cy: float

    @property
    def gap(self) -> tuple[float, float]:
        """The x-range between the line's last label and its first value: where a missing label would be."""
        lo = self.labels[-1].x1 if self.labels else float("-inf")
        return lo, self.values[0].x0


def _value_lines(lines: list[Line]) -> list[_ValueLine]:
    out = []
    for i, line in enumerate(lines):
        n = _n_values(line)
        if n:
            vals = line[len(line) - n:]
            out.append(_ValueLine(i, line[:len(line) - n], vals, statistics.fmean(f.cy for f in vals)))
    return out


def _overlap(a: Frag, b: Frag) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1


def _starts_item(f: Frag) -> bool:
    return bool(_ITEM.match(f.text))


def _continues(f: Frag, v: _ValueLine, step: float) -> bool:
    """f may be another line of one of v's own label cells: same column, one line away, and no item
    number (2. / （四） / 三、) where a new label would begin."""
    for g in v.labels:
        if _overlap(f, g) and abs(f.top - g.top) <= step:
            lower = g if f.top < g.top else f
            if not _starts_item(lower):
                return True
    return False


def _in_gap(f: Frag, v: _ValueLine, vls: list[_ValueLine], reach: float) -> bool:
    """f sits where v has no label, in a column where rows nearby have theirs (a label wrapped around a
    value line that holds only numbers, or only a group label's fragment)."""
    lo, hi = v.gap
    if not (lo - ATTACH_X_TOL <= f.x0 and f.x1 <= hi + ATTACH_X_TOL):
        return False
    return any(_overlap(f, w.labels[-1]) for w in vls if w is not v and w.labels and abs(w.cy - f.cy) <= reach)


def _aligned(f: Frag, g: Frag) -> bool:
    """Two lines of one cell start at the same x (left-aligned) or share their centre (centred)."""
    tol = COLUMN_TOL_EM * min(f.size, g.size)
    return abs(f.x0 - g.x0) <= tol or abs(f.cx - g.cx) <= tol


def _full(g: Frag, labels: list[Frag]) -> bool:
    """g fills its column's width (so its text may go on on the next line): as wide as the widest label
    in its column, within WRAP_FULL_SHARE."""
    widest = max((h.x1 - h.x0 for h in labels if _overlap(g, h)), default=0.0)
    return g.x1 - g.x0 >= WRAP_FULL_SHARE * widest


def _continues_down(f: Frag, block: list[Frag], labels: list[Frag], step: float) -> bool:
    """f is the next line of a label cell of the block (a label wrapped in a top-aligned cell): aligned
    with a full line of it right above, and no item number of its own."""
    return not _starts_item(f) and any(
        _aligned(f, g) and 0 < f.top - g.top <= min(step, WRAP_STEP_EM * g.size) and _full(g, labels)
        for g in block)


def _claim(f: Frag, line: Line, vls: list[_ValueLine], blocks: dict[int, list[Frag]], labels: list[Frag],
           reach: float, step: float) -> _ValueLine | None:
    """The nearest value line whose label gap f fills or whose label f continues downwards, unless f is
    nearer to a value line whose label it may continue upwards (then merge_fragments, which knows the
    template's labels, decides). Fragments of a header line (one with a cell over the value columns:
    信息内容 | 本年处理决定数量) are never attached."""
    first_line = _starts_item(f)  # the first line of a label: its numbers are on it or below it
    fits = [v for v in vls if abs(v.cy - f.cy) <= reach and all(g.x1 <= v.values[0].x0 for g in line)
            and not (first_line and v.cy < f.top)
            and (_in_gap(f, v, vls, reach) or _continues_down(f, blocks[v.index], labels, step))]
    best = min(fits, key=lambda v: abs(v.cy - f.cy), default=None)
    if best is None:
        return None
    d = abs(best.cy - f.cy)
    if any(abs(v.cy - f.cy) < d and _continues(f, v, step) for v in vls if v is not best):
        return None
    return best


def _label_cells(frags: list[Frag]) -> list[Frag]:
    """Fragments grouped into columns (overlapping x-ranges), each column's lines joined top to bottom."""
    cols: list[list[Frag]] = []
    for f in sorted(frags, key=lambda f: f.top):
        col = next((c for c in cols if any(f.x0 < g.x1 and g.x0 < f.x1 for g in c)), None)
        if col is None:
            cols.append([f])
        else:
            col.append(f)
    out = []
    for c in sorted(cols, key=lambda c: min(g.x0 for g in c)):
        c.sort(key=lambda g: g.top)
        out.append(Frag("".join(g.text.replace(" ", "") if not g.is_value else g.text for g in c),
                        min(g.x0 for g in c), c[0].top, max(g.x1 for g in c), c[-1].bottom, c[0].size))
    return out


def logical_rows(lines: list[Line]) -> list[Line]:
    """Label fragments of label-only lines attached to their value lines; other lines kept as they are."""
    vls = _value_lines(lines)
    if not vls:
        return lines
    pitch = _pitch(lines)
    reach, step = ATTACH_PITCHES * pitch, CONTINUATION_PITCHES * pitch
    by_index = {v.index: v for v in vls}
    extra: dict[int, list[Frag]] = {v.index: [] for v in vls}
    blocks = {v.index: list(v.labels) for v in vls}  # grows downwards as continuation lines are attached
    labels = [f for line in lines for f in line if not f.is_value]
    taken: set[int] = set()
    for i, line in enumerate(lines):
        if i in by_index:
            continue
        for f in line:
            v = None if f.is_value else _claim(f, line, vls, blocks, labels, reach, step)
            if v is not None:
                extra[v.index].append(f)
                blocks[v.index].append(f)
                taken.add(id(f))
    out = []
    for i, line in enumerate(lines):
        if i in by_index:
            v = by_index[i]
            labels = _label_cells(v.labels + extra[i]) if extra[i] else v.labels
            out.append(labels + v.values)
        elif kept := [f for f in line if id(f) not in taken]:
            out.append(kept)
    return out


def _stacks(f: Frag, g: Frag, step: float) -> bool:
    """g is the next line of the text cell that f begins (same column, one line down, no item number)."""
    inter = min(f.x1, g.x1) - max(f.x0, g.x0)
    narrower = min(f.x1 - f.x0, g.x1 - g.x0) or 1.0
    return inter >= STACK_OVERLAP * narrower and 0 < g.top - f.top <= step and not _starts_item(g)


def merge_stacked(lines: list[Line]) -> list[Line]:
    """Text cells broken over lines outside any value row (a column header "本年收费金额" / "（单位：万元）")
    joined into one cell on their first line."""
    step = CONTINUATION_PITCHES * _pitch(lines)
    out: list[Line] = []
    open_frags: list[Frag] = []  # fragments of label-only lines that a later line may continue
    for line in lines:
        if _n_values(line):
            out.append(line)
            open_frags = []
            continue
        kept: Line = []
        for g in line:
            f = next((f for f in open_frags if _stacks(f, g, step)), None)
            if f is None:
                g = replace(g)  # merged into below: a copy, the page's fragments stay as they are
                kept.append(g)
                open_frags.append(g)
            else:
                f.text += g.text.replace(" ", "")
                f.x0, f.x1, f.bottom = min(f.x0, g.x0), max(f.x1, g.x1), g.bottom
                f.top = g.top  # the next line continues from here
        if kept:
            out.append(kept)
    return out


# ---------------------------------------------------------------- columns and blank cells


def _nearest(x: float, anchors: list[float], tol: float) -> int | None:
    best = min(range(len(anchors)), key=lambda k: abs(anchors[k] - x), default=None)
    return best if best is not None and abs(anchors[best] - x) <= tol else None


_ALIGN = {"center": lambda f: f.cx, "left": lambda f: f.x0, "right": lambda f: f.x1}


def _increasing(idx: list[int | None]) -> list[int] | None:
    found = [k for k in idx if k is not None]
    return found if len(found) == len(idx) and found == sorted(set(found)) else None


def _match(vals: Line, ref: Line, tol: float) -> list[int] | None:
    """The column of ref that each value sits in (numbers centred, left- or right-aligned), or None."""
    for pos in _ALIGN.values():
        slots = _increasing([_nearest(pos(f), [pos(g) for g in ref], tol) for f in vals])
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

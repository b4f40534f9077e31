"""Unruled tables rebuilt from word geometry (text-layer PDF words: text, box, font size).

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

Step 1 is the layout engine's (``tables.layout``, settings ``TEXT_WORDS``), 2-5 are here; 6, 7 and the
page's tables (``tables``) in ``unruled_cells``.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..datamodel import Word
from .layout import TEXT_WORDS, Box, boxes, cluster_lines, split_cells

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


# A cell as found on the page: words joined, with its box and font size (the layout engine's box).
Frag = Box
Line = list[Frag]


def lines_from_words(words: Iterable[Word]) -> list[Line]:
    """Words clustered into lines and each cut into cells at wide gaps, top to bottom (the layout engine,
    settings ``TEXT_WORDS``)."""
    return [split_cells(line, TEXT_WORDS) for line in cluster_lines(boxes(words, TEXT_WORDS), TEXT_WORDS)]


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

"""The sequence reader: a second, independent reading of a report's tables from its text in reading order.

The structural readers (PDF words and ruling lines, DOCX/HTML grids, OCR boxes, the line grammar) decide
rows from layout. This reader ignores layout altogether: it sees the document as one stream of text and
numbers, the way any converter leaves it, and reads a template row only where the stream says so without
doubt. ``pipeline`` compares the two readings cell by cell (``validate.agree``): a cell both read alike
keeps its confidence, a cell they read differently goes to review with both readings.

Contract: ``read_sequence(lines, template) -> dict[str, SeqRow]`` (template row full key, or ``"review"``
for the unlabeled 行政复议/行政诉讼 row, -> what the stream holds there).

How it reads:

1. The stream is cut into *segments*: a run of text, then the run of numbers right after it (numbers
   separated by nothing but white space). ``1.`` / ``2、`` before a label is the label's item number, not
   a value; a number followed by a unit (``5件``) is prose, and its segment is no row.
2. Each statistics section is looked for between its title (二、主动公开… / 三、收到和处理… / 四、…行政复议…)
   and the next one's; a section whose title is not in the stream is not read.
3. Inside a section, segments are aligned to the template's rows *in order* (a dynamic program, as
   ``align`` does for structural rows): a segment can stand for a row only when its text *ends with* one
   of the row's printed labels (after ``normalize_label``), so a label broken by numbers, misprinted, or
   glued to its digits matches nothing, and the reader stays silent there.
4. A matched row is read only when its number count is exactly the row's column count. Glued digits, a
   row with blank cells dropped (fewer numbers than columns), and a row that swallowed the next one's
   numbers are left to the structural reader: this reader never guesses.
5. The review row is the first run of exactly 15 numbers (3 groups x 5 columns) after text naming at
   least ``REVIEW_HEADER_MIN`` of the review table's header labels, or three runs of exactly 5 (the table
   printed as one small table per group), taken in the template's group order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._text import nfkc
from ..datamodel import TextLine
from ..templates import RowSpec, Template
from .normalize import normalize_label

# A label's item number (``1.属于国家秘密``, ``2、其他``: one digit, not the end of a longer number), or a number as printed in a table cell (digits, thousands commas, decimals; a sign only where
# no digit precedes it).
_TOKEN = re.compile(r"(?P<item>(?<![\d.,])[1-9][.、]\s*(?=[\u4e00-\u9fff]))"
                    r"|(?P<num>(?<![\d.,])-?(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d{1,10})?(?![\d]))")
# Characters after a number that make it a count in prose, never a table cell.
_UNITS = frozenset("件条篇期个家次人名户万亿元年月日号项起余批份场处笔宗例类部本台套位天轮级倍%％‰")
# A numbered item of a label (``2.没有…``) anywhere in a segment's text.
_ITEM_MARK = re.compile(r"(?<![\d.])[1-9][.、]\s*[\u4e00-\u9fff]")
# After a number: an item number's dot and a label (``05.属于…`` is a cell 0 glued to item 5).
_GLUED_ITEM = re.compile(r"[.、]\s*[\u4e00-\u9fff]")
_SPACE = re.compile(r"\s+")
# Text put where a markdown table begins or ends (no digit, no label character: it only ends a run).
_EDGE = "¦"
# A page number between dashes ("- 3 -", "— 12 —"), wherever a converter left it.
_FOOTER = re.compile(r"(?<![\d\w])[-—–]\s*\d{1,3}\s*[-—–](?![\d\w])")
REVIEW_HEADER_MIN = 3
# A section of more (text, numbers) segments than this is not read: the templates' longest table has 26
# rows, so even a table printed one cell per segment stays far below it.
MAX_SECTION_SEGMENTS = 2000
# Section order and the text of their titles (the core of the template's section_titles).
_SECTIONS = ("active", "apply", "review")


@dataclass(frozen=True)
class SeqRow:
    """One row as the stream has it: the numbers after the row's label, as printed."""

    values: tuple[int | float, ...]
    raw: tuple[str, ...]
    label: str  # how the row was found, for the reason shown to a person


@dataclass(frozen=True)
class _Segment:
    text: str  # normalized label text (no spaces, numbering, punctuation)
    raw_text: str
    numbers: tuple[str, ...]
    prose: bool  # a number ran into a unit (counts in a sentence) or into other digits: no table row


def _value(tok: str) -> int | float:
    t = tok.replace(",", "")
    return float(t) if "." in t else int(t)


def _table_edges(text: str) -> str:
    """A markdown table's first and last lines end a run of numbers: a number on a line of its own just
    above or below a pipe table is not one of the table's cells."""
    lines = text.split("\n")
    out: list[str] = []
    prev: bool | None = None
    for ln in lines:
        st = ln.strip()
        if not st:
            out.append(ln)
            continue
        pipe = st.startswith("|")
        if prev is not None and pipe != prev:
            out.append(_EDGE)
        out.append(ln)
        prev = pipe
    return "\n".join(out)


def segments(text: str) -> list[_Segment]:
    """The stream cut into (text, numbers) segments, in order."""
    s = nfkc(_table_edges(text)).replace("|", " ")  # a markdown table's cell borders are white space here
    s = _FOOTER.sub(" ", s)  # page numbers ("- 3 -") that converters leave inside tables
    out: list[_Segment] = []
    text_part: list[str] = []
    nums: list[str] = []
    prose = False

    def close() -> None:
        nonlocal text_part, nums, prose
        raw = "".join(text_part)
        out.append(_Segment(normalize_label(raw), _SPACE.sub(" ", raw).strip(), tuple(nums), prose))
        text_part, nums, prose = [], [], False

    pos = 0
    for m in _TOKEN.finditer(s):
        gap = s[pos:m.start()]
        if m.lastgroup == "num":
            if nums and gap.strip():
                close()
            if not nums:
                text_part.append(gap)
            tok = m.group()
            nums.append(tok)
            nxt = s[m.end():m.end() + 1]
            if (nxt and nxt in _UNITS) or _GLUED_ITEM.match(s, m.end()) or re.match(r"-?0\d", tok):
                prose = True  # a count in prose, or digits run into an item number / each other
        else:  # an item number: text of the label that follows
            if nums:
                close()
            text_part.append(gap + m.group())
        pos = m.end()
    if nums:
        close()
    text_part.append(s[pos:])
    close()
    return out


def _row_labels(t: Template) -> dict[str, tuple[str, ...]]:
    """Normalized printed labels of every template row (extra rows of mixed forms excluded)."""
    return {r.full_key: tuple(sorted({normalize_label(lab) for lab in r.labels if normalize_label(lab)},
                                     key=len, reverse=True))
            for r in t.rows if not r.extra}


def _title_core(t: Template, section: str) -> tuple[str, ...]:
    return tuple(normalize_label(x) for x in t.section_titles.get(section, ()) if normalize_label(x))


def _windows(segs: list[_Segment], t: Template) -> dict[str, tuple[int, int]]:
    """Segment index ranges of each statistics section: from its title to the next section's title."""
    starts: dict[str, int] = {}
    lo = 0
    for sec in _SECTIONS:
        cores = _title_core(t, sec)
        for i in range(lo, len(segs)):
            if any(c in segs[i].text for c in cores):
                starts[sec] = i
                lo = i + 1
                break
    out: dict[str, tuple[int, int]] = {}
    for k, sec in enumerate(_SECTIONS):
        if sec not in starts:
            continue
        end = len(segs)
        for later in _SECTIONS[k + 1:]:
            if later in starts:
                end = starts[later]  # the next title's own segment holds that table's numbers
                break
        out[sec] = (starts[sec], end)
    return out


def _ends_with_label(seg: _Segment, labels: tuple[str, ...]) -> bool:
    return any(seg.text.endswith(lab) for lab in labels)


def _holds_other_labels(seg: _Segment, row: RowSpec, rows: list[RowSpec], labels: dict[str, tuple[str, ...]]) -> bool:
    """The segment's text names other rows before the one it ends with: the labels were printed together,
    away from their numbers (a converter put a table's labels in one block), so the numbers that follow
    are not necessarily the last label's."""
    if len(_ITEM_MARK.findall(seg.raw_text)) >= 2:  # two numbered items ("2.…需要另 法提供行制作 3.补正…")
        return True
    own = next(lab for lab in labels[row.full_key] if seg.text.endswith(lab))
    head = seg.text[:-len(own)]
    return any(lab in head for r in rows if r is not row for lab in labels[r.full_key] if len(lab) >= 4)


def _align_section(segs: list[_Segment], rows: list[RowSpec], labels: dict[str, tuple[str, ...]]
                   ) -> dict[int, int]:
    """Monotone one-to-one alignment of segments to rows, maximising matched rows (a fitting number
    count counts double). Returns {row index: segment index}."""
    n, m = len(segs), len(rows)
    if not n or not m:
        return {}

    def gain(i: int, j: int) -> int:
        s, r = segs[i], rows[j]
        if s.prose or not _ends_with_label(s, labels[r.full_key]):
            return 0
        return 2 if len(s.numbers) == len(r.columns) else 1

    # best[i][j]: best total using segments i.. and rows j..
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            g = gain(i, j)
            take = g + best[i + 1][j + 1] if g else 0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    out: dict[int, int] = {}
    i = j = 0
    while i < n and j < m:
        g = gain(i, j)
        if g and best[i][j] == g + best[i + 1][j + 1]:
            out[j] = i
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


def _review_row(segs: list[_Segment], t: Template) -> SeqRow | None:
    width = len(t.review_groups) * len(t.review_columns)
    headers = tuple(normalize_label(h) for h in t.review_header_labels)
    group = len(t.review_columns)
    seen: set[str] = set()
    parts: list[str] = []  # the table printed as one small table per group ("### 行政复议" | 5 cells |)
    for s in segs:
        seen.update(h for h in headers if h in s.text)
        if len(seen) < REVIEW_HEADER_MIN or not s.numbers:
            continue
        if s.prose:
            return None
        if len(s.numbers) == width and not parts:
            return SeqRow(tuple(_value(x) for x in s.numbers), s.numbers,
                          f"the first {width} numbers under the 行政复议/行政诉讼 header")
        if len(s.numbers) != group:
            return None  # the first numbers under the header are not one clean row: no reading
        parts.extend(s.numbers)
        if len(parts) == width:
            return SeqRow(tuple(_value(x) for x in parts), tuple(parts),
                          f"{len(t.review_groups)} rows of {group} numbers under the 行政复议/行政诉讼 headers, "
                          "in the template's group order")
    return None


def row_layouts(t: Template, section: str) -> list[list[RowSpec]]:
    """The section's rows as a report may print them: the template's own, and (where the template has a
    single row standing for several, keys.md "Reports that mix the two forms") that row in their place."""
    own = [r for r in t.rows_of(section) if not r.extra]
    out = [own]
    for extra in (r for r in t.rows_of(section) if r.extra and r.replaces):
        replaced = {f"{section}.{k}" for k in extra.replaces}
        at = next((i for i, r in enumerate(own) if r.full_key in replaced), None)
        if at is not None:
            out.append(own[:at] + [extra] + [r for r in own[at:] if r.full_key not in replaced])
    return out


def _omits_printed_rows(layout: list[RowSpec], t: Template, section: str, text: str) -> bool:
    """The layout leaves out a row whose own label the section prints (its sub-rows are there)."""
    kept = {r.full_key for r in layout}
    labels = _row_labels(t)
    return any(any(lab in text for lab in labels[r.full_key] if len(lab) >= 6)
               for r in t.rows_of(section) if not r.extra and r.full_key not in kept)


def _ordered(window: list[_Segment], t: Template, section: str) -> list[dict[str, SeqRow]]:
    """The section read by order alone: its runs of numbers, cut in row-wide groups, paired with the rows
    in template order, for every row layout whose row count is exactly the number of groups. Only for a
    section of equally wide rows (the apply table); ``validate.agree`` keeps a reading only where every
    identity of the table then holds."""
    layouts = row_layouts(t, section)
    widths = {len(r.columns) for lay in layouts for r in lay}
    if len(widths) != 1:
        return []
    (width,) = widths
    groups: list[tuple[str, ...]] = []
    for s in window:
        if s.prose or not s.numbers:
            continue
        if len(s.numbers) % width:
            return []  # a run that is no whole number of rows: a blank dropped, a cell glued; no order reading
        groups.extend(s.numbers[i:i + width] for i in range(0, len(s.numbers), width))
    text = "".join(s.text for s in window)
    layouts = [lay for lay in layouts if not _omits_printed_rows(lay, t, section, text)]
    return [{r.full_key: SeqRow(tuple(_value(x) for x in g), g,
                                f"group {n + 1} of the table's {len(groups)} groups of {width} numbers, by order")
             for n, (r, g) in enumerate(zip(lay, groups, strict=True))}
            for lay in layouts if len(lay) == len(groups)]


def _between_anchors(window: list[_Segment], rows: list[RowSpec], anchors: dict[int, int]) -> dict[str, SeqRow]:
    """Rows without a label of their own before their numbers (a converter tore it off, or put it after
    them), read by order: between two anchored rows (label then exactly their numbers), when the runs of
    numbers there are exactly as many row-wide groups as the template has rows between them, the groups
    pair with those rows in order (a run that is no whole number of rows is passed over). Only for
    sections of equally wide rows."""
    widths = {len(r.columns) for r in rows}
    if len(widths) != 1:
        return {}
    (width,) = widths
    # the window as groups (segment index, numbers) and breaks (None) in order
    items: list[tuple[int, tuple[str, ...]] | None] = []
    for i, s in enumerate(window):
        if s.prose or not s.numbers:
            continue
        if len(s.numbers) % width:
            items.append(None)
            continue
        items.extend((i, s.numbers[k:k + width]) for k in range(0, len(s.numbers), width))
    at = {}  # anchored row index -> its item index
    for j, i in anchors.items():
        pos = [n for n, it in enumerate(items) if it is not None and it[0] == i]
        if len(pos) == 1:
            at[j] = pos[0]
    bounds = [(-1, -1)] + sorted(at.items()) + [(len(rows), len(items))]
    out: dict[str, SeqRow] = {}
    for (ra, ia), (rb, ib) in zip(bounds, bounds[1:], strict=False):
        gap_rows = rows[ra + 1:rb]
        # runs that are no whole number of rows (a stray number) are passed over only where the groups
        # left are exactly as many as the rows: a row that lost a number would leave one group short
        gap = [it for it in items[ia + 1:ib] if it is not None]
        if not gap_rows or ib <= ia or len(gap) != len(gap_rows):
            continue
        for r, (_, nums) in zip(gap_rows, gap, strict=True):
            out[r.full_key] = SeqRow(tuple(_value(x) for x in nums), nums,
                                     f"{len(nums)} numbers without their label, placed by order between "
                                     f"{'the table start' if ra < 0 else rows[ra].labels[0]} and "
                                     f"{'the table end' if rb >= len(rows) else rows[rb].labels[0]}")
    return out


@dataclass
class SeqReading:
    """``rows``: rows whose own label precedes exactly their numbers. ``ordered``: whole-section readings
    by order and count alone (section -> one reading per row layout that fits), to be confirmed by the
    identities before use."""

    rows: dict[str, SeqRow]
    ordered: dict[str, list[dict[str, SeqRow]]]


def read_sequence(lines: list[TextLine] | list[str], t: Template) -> SeqReading:
    """What the document's text, read in order, holds for each template row it states unambiguously."""
    text = "\n".join(ln if isinstance(ln, str) else ln.text for ln in lines)
    segs = segments(text)
    labels = _row_labels(t)
    out = SeqReading({}, {})
    for sec, (lo, hi) in _windows(segs, t).items():
        window = segs[lo:hi]
        if len(window) > MAX_SECTION_SEGMENTS:
            continue  # no table is that long: not read (the alignment is quadratic in it)
        if sec == "review":
            rv = _review_row(window, t)
            if rv is not None:
                out.rows["review"] = rv
            continue
        rows = [r for r in t.rows_of(sec) if not r.extra]
        anchors: dict[int, int] = {}
        for j, i in _align_section(window, rows, labels).items():
            s, r = window[i], rows[j]
            if len(s.numbers) == len(r.columns) and not _holds_other_labels(s, r, rows, labels):
                anchors[j] = i
                out.rows[r.full_key] = SeqRow(tuple(_value(x) for x in s.numbers), s.numbers,
                                              f"{s.raw_text[-24:]!r} then {len(s.numbers)} numbers")
        out.rows.update(_between_anchors(window, rows, anchors))
        ordered = _ordered(window, t, sec)
        if ordered:
            out.ordered[sec] = ordered
    return out


__all__ = ["SeqReading", "SeqRow", "read_sequence", "row_layouts", "segments"]

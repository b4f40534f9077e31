"""Line/tab grammar: recover table rows from text a scraper pulled out of a report.

Three layouts are seen in the wild and may mix in one file:

* **cell per line** — every cell on its own line behind one leading tab, a blank line between rows; a line
  without the tab continues the cell above it (a header cell wrapped inside its box: "本年新" / "制作数量");
* **tab rows** — one row per line, cells split by tabs, leading tabs for empty (merged) cells; a row whose
  label wraps continues on a later line that holds only the rest of the label;
* **plain lines** — a row per line with no separators at all (HTML flattened to text: cells glued) or with
  spaces between cells (PDF text extraction). Splitting those is left to tables/rows.py.

Contract: ``lines_to_rows(lines) -> list[SourceRow]`` in reading order, every cell keeping its line number.
"""

from __future__ import annotations

import re

from ..datamodel import Provenance, SourceCell, SourceRow, TextLine

# Page furniture that text extraction leaves between table rows: "- 4 -", "— 5 —", "第 3 页", "3/6".
PAGE_FOOTER = re.compile(r"^\s*(?:[-—–－]+\s*\d{1,3}\s*[-—–－]+|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")


def _is_blank(text: str) -> bool:
    return not text.strip(" \t\u3000\xa0\r")


def _cell(text: str, line: int) -> SourceCell:
    # non-breaking spaces stay: in text flattened from HTML they mark blank cells between glued digits
    return SourceCell(text=text.strip(" \u3000\r"), prov=Provenance(line=line))


def _tab_row(text: str, line: int) -> SourceRow:
    return SourceRow(cells=[_cell(part, line) for part in text.split("\t")], prov=Provenance(line=line))


_PIPE_SEPARATOR = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")


def _pipe_row(text: str, line: int, table: int) -> SourceRow | None:
    """A markdown pipe-table line ("| 规章 | 0 | 0 |"): cells between the pipes; separator lines vanish.
    ``table`` numbers the run of pipe lines the row belongs to (its ``prov.table``)."""
    if _PIPE_SEPARATOR.match(text):
        return None
    parts = text.strip().split("|")
    if parts and not parts[0].strip():
        parts = parts[1:]
    if parts and not parts[-1].strip():
        parts = parts[:-1]
    return SourceRow(cells=[_cell(p, line) for p in parts], prov=Provenance(line=line, table=table))


# A pipe between cells as converters write it: with a space on either side ("规章 | 0", "规章| 0", "规章 |0").
_PIPE_BETWEEN = re.compile(r"\|\s|\s\|")


def _is_pipe_line(text: str) -> bool:
    """A markdown pipe-table line: "| a | b |", or without the outer pipes as html2text writes them
    ("规章 | 0 | 0 | 0", "行政许可 | 0", and where the cells' text has no padding "规章| 0| 0| 0"), or a
    separator line ("---|---")."""
    t = text.strip()
    if t.count("|") >= 2 and (t.startswith("|") or t.endswith("|")):
        return True
    return bool(_PIPE_BETWEEN.search(t)) or bool(_PIPE_SEPARATOR.match(t))


def _is_single_cell_line(text: str) -> bool:
    """A cell-per-line layout line: one leading tab, no other tab."""
    return text.startswith("\t") and "\t" not in text[1:]


def _pipe_tables(lines: list[TextLine]) -> dict[int, int]:
    """Index of every markdown pipe-table line -> the number of its table (a run of pipe lines; a page
    footer between two of them does not end the run)."""
    out: dict[int, int] = {}
    n, inside = 0, False
    for i, tl in enumerate(lines):
        text = tl.text.rstrip("\r\n")
        if PAGE_FOOTER.match(text):
            continue
        if _is_pipe_line(text):
            n += not inside
            inside = True
            out[i] = n - 1
        else:
            inside = False
    return out


def _space_row(text: str, line: int) -> list[SourceRow]:
    """A line of white space (not an empty line): maybe a cell holding a space; tables/rows.py decides."""
    if not text:
        return []
    return [SourceRow(cells=[SourceCell(text="", prov=Provenance(line=line), space_only=True)],
                      prov=Provenance(line=line))]


def lines_to_rows(lines: list[TextLine]) -> list[SourceRow]:
    rows: list[SourceRow] = []
    block: list[SourceCell] | None = None  # cells of the current cell-per-line row
    block_line = 0
    last_was_cell = False
    pipe_table = _pipe_tables(lines)

    def flush() -> None:
        nonlocal block
        if block:
            rows.append(SourceRow(cells=block, prov=Provenance(line=block_line)))
        block = None

    for i, tl in enumerate(lines):
        text = tl.text.rstrip("\r\n")
        ln = tl.prov.line or 0
        if PAGE_FOOTER.match(text):
            continue
        if _is_blank(text) and "\t" not in text:
            flush()
            last_was_cell = False
            rows.extend(_space_row(text, ln))
            continue
        if i in pipe_table:
            flush()
            row = _pipe_row(text, ln, pipe_table[i])
            if row is not None:
                rows.append(row)
            last_was_cell = False
            continue
        if _is_single_cell_line(text):
            if block is None:
                block, block_line = [], ln
            block.append(_cell(text[1:], ln))
            last_was_cell = True
        elif "\t" in text:
            flush()
            rows.append(_tab_row(text, ln))
            last_was_cell = False
        elif last_was_cell and block:
            # continuation of the cell above (a header or label wrapped inside its box)
            prev = block[-1]
            block[-1] = SourceCell(text=prev.text + text.strip(), prov=prev.prov)
        else:
            flush()
            rows.append(SourceRow(cells=[_cell(text, ln)], prov=Provenance(line=ln)))
            last_was_cell = False
    flush()
    return rows


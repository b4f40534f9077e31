"""Turn source rows into row candidates: a label (its parts in order) and the value tokens after it.

Contract: ``rows_to_candidates(rows, grid) -> list[RowCandidate]``. A cell is a value when the whole cell
parses as one (a number, a blank marker); a cell that ends in space-separated numbers gives a label and
values (PDF text); a cell whose label runs straight into digits gives a label and a *glued* digit blob
(HTML flattened to text), split later by values/glue.py with the template's identities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._text import WS, nfkc
from ..datamodel import Provenance, RowCandidate, SourceCell, SourceRow, ValueToken
from ..values.parse import parse_value, strip_edge_glyphs

_CJK = re.compile(r"[\u4e00-\u9fff]")
# label text, then digits (optionally signed, several signed groups) to the end of the cell
_NUM = r"[+\-]?\d+(?:\.\d+)?"
_GLUED = re.compile(r"^(?P<label>.*?[^\d\s+\-.,])(?P<blob>" + _NUM + r"(?:[+\-]\d+(?:\.\d+)?)*)(?P<unit>万元|元)?$")
_SIGNED = re.compile(_NUM)


@dataclass
class _Piece:
    kind: str  # "label" | "value" | "empty"
    text: str
    cell: SourceCell
    glued: bool = False
    weak: bool = False  # an empty position that may be padding (a non-breaking space)


# One character of a vertically printed group label (三/、/本/年/度/办/理/结/果) that PDF text extraction
# puts in front of a row's own numbered label: "本 3.危及“三安全一稳定”".
_VERTICAL_PREFIX = re.compile(r"^[\u4e00-\u9fff、]\s+(?=(?:\d{1,2}[.、．]|[（(]))")


# HTML flattened to text: a cell left blank shows as a non-breaking space between glued digits.
_NBSP_TAIL = re.compile(r"^(?P<label>.*?[^\d\s\xa0+\-.,])(?P<tail>[\d+\-.\s\xa0]*\xa0[\d+\-.\s\xa0]*)$")
_NBSP_TOKENS = re.compile(r"\xa0|[+\-]?\d+(?:\.\d+)?")


_NBSP_ONLY = re.compile(r"^[\d+\-.\s\xa0]*\xa0[\d+\-.\s\xa0]*$")


def _nbsp_pieces(cell: SourceCell) -> list[_Piece] | None:
    text = cell.text.strip(" \t\r\n")
    m = _NBSP_TAIL.match(text)
    if m and _CJK.search(m.group("label")):
        head, tail = [_Piece("label", m.group("label").strip(), cell)], m.group("tail")
    elif _NBSP_ONLY.match(text) and re.search(r"\d", text):  # a row with no label (the review row)
        head, tail = [], text
    else:
        return None
    # a non-breaking space stands for an empty cell, or is only padding inside a cell ("0&nbsp;"): the
    # row's length and own total decide (values/assign.py ``_weak_variants``)
    return head + [_Piece("empty", "", cell, weak=True) if t == "\xa0" else _Piece("value", t, cell, glued=True)
                   for t in _NBSP_TOKENS.findall(tail)]


def _glued_label(text: str, cell: SourceCell) -> list[_Piece] | None:
    """A label running straight into digits: the label, then the digits as glued value pieces (a unit stays
    on the last); None when the text does not end in digits after a CJK label."""
    m = _GLUED.match(text)
    if not (m and _CJK.search(m.group("label"))):
        return None
    segs = _SIGNED.findall(m.group("blob"))
    segs[-1] += m.group("unit") or ""
    return [_Piece("label", m.group("label"), cell)] + [_Piece("value", seg, cell, glued=True) for seg in segs]


def _split_cell(cell: SourceCell) -> list[_Piece]:
    if "\xa0" in cell.text:
        pieces = _nbsp_pieces(cell)
        if pieces:
            return pieces
    text = _VERTICAL_PREFIX.sub("", nfkc(cell.text).strip())
    if not WS.sub("", text):
        return [_Piece("empty", "", cell)]
    if parse_value(text).kind != "text":
        return [_Piece("value", text, cell)]
    if cell.reading != "text" and strip_edge_glyphs(text) is not None:
        return [_Piece("value", text, cell)]  # OCR: a stray glyph beside the digits ("人0"); the reader says so
    parts = WS.split(text)
    if len(parts) > 1 and all(parse_value(t).kind != "text" for t in parts):
        return [_Piece("value", t, cell) for t in parts]
    tail: list[str] = []
    while len(parts) > 1 and (parse_value(parts[-1]).kind == "number"
                              # a blank marker or a sign standing alone between numbers ("20 - 5 15") is a
                              # value position, never the end of the label
                              or (tail and parse_value(parts[-1]).kind == "blank" and len(parts) > 2
                                  and parse_value(parts[-2]).kind == "number")):
        tail.insert(0, parts.pop())
    if tail:  # spaced numbers after the label; the first may be glued to it ("…申请数量0 0 0 0 0 00")
        label = "".join(parts)
        head = _glued_label(label, cell) or [_Piece("label", label, cell)]
        return head + [_Piece("value", t, cell) for t in tail]
    return _glued_label(WS.sub("", text), cell) or [_Piece("label", cell.text.strip(), cell)]  # as written


def _candidate(labels: list[_Piece], values: list[_Piece], row: SourceRow, grid: bool) -> RowCandidate:
    first = (labels or values)[0].cell
    return RowCandidate(
        label="".join(p.text for p in labels),
        label_parts=[p.text for p in labels],
        values=[
            ValueToken(text=p.text, prov=p.cell.prov, confidence=p.cell.confidence, reading=p.cell.reading,
                       empty=p.kind == "empty", glued=p.glued, weak=p.weak)
            for p in values
        ],
        prov=Provenance(line=first.prov.line or row.prov.line, page=first.prov.page or row.prov.page,
                        bbox=first.prov.bbox, table=first.prov.table, row=first.prov.row),
        grid=grid,
    )


def row_to_candidates(row: SourceRow, grid: bool = False) -> list[RowCandidate]:
    if len(row.cells) == 1 and row.cells[0].space_only:  # a line of white space: a possible blank cell
        tok = ValueToken(text="", prov=row.cells[0].prov, empty=True, weak=True)
        return [RowCandidate(label="", values=[tok], prov=row.prov)]
    pieces: list[_Piece] = []
    for c in row.cells:
        if c.spanned and pieces and pieces[-1].kind == "label":
            continue  # the rest of a label cell spanning columns (colspan): part of the label, not a blank cell
        pieces.extend(_split_cell(c))
    out: list[RowCandidate] = []
    labels: list[_Piece] = []
    values: list[_Piece] = []
    for p in pieces:
        if p.kind == "label":
            if any(v.kind == "value" for v in values):  # a label after values starts a new row
                out.append(_candidate(labels, values, row, grid))
                labels, values = [], []
            elif values and not labels:  # empties before the first label are indentation
                values = []
            labels.append(p)
        else:
            values.append(p)
    if labels or any(v.kind == "value" for v in values):
        out.append(_candidate(labels, values, row, grid))
    return out


def _single_value(c: RowCandidate) -> bool:
    return not c.label and len(c.values) == 1 and not c.values[0].empty


def _weak_line(c: RowCandidate) -> bool:
    return not c.label and len(c.values) == 1 and c.values[0].weak


def _no_number_yet(c: RowCandidate) -> bool:
    return all(v.weak for v in c.values)


def _drop_weak(c: RowCandidate, lines: int) -> RowCandidate:
    """A row that took ``lines`` lines of white space and no number after them: the lines were no cells."""
    if not lines or not _no_number_yet(c):
        return c
    return c.model_copy(update={"values": c.values[:len(c.values) - lines]})


_FRACTION = re.compile(r"^\.\d+$")


def join_value_runs(cands: list[RowCandidate]) -> list[RowCandidate]:
    """Text with one cell per line and nothing between rows (``get_text("\\n")`` of an HTML table): a label
    line followed by lines of one number each is one row. A line of white space inside that run (a cell
    whose content was a space) joins it as a *weak* empty position: values/assign.py counts it as a blank
    only where it makes the row exactly as long as its template row; anywhere else it says nothing."""
    out: list[RowCandidate] = []
    open_run = False
    lines = 0  # lines of white space the last row took
    for c in cands:
        if _weak_line(c):
            if out and (open_run or (out[-1].label and _no_number_yet(out[-1]))):
                out[-1] = out[-1].model_copy(update={"values": out[-1].values + c.values})
                lines += 1
            continue
        if open_run and _FRACTION.match(c.label) and not c.values and out[-1].values \
                and not out[-1].values[-1].empty and "." not in out[-1].values[-1].text:
            # the decimal part of the last number, in a span of its own ("94" / ".79")
            last = out[-1].values[-1]
            out[-1] = out[-1].model_copy(update={
                "values": out[-1].values[:-1] + [last.model_copy(update={"text": last.text.strip() + c.label})]})
            continue
        if _single_value(c) and out and (open_run or (out[-1].label and _no_number_yet(out[-1]))):
            out[-1] = out[-1].model_copy(update={"values": out[-1].values + c.values})
            open_run, lines = True, 0
            continue
        if out:
            out[-1] = _drop_weak(out[-1], lines)
        out.append(c)
        open_run, lines = False, 0
    if out:
        out[-1] = _drop_weak(out[-1], lines)
    return out


def _holds_several_numbers(cell: SourceCell) -> bool:
    pieces = _split_cell(cell)
    return sum(p.kind == "value" for p in pieces) > 1 and not any(p.glued for p in pieces)


def _merged_columns(rows: list[SourceRow]) -> bool:
    """A text-layer cell holding several numbers. (On a scan an OCR box often spans two neighbouring cells;
    the boxes' positions still place them in their columns, so an OCR grid stays a grid.)"""
    return any(c.reading == "text" and _holds_several_numbers(c) for r in rows for c in r.cells)


def _as_sequence(cands: list[RowCandidate]) -> list[RowCandidate]:
    out = [c.model_copy(update={"grid": False, "values": [v for v in c.values if not v.empty]}) for c in cands]
    return [c for c in out if c.label or c.values]


def rows_to_candidates(rows: list[SourceRow], grid: bool = False) -> list[RowCandidate]:
    """A table's value positions are its columns (a grid's, or a markdown table's pipes), so an empty cell
    is a blank. When a cell of that table holds several numbers ("0 6": a converter or a ruling-less PDF
    merged two columns), its columns are not the template's: its empty cells say nothing, and each row is
    read as a sequence of numbers (a short row's placement is then decided by the identities, or flagged).
    Rows of text keep their order; markdown tables among them are told apart by ``prov.table``."""
    if grid:
        if _merged_columns(rows):
            return _as_sequence([c for r in rows for c in row_to_candidates(r, False)])
        return [c for r in rows for c in row_to_candidates(r, grid)]
    merged = {t for t in {r.prov.table for r in rows if r.prov.table is not None}
              if _merged_columns([r for r in rows if r.prov.table == t])}
    cands: list[RowCandidate] = []
    for r in rows:
        got = row_to_candidates(r, False)
        cands.extend(_as_sequence(got) if r.prov.table in merged else got)
    return join_value_runs(cands)

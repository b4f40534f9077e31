"""Text-layer PDF (pdfplumber): ruled tables from the page's rules, unruled tables from word geometry.

Per page:

* ``find_tables()`` gives the ruled tables; each becomes a ``grid`` SourceTable (one SourceRow per table row,
  merged-away cells as ""). A one-column "table" is a frame around text (a bordered page or paragraph), not
  a statistics table: its words are treated as free text.
* Words outside the ruled tables are clustered into lines by vertical overlap and cut into cells at wide
  horizontal gaps. Where several such lines have more than one cell (an unruled table), the run of lines
  around them becomes a ``stream`` SourceTable.
* ``doc.lines`` are the page's text lines (for title, year and organ), page headers/footers dropped.

A table split over pages is simply emitted page by page: the aligner follows the template order.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..datamodel import BBox, Document, Provenance, SourceCell, SourceRow, SourceTable, TextLine
from ..errors import CorruptDocumentError, EncryptedDocumentError, ExtractorError, LimitExceededError
from ..ingest import RawInput
from ..options import Options
from ..values.parse import parse_value

# A ruled "table" with fewer columns than this is a frame around text (seen on every page of the three real
# PDFs: 22x1 and 9x1 frames around the prose), not a statistics table.
MIN_GRID_COLS = 2
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
# Vertical text (三、本年度办理结果 written one character per line in a tall merged cell): single-character
# cells whose x0 agree within VERTICAL_X_TOL pt on at least VERTICAL_MIN lines of a page.
VERTICAL_MIN = 3
VERTICAL_X_TOL = 2.0
# Page headers and footers: "- 4 -", "— 5 —", "第 3 页 共 8 页", "3/8", or a lone page number near an edge.
_PAGE_MARK = re.compile(r"^[\s\-—–−_·•~]*(第\s*)?\d{1,4}\s*页?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–−_·•~]*$")
_DASHED = re.compile(r"^\s*[\-—–−_·•~]+\s*\d{1,4}\s*[\-—–−_·•~]+\s*$")
# Share of the page height at the top and bottom where a lone number is taken for a page number.
EDGE_SHARE = 0.1


@contextmanager
def _open(data: bytes) -> Iterator[Any]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfplumber wraps every pdfminer failure in PdfminerException
        inner = e.args[0] if e.args else e
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
            raise EncryptedDocumentError(f"the PDF is encrypted: {inner!r}") from e
        raise CorruptDocumentError(f"unreadable PDF: {inner!r}") from e
    try:
        yield pdf
    finally:
        pdf.close()


# ---------------------------------------------------------------- page headers / footers


def _is_page_mark(text: str, top: float, bottom: float, height: float) -> bool:
    t = text.strip()
    if _DASHED.match(t):
        return True
    near_edge = top < EDGE_SHARE * height or bottom > (1 - EDGE_SHARE) * height
    return near_edge and bool(_PAGE_MARK.match(t))


def _page_lines(page: Any, pno: int) -> list[TextLine]:
    out = []
    for ln in page.extract_text_lines(return_chars=False):
        if not ln["text"].strip() or _is_page_mark(ln["text"], ln["top"], ln["bottom"], page.height):
            continue
        bbox = (ln["x0"], ln["top"], ln["x1"], ln["bottom"])
        out.append(TextLine(text=ln["text"], prov=Provenance(page=pno, bbox=bbox)))
    return out


# ---------------------------------------------------------------- ruled tables


def _cell_text(text: str | None) -> str:
    """Lines of one cell joined with nothing (a label broken inside its box)."""
    return "".join(part.strip() for part in (text or "").split("\n"))


def _grid_table(t: Any, pno: int, index: int) -> SourceTable:
    rows = []
    for r, (row, texts) in enumerate(zip(t.rows, t.extract(), strict=True)):
        cells = [
            SourceCell(text=_cell_text(txt), prov=Provenance(page=pno, bbox=bbox, table=index, row=r, col=c))
            for c, (bbox, txt) in enumerate(zip(row.cells, texts, strict=True))
        ]
        rows.append(SourceRow(cells=cells, prov=Provenance(page=pno, bbox=row.bbox, table=index, row=r)))
    return SourceTable(rows=rows, kind="grid", prov=Provenance(page=pno, bbox=t.bbox, table=index))


def _ruled_tables(page: Any) -> list[Any]:
    found = [t for t in page.find_tables() if max((len(r.cells) for r in t.rows), default=0) >= MIN_GRID_COLS]
    return sorted(found, key=lambda t: (t.bbox[1], t.bbox[0]))


# ---------------------------------------------------------------- unruled tables from word geometry


@dataclass
class _Line:
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


def _inside(w: dict[str, Any], boxes: list[BBox]) -> bool:
    cx, cy = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _cluster_lines(words: list[dict[str, Any]]) -> list[_Line]:
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        target = next((ln for ln in reversed(lines[-3:]) if ln.overlaps(w)), None)
        if target is None:
            target = _Line()
            lines.append(target)
        target.add(w)
    for ln in lines:
        ln.words.sort(key=lambda w: w["x0"])
    return lines


def _size(w: dict[str, Any]) -> float:
    return float(w.get("size") or (w["bottom"] - w["top"]))


def _split_cells(line: _Line) -> list[list[dict[str, Any]]]:
    cells: list[list[dict[str, Any]]] = [[line.words[0]]]
    for prev, w in zip(line.words, line.words[1:], strict=False):
        if w["x0"] - prev["x1"] > CELL_GAP_EM * min(_size(prev), _size(w)):
            cells.append([w])
        else:
            cells[-1].append(w)
    return cells


def _word_cell(words: list[dict[str, Any]], pno: int) -> SourceCell:
    text = " ".join(w["text"] for w in words)
    bbox = (min(w["x0"] for w in words), min(w["top"] for w in words),
            max(w["x1"] for w in words), max(w["bottom"] for w in words))
    return SourceCell(text=text, prov=Provenance(page=pno, bbox=bbox))


def _is_char_cell(c: SourceCell) -> bool:
    t = c.text.strip()
    return len(t) == 1 and parse_value(t).kind == "text"


def _drop_vertical_text(rows: list[list[SourceCell]]) -> list[list[SourceCell]]:
    """Remove the characters of vertically written labels; they would prefix the row labels beside them."""
    xs = [c.prov.bbox[0] for cells in rows for c in cells if _is_char_cell(c) and c.prov.bbox]

    def vertical(c: SourceCell) -> bool:
        if not (_is_char_cell(c) and c.prov.bbox):
            return False
        return sum(abs(x - c.prov.bbox[0]) <= VERTICAL_X_TOL for x in xs) >= VERTICAL_MIN

    return [kept for cells in rows if (kept := [c for c in cells if not vertical(c)])]


def _tabular(cells: list[SourceCell]) -> bool:
    return len(cells) >= 2 and any(parse_value(c.text).kind != "text" for c in cells)


def _is_prose(cells: list[SourceCell], page_width: float) -> bool:
    bbox = cells[0].prov.bbox
    return len(cells) == 1 and bbox is not None and bbox[2] - bbox[0] > PROSE_WIDTH_SHARE * page_width


def _table_runs(rows: list[list[SourceCell]], page_width: float) -> list[tuple[int, int]]:
    """(first, last) row indexes of runs of multi-cell lines close enough to be one unruled table."""
    runs: list[list[int]] = []
    last = -1  # index of the last multi-cell line, while no prose line has come since
    for i, cells in enumerate(rows):
        if _is_prose(cells, page_width):
            last = -1
        elif len(cells) >= 2:
            if last >= 0 and i - last - 1 <= MAX_TABLE_GAP_LINES:
                runs[-1].append(i)
            else:
                runs.append([i])
            last = i
    return [(r[0], r[-1]) for r in runs
            if len(r) >= MIN_TABLE_LINES and any(_tabular(rows[i]) for i in r)]


def _stream_tables(page: Any, pno: int, ruled: list[BBox], start: int) -> list[SourceTable]:
    words = [w for w in page.extract_words(extra_attrs=["size"]) if not _inside(w, ruled)]
    if not words:
        return []
    lines = [ln for ln in _cluster_lines(words)
             if not _is_page_mark(" ".join(w["text"] for w in ln.words), ln.top, ln.bottom, page.height)]
    rows = [[_word_cell(c, pno) for c in _split_cells(ln)] for ln in lines]
    out = []
    for first, last in _table_runs(rows, page.width):
        index = start + len(out)
        srows = []
        for r, cells in enumerate(_drop_vertical_text(rows[first:last + 1])):
            cells = [c.model_copy(update={"prov": c.prov.model_copy(update={"table": index, "row": r, "col": k})})
                     for k, c in enumerate(cells)]
            srows.append(SourceRow(cells=cells, prov=Provenance(page=pno, table=index, row=r)))
        out.append(SourceTable(rows=srows, kind="stream", prov=Provenance(page=pno, table=index)))
    return out


# ---------------------------------------------------------------- document


def _page_tables(page: Any, pno: int, start: int, *, ruled_only: bool = False,
                 unruled_only: bool = False) -> list[SourceTable]:
    ruled = [] if unruled_only else _ruled_tables(page)
    grids = [_grid_table(t, pno, start + i) for i, t in enumerate(ruled)]
    if ruled_only:
        return grids
    streams = _stream_tables(page, pno, [t.bbox for t in ruled], start + len(grids))
    tables = sorted(grids + streams, key=lambda t: _table_top(t))
    return [_renumber(t, start + i) for i, t in enumerate(tables)]


def _table_top(t: SourceTable) -> float:
    if t.prov.bbox is not None:
        return t.prov.bbox[1]
    tops = [c.prov.bbox[1] for c in t.rows[0].cells if c.prov.bbox] if t.rows else []
    return min(tops, default=0.0)


def _renumber(t: SourceTable, index: int) -> SourceTable:
    if t.prov.table == index:
        return t
    def fix(p: Provenance) -> Provenance:
        return p.model_copy(update={"table": index})
    rows = [SourceRow(cells=[c.model_copy(update={"prov": fix(c.prov)}) for c in r.cells], prov=fix(r.prov))
            for r in t.rows]
    return SourceTable(rows=rows, kind=t.kind, prov=fix(t.prov))


def _read(pdf: Any, raw: RawInput, options: Options, **mode: bool) -> Document:
    n = len(pdf.pages)
    if n == 0:
        raise CorruptDocumentError("the PDF has no pages")
    if n > options.limits.max_pages:
        raise LimitExceededError(f"PDF has {n} pages; limit max_pages={options.limits.max_pages}")
    lines: list[TextLine] = []
    tables: list[SourceTable] = []
    empty_pages = []
    for pno, page in enumerate(pdf.pages, 1):
        if not page.chars:
            empty_pages.append(pno)
            continue
        lines.extend(_page_lines(page, pno))
        tables.extend(_page_tables(page, pno, len(tables), **mode))
        page.close()
    doc = Document(name=raw.name, format="pdf", pages=n, lines=lines, tables=tables)
    if len(empty_pages) == n:
        doc.needs_ocr = True
    elif empty_pages:
        doc.warnings.append(f"pages without a text layer (need OCR): {empty_pages}")
    return doc


def load(raw: RawInput, options: Options, *, ruled_only: bool = False, unruled_only: bool = False) -> Document:
    """``ruled_only`` / ``unruled_only`` switch one table reader off (for tests and comparisons)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pdfminer warns about odd fonts and encryption algorithms
        with _open(raw.data) as pdf:
            try:
                return _read(pdf, raw, options, ruled_only=ruled_only, unruled_only=unruled_only)
            except ExtractorError:
                raise
            except Exception as e:  # a broken stream or object surfaces only when a page is parsed
                raise CorruptDocumentError(f"unreadable PDF: {e!r}") from e


__all__ = ["load"]

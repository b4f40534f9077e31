"""Which tables of a page are statistics tables, and which template a document uses, from its content.

A page's native grids (HTML) include its layout: navigation, headers, contact boxes. Only a grid of at
least ``MIN_GRID_COLS`` filled cells in a row that names a template label (``select_statistics_tables``) is
a statistics table; when the page itself shows none, the HTML its scripts hold is read instead.

Evidence per template = its signal labels found in the text (column headers such as 本年新制作数量 vs
本年制发件数, the 2021 （六）其他处理 sub-items) plus rows of the apply table matched. A document with no
standard table (pre-2019 reports, unrelated files) gets ``None``.
"""

from __future__ import annotations

from functools import cache

from ..datamodel import Document, RowCandidate, SourceTable
from ..templates import Template, all_templates
from .matcher import LabelMatcher
from .normalize import normalize_label, normalize_text

# Below this many table rows recognised (label score ≥ ROW_MIN with values) a document has no standard
# tables. Real reports have ≥ 25 such rows; prose that mentions 行政许可 or 行政复议 gives at most a few.
MIN_TABLE_ROWS = 6
ROW_MIN = 80.0
# A "table" whose widest row has fewer cells with text than this is a frame around text.
MIN_GRID_COLS = 2
# Column labels shorter than this (其他, 总计) are too common to mark a table as a statistics table.
MIN_LABEL_CHARS = 4


@cache
def _template_labels() -> tuple[str, ...]:
    """Normalised template labels that mark a statistics table: row labels (规章 too), column and review
    headers of MIN_LABEL_CHARS or more; short column words (其他, 总计) occur in any table."""
    rows: set[str] = set()
    heads: set[str] = set()
    for t in all_templates():
        rows.update(normalize_label(lab) for r in t.rows for lab in r.labels)
        heads.update(normalize_label(lab) for cols in t.column_labels.values() for labs in cols.values() for lab in labs)
        heads.update(normalize_label(lab) for lab in t.review_header_labels)
    common = {h for h in heads if len(h) < MIN_LABEL_CHARS}
    keep = {r for r in rows if len(r) >= 2 and r not in common} | (heads - common)
    return tuple(sorted(keep))


def mentions_template(text: str) -> bool:
    norm = normalize_text(text)
    return any(lab in norm for lab in _template_labels())


def is_statistics_table(t: SourceTable) -> bool:
    width = max((sum(1 for c in r.cells if c.text) for r in t.rows), default=0)
    return width >= MIN_GRID_COLS and mentions_template("".join(c.text for r in t.rows for c in r.cells))


def select_statistics_tables(doc: Document) -> Document:
    """An HTML page with only its statistics tables; the reading of its scripts' HTML (``embedded``) when the
    page itself shows none. Other formats' tables are all kept (a DOCX or PDF table is a table)."""
    if doc.format != "html":
        return doc
    data = [t for t in doc.tables if is_statistics_table(t)]
    if not data and doc.embedded is not None:
        inner = [t for t in doc.embedded.tables if is_statistics_table(t)]
        return doc.embedded.model_copy(update={"tables": inner, "embedded": None})
    return doc.model_copy(update={"tables": data, "embedded": None})




def detect_template(
    text_norm: str, cands: list[RowCandidate], templates: list[Template], year: int | None
) -> tuple[Template | None, dict[str, float]]:
    evidence: dict[str, float] = {}
    matcher = LabelMatcher.of(templates[0])
    rows = 0
    for p, c in enumerate(cands):
        if not any(not v.empty for v in c.values):
            continue
        # the row's own label, or a label-only line next to it (PDF text and stream tables put wrapped
        # labels above or below their numbers)
        near = [cands[q] for q in (p - 1, p + 1) if 0 <= q < len(cands) and all(v.empty for v in cands[q].values)]
        labels = [matcher.row_label(x.label_parts or [x.label]) for x in [c, *near] if x.label]
        if any(matcher.best(lab) >= ROW_MIN for lab in labels):
            rows += 1
    evidence["table_rows"] = rows
    for t in templates:
        evidence[t.id] = float(sum(1 for s in t.signals if normalize_label(s) in text_norm))
    if rows < MIN_TABLE_ROWS:
        return None, evidence
    ranked = sorted(templates, key=lambda t: -evidence[t.id])
    if evidence[ranked[0].id] > evidence[ranked[1].id]:
        return ranked[0], evidence
    # no signal decides (e.g. only the apply table was printed): the year does
    for t in templates:
        lo, hi = t.covers_years
        if year is not None and lo <= year <= hi:
            return t, evidence
    return templates[0], evidence

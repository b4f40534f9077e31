"""Which template a document uses, from its content.

Evidence per template = its signal labels found in the text (column headers such as 本年新制作数量 vs
本年制发件数, the 2021 （六）其他处理 sub-items) plus rows of the apply table matched. A document with no
standard table (pre-2019 reports, unrelated files) gets ``None``.
"""

from __future__ import annotations

from ..datamodel import RowCandidate
from ..templates import Template
from .matcher import LabelMatcher
from .normalize import normalize_label

# Below this many table rows recognised (label score ≥ ROW_MIN with values) a document has no standard
# tables. Real reports have ≥ 25 such rows; prose that mentions 行政许可 or 行政复议 gives at most a few.
MIN_TABLE_ROWS = 6
ROW_MIN = 80.0


def detect_template(
    text_norm: str, cands: list[RowCandidate], templates: list[Template], year: int | None
) -> tuple[Template | None, dict[str, float]]:
    evidence: dict[str, float] = {}
    matcher = LabelMatcher(templates[0])
    rows = 0
    for p, c in enumerate(cands):
        if not any(not v.empty for v in c.values):
            continue
        # the row's own label, or a label-only line next to it (PDF text and stream tables put wrapped
        # labels above or below their numbers)
        near = [cands[q] for q in (p - 1, p + 1) if 0 <= q < len(cands) and all(v.empty for v in cands[q].values)]
        labels = [matcher.row_label(x.label_parts or [x.label]) for x in [c, *near] if x.label]
        if any(matcher.score(lab, r) >= ROW_MIN for lab in labels for r in matcher.rows):
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

"""Map recovered rows onto the template's rows.

1. ``merge_fragments``: a label-only row next to a row with values is joined to it when that makes the
   label match better ("2. 其他法律行政" + "法规禁止公开"; a label line above a line of numbers).
2. ``align``: rows with values are aligned to the template rows *in order*, one to one, maximising the
   summed match score (dynamic programming). Greedy best-label matching loses runs of rows when a short
   label ("3.其他") outscores a misprinted one (tooling notes §7); the in-order alignment does not.
3. Strong matches left outside the alignment (a report that reorders its sub-tables) are added greedily.
4. ``find_review_row``: the 行政复议/行政诉讼 table is one unlabeled row of 15 cells under its header.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..datamodel import RowCandidate, RowMatch
from ..templates import RowSpec, Template
from .matcher import LabelMatcher
from .normalize import normalize_label

# A label must score at least this to be aligned to a template row. The seeds and real PDFs score
# ≥ 86 on every true row; wrong pairs among template labels score ≤ 62.
MATCH_MIN = 65.0
# Scores above this are taken even outside the in-order alignment.
GREEDY_MIN = 90.0
# A fragment is joined to a neighbour when the joined label scores this much better.
MERGE_GAIN = 5.0
# Cost of borrowing a neighbouring label-only line as (part of) a row's label.
NEIGHBOUR_PENALTY = 3.0
# A value row counts toward the review table when it has at least this many cells.
REVIEW_MIN_CELLS = 5
# How many rows below a 行政复议 header the value row may sit: three header rows, or its header cells on
# lines of their own, each cell broken into its words (docx2txt: 结果 / 维持 / … 27 lines).
REVIEW_LOOKAHEAD = 48


@dataclass
class Assigned:
    row: RowSpec
    cand: RowCandidate
    score: float
    runner_up: str | None
    runner_up_score: float | None
    # why the row's numbers may belong to another label (None when their own label says where they go)
    doubt: str | None = None


@dataclass
class AlignResult:
    assigned: dict[str, Assigned] = field(default_factory=dict)  # row full key -> assignment
    review: RowCandidate | None = None
    matches: list[RowMatch] = field(default_factory=list)


def _n_values(c: RowCandidate) -> int:
    return sum(1 for v in c.values if not v.empty)


def _label(m: LabelMatcher, c: RowCandidate) -> str:
    return m.row_label(c.label_parts) if c.label_parts else c.label


def _best(m: LabelMatcher, c: RowCandidate) -> float:
    lab = _label(m, c)
    return m.best(lab) if lab else 0.0


def _joined(a: RowCandidate, b: RowCandidate) -> RowCandidate:
    """b's label appended to a's; values of both in order."""
    return a.model_copy(update={"label": a.label + b.label, "label_parts": a.label_parts + b.label_parts,
                                "values": a.values + b.values})


def _has_label(c: RowCandidate | None) -> bool:
    return c is not None and bool(c.label)


def merge_fragments(cands: list[RowCandidate], m: LabelMatcher) -> list[RowCandidate]:
    """Join label fragments to their rows where that is unambiguous; a label between two unlabeled value
    rows is left for ``align`` to place (it sees both neighbours)."""
    out: list[RowCandidate] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        if _n_values(c) == 0 and c.label and not m.is_group_label(c.label):
            own = _best(m, c)
            prev = out[-1] if out else None
            nxt = cands[i + 1] if i + 1 < len(cands) else None
            if prev is not None and _n_values(prev) and prev.label:
                j = _joined(prev, c).model_copy(update={"values": prev.values})
                if _best(m, j) >= max(_best(m, prev), own) + MERGE_GAIN:
                    out[-1] = j
                    i += 1
                    continue
            ambiguous = prev is not None and _n_values(prev) and not prev.label and not _has_label(nxt)
            if nxt is not None and _n_values(nxt) and not ambiguous:
                j = _joined(c, nxt).model_copy(update={"values": nxt.values, "prov": c.prov})
                joined, theirs = _best(m, j), _best(m, nxt)
                # the numbers' own label is no row's (the tail of a group label a converter split off,
                # "（三）不"): they belong to the label line above, whose own cells were empty
                orphan = theirs < MATCH_MIN and own >= MATCH_MIN and joined >= MATCH_MIN
                if orphan or joined >= max(theirs, own - 100 * (not nxt.label)) + MERGE_GAIN:
                    after = cands[i + 2] if i + 2 < len(cands) else None
                    if not nxt.label and after is not None and _labels_a_row(m, after):
                        j = j.model_copy(update={"doubt": PAIRING_DOUBT})
                    out.append(j)
                    i += 2
                    continue
        out.append(c)
        i += 1
    return out


def _fit_bonus(c: RowCandidate, r: RowSpec) -> float:
    """Small preference for rows whose value count fits the template row."""
    k, n = len(r.columns), _n_values(c)
    if n == k or (c.grid and len(c.values) >= k >= n):
        return 5.0
    if any(v.glued for v in c.values):
        return 0.0
    return -10.0 if n > k else -3.0


def _dp_pairs(scores: list[list[float]], valued: list[RowCandidate], rows: list[RowSpec]) -> dict[int, int]:
    """In-order one-to-one alignment maximising the summed (score - MATCH_MIN); candidate -> row index."""
    n, k = len(valued), len(rows)
    dp = [[0.0] * (k + 1) for _ in range(n + 1)]
    back = [[0] * (k + 1) for _ in range(n + 1)]  # 0 = skip candidate, 1 = skip row, 2 = match
    for i in range(1, n + 1):
        for j in range(1, k + 1):
            best, how = dp[i - 1][j], 0
            if dp[i][j - 1] > best:
                best, how = dp[i][j - 1], 1
            s = scores[i - 1][j - 1]
            if s >= MATCH_MIN:
                v = dp[i - 1][j - 1] + (s - MATCH_MIN) + 1.0 + _fit_bonus(valued[i - 1], rows[j - 1])
                if v > best:
                    best, how = v, 2
            dp[i][j], back[i][j] = best, how
    pairs: dict[int, int] = {}
    i, j = n, k
    while i > 0 and j > 0:
        how = back[i][j]
        if how == 2:
            pairs[i - 1] = j - 1
        i, j = (i - 1, j - 1) if how == 2 else ((i, j - 1) if how == 1 else (i - 1, j))
    return pairs


def _greedy_complete(pairs: dict[int, int], scores: list[list[float]]) -> None:
    """Strong matches outside the in-order alignment (a report that reorders its sub-tables)."""
    taken = set(pairs.values())
    for ci, row_scores in enumerate(scores):
        if ci in pairs or not row_scores:
            continue
        jj = max(range(len(row_scores)), key=lambda x: row_scores[x])
        if row_scores[jj] >= GREEDY_MIN and jj not in taken:
            pairs[ci] = jj
            taken.add(jj)


def _row_match(c: RowCandidate, ci: int, j: int | None, scores: list[list[float]], rows: list[RowSpec]) -> RowMatch:
    ranked = sorted(range(len(rows)), key=lambda jj: -scores[ci][jj])
    runner = next((jj for jj in ranked if jj != j), None)
    own = j if j is not None else (ranked[0] if ranked else None)
    return RowMatch(
        key=rows[j].full_key if j is not None else None,
        label=c.label,
        score=round(scores[ci][own], 1) if own is not None else 0.0,
        runner_up=rows[runner].full_key if runner is not None else None,
        runner_up_score=round(scores[ci][runner], 1) if runner is not None else None,
        n_values=_n_values(c),
        prov=c.prov,
    )


def _is_fragment(c: RowCandidate) -> bool:
    return bool(c.label) and _n_values(c) == 0 and not (c.grid and c.values)


def _label_options(m: LabelMatcher, cands: list[RowCandidate], p: int) -> list[tuple[str, float]]:
    """Labels a value row may carry: its own, and with a label-only neighbour before and/or after it (PDF
    text puts a wrapped label's lines above and below the numbers). Borrowed labels cost a little."""
    own = _label(m, cands[p])
    prev = _label(m, cands[p - 1]) if p > 0 and _is_fragment(cands[p - 1]) else ""
    nxt = _label(m, cands[p + 1]) if p + 1 < len(cands) and _is_fragment(cands[p + 1]) else ""
    opts = [(own, 0.0)] if own else []
    for lab in (prev + own, own + nxt, prev + own + nxt):
        if lab and lab != own:
            opts.append((lab, NEIGHBOUR_PENALTY))
    return opts


def _scores(m: LabelMatcher, opts: list[tuple[str, float]]) -> list[float]:
    """A value row's score against every template row: its best label option's, less that option's cost."""
    if not opts:
        return [0.0] * len(m.rows)
    vecs = [[s - pen for s in m.scores(lab)] if pen else m.scores(lab) for lab, pen in opts]
    return [max(col) for col in zip(*vecs, strict=True)] if len(vecs) > 1 else list(vecs[0])


def align(cands: list[RowCandidate], t: Template, m: LabelMatcher | None = None) -> AlignResult:
    m = m or LabelMatcher.of(t)
    rows = list(t.rows)
    review = find_review_row(cands, t, m)
    pos = [p for p, c in enumerate(cands)
           if (_n_values(c) or (c.values and c.label)) and c is not review]
    valued = [cands[p] for p in pos]
    labels = [_label(m, c) for c in valued]
    options = [_label_options(m, cands, p) for p in pos]
    scores = [_scores(m, opts) for opts in options]
    pairs = _dp_pairs(scores, valued, rows)
    _greedy_complete(pairs, scores)
    res = AlignResult()
    lo, hi = (min(pairs), max(pairs)) if pairs else (0, -1)
    for ci, c in enumerate(valued):
        j = pairs.get(ci)
        match = _row_match(c, ci, j, scores, rows)
        if j is not None:
            res.assigned[rows[j].full_key] = Assigned(rows[j], c, match.score, match.runner_up, match.runner_up_score,
                                                      _pairing_doubt(m, cands, pos[ci], rows[j]))
        if j is not None or (lo <= ci <= hi and labels[ci] and _n_values(c)):  # unmapped value rows are reported
            res.matches.append(match)
    res.review = review
    return res


PAIRING_DOUBT = "numbers between two label lines; which label they belong to is decided by order only"


def _labels_a_row(m: LabelMatcher, c: RowCandidate) -> bool:
    return _is_fragment(c) and not m.is_group_label(c.label) and _best(m, c) >= MATCH_MIN


def _pairing_doubt(m: LabelMatcher, cands: list[RowCandidate], p: int, r: RowSpec) -> str | None:
    """Numbers with no label of their own between two label lines that each name a template row: whether
    a label is printed above or below its numbers (PDF converters do both, even in one table) is decided by
    order alone, and the column identities cannot tell the two pairings apart."""
    c = cands[p]
    if c.doubt:  # a label line joined to these numbers had another label line on the numbers' other side
        return c.doubt
    own = _label(m, c)
    if own and m.score(own, r) >= MATCH_MIN:
        return None
    near = [cands[q] for q in (p - 1, p + 1) if 0 <= q < len(cands)]
    return PAIRING_DOUBT if len(near) == 2 and all(_labels_a_row(m, n) for n in near) else None


def _review_like(c: RowCandidate) -> bool:
    if len(c.values) >= REVIEW_MIN_CELLS:
        return True
    vals = [v for v in c.values if not v.empty]
    return len(vals) == 1 and len(vals[0].text.strip("+-")) >= 3 * REVIEW_MIN_CELLS  # glued 15 cells


def find_review_row(cands: list[RowCandidate], t: Template, m: LabelMatcher) -> RowCandidate | None:
    """The first unlabeled row of ≥ REVIEW_MIN_CELLS cells after a header naming 行政复议."""
    header = normalize_label("行政复议")
    header_words = {normalize_label(w) for w in t.review_header_labels} | {
        normalize_label(v) for labels in t.column_labels["review"].values() for v in labels}
    header_chars = {ch for w in header_words for ch in w}
    def labelled(d: RowCandidate, own: bool = False) -> bool:
        lab = normalize_label(_label(m, d))
        if own:  # the header's own line: what precedes 行政复议 is the section heading
            lab = lab[lab.rindex(header):]
        for w in sorted(header_words, key=len, reverse=True):  # header cells the numbers ran into
            lab = lab.replace(w, "")
        # what is left of a header cell broken over two lines ("尚未" / "审结总计") is header too
        return bool(lab) and not set(lab) <= header_chars

    for i, c in enumerate(cands):
        if header not in normalize_label(c.label):
            continue
        if _n_values(c):  # the header and its numbers on one line (a table flattened into one line)
            if _review_like(c) and not labelled(c, own=True):
                return c
            continue
        for d in cands[i + 1:i + 1 + REVIEW_LOOKAHEAD]:
            if not _n_values(d):
                continue
            if _review_like(d) and (not labelled(d) or _best(m, d) < MATCH_MIN):
                return d
            if labelled(d) and _best(m, d) >= MATCH_MIN:
                break
    return None

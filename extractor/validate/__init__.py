"""Validation and identity-driven decisions.

* ``check_identities``: every identity of the template evaluated and reported (numbers, pass/fail/skipped).
* ``resolve_alternatives``: where glued digits left several splits of a row, the table's identities pick
  one; cells stay flagged ambiguous only where the identities cannot decide.
* ``infer_mixed_form``: the 2021 sub-rows of a single printed （六）其他处理 row (keys.md).
* ``flag_cells``: a cell in a failed identity, or with low confidence, is marked for review.

Numbers are never changed silently: everything set here carries ``source`` and ``reason``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from .._unionfind import DisjointSets
from ..datamodel import Cell, Check, Number, Provenance, ReportWarning, warning
from ..templates import Identity, Template
from ..values.assign import SPLIT_UNIQUE_CONFIDENCE, PlacedSplit, RowReading
from ..values.glue import Split
from .arith import close, holds
from .joint import consistent_splits

# Cells below this confidence are flagged for a person to check. Label scores of true rows are ≥ 86 on the
# seeds and real PDFs, so a read cell of a well-matched row stays above it; ambiguous splits (0.3) do not.
# Chosen by the benchmark run of 2026-11-25 (benchmarks/RESULTS.md, Calibration; corpora/bench + corpora/real,
# 35,652 cells): every bucket from 0.5 up is 100% right (0.5-0.75: 46 cells, 0.75-0.9: 22), below 0.5 93.6%;
# the flag sits above the 0.5-0.75 bucket because its cells are the scans' seal-halved readings and the
# blank-cell guesses, whose errors the bench's damage model does not exhaust.
REVIEW_CONFIDENCE = 0.75
# A cell in a failed check keeps at most this confidence (below every unflagged cell; same run as above).
FAILED_CHECK_CONFIDENCE = 0.3
# Identities that hold around a cell shrink its doubt to this share (an independent reading agrees).
IDENTITY_SUPPORT_FACTOR = 0.2
# Ambiguous glued rows are resolved jointly by trying every combination of their splits up to this many.
MAX_COMBINATIONS = 4096


def _substitute(ident: Identity, cells: dict[str, Cell], t: Template) -> tuple[list[str], str | None]:
    """Mixed form: use the single （六）其他处理 cell in place of its three null 2021 sub-rows."""
    rhs = list(ident.rhs)
    note = None
    for row in t.replacing_rows:
        for key in list(rhs):
            for rep in row.replaces:
                prefix = f"{row.section}.{rep}."
                if key.startswith(prefix):
                    col = key[len(prefix):]
                    single = f"{row.full_key}.{col}"
                    subs = [f"{row.section}.{r}.{col}" for r in row.replaces]
                    if single in cells and cells[single].value is not None and all(
                        s in rhs and cells.get(s) is not None and cells[s].value is None for s in subs
                    ):
                        rhs = [k for k in rhs if k not in subs] + [single]
                        note = f"（六）其他处理 printed as one row: {single} used for its sub-rows"
    return rhs, note


def _sum(keys: Iterable[str], cells: dict[str, Cell]) -> tuple[Number | None, list[str]]:
    total: Number = 0
    missing = []
    for k in keys:
        c = cells.get(k)
        if c is None or c.value is None:
            missing.append(k)
        else:
            total += c.value
    return (None if missing else total), missing


def evaluate(ident: Identity, cells: dict[str, Cell], t: Template) -> Check:
    rhs_keys, note = _substitute(ident, cells, t)
    lhs, lm = _sum(ident.lhs, cells)
    rhs, rm = _sum(rhs_keys, cells)
    if lhs is None or rhs is None:
        status = "skipped"
        note = "blank or missing: " + ", ".join((lm + rm)[:6])
    else:
        status = "pass" if close(lhs, rhs) else "fail"
    if isinstance(lhs, float):
        lhs = round(lhs, 6)
    if isinstance(rhs, float):
        rhs = round(rhs, 6)
    return Check(id=ident.id, text=ident.text, lhs_keys=list(ident.lhs), rhs_keys=rhs_keys, lhs=lhs, rhs=rhs,
                 status=status, note=note)


def check_identities(cells: dict[str, Cell], t: Template) -> list[Check]:
    return [evaluate(i, cells, t) for i in t.identities]


def _passing_fast(values: dict[str, Number | None], identities: Iterable[Identity]) -> int:
    return sum(1 for ident in identities if holds(ident, values))


def _components(amb: list[RowReading], identities: Iterable[Identity]) -> list[tuple[list[int], list[Identity]]]:
    """Ambiguous rows that no identity links are decided apart (the 主动公开 rows share no identity with
    the 依申请 table): groups of rows linked by identities, each with the identities touching it."""
    row_of = {k: i for i, r in enumerate(amb) for k in r.keys}
    sets = DisjointSets(len(amb))
    touching: list[tuple[set[int], Identity]] = []
    for ident in identities:
        rows = {row_of[k] for k in (*ident.lhs, *ident.rhs) if k in row_of}
        if rows:
            touching.append((rows, ident))
            first = min(rows)
            for r in rows:
                sets.union(r, first)
    groups: dict[int, list[int]] = {}
    for i in range(len(amb)):
        groups.setdefault(sets.find(i), []).append(i)
    return [(rows, [ident for touched, ident in touching if sets.find(next(iter(touched))) == root])
            for root, rows in groups.items()]


Decision = tuple[list[Split], str]  # one row's remaining splits, the one kept first; what decided them


def _joint_optimum(amb: list[RowReading], values: dict[str, Number | None], t: Template) -> list[Decision]:
    """For each ambiguous row, the splits that appear in some combination maximising the identities that
    hold, decided per group of rows linked by identities."""
    out: list[Decision] = [([], "") for _ in amb]
    for rows, identities in _components(amb, t.identities):
        if not identities:  # nothing decides between this row's splits
            for i in rows:
                out[i] = (list(amb[i].alternatives), "no identity of the table involves this row; most plausible kept")
            continue
        for i, opts in zip(rows, _group_optimum([amb[i] for i in rows], values, identities), strict=True):
            out[i] = opts
    return out


def _group_optimum(amb: list[RowReading], values: dict[str, Number | None],
                   identities: list[Identity]) -> list[Decision]:
    """Exhaustive over the product of alternatives up to MAX_COMBINATIONS; above it, the combinations under
    which every identity holds (``joint.consistent_splits``), else coordinate ascent."""
    sizes = [len(r.alternatives) for r in amb]
    total = 1
    for n in sizes:
        total *= n
    if total <= MAX_COMBINATIONS:
        best_score, best_combos = -1, []
        for combo in itertools.product(*(r.alternatives for r in amb)):
            for r, alt in zip(amb, combo, strict=True):
                values.update(zip(r.keys, alt, strict=True))
            sc = _passing_fast(values, identities)
            if sc > best_score:
                best_score, best_combos = sc, [combo]
            elif sc == best_score:
                best_combos.append(combo)
        how = "the table's identities" if best_score > 0 else "no identity holds under any split; most plausible kept"
        return [(_ranked({c[i] for c in best_combos}, r), how) for i, r in enumerate(amb)]
    joint = consistent_splits([r.keys for r in amb], [r.alternatives for r in amb], values, identities)
    if joint.solutions:
        found = [_ranked({sol[i] for sol in joint.solutions}, r) for i, r in enumerate(amb)]
        if joint.complete:
            return [(f, "the table's identities") for f in found]
        # the search stopped early: other consistent combinations may exist, so nothing is settled; the
        # combinations found to satisfy every identity come first
        first = joint.solutions[0]
        return [([first[i]] + [a for a in r.alternatives if a != first[i]],
                 "search stopped before all combinations were seen; the first under which every identity holds kept")
                for i, r in enumerate(amb)]
    # no combination makes every identity hold (the document itself is inconsistent): most identities
    chosen = [r.alternatives[0] for r in amb]
    for _ in range(3):
        for i, r in enumerate(amb):
            scored = []
            for alt in r.alternatives:
                values.update(zip(r.keys, alt, strict=True))
                scored.append((_passing_fast(values, identities), alt))
            top = max(sc for sc, _ in scored)
            chosen[i] = next(a for sc, a in scored if sc == top)
            values.update(zip(r.keys, chosen[i], strict=True))
    return [([c] + [a for a in r.alternatives if a != c],
             "no combination satisfies every identity; the one found to satisfy the most kept")
            for r, c in zip(amb, chosen, strict=True)]


def _ranked(opts: set[Split], r: RowReading) -> list[Split]:
    """Equally good splits in the reading's plausibility order."""
    return sorted(opts, key=r.alternatives.index)


def _possible(keys: list[str], split: PlacedSplit) -> bool:
    """Counts are never negative; only 本年增/减 (``change``) carries a sign, and it cannot remove more items
    than the year began with (上一年项目数量 + 本年增/减 ≥ 0)."""
    vals = dict(zip((k.rsplit(".", 1)[-1] for k in keys), (0 if v is None else v for v in split), strict=True))
    if any(v < 0 for col, v in vals.items() if col != "change"):
        return False
    return not ("prev_items" in vals and "change" in vals and vals["prev_items"] + vals["change"] < 0)


def _zero_view(r: RowReading) -> tuple[RowReading, dict[Split, list[PlacedSplit]]]:
    """A placed row's placements as the identities see them (a blank cell counts 0), each view with the
    placements it stands for: two placements that differ only in where a 0 and a blank sit look alike."""
    back: dict[Split, list[PlacedSplit]] = {}
    for a in r.placements:
        back.setdefault(tuple(0 if v is None else v for v in a), []).append(a)
    return RowReading(r.keys, r.cells, list(back), r.raw, r.prov), back


def resolve_alternatives(readings: list[RowReading], cells: dict[str, Cell], t: Template) -> None:
    """Where glued digits left several splits of a row, or a row with fewer numbers than columns several
    placements, keep those under which most identities of the whole table hold. A cell stays ambiguous only
    where they still disagree."""
    for r in readings:
        for attr in ("alternatives", "placements"):
            opts = getattr(r, attr)
            possible = [a for a in opts if _possible(r.keys, a)]
            if possible and len(possible) < len(opts):
                setattr(r, attr, possible)
                _mark_split(r, possible, len(opts), cells, "no negative count (上一年 + 本年增/减 ≥ 0)")
    amb = [r for r in readings if len(r.alternatives) > 1 or len(r.placements) > 1]
    if not amb:
        return
    views = [_zero_view(r) if r.placements else (r, None) for r in amb]
    values = {k: c.value for k, c in cells.items()}
    for r, (_view, back), (opts, how) in zip(amb, views, _joint_optimum([v for v, _ in views], values, t),
                                             strict=True):
        if back is None:
            n_fit = len(r.alternatives)
            r.alternatives = opts
            _mark_split(r, opts, n_fit, cells, how)
        else:
            n_fit = len(r.placements)
            r.placements = [a for o in opts for a in back[o]]
            _mark_split(r, r.placements, n_fit, cells, how)


def _mark_split(r: RowReading, options: Sequence[PlacedSplit], n_fit: int, cells: dict[str, Cell],
                decided_by: str) -> None:
    """The row's cells take ``options[0]``; a column on which every remaining split agrees is settled (not
    ambiguous, not flagged), the others stay ambiguous with the remaining splits as candidates."""
    what, ways = ("fewer numbers than columns", "placements") if r.kind == "placed" else ("glued digits", "splits")
    if r.rejoined:
        what = "numbers re-joined against their print"
    for i, k in enumerate(r.keys):
        c = cells[k]
        v = options[0][i]
        source = c.source if r.kind != "placed" else ("read" if v is not None else "blank")
        if r.rejoined:  # a reading against the print is never confident, however the identities decide
            source = "split" if v is not None else "blank"
            cells[k] = c.model_copy(update={
                "value": v, "ambiguous": True, "review": True, "source": source,
                "confidence": min(c.confidence, FAILED_CHECK_CONFIDENCE),
                "reason": f"{c.reason}; {len(options)} of {n_fit} readings left ({decided_by})"})
            continue
        if len({a[i] for a in options}) == 1:
            why = (f"{decided_by} chose this one" if len(options) == 1
                   else f"the {len(options)} {ways} left ({decided_by}) agree here")
            cells[k] = c.model_copy(update={
                "value": v, "ambiguous": False, "review": False, "candidates": None, "source": source,
                "confidence": SPLIT_UNIQUE_CONFIDENCE - 0.1, "reason": f"{what}: {n_fit} {ways} fit the row; {why}"})
        else:
            cells[k] = c.model_copy(update={
                "value": v, "ambiguous": True, "review": True, "source": source,
                "confidence": min(c.confidence, FAILED_CHECK_CONFIDENCE),
                "candidates": [list(a) for a in options[:10]],
                "reason": f"{what}: {len(options)} of {n_fit} {ways} that fit the row remain; {decided_by}"})


def infer_mixed_form(cells: dict[str, Cell], t: Template, assigned: set[str]) -> list[ReportWarning]:
    """keys.md: the three 2021 sub-rows of a single printed （六）其他处理 row are 0 where it is 0, else null."""
    notes = []
    for row in t.rows:
        if not (row.extra and row.replaces) or row.full_key not in assigned:
            continue
        if any(f"{row.section}.{r}" in assigned for r in row.replaces):
            continue
        notes.append(warning("mixed_form", f"{row.full_key} printed as one row; 2021 sub-rows inferred"))
        for col in row.columns:
            single = cells.get(f"{row.full_key}.{col}")
            v = single.value if single else None
            for rep in row.replaces:
                key = f"{row.section}.{rep}.{col}"
                if v == 0:
                    cells[key] = Cell(value=0, source="inferred", confidence=0.95, prov=single.prov if single else Provenance(),
                                      reason="（六）其他处理 printed as one row with 0 here; counts are never negative")
                else:
                    cells[key] = Cell(value=None, source="inferred", confidence=0.0, review=v is None,
                                      prov=single.prov if single else Provenance(),
                                      reason=f"（六）其他处理 printed as one row ({v}); its sub-rows cannot be told apart")
    return notes


def _holds_with_blanks_as_zero(c: Check, cells: dict[str, Cell]) -> bool:
    """A check skipped for a blank operand still holds when the blanks count nothing (a row of blanks beside
    a total of 0, or 26 … 总计 26); when it does not, a number was lost or misplaced (a value read into the
    wrong column, a year read as a count) and no cell of the check is confident."""
    def side(keys: list[str]) -> Number:
        return sum((cells[k].value or 0) if k in cells else 0 for k in keys)
    return close(side(c.lhs_keys), side(c.rhs_keys))


def _check_outcomes(cells: dict[str, Cell], checks: list[Check]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Per cell: the checks it fails (a skipped check that fails with blanks as 0 counts), and how many pass."""
    failed: dict[str, list[str]] = {}
    passed: dict[str, int] = {}
    for c in checks:
        doubtful = c.status == "skipped" and c.kind == "identity" and not _holds_with_blanks_as_zero(c, cells)
        for k in c.lhs_keys + c.rhs_keys:
            if c.status == "fail":
                failed.setdefault(k, []).append(c.id)
            elif doubtful:  # a blank cannot be told from a lost number here
                failed.setdefault(k, []).append(f"{c.id} (blank cells counted as 0)")
            elif c.status == "pass":
                passed[k] = passed.get(k, 0) + 1
    return failed, passed


def flag_cells(cells: dict[str, Cell], checks: list[Check]) -> None:
    """The review flag of every cell, from all the evidence: a cell in a failed check (identity or prose) is
    always flagged and its confidence capped; a cell whose identities all hold is confirmed by them (its
    confidence raised: an independent reading agrees); otherwise the reading's own confidence decides."""
    failed, passed = _check_outcomes(cells, checks)
    for k, cell in cells.items():
        upd: dict[str, object] = {}
        if k in failed:
            upd["review"] = True
            upd["confidence"] = min(cell.confidence, FAILED_CHECK_CONFIDENCE)
            extra = "in failed check " + ", ".join(failed[k][:3])
            upd["reason"] = f"{cell.reason}; {extra}" if cell.reason else extra
        elif passed.get(k) and cell.value is not None and not cell.ambiguous and cell.source in ("read", "split"):
            upd["confidence"] = round(1.0 - (1.0 - cell.confidence) * IDENTITY_SUPPORT_FACTOR, 4)
            upd["review"] = False
        elif cell.confidence < REVIEW_CONFIDENCE and cell.source not in ("blank", "inferred"):
            upd["review"] = True
        if upd:
            cells[k] = cell.model_copy(update=upd)

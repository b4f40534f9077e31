"""Validation and identity-driven decisions.

* ``check_identities``: every identity of the template evaluated and reported (numbers, pass/fail/skipped).
* ``resolve_alternatives``: where glued digits left several splits of a row, the table's identities pick
  one; cells stay flagged ambiguous only where the identities cannot decide.
* ``infer_mixed_form``: the 2021 sub-rows of a single printed （六）其他处理 row (keys.md).
* ``flag_cells``: a cell in a failed identity, or with low confidence, is marked for review.

Numbers are never changed silently: everything set here carries ``source`` and ``reason``.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..datamodel import Cell, Check, Number, Provenance
from ..templates import Identity, Template
from ..values.assign import SPLIT_UNIQUE_CONFIDENCE, RowReading

TOL = 1e-6
# Cells below this confidence are flagged for a person to check. Label scores of true rows are ≥ 86 on the
# seeds and real PDFs, so a read cell of a well-matched row stays above it; ambiguous splits (0.3) do not.
REVIEW_CONFIDENCE = 0.75


def _substitute(ident: Identity, cells: dict[str, Cell], t: Template) -> tuple[list[str], str | None]:
    """Mixed form: use the single （六）其他处理 cell in place of its three null 2021 sub-rows."""
    rhs = list(ident.rhs)
    note = None
    for row in t.rows:
        if not (row.extra and row.replaces):
            continue
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
        status = "pass" if abs(lhs - rhs) <= TOL else "fail"
    if isinstance(lhs, float):
        lhs = round(lhs, 6)
    if isinstance(rhs, float):
        rhs = round(rhs, 6)
    return Check(id=ident.id, text=ident.text, lhs_keys=list(ident.lhs), rhs_keys=rhs_keys, lhs=lhs, rhs=rhs,
                 status=status, note=note)  # type: ignore[arg-type]


def check_identities(cells: dict[str, Cell], t: Template) -> list[Check]:
    return [evaluate(i, cells, t) for i in t.identities]


def _passing(cells: dict[str, Cell], t: Template) -> int:
    return sum(1 for c in check_identities(cells, t) if c.status == "pass")


def resolve_alternatives(readings: list[RowReading], cells: dict[str, Cell], t: Template) -> None:
    """Pick, for each ambiguous glued row, the split under which most identities of the table hold."""
    amb = [r for r in readings if len(r.alternatives) > 1]
    for _ in range(3):  # coordinate ascent; rows rarely interact beyond two rounds
        changed = False
        for r in amb:
            scored = []
            for alt in r.alternatives:
                for k, v in zip(r.keys, alt, strict=True):
                    cells[k] = cells[k].model_copy(update={"value": v})
                scored.append((_passing(cells, t), alt))
            top = max(s for s, _ in scored)
            best = [a for s, a in scored if s == top]  # already in plausibility order
            for k, v in zip(r.keys, best[0], strict=True):
                cells[k] = cells[k].model_copy(update={"value": v})
            if len(best) < len(r.alternatives):
                changed = True
            r.alternatives = best if len(best) > 1 else r.alternatives
            _mark_split(r, best, len(scored), cells)
        if not changed:
            break


def _mark_split(r: RowReading, best: list[tuple[int, ...]], n_fit: int, cells: dict[str, Cell]) -> None:
    for i, k in enumerate(r.keys):
        differs = len({a[i] for a in best}) > 1
        if len(best) == 1:
            reason = f"glued digits: {n_fit} splits fit the row; the table's identities chose this one"
            cells[k] = cells[k].model_copy(update={"ambiguous": False, "review": False, "candidates": None,
                                                   "confidence": SPLIT_UNIQUE_CONFIDENCE - 0.1, "reason": reason})
        elif differs:
            cells[k] = cells[k].model_copy(update={
                "ambiguous": True, "review": True, "candidates": [list(a) for a in best[:10]],
                "reason": f"glued digits: {len(best)} splits fit the row and the identities; most plausible kept"})


def infer_mixed_form(cells: dict[str, Cell], t: Template, assigned: set[str]) -> list[str]:
    """keys.md: the three 2021 sub-rows of a single printed （六）其他处理 row are 0 where it is 0, else null."""
    notes = []
    for row in t.rows:
        if not (row.extra and row.replaces) or row.full_key not in assigned:
            continue
        if any(f"{row.section}.{r}" in assigned for r in row.replaces):
            continue
        notes.append(f"mixed form: {row.full_key} printed as one row; 2021 sub-rows inferred")
        for col in row.columns:
            single = cells.get(f"{row.full_key}.{col}")
            v = single.value if single else None
            for rep in row.replaces:
                key = f"{row.section}.{rep}.{col}"
                if v == 0:
                    cells[key] = Cell(value=0, source="inferred", confidence=0.95, prov=single.prov if single else Provenance(),
                                      reason=f"（六）其他处理 printed as one row with 0 here; counts are never negative")
                else:
                    cells[key] = Cell(value=None, source="inferred", confidence=0.0, review=v is None,
                                      prov=single.prov if single else Provenance(),
                                      reason=f"（六）其他处理 printed as one row ({v}); its sub-rows cannot be told apart")
    return notes


def flag_cells(cells: dict[str, Cell], checks: list[Check]) -> None:
    failed: dict[str, list[str]] = {}
    for c in checks:
        if c.status == "fail":
            for k in c.lhs_keys + c.rhs_keys:
                failed.setdefault(k, []).append(c.id)
    for k, cell in cells.items():
        upd: dict[str, object] = {}
        if k in failed:
            upd["review"] = True
            extra = "in failed identity " + ", ".join(failed[k][:3])
            upd["reason"] = f"{cell.reason}; {extra}" if cell.reason else extra
        elif cell.confidence < REVIEW_CONFIDENCE and cell.source not in ("blank", "inferred"):
            upd["review"] = True
        if upd:
            cells[k] = cell.model_copy(update=upd)

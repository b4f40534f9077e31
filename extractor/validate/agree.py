"""Two readers must agree: the structural reading of every row against the sequence reader's.

``matching.sequence`` reads the document's text in order and states a row only where the text leaves no
doubt (the row's own label right before exactly as many numbers as the row has columns). Here each such
row is compared, cell by cell, with what the structural reader (grid, PDF words, OCR boxes, line grammar)
put in the cells:

* the same value: the two independent readings agree, nothing changes;
* a different value (or a value where the structural reader has none): the row's cells go to review, with
  both readings of the row in ``candidates`` and the reason. The value kept is the one under which the
  template's identities around the row hold better (fewer failures, then more passes); on a tie the
  structural reading stays. A value taken from the sequence reader says so in ``reason`` (and the
  structural value stays in ``candidates``): numbers are never changed silently.

Contract: ``cross_check(cells, seq, t) -> Agreement`` (cells updated in place).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..datamodel import Cell, Number
from ..matching.sequence import SeqRow
from ..templates import Identity, Template
from . import TOL, evaluate

# Cells the two readers read differently keep at most this confidence (below REVIEW_CONFIDENCE).
DISAGREE_CONFIDENCE = 0.5


@dataclass
class Agreement:
    agreed: int = 0  # cells both readers read, with the same value
    disagreed: list[str] = field(default_factory=list)  # cells they read differently (now flagged)
    taken: list[str] = field(default_factory=list)  # ... of which the sequence reader's value was kept

    def summary(self) -> str | None:
        if not self.disagreed:
            return None
        return (f"readers disagree on {len(self.disagreed)} cells (structural reader vs. sequence reader; "
                f"sequence reading kept for {len(self.taken)} by the identities): "
                + ", ".join(self.disagreed[:8]))


def _row_keys(row_key: str, t: Template) -> list[str]:
    return t.review_keys() if row_key == "review" else t.row(row_key).cell_keys()


def _fit(keys: list[str], values: dict[str, Number | None], cells: dict[str, Cell],
         identities: list[Identity], t: Template) -> tuple[int, int]:
    """(failures, -passes) of the identities around ``keys`` with ``values`` in those cells."""
    trial = dict(cells)
    for k in keys:
        trial[k] = cells[k].model_copy(update={"value": values[k]}) if k in cells else Cell(value=values[k])
    fails = passes = 0
    for ident in identities:
        c = evaluate(ident, trial, t)
        if c.status == "pass":
            passes += 1
        elif c.status == "fail":
            fails += 1
        else:  # skipped: a blank operand; it fails when the blanks as 0 still do not add up
            lhs = sum((trial[k].value or 0) if k in trial else 0 for k in c.lhs_keys)
            rhs = sum((trial[k].value or 0) if k in trial else 0 for k in c.rhs_keys)
            fails += abs(lhs - rhs) > TOL
    return fails, -passes


def cross_check(cells: dict[str, Cell], seq: dict[str, SeqRow], t: Template) -> Agreement:
    out = Agreement()
    for row_key, sr in seq.items():
        keys = _row_keys(row_key, t)
        if len(keys) != len(sr.values) or any(k not in cells for k in keys):
            continue
        theirs: dict[str, Number | None] = dict(zip(keys, sr.values, strict=True))
        ours: dict[str, Number | None] = {k: cells[k].value for k in keys}
        differ = [k for k in keys if ours[k] != theirs[k]]
        out.agreed += len(keys) - len(differ)
        if not differ:
            continue
        around = [i for i in t.identities if set(keys) & (set(i.lhs) | set(i.rhs))]
        take = _fit(keys, theirs, cells, around, t) < _fit(keys, ours, cells, around, t)
        row_a, row_b = [ours[k] for k in keys], [theirs[k] for k in keys]
        for k, raw in zip(keys, sr.raw, strict=True):
            c = cells[k]
            why = (f"the sequence reader (text in reading order: {sr.label!r} then {len(keys)} numbers) "
                   f"reads {theirs[k]} where the structural reader read {ours[k]}")
            if k in differ:
                why += "; sequence reading kept: the identities hold better with it" if take else \
                    "; structural reading kept"
            else:
                why = "the row's other cells are read differently by the sequence reader"
            upd: dict[str, object] = {
                "review": True, "ambiguous": True, "confidence": min(c.confidence, DISAGREE_CONFIDENCE),
                "reason": f"{c.reason}; {why}" if c.reason else why,
                "candidates": [row_a, row_b],
            }
            if take and k in differ:
                upd.update(value=theirs[k], raw=raw, source="read")
            cells[k] = c.model_copy(update=upd)
        out.disagreed.extend(differ)
        if take:
            out.taken.extend(differ)
    return out


__all__ = ["DISAGREE_CONFIDENCE", "Agreement", "cross_check"]

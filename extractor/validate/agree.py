"""Two readers must agree: the structural reading of every row against the sequence reader's.

``matching.sequence`` reads the document's text in order and states a row only where the text leaves no
doubt (the row's own label right before exactly as many numbers as the row has columns). Here each such
row is compared, cell by cell, with what the structural reader (grid, PDF words, OCR boxes, line grammar)
put in the cells:

* the same value: the two independent readings agree, nothing changes;
* a different value (or a value where the structural reader has none): the row's cells go to review, with
  both readings of the row in ``candidates`` and the reason. The value kept is the one under which the
  template's identities around the row hold better (fewer failures, then more passes); on a tie the
  structural reading stays, unless the structural reader found nothing there (a row not found) or only
  guessed (one of several placements of a short row, or splits of glued digits). A value taken from the sequence reader says so in ``reason`` (and the
  structural value stays in ``candidates``): numbers are never changed silently.

Where the sequence reader also read a whole table by order and count alone (its number groups paired
with the template's rows in order), that reading replaces its label-anchored rows when, and only when,
every identity of the table holds with it.

Contract: ``cross_check(cells, seq, t, ocr) -> Agreement`` (cells updated in place).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..datamodel import Cell, Number
from ..matching.align import PAIRING_DOUBT
from ..matching.sequence import SeqReading, SeqRow
from ..templates import Identity, Template
from . import evaluate
from .arith import close

# Cells the two readers read differently keep at most this confidence (below REVIEW_CONFIDENCE).
DISAGREE_CONFIDENCE = 0.5


@dataclass
class Agreement:
    agreed: int = 0  # cells both readers read, with the same value
    disagreed: list[str] = field(default_factory=list)  # cells they read differently (now flagged)
    taken: list[str] = field(default_factory=list)  # ... of which the sequence reader's value was kept
    confirmed: list[str] = field(default_factory=list)  # cells whose label pairing a confirmed reading settles

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
    """(failures, -passes) of the identities around ``keys`` with ``values`` in those cells. A check skipped
    for a blank operand counts as it comes out with the blanks as 0 (a blank is no 0 to add, so a reading
    that turns blanks into 0s is not thereby better); one with a cell not found at all counts neither way."""
    trial = dict(cells)
    for k in keys:
        old = cells.get(k, Cell(value=None, source="missing"))
        trial[k] = old.model_copy(update={"value": values[k],
                                          "source": "read" if values[k] is not None else old.source})
    fails = passes = 0
    for ident in identities:
        c = evaluate(ident, trial, t)
        if c.status == "fail":
            fails += 1
        elif c.status == "pass":
            passes += 1
        elif all(k in trial and trial[k].source != "missing" for k in (*c.lhs_keys, *c.rhs_keys)):
            lhs = sum(trial[k].value or 0 for k in c.lhs_keys)
            rhs = sum(trial[k].value or 0 for k in c.rhs_keys)
            if not close(lhs, rhs):
                fails += 1
            else:
                passes += 1
    return fails, -passes


def _confirmed(reading: dict[str, SeqRow], section: str, t: Template) -> bool:
    """Every identity of the section holds (none skipped) with the reading's values in its cells; rows the
    reading's layout does not print are blank, and their own identities are not asked."""
    trial: dict[str, Cell] = {}
    for r in t.rows_of(section):
        for k in r.cell_keys():
            trial[k] = Cell(value=None)
    for row_key, sr in reading.items():
        for k, v in zip(_row_keys(row_key, t), sr.values, strict=True):
            trial[k] = Cell(value=v)
    printed = {k for row_key in reading for k in _row_keys(row_key, t)}
    # the section's identities, but those about a row the layout does not print (its sub-rows)
    idents = [i for i in t.identities if all(k.startswith(section + ".") for k in (*i.lhs, *i.rhs))
              and printed & set(i.lhs)]
    return bool(idents) and all(evaluate(i, trial, t).status == "pass" for i in idents)


def _section_holds(cells: dict[str, Cell], section: str, t: Template) -> bool:
    """Every identity of the section holds with the cells as they are."""
    idents = [i for i in t.identities if all(k.startswith(section + ".") for k in (*i.lhs, *i.rhs))]
    return all(evaluate(i, cells, t).status == "pass" for i in idents)


def _rows_to_compare(seq: SeqReading, cells: dict[str, Cell], t: Template
                     ) -> tuple[dict[str, SeqRow], set[str], set[str]]:
    """The label-anchored rows, except in a section read whole by order and count where exactly one row
    layout makes every identity of the table hold: there that reading stands (order and arithmetic say
    more than a label's position beside the numbers). Also the rows whose cells that reading decides: all
    rows of such a section where the structural reading breaks an identity (the identities then pick the
    whole table, not row by row: two rows swapped keep every column sum). And the rows of such a confirmed
    reading (the numbers' order and count and the table's arithmetic all agree on where each row is)."""
    rows = dict(seq.rows)
    decided: set[str] = set()
    confirmed: set[str] = set()
    for section, readings in seq.ordered.items():
        good = [r for r in readings if _confirmed(r, section, t)]
        if len(good) == 1:
            rows = {k: v for k, v in rows.items() if not k.startswith(section + ".")}
            rows.update(good[0])
            confirmed.update(good[0])
            if not _section_holds(cells, section, t):
                decided.update(good[0])
    return rows, decided, confirmed


def _section_fixes(rows: dict[str, SeqRow], cells: dict[str, Cell], t: Template) -> set[str]:
    """Per table: the rows the sequence reader reads otherwise, when putting all of its readings there at
    once makes fewer of the table's identities fail (rows swapped or shifted by one are set right together:
    no single row's change alone mends a column sum)."""
    out: set[str] = set()
    for section in ("active", "apply"):
        differ = {rk: sr for rk, sr in rows.items() if rk.startswith(section + ".")
                  and all(k in cells for k in _row_keys(rk, t))
                  and any(cells[k].value != v for k, v in zip(_row_keys(rk, t), sr.values, strict=True))}
        if not differ:
            continue
        keys = [k for rk in differ for k in _row_keys(rk, t)]
        theirs: dict[str, Number | None] = {
            k: v for rk, sr in differ.items() for k, v in zip(_row_keys(rk, t), sr.values, strict=True)}
        ours = {k: cells[k].value for k in keys}
        idents = [i for i in t.identities if all(k.startswith(section + ".") for k in (*i.lhs, *i.rhs))]
        if _fit(keys, theirs, cells, idents, t)[0] < _fit(keys, ours, cells, idents, t)[0]:
            out.update(differ)
    return out


# Confidence of a cell whose label pairing the order reading settled (as a uniquely decided split).
SETTLED_CONFIDENCE = 0.9


def _settle_pairing(cells: dict[str, Cell], keys: list[str], sr: SeqRow, ocr: bool) -> list[str]:
    """The structural reader was unsure which label a row's numbers belong to (``PAIRING_DOUBT``), and the
    whole table read by order and count, every identity holding, pairs them the same way: two readings
    and the arithmetic agree, so that doubt is settled. The cell is cleared for review only where that was
    its one doubt and its digits come from a text layer (on a scan both readers see the same OCR glyphs:
    their agreement confirms the pairing, not the digits)."""
    out = []
    for k in keys:
        c = cells[k]
        if not (c.reason and PAIRING_DOUBT in c.reason) or c.candidates:
            continue
        rest = c.reason.replace(f"; {PAIRING_DOUBT}", "").replace(PAIRING_DOUBT, "").strip("; ")
        note = f"label pairing confirmed by the sequence reader ({sr.label}; every identity of the table holds)"
        sole = not rest and not ocr
        cells[k] = c.model_copy(update={"ambiguous": not sole and c.ambiguous, "review": not sole and c.review,
                                        "confidence": max(c.confidence, SETTLED_CONFIDENCE) if sole else c.confidence,
                                        "reason": f"{rest}; {note}" if rest else note})
        out.append(k)
    return out


def cross_check(cells: dict[str, Cell], seq: SeqReading, t: Template, ocr: bool = False) -> Agreement:
    out = Agreement()
    rows, decided, confirmed = _rows_to_compare(seq, cells, t)
    together = _section_fixes(rows, cells, t) - decided
    for row_key, sr in rows.items():
        keys = _row_keys(row_key, t)
        if len(keys) != len(sr.values) or any(k not in cells for k in keys):
            continue
        theirs: dict[str, Number | None] = dict(zip(keys, sr.values, strict=True))
        ours: dict[str, Number | None] = {k: cells[k].value for k in keys}
        differ = [k for k in keys if ours[k] != theirs[k]]
        out.agreed += len(keys) - len(differ)
        if not differ:
            if row_key in confirmed:
                out.confirmed.extend(_settle_pairing(cells, keys, sr, ocr))
            continue
        if row_key in decided:
            take, how = True, "the whole table read by order makes every identity hold, the structural one does not"
        elif row_key in together:
            take, how = True, "with all its rows read so, fewer of the table's identities fail"
        else:
            around = [i for i in t.identities if set(keys) & (set(i.lhs) | set(i.rhs))]
            fit_theirs, fit_ours = _fit(keys, theirs, cells, around, t), _fit(keys, ours, cells, around, t)
            # a cell the structural reader did not find, or only guessed (one of several placements or
            # splits), is no reading: there the other one stands unless the identities speak against it
            unread = all(cells[k].source == "missing" or cells[k].ambiguous for k in differ)
            take = fit_theirs < fit_ours or (unread and fit_theirs[0] <= fit_ours[0])
            how = "the identities hold better with it" if fit_theirs < fit_ours else \
                "the structural reader found none, or only guessed"
        row_a, row_b = [ours[k] for k in keys], [theirs[k] for k in keys]
        for k, raw in zip(keys, sr.raw, strict=True):
            c = cells[k]
            why = (f"the sequence reader (text in reading order: {sr.label}) "
                   f"reads {theirs[k]} where the structural reader read {ours[k]}")
            if k in differ:
                why += f"; sequence reading kept: {how}" if take else "; structural reading kept"
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

"""Identity-driven repair of OCR readings. Only for documents read by OCR: a text layer is what the office
printed, and its inconsistencies are reported, never edited.

* ``infer_hidden``: a cell with no reading (blank on the scan, hidden under a stamp, unreadable) that an
  identity determines — every other operand known — to be non-zero is filled, ``source="inferred"``,
  with the identities (a determined 0 stays blank: that is what a blank cell says).
* ``repair_confusions``: where identities fail and changing ONE cell by a usual OCR confusion (O/0, l/1,
  B/8, S/5, Z/2, 6/8, 3/8, ... or a dropped or doubled digit) makes every identity hold, the cell is
  corrected, ``source="repaired"``, its original reading kept in ``raw`` and the reason given.
"""

from __future__ import annotations

from ..datamodel import Cell, Number
from ..templates import Identity, Template
from .arith import holds, solve

# Digits PP-OCR mistakes for one another on 150–200 dpi scans (and the letters that stand for digits).
CONFUSABLE: dict[str, str] = {
    "0": "689", "1": "74", "2": "7", "3": "85", "4": "19", "5": "63", "6": "8503", "7": "12",
    "8": "03695", "9": "084",
}
# A repair needs at least this many identities that the corrected value makes hold.
MIN_SUPPORT = 1


def _involving(t: Template) -> dict[str, list[Identity]]:
    out: dict[str, list[Identity]] = {}
    for i in t.identities:
        for k in (*i.lhs, *i.rhs):
            out.setdefault(k, []).append(i)
    return out


def _open(c: Cell, in_failing: bool) -> bool:
    """A cell the identities may fill: no reading, or a reading under a seal (OCR confidence halved) that
    takes part in an identity that fails."""
    if c.value is None:
        return c.source in ("blank", "missing")
    return in_failing and c.source == "read" and c.reading == "ocr_under_seal"


def infer_hidden(cells: dict[str, Cell], t: Template) -> list[str]:
    """Fill cells with no reading — and re-decide readings under a seal — where the identities determine
    them; returns the keys changed."""
    inv = _involving(t)
    known = {k: c.value for k, c in cells.items()}
    failing = {k for i in t.identities if holds(i, known) is False for k in (*i.lhs, *i.rhs)}
    soft = {k for k, c in cells.items() if k in inv and _open(c, k in failing)}
    values = {k: (None if k in soft else c.value) for k, c in cells.items()}
    solved: dict[str, tuple[Number, list[str]]] = {}
    changed = True
    while changed:
        changed = False
        for key in sorted(soft - set(solved)):
            sols = {i.id: solve(i, key, values) for i in inv[key]}
            found = {v for v in sols.values() if v is not None}
            if len(found) != 1:
                continue
            v = found.pop()
            c = cells[key]
            # 0 is what a blank cell already says in these tables: keep it blank (null, never 0). A non-zero
            # value means a number was printed there and not read (damage). A cell under a seal may hide
            # anything, 0 included.
            if v < 0 or (v == 0 and c.source == "blank"):
                continue
            values[key] = v
            solved[key] = (v, [i for i, s in sols.items() if s is not None])
            changed = True
    filled = []
    for key, (v, support) in solved.items():
        c = cells[key]
        if c.value == v:
            continue  # the reading under the seal is confirmed
        why = ", ".join(support[:3])
        upd: dict[str, object]
        if c.value is None:
            upd = {"source": "inferred", "reason": f"no reading on the scan (blank, seal or damage); determined by {why}"}
        else:
            upd = {"source": "repaired", "raw": c.raw,
                   "reason": f"OCR read {c.value} under a seal; the identities {why} determine {v}"}
        cells[key] = c.model_copy(update={**upd, "value": v, "confidence": 0.9 if len(support) > 1 else 0.7,
                                          "review": len(support) < 2})
        filled.append(key)
    return filled


def is_confusion(raw_digits: str, new: Number) -> bool:
    """One confusable digit changed, or one digit dropped or doubled, between the reading and ``new``."""
    s, n = raw_digits, str(new)
    if not s.isdigit() or not n.isdigit():
        return False
    if len(s) == len(n):
        diff = [(a, b) for a, b in zip(s, n, strict=True) if a != b]
        return len(diff) == 1 and diff[0][1] in CONFUSABLE.get(diff[0][0], "")
    if len(n) == len(s) + 1:  # a digit dropped by OCR
        return any(n[:i] + n[i + 1:] == s for i in range(len(n)))
    if len(s) == len(n) + 1:  # a digit doubled by OCR
        return any(s[:i] + s[i + 1:] == n and i > 0 and s[i] == s[i - 1] for i in range(len(s)))
    return False


def repair_confusions(cells: dict[str, Cell], t: Template) -> list[str]:
    """Correct one cell per failing group of identities when a single OCR-plausible change makes every
    identity of the table hold; returns the keys repaired."""
    inv = _involving(t)
    values = {k: c.value for k, c in cells.items()}
    failing = [i for i in t.identities if holds(i, values) is False]
    if not failing:
        return []
    keys = {k for i in failing for k in (*i.lhs, *i.rhs)}
    fixes = []
    for key in sorted(keys):
        c = cells.get(key)
        if c is None or c.value is None or c.source not in ("read", "split") or not isinstance(c.value, int):
            continue
        sols = {solve(i, key, values) for i in failing if key in (*i.lhs, *i.rhs)}
        if len(sols) != 1:
            continue
        v = sols.pop()
        under_seal = c.reading == "ocr_under_seal"  # read under a seal: any misreading, not only a usual confusion
        if v is None or v < 0 or not (under_seal or is_confusion(str(abs(c.value)), v)):
            continue
        trial = {**values, key: v}
        if all(holds(i, trial) is not False for i in t.identities):
            fixes.append((key, v, [i.id for i in inv[key] if holds(i, trial)]))
    if len(fixes) != 1:  # none, or several single-cell fixes: the identities cannot tell which
        return []
    key, v, support = fixes[0]
    if len(support) < MIN_SUPPORT:
        return []
    c = cells[key]
    cells[key] = c.model_copy(update={
        "value": v, "source": "repaired", "confidence": 0.8, "review": True,
        "reason": f"OCR read {c.value} ({c.raw!r}); {v} makes every identity hold ({', '.join(support[:3])})",
    })
    return [key]

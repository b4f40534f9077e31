"""Put a matched row's value tokens into the template's columns.

Contract: ``read_row(cell_keys, tokens, label_score, rule) -> RowReading``. A blank stays null
(source "blank"), a cell the row does not have is null with source "missing", digits glued into one token
are split (values/glue.py) and every alternative that fits is kept for validate/ to choose from.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from ..datamodel import Cell, Provenance, ValueToken
from .glue import NO_RULE, RowRule, Split, plausibility, split_row, split_row_closest, split_with_blanks
from .parse import is_digit_blob, parse_value, split_unit, strip_edge_glyphs

# Confidence of a value read from glued digits when only one split fits the row (its own identity held).
SPLIT_UNIQUE_CONFIDENCE = 0.9
# Several splits fit: the most plausible is reported, flagged for review.
SPLIT_AMBIGUOUS_CONFIDENCE = 0.3
# The reason on the blank cells of a row that has a label and no text in any of its value cells.
EMPTY_ROW_REASON = "no text in this cell (the row has no value in any column)"


@dataclass
class RowReading:
    keys: list[str]
    cells: dict[str, Cell]
    alternatives: list[Split] = field(default_factory=list)  # >1 only for an ambiguous glued row
    raw: str = ""
    prov: Provenance = field(default_factory=Provenance)
    # >1 only for a row with fewer numbers than columns: the ways its numbers go in order into its cells
    # (None: a cell left blank)
    placements: list[PlacedSplit] = field(default_factory=list)
    # the row's numbers were re-joined against their print (``_rejoined``): no cell of it is ever confident
    rejoined: bool = False

    @property
    def kind(self) -> str:
        return "placed" if self.placements else "glued"


PlacedSplit = tuple[int | float | None, ...]
# Placements of a short row tried at most: every placement of the widest row, the 15-cell review row
# (C(15, 7) = 6435 at most). A row with more is not placed at all: a partial enumeration would call cells
# settled that a placement left out reads otherwise.
MAX_PLACEMENTS = 6435
# A short row's numbers as written are standalone numbers: no leading zero ("00" is two glued cells).
_STANDALONE = re.compile(r"^[+\-]?(?:0|[1-9]\d*)(?:\.\d+)?$")


def _trim(tokens: list[ValueToken], k: int) -> tuple[list[ValueToken], str | None]:
    toks = list(tokens)
    while len(toks) > k and toks[-1].empty:
        toks.pop()
    while len(toks) > k and toks[0].empty:
        toks.pop(0)
    if len(toks) > k:
        filled = [t for t in toks if not t.empty]
        if len(filled) == k:
            return filled, None
        return toks[:k], f"row has {len(filled)} values for {k} columns; extra values ignored"
    return toks, None


# Letters OCR returns for digits (O/0, l/1/I, B/8, S/5, Z/2): mapped only in cells read by OCR.
OCR_LETTERS = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1",
                             "B": "8", "S": "5", "s": "5", "Z": "2", "z": "2", "G": "6", "b": "6", "q": "9"})


def _read(key: str, tok: ValueToken, conf: float) -> Cell:
    return _read_token(tok, conf).model_copy(update={"reading": tok.reading})


def _read_token(tok: ValueToken, conf: float) -> Cell:
    p = parse_value(tok.text)
    ocr = tok.reading != "text"
    if tok.empty or p.kind == "blank":
        if tok.empty and tok.reading == "hidden_by_seal":  # no text read where a seal covers the cell
            return Cell(value=None, raw="", source="missing", confidence=0.0, review=True, prov=tok.prov,
                        reason="nothing readable in this cell of the scan: a seal covers it")
        if tok.empty and tok.reading == "blank_on_scan":  # a column with no box on a scan
            return Cell(value=None, raw="", source="blank", confidence=0.5, prov=tok.prov,
                        reason="no text read in this cell of the scan")
        return Cell(value=None, raw=tok.text, source="blank", confidence=conf, prov=tok.prov)
    if p.kind == "text" and ocr:
        q = parse_value(tok.text.translate(OCR_LETTERS))
        if q.kind == "number":
            return Cell(value=q.value, raw=tok.text, unit=q.unit, source="repaired", confidence=min(conf, 0.8),
                        review=True, prov=tok.prov, reason=f"OCR letters read as digits: {tok.text!r} -> {q.value}")
        e = strip_edge_glyphs(tok.text)
        if e is not None:
            return Cell(value=e.value, raw=tok.text, unit=e.unit, source="repaired", confidence=min(conf, 0.5),
                        review=True, prov=tok.prov,
                        reason=f"OCR read seal or rule strokes beside the digits: {tok.text!r} -> {e.value}")
    if p.kind == "text":
        return Cell(value=None, raw=tok.text, source="missing", confidence=0.0, review=True,
                    reason="cell text is not a number", prov=tok.prov)
    return Cell(value=p.value, raw=tok.text, unit=p.unit, source="read", confidence=conf, prov=tok.prov)


def _missing(reason: str, prov: Provenance | None = None) -> Cell:
    return Cell(value=None, source="missing", confidence=0.0, review=True, reason=reason, prov=prov or Provenance())


def _glued(keys: list[str], toks: list[ValueToken], conf: float, rule: RowRule) -> RowReading:
    parts = [split_unit(t.text) for t in toks]
    texts = [d for d, _ in parts]
    unit = parts[-1][1]
    raw = " ".join(t.text.strip() for t in toks)
    prov = toks[0].prov
    alts = split_row(texts, len(keys), rule)
    note = "glued digits split"
    if not alts and rule.kind != "none":
        alts = split_row_closest(texts, len(keys), rule)[:10]
        note = "glued digits: no split satisfies the row's own total (the source breaks it)"
        conf = min(conf, SPLIT_AMBIGUOUS_CONFIDENCE)
    if not alts:
        why = f"glued digits cannot be split into {len(keys)} cells"
        return RowReading(keys, {k: _missing(why, prov) for k in keys}, [], raw, prov)
    best = alts[0]
    cells: dict[str, Cell] = {}
    for i, k in enumerate(keys):
        differs = len(alts) > 1 and len({a[i] for a in alts}) > 1
        cells[k] = Cell(
            value=best[i], raw=raw, unit=unit if i == len(keys) - 1 else None, source="split", prov=prov,
            confidence=SPLIT_AMBIGUOUS_CONFIDENCE if differs else min(conf, SPLIT_UNIQUE_CONFIDENCE),
            ambiguous=differs, review=differs, candidates=[list(a) for a in alts[:10]] if differs else None,
            reason=f"{note}; {len(alts)} splits fit, most plausible kept" if len(alts) > 1
            else f"{note}; the only split that fits the row",
        )
    return RowReading(keys, cells, alts if len(alts) > 1 else [], raw, prov)


def _glued_with_blanks(keys: list[str], toks: list[ValueToken], conf: float) -> RowReading:
    rows = split_with_blanks([None if t.empty else split_unit(t.text)[0] for t in toks], len(keys))
    raw = " ".join(t.text.strip() or "\u00a0" for t in toks)
    prov = toks[0].prov
    if not rows:
        return RowReading(keys, {k: _missing("glued digits and blanks do not fill the row", prov) for k in keys},
                          [], raw, prov)
    cells: dict[str, Cell] = {}
    for i, k in enumerate(keys):
        vals = {r[i] for r in rows}
        differs = len(vals) > 1
        v = rows[0][i]
        if v is None and not differs:
            cells[k] = Cell(value=None, raw=raw, source="blank", confidence=conf, prov=prov)
            continue
        cells[k] = Cell(value=v, raw=raw, source="split", prov=prov, ambiguous=differs, review=differs,
                        confidence=SPLIT_AMBIGUOUS_CONFIDENCE if differs else min(conf, SPLIT_UNIQUE_CONFIDENCE),
                        candidates=[list(r) for r in rows[:10]] if differs else None,
                        reason="glued digits beside blank cells" + (f"; {len(rows)} splits fit" if differs else ""))
    return RowReading(keys, cells, [], raw, prov)


def _placements(values: list[int | float], k: int, rule: RowRule) -> list[PlacedSplit]:
    """Every way to put a short row's numbers, in their order, into ``k`` cells (None: a cell left blank),
    those satisfying the row's own identities first (a blank counts 0; a row rule's total is never blank),
    then the template's usually-zero prior, then the leftmost cells filled first."""
    out: list[tuple[int, tuple[int, int, int], tuple[int, ...], PlacedSplit]] = []
    for pos in itertools.combinations(range(k), len(values)):  # at most MAX_PLACEMENTS (``_placed``)
        row: list[int | float | None] = [None] * k
        for p, v in zip(pos, values, strict=True):
            row[p] = v
        zero = tuple(0 if v is None else v for v in row)
        holds = rule.holds(zero) and (rule.kind != "sum_last" or row[-1] is not None)
        out.append((0 if holds else 1, plausibility(zero, rule.usually_zero), pos, tuple(row)))
    out.sort(key=lambda x: x[:3])
    if rule.kind != "none" and out and out[0][0] == 0:
        out = [o for o in out if o[0] == 0]
    return [o[3] for o in out]


_LEADING_ZERO = re.compile(r"^0\d+$")


def _unglue_leading_zeros(toks: list[ValueToken]) -> list[ValueToken]:
    """A token with a leading zero ("00000") is never one cell: in a row with fewer digits than columns it
    is that many cells of one digit each (``0 00000`` for 7 columns: six zeros and a blank somewhere)."""
    out: list[ValueToken] = []
    for t in toks:
        if _LEADING_ZERO.match(t.text.strip()):
            out.extend(t.model_copy(update={"text": ch}) for ch in t.text.strip())
        else:
            out.append(t)
    return out


def _placed(keys: list[str], toks: list[ValueToken], conf: float, rule: RowRule) -> RowReading | None:
    """A row printed with fewer numbers than columns (a converter dropped its empty cells): the numbers go
    into the cells in order, each way kept as an alternative for validate/ to decide by the table's
    identities. Only cells on which every placement agrees are confident."""
    vals: list[int | float] = []
    for t in toks:
        p = parse_value(t.text)
        digits, _ = split_unit(t.text)
        if p.kind != "number" or p.value is None or not _STANDALONE.match(digits.replace(",", "")):
            return None
        vals.append(p.value)
    if math.comb(len(keys), len(vals)) > MAX_PLACEMENTS:
        return None
    alts = _placements(vals, len(keys), rule)
    if not alts:
        return None
    raw = " ".join(t.text.strip() for t in toks)
    prov = toks[0].prov
    best = alts[0]
    tok_at = {}
    it = iter(toks)
    for i, v in enumerate(best):
        if v is not None:
            tok_at[i] = next(it)
    cells: dict[str, Cell] = {}
    n = f"row has {len(toks)} numbers for {len(keys)} columns"
    for i, key in enumerate(keys):
        agree = len({a[i] for a in alts}) == 1
        v = best[i]
        tp = tok_at[i].prov if i in tok_at else prov
        why = f"{n}; placed in order, {len(alts)} placements fit the row" + (
            "; every placement agrees here" if agree else ", most plausible kept")
        c_conf = min(conf * (tok_at[i].confidence if i in tok_at else 1.0), SPLIT_UNIQUE_CONFIDENCE) if agree \
            else SPLIT_AMBIGUOUS_CONFIDENCE
        cells[key] = Cell(value=v, raw=tok_at[i].text if i in tok_at else "", source="read" if v is not None else "blank",
                          unit=parse_value(tok_at[i].text).unit if i in tok_at else None,
                          confidence=c_conf, prov=tp, ambiguous=not agree, review=not agree, reason=why,
                          candidates=[list(a) for a in alts[:10]] if not agree else None)
    return RowReading(keys, cells, [], raw, prov, placements=alts if len(alts) > 1 else [])


# Rows with more digit tokens than this are not re-joined (C(23, 6) joinings of a 7-cell row).
MAX_JOIN_TOKENS = 24
# Confidence of cells joined from digit tokens in a row with no identity of its own (below REVIEW_CONFIDENCE).
JOIN_UNCHECKED_CONFIDENCE = 0.5


_DIGITS_OR_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")


def _joinings(digits: list[str], k: int, rule: RowRule) -> list[Split]:
    """Every way to join consecutive digit tokens into ``k`` cells (a cell's digits printed apart: Word
    HTML puts each digit run in a <span>, and converters write each span on a line or behind a space),
    cells being valid numbers (no leading zero), those satisfying the row's identities, most plausible
    first."""
    n = len(digits)
    found: list[Split] = []
    for cuts in itertools.islice(itertools.combinations(range(1, n), k - 1), MAX_PLACEMENTS * 10):
        bounds = (0, *cuts, n)
        spans = list(itertools.pairwise(bounds))
        # a decimal part ends its cell: "1" "94.79" is 194.79, "94.79" "1" is never 94.791
        if any("." in d for a, b in spans for d in digits[a:b - 1]):
            continue
        parts = ["".join(digits[a:b]) for a, b in spans]
        if all(_STANDALONE.match(p) for p in parts):
            split = tuple(float(p) if "." in p else int(p) for p in parts)
            if rule.holds(split):
                found.append(split)
    return sorted(set(found), key=lambda sp: plausibility(sp, rule.usually_zero))


def _joined(keys: list[str], toks: list[ValueToken], conf: float, rule: RowRule) -> RowReading | None:
    digits = [t.text.strip() for t in toks]
    if len(digits) > MAX_JOIN_TOKENS or not all(_DIGITS_OR_DECIMAL.match(d) for d in digits):
        return None
    alts = _joinings(digits, len(keys), rule)
    if not alts:
        return None
    raw = " ".join(digits)
    prov = toks[0].prov
    best = alts[0]
    cells: dict[str, Cell] = {}
    # with no identity inside the row, even the only joining is a guess about the print (a decimal part or
    # a unit may have been left elsewhere): flagged, never confident
    unchecked = rule.kind == "none"
    for i, key in enumerate(keys):
        differs = len({a[i] for a in alts}) > 1
        cells[key] = Cell(
            value=best[i], raw=raw, source="split", prov=prov, ambiguous=differs, review=differs or unchecked,
            confidence=SPLIT_AMBIGUOUS_CONFIDENCE if differs else
            min(conf, JOIN_UNCHECKED_CONFIDENCE if unchecked else SPLIT_UNIQUE_CONFIDENCE),
            candidates=[list(a) for a in alts[:10]] if differs else None,
            reason=f"{len(toks)} numbers for {len(keys)} columns: digits of a cell printed apart, joined; "
                   + (f"{len(alts)} joinings fit, most plausible kept" if differs else "the only joining that fits"))
    return RowReading(keys, cells, alts if len(alts) > 1 else [], raw, prov)


REJOINED_REASON = ("{n} numbers for {k} columns do not fit the row's total as printed: read as a cell's digits "
                   "printed apart beside a vanished blank, joined (the printed reading is the last candidate)")


def _num(d: str) -> int | float:
    return float(d) if "." in d else int(d)


# A row read with as many numbers as columns may hide a cell printed in two pieces beside a blank that
# vanished ("13 0 0 0 0 _ 1 3"); that many pieces are tried joined at most.
MAX_REJOINED = 2


def _rejoined(keys: list[str], toks: list[ValueToken], conf: float, rule: RowRule) -> RowReading | None:
    """A row with as many numbers as columns that breaks its own identity (总计 ≠ the sum), or with more
    that no joining into exactly its columns fits: Word HTML flattened to text prints a cell's digits in
    pieces ("1" "3" for 13) where a blank cell vanished beside it, so the count fits by accident. Every way to join neighbouring numbers (up to
    ``MAX_REJOINED`` joins) and place the result in order with blanks that the row's identity allows is an
    alternative; validate/ decides among them by the table's identities. None when the row holds as
    read, has no identity, or no such reading fits."""
    digits = [t.text.strip() for t in toks]
    # only an apply row: its column identities check a joining too (a review row's group total is its only
    # check, and a misprinted total would be "mended" by joining two of its cells)
    if rule.kind != "sum_last" or not all(d.isdigit() and _STANDALONE.match(d) for d in digits):
        return None
    k, n = len(keys), len(digits)
    if n == k and rule.holds(tuple(int(d) for d in digits)):
        return None
    found: list[PlacedSplit] = []
    for m in range(min(n - 1, k), max(0, n - 1 - MAX_REJOINED), -1):
        for joined in _joinings(digits, m, NO_RULE):
            for placed in (_placements(list(joined), k, rule) if m < k else [joined]):
                zero = tuple(0 if v is None else v for v in placed)
                if rule.holds(zero) and (rule.kind != "sum_last" or placed[-1] is not None):
                    found.append(placed)
    alts = sorted(set(found), key=lambda a: (plausibility(tuple(0 if v is None else v for v in a), rule.usually_zero),
                                             tuple(v is None for v in a)))
    if not alts:
        return None
    raw = " ".join(digits)
    best = alts[0]
    cells: dict[str, Cell] = {}
    for i, key in enumerate(keys):
        differs = len({a[i] for a in alts}) > 1
        # never confident: the print says otherwise, and a misprinted total would be "mended" the same way
        cells[key] = Cell(
            value=best[i], raw=raw, source="split" if best[i] is not None else "blank", prov=toks[0].prov,
            ambiguous=True, review=True, confidence=SPLIT_AMBIGUOUS_CONFIDENCE,
            candidates=[list(a) for a in alts[:10]] + [[_num(d) for d in digits]],
            reason=REJOINED_REASON.format(n=n, k=k) + f"; {len(alts)} readings fit the row"
                   + ("" if differs else ", all agree here"))
    return RowReading(keys, cells, [], raw, toks[0].prov, placements=alts if len(alts) > 1 else [], rejoined=True)


def _reshaped(keys: list[str], toks: list[ValueToken], conf: float, rule: RowRule) -> RowReading | None:
    """A row whose numbers are not one per column as printed: glued digits (beside blanks or not), fewer
    numbers than columns, or a count that fits only by accident. None: read position by position."""
    k = len(keys)
    filled = [t for t in toks if not t.empty]
    if any(t.glued for t in filled) and any(t.empty for t in toks) and len(toks) < k:
        return _glued_with_blanks(keys, toks, conf)
    ndigits = [len(split_unit(t.text)[0].lstrip("+-").partition(".")[0]) for t in filled]
    if len(toks) < k and filled and all(is_digit_blob(t.text) for t in filled) and sum(ndigits) >= k \
            and max(ndigits) > 1:
        return _glued(keys, filled, conf, rule)
    if any(t.glued for t in toks) or not filled or len(filled) != len(toks):
        return None
    if len(toks) < k:
        return _placed(keys, _unglue_leading_zeros(toks) if sum(ndigits) < k else toks, conf, rule)
    return _rejoined(keys, toks, conf, rule) if len(toks) == k else None


WEAK_BLANK_REASON = ("blank: the cell is told only by white space in the text (a line of spaces, a non-breaking "
                     "space), and the row holds it as a cell")
WEAK_DOUBT_REASON = ("a non-breaking space read as a blank cell and read as padding gives two readings that "
                     "both fit the row")


def _weak_variants(tokens: list[ValueToken], k: int) -> list[list[ValueToken]]:
    """The ways to take the row's empty positions that may be padding (tables/rows.py ``weak`` tokens): as
    blank cells where the row can hold them — a line of white space among one-number lines when, with
    them, the row has exactly ``k`` positions; a non-breaking space between glued digits when it has at
    most ``k`` (each position holds a cell or more) — and as nothing. "0&nbsp;" in every cell of a row,
    flattened to "0 0 0 0 0  00", is 13 positions for 7 cells: padding only."""
    if not any(t.weak for t in tokens):
        return [tokens]
    strong = [t for t in tokens if not t.weak]
    if not strong:
        return [tokens]  # a row of nothing but non-breaking spaces is a row of blank cells
    glued = any(t.glued for t in strong)
    if (len(tokens) == k and not glued) or (glued and len(tokens) <= k):
        return [tokens, strong]
    return [strong]


def _doubt(rd: RowReading, rule: RowRule) -> tuple[int, int, int]:
    """How doubtful a reading of a row is: the row's own identities it breaks (blanks count 0), its cells
    missing, its cells doubted."""
    cells = [rd.cells[k] for k in rd.keys]
    values = tuple(c.value or 0 for c in cells)
    ok, n = rule.count(values) if all(c.source != "missing" for c in cells) else (0, 0)
    return (n - ok, sum(c.source == "missing" for c in cells), sum(c.review for c in cells))


def read_row(keys: list[str], tokens: list[ValueToken], label_score: float,
             rule: RowRule = NO_RULE) -> RowReading:
    readings = [_read_row(keys, v, label_score, rule) for v in _weak_variants(tokens, len(keys))]
    doubts = [_doubt(r, rule) for r in readings]
    rd = readings[doubts.index(min(doubts))]  # ties: blanks kept (the first reading)
    if len(readings) > 1 and doubts[0] == doubts[1]:
        other = readings[1]
        for k in [k for k in keys if rd.cells[k].value != other.cells[k].value]:
            c = rd.cells[k]
            rd.cells[k] = c.model_copy(update={
                "review": True, "ambiguous": True, "confidence": min(c.confidence, SPLIT_AMBIGUOUS_CONFIDENCE),
                "candidates": [[rd.cells[j].value for j in keys], [other.cells[j].value for j in keys]],
                "reason": f"{c.reason}; {WEAK_DOUBT_REASON}" if c.reason else WEAK_DOUBT_REASON})
    if any(t.reading != "text" for t in tokens):  # cells split or placed from OCR tokens were read by OCR
        rd.cells = {k: c.model_copy(update={"reading": "ocr"}) if c.reading == "text" else c
                    for k, c in rd.cells.items()}
    return rd


def _read_row(keys: list[str], tokens: list[ValueToken], label_score: float,
              rule: RowRule = NO_RULE) -> RowReading:
    k = len(keys)
    conf_label = max(0.0, min(1.0, label_score / 100.0))
    filled_all = [t for t in tokens if not t.empty]
    if len(filled_all) > k and not any(t.glued for t in filled_all):
        joined = _joined(keys, filled_all, conf_label, rule) or _rejoined(keys, filled_all, conf_label, rule)
        if joined is not None:
            return joined
    toks, note = _trim(tokens, k)
    filled = [t for t in toks if not t.empty]
    raw = " ".join(t.text for t in toks)
    prov = toks[0].prov if toks else Provenance()
    reshaped = None if note else _reshaped(keys, toks, conf_label, rule)
    if reshaped is not None:
        return reshaped
    cells: dict[str, Cell] = {}
    for i, key in enumerate(keys):
        if i < len(toks):
            cells[key] = _read(key, toks[i], conf_label * toks[i].confidence)
            if toks[i].weak:
                cells[key] = cells[key].model_copy(update={"reason": WEAK_BLANK_REASON})
            if note:
                cells[key] = cells[key].model_copy(update={"review": True, "reason": note})
        else:
            cells[key] = _missing(f"row has {len(toks)} cells for {k} columns", prov)
    if toks and not filled:  # the row is printed with every value cell empty
        if len(toks) < k:  # ... in fewer cells than the row has: the blanks are a guess, not a reading
            cells = {key: c.model_copy(update={"review": True, "confidence": min(c.confidence, SPLIT_AMBIGUOUS_CONFIDENCE),
                                               "reason": f"{EMPTY_ROW_REASON}; only {len(toks)} of {k} cells printed"})
                     for key, c in cells.items()}
        cells = {key: c.model_copy(update={"reason": EMPTY_ROW_REASON}) if c.source == "blank" and c.reason is None
                 else c for key, c in cells.items()}
    return RowReading(keys, cells, [], raw, prov)

"""Parse the text of one cell into a value: a number (int, or float where written with decimals),
a blank, or text that is no value at all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

import yaml

from .._text import nfkc
from ..templates import models_dir

Kind = Literal["number", "blank", "text"]


@dataclass(frozen=True)
class ParsedValue:
    kind: Kind
    value: int | float | None = None
    unit: str | None = None


@cache
def _lexicon() -> tuple[frozenset[str], tuple[str, ...]]:
    data = yaml.safe_load((models_dir() / "lexicon" / "blank_markers.yaml").read_text(encoding="utf-8"))
    units = tuple(sorted(data["units"], key=len, reverse=True))
    return frozenset(nfkc(b).strip() for b in data["blank"]), units


@cache
def _number_re() -> re.Pattern[str]:
    _, units = _lexicon()
    unit_alt = "|".join(re.escape(u) for u in units)
    return re.compile(
        r"^(?P<sign>[+\-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d+))?\s*(?P<unit>" + unit_alt + r")?$"
    )


_SPACES = re.compile(r"[\s\u3000\xa0]+")

# No cell of the templates holds a number this long, even a whole row of glued cells (15 cells of at most
# 12 digits): longer digit runs are text (and Python refuses to convert runs over 4300 digits to int).
MAX_NUMBER_DIGITS = 200


@lru_cache(maxsize=262144)  # a document's cell texts repeat ("0", "—", labels); ParsedValue is frozen
def parse_value(text: str) -> ParsedValue:
    """``"+156"`` -> 156, ``"-18"`` -> -18, ``"3189300元"`` -> 3189300 (unit 元),
    ``"12.50万元"`` -> 12.5 (unit 万元), ``"—"``/``"无"``/``"/"``/``""`` -> blank, else text."""
    t = nfkc(text).strip(" \t\r\n\u3000\xa0")
    blanks, _ = _lexicon()
    if t in blanks:
        return ParsedValue("blank")
    m = _number_re().match(t)
    if not m:
        return ParsedValue("text")
    digits = m.group("int").replace(",", "")
    if len(digits) + len(m.group("dec") or "") > MAX_NUMBER_DIGITS:
        return ParsedValue("text")
    sign = -1 if m.group("sign") == "-" else 1
    value: int | float
    if m.group("dec") is not None:
        value = sign * float(f"{digits}.{m.group('dec')}")
    else:
        value = sign * int(digits)
    return ParsedValue("number", value, m.group("unit"))



_DIGIT_BLOB = re.compile(r"^(?P<digits>[+\-]?\d+(?:\.\d+)?)(?P<unit>\D{1,2})?$")


def is_number(text: str) -> bool:
    """The text parses as a number (not a blank marker, not text): an OCR box or PDF word holding a value."""
    return parse_value(text).kind == "number"


def split_unit(text: str) -> tuple[str, str | None]:
    """``"1163189300元"`` -> ("1163189300", "元"); a unit must be one of the lexicon's units."""
    t = _SPACES.sub("", nfkc(text))
    m = _DIGIT_BLOB.match(t)
    if m and m.group("unit") and m.group("unit") in _lexicon()[1]:
        return m.group("digits"), m.group("unit")
    return t, None


def is_digit_blob(text: str) -> bool:
    """A run of digits (optionally signed, optionally with a unit) that could hold several glued cells."""
    digits, _ = split_unit(text)
    return digits.lstrip("+-").replace(".", "", 1).isdigit()


# OCR glyphs at the edge of a number (a seal's lettering "人0", a rule read as "<0"): at most this many are
# dropped, never characters between digits ("1人0" is not 10).
_EDGE_GLYPHS = re.compile(r"^[^\d+\-]+|[^\d]+$")
EDGE_GLYPHS_MAX = 2


def strip_edge_glyphs(text: str) -> ParsedValue | None:
    """The number left when at most EDGE_GLYPHS_MAX stray glyphs are dropped from the edges of an OCR cell's
    text, or None. Only for OCR readings: the caller marks the value repaired and keeps the raw text."""
    t = text.strip()
    core = _EDGE_GLYPHS.sub("", t)
    if not core or core == t or len(t) - len(core) > EDGE_GLYPHS_MAX:
        return None
    q = parse_value(core)
    return q if q.kind == "number" else None

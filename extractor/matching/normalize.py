"""Label normalisation: the same function is applied to document text and to template labels, so
width, punctuation, numbering, spaces and characters doubled at a line break never decide a match."""

from __future__ import annotations

import re
from functools import lru_cache

from .._text import nfkc, squash

# Numbering markers: 一、 （一） (1) 1. 1、 1． 第二十条 style prefixes are kept (they are content).
# Linear time on any input: a numeral run is entered only at its first character (the lookbehind) and
# consumed possessively (``++``), so a line of 1M 一 with no 、 after them is one failed attempt, not a
# quadratic rescan from every position (100,000 一 took 65 s with the plain ``+``). The matches are the
# same: a match can only ever start at a run's first character and only the whole run can be followed by
# its 、/./).
_NUMBERING = re.compile(
    r"(?:(?<![一二三四五六七八九十])[一二三四五六七八九十]++[、.]"  # 一、  三.
    r"|\([一二三四五六七八九十]++\)"  # (一)  (after NFKC, fullwidth parens are ASCII)
    r"|\(\d{1,2}\)"  # (1)
    r"|(?<![\d.])\d{1,2}[.、,](?!\d))"  # 1.  1、  but not 12.5
)
_PUNCT = re.compile(r"[\"'“”‘’「」『』《》<>,，。.、;；:：!！?？()（）\[\]【】{}/\\|_~·•…\-—–―*#]+")
_DOUBLED = re.compile(r"([\u4e00-\u9fff])\1+")
__all__ = ["nfkc", "normalize_label", "normalize_text", "squash"]


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """Canonical form of a label for matching: NFKC, no whitespace, no numbering markers,
    no punctuation, runs of one repeated CJK character collapsed ("由由" -> "由")."""
    return normalize_text(text)


def normalize_text(text: str) -> str:
    """``normalize_label`` without the cache, for whole documents."""
    t = squash(text)
    t = _NUMBERING.sub("", t)
    t = _PUNCT.sub("", t)
    return _DOUBLED.sub(r"\1", t)


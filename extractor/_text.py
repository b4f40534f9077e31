"""Text helpers shared by every stage (no stage-specific knowledge here)."""

from __future__ import annotations

import re
import unicodedata

WS = re.compile(r"[\s\u3000\xa0\u200b\ufeff]+")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def nfkc(text: str) -> str:
    """NFKC plus the quote folding NFKC leaves alone."""
    t = unicodedata.normalize("NFKC", text)
    return t.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def squash(text: str) -> str:
    """NFKC with no whitespace at all (and no Word bookmark artefacts): for substring tests."""
    return WS.sub("", _BOOKMARK.sub("", nfkc(text)))

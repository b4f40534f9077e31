from __future__ import annotations

import pytest

from extractor.values.parse import parse_value


@pytest.mark.parametrize(
    ("text", "kind", "value", "unit"),
    [
        ("0", "number", 0, None),
        ("+156", "number", 156, None),
        ("-18", "number", -18, None),
        ("－18", "number", -18, None),
        ("3189300元", "number", 3189300, "元"),
        ("7730.28", "number", 7730.28, None),
        ("12.50万元", "number", 12.5, "万元"),
        ("1,234", "number", 1234, None),
        ("１２", "number", 12, None),
        ("—", "blank", None, None),
        ("——", "blank", None, None),
        ("无", "blank", None, None),
        ("/", "blank", None, None),
        ("", "blank", None, None),
        ("  ", "blank", None, None),
        ("规章", "text", None, None),
        ("1.属于国家秘密", "text", None, None),
    ],
)
def test_parse_value(text: str, kind: str, value, unit) -> None:
    p = parse_value(text)
    assert (p.kind, p.value, p.unit) == (kind, value, unit)
    if kind == "number":
        assert type(p.value) is type(value)  # a decimal stays a decimal, an integer an int


def test_a_digit_run_no_cell_could_hold_is_text_not_a_crash() -> None:
    # Python refuses int() of runs over 4300 digits; a hostile upload of one long number must not raise
    assert parse_value("1" * 999_000).kind == "text"
    assert parse_value("7" * 201).kind == "text"
    assert parse_value("6400204701234").value == 6400204701234


def test_extracting_a_file_that_is_one_huge_number_gives_a_report(tmp_path) -> None:
    import pytest

    from extractor import extract
    from extractor.errors import LimitExceededError
    from extractor.options import Limits

    f = tmp_path / "n.txt"
    f.write_text("1" * (Limits().max_line_chars - 1), encoding="utf-8")  # digits longer than any cell
    rep = extract(f)
    assert rep.template is None and rep.cells == {}
    f.write_text("1" * 999_000, encoding="utf-8")  # past the per-line budget: refused before the work
    with pytest.raises(LimitExceededError):
        extract(f)


def test_ocr_glyphs_beside_digits_are_dropped_and_said() -> None:
    """A seal's lettering or a rule read next to a digit ("人0", "<0"): the value keeps its raw text and is
    marked repaired and flagged; glyphs between digits are never dropped; text layers are never touched."""
    from extractor.datamodel import ValueToken
    from extractor.values.assign import _read

    c = _read("k", ValueToken(text="人0", confidence=0.6, reading="ocr"), 0.6)
    assert (c.value, c.source, c.raw, c.review) == (0, "repaired", "人0", True) and "人0" in (c.reason or "")
    assert _read("k", ValueToken(text="1人0", confidence=0.6, reading="ocr"), 0.6).value is None
    assert _read("k", ValueToken(text="人0", confidence=1.0), 1.0).value is None

"""Budgets checked before the work (issue 20, point 1): every bomb ends in ``limit`` (with the number that
passed it) quickly and in bounded memory, measured in a forked child under an address-space cap."""

from __future__ import annotations

import time

import pytest

from extractor.matching.normalize import normalize_text
from tests.batch.hostile import (
    encrypted_flate_bomb_pdf,
    flate_bomb_pdf,
    long_line_text,
    many_pages_pdf,
    span_bomb_docx,
    span_bomb_html,
)
from tests.hostile.measure import bounded

# Before -> after on the development machine (2 cores): span HTML > 5.9 GB -> 0.02 s / ~50 MB;
# 1M-page PDF 5 min / 3.7 GB -> 0.7 s / 114 MB; 512 MB flate bomb (2.2 GB for 1 GB) -> 1.2 s / 40 MB;
# 1M x 一 on one line (65 s at 100k) -> refused in 0.02 s, and normalize_text on it 0.3 s.
CASES = {
    "span_html": (lambda: span_bomb_html(), "limit", "max_table_cells"),
    "span_docx": (lambda: span_bomb_docx(), "limit", "max_table_cells"),
    "million_pages_pdf": (lambda: many_pages_pdf(1_000_000), "limit", "max_pages"),
    "flate_bomb_pdf": (lambda: flate_bomb_pdf(512), "limit", "max_inflated_bytes"),
    "encrypted_flate_bomb_pdf": (lambda: encrypted_flate_bomb_pdf(512), "limit", "max_inflated_bytes"),
    "long_line_text": (lambda: long_line_text(1_000_000), "limit", "max_line_chars"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bomb_is_refused_before_the_work(case: str) -> None:
    make, code, limit = CASES[case]
    data = make()
    out = bounded(data, mem_mb=2048, timeout_s=30)
    assert out.result == code, out
    assert limit in out.detail and any(ch.isdigit() for ch in out.detail), out.detail
    assert out.seconds < 10, out
    assert out.peak_mb < 1024, out


def test_numbering_regex_is_linear_at_a_million_characters() -> None:
    for text in ("一" * 1_000_000, "(" + "一" * 1_000_000, "(一" * 500_000, "十一、" * 300_000):
        t0 = time.perf_counter()
        normalize_text(text)
        assert time.perf_counter() - t0 < 3.0, text[:4]
    assert normalize_text("十一、第二十条（一）项 1.2 (3) 12.5 三十五.x") == "第二十条项12125x"


def test_a_long_line_under_the_limit_is_read() -> None:
    out = bounded(long_line_text(150_000), mem_mb=2048, timeout_s=30)
    assert out.result == "ok" and out.seconds < 10, out


def test_limits_are_named_and_the_number_is_given() -> None:
    from extractor.ingest import load
    from extractor.options import Limits

    with pytest.raises(Exception) as e:
        load("一" * 101, Limits(max_line_chars=100))
    assert getattr(e.value, "code", None) == "limit" and "101" in str(e.value) and "max_line_chars=100" in str(e.value)
    with pytest.raises(Exception) as e:
        load("一" * 101, Limits(max_text_chars=100))
    assert getattr(e.value, "code", None) == "limit" and "max_text_chars=100" in str(e.value)

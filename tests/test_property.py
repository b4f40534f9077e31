"""Random text never crashes the parser: a Report or a typed ExtractorError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import Report, extract
from extractor.errors import ExtractorError
from tests.conftest import REAL

SEED = (REAL / "docs" / "002_0843dfdf5e1a4b6d.txt").read_text(encoding="utf-8")
PIECES = ["\t", "\n", " ", "0", "12", "+3", "-1", "—", "无", "/", "元", "万元", "（六）其他处理", "1.属于国家秘密",
          "一、本年新收政府信息公开申请数量", "行政复议", "总计", "规章", "本年新制作数量", "本年制发件数", "2021年",
          "640020470", "3.其他", "（三）不予公开", "\u3000", "\xa0", "“", "”"]


def _check(text: str) -> None:
    try:
        rep = extract(text)
    except ExtractorError as e:
        assert e.code
        return
    assert isinstance(rep, Report)
    assert rep.status in ("ok", "partial")
    for c in rep.cells.values():
        assert 0.0 <= c.confidence <= 1.0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=120).map("".join))
def test_random_domain_text(text: str) -> None:
    _check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_random_unicode_text(text: str) -> None:
    _check(text)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(SEED)), st.integers(0, 400), st.text(alphabet="\t\n 0123456789一、（）", max_size=30))
def test_mutated_real_report(start: int, length: int, insert: str) -> None:
    _check(SEED[:start] + insert + SEED[start + length:])


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _check(data)  # type: ignore[arg-type]

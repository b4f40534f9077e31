from __future__ import annotations

import pytest

from extractor.matching.normalize import normalize_label


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("（四）无法提供", "(四)无法提供"),
        ("(四) 无法提供", "（四）无法提供"),
        ("1．属于国家秘密", "1.属于国家秘密"),
        ("1、属于国家秘密", "1.属于国家秘密"),
        ("3.危及“三安全一稳定”", '3.危及"三安全一稳定"'),
        ("4. 无正当理由 由大量反复申请", "4.无正当理由大量反复申请"),  # character repeated at a line break
        ("自然 人", "自然人"),
        ("三、 本年 度办 理结 果", "三、本年度办理结果"),
        ("5. 要求行政 机关确认或重新 出具已获取信息", "5.要求行政机关确认或重新出具已获取信息"),
        ("本年新\n制作数量", "本年新制作数量"),
        ("第二十条 第（一）项", "第二十条第(一)项"),
    ],
)
def test_variants_normalise_to_the_same_label(variant: str, canonical: str) -> None:
    assert normalize_label(variant) == normalize_label(canonical)


def test_numbering_is_removed_but_decimals_are_not() -> None:
    assert normalize_label("一、本年新收政府信息公开申请数量") == "本年新收政府信息公开申请数量"
    assert "125" in normalize_label("收费12.5万元")


def test_different_labels_stay_different() -> None:
    assert normalize_label("（五）不予处理") != normalize_label("（四）无法提供")

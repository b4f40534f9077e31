"""Checks a blank operand skips, and rows whose label may be another's: never confidently wrong."""

from __future__ import annotations

from extractor import extract
from extractor.datamodel import RowCandidate, ValueToken
from extractor.matching.align import PAIRING_DOUBT, align, merge_fragments
from extractor.matching.matcher import LabelMatcher
from extractor.templates import load_template
from extractor.validate import check_identities, flag_cells


def test_a_skipped_check_that_fails_with_blanks_as_zero_flags_its_cells() -> None:
    t = load_template("2021")
    rep = extract("\n".join([
        "某县2023年政府信息公开工作年度报告",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t行政诉讼",
        "\t\t\t\t2021\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0",  # a year read into the review row's 总计
    ]), {"template": "2021"})
    total = rep.cells["review.review.total"]
    assert total.value == 2021 and total.review
    cells = rep.cells
    checks = check_identities(cells, t)
    flag_cells(cells, checks)
    assert cells["review.review.upheld"].review  # the blanks beside it are doubtful too


def test_blanks_beside_a_matching_total_stay_unflagged() -> None:
    rep = extract("一、本年新收政府信息公开申请数量\t26\t\t\t\t\t\t26\n", {"template": "2021"})
    assert rep.cells["apply.new_received.total"].value == 26
    assert not rep.cells["apply.new_received.commercial"].review


def _cand(label: str, values: list[str]) -> RowCandidate:
    return RowCandidate(label=label, label_parts=[label] if label else [],
                        values=[ValueToken(text=v, empty=not v) for v in values])


def test_numbers_whose_own_label_is_a_group_tail_join_the_label_above() -> None:
    """markitdown: '| 办 | 4.保护第三方合法权益 | | | |' then '| （三）不 | | 6 0 | 0 0 | 0 0 | 6 |'."""
    m = LabelMatcher(load_template("2021"))
    merged = merge_fragments([_cand("办4.保护第三方合法权益", ["", "", "", ""]),
                              _cand("（三）不", ["6", "0", "0", "0", "0", "0", "6"])], m)
    assert len(merged) == 1 and "保护第三方" in merged[0].label and len(merged[0].values) == 7


def test_numbers_between_two_label_lines_are_doubtful() -> None:
    t = load_template("2021")
    m = LabelMatcher(t)
    rows = [_cand("7.属于行政执法案卷", []), _cand("", ["0"] * 7), _cand("8.属于行政查询事项", []),
            _cand("", ["1"] * 6 + ["6"])]
    res = align(merge_fragments(rows, m), t, m)
    assert res.assigned["apply.result.withheld.enforcement_file"].doubt == PAIRING_DOUBT

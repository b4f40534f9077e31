from __future__ import annotations

from extractor.datamodel import RowCandidate, ValueToken
from extractor.matching.align import MATCH_MIN, align, merge_fragments
from extractor.matching.matcher import LabelMatcher
from extractor.templates import load_template


def cand(label: str, n: int = 7, parts: list[str] | None = None) -> RowCandidate:
    return RowCandidate(label=label, label_parts=parts or [label], values=[ValueToken(text="0") for _ in range(n)])


def test_broken_label_is_joined_to_its_row() -> None:
    t = load_template("2019")
    m = LabelMatcher(t)
    rows = [cand("1.属于国家秘密"), cand("2. 其他法律行政"), cand("法规禁止公开", 0), cand("3.危及“三安全一稳定”")]
    merged = merge_fragments(rows, m)
    assert [c.label for c in merged] == ["1.属于国家秘密", "2. 其他法律行政法规禁止公开", "3.危及“三安全一稳定”"]


def test_label_line_above_a_line_of_numbers_is_joined() -> None:
    t = load_template("2021")
    m = LabelMatcher(t)
    merged = merge_fragments([cand("1.属于国家秘密", 0), RowCandidate(label="", values=[ValueToken(text="1")] * 7)], m)
    assert len(merged) == 1 and merged[0].label == "1.属于国家秘密" and len(merged[0].values) == 7


def test_in_order_alignment_keeps_misprinted_row() -> None:
    """tooling notes §7: greedy matching gives 3.其他 to the misprint 2.其他法律行政止公开."""
    t = load_template("2021")
    labels = ["1.属于国家秘密", "2.其他法律行政止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益"]
    res = align([cand(x) for x in labels], t)
    got = {a.cand.label: k for k, a in res.assigned.items()}
    assert got["2.其他法律行政止公开"] == "apply.result.withheld.law_prohibited"
    assert "apply.result.other.misc" not in res.assigned


def test_group_cells_before_the_row_label_are_ignored() -> None:
    t = load_template("2019")
    res = align([cand("x", parts=["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"])], t)
    assert list(res.assigned) == ["apply.result.withheld.state_secret"]
    assert res.assigned["apply.result.withheld.state_secret"].score >= 95


def test_unmatched_row_inside_the_table_is_reported_not_dropped() -> None:
    t = load_template("2019")
    rows = [cand("一、本年新收政府信息公开申请数量"), cand("其中：通过网络申请的数量"), cand("二、上年结转政府信息公开申请数量")]
    res = align(rows, t)
    unmapped = [r for r in res.matches if r.key is None]
    assert [r.label for r in unmapped] == ["其中：通过网络申请的数量"]
    assert unmapped[0].score < MATCH_MIN and unmapped[0].runner_up is not None
    assert all(r.score >= 95 for r in res.matches if r.key)


def test_review_row_after_header_cells_broken_over_lines() -> None:
    """html2text breaks 尚未审结 over two pipe lines; the tail "审结总计" joined to the numbers is header,
    not a row label (it would match （七）总计)."""
    from extractor.matching.align import find_review_row

    t = load_template("2021")
    m = LabelMatcher(t)
    rows = [cand("行政复议行政诉讼", 0), cand("结果维持结果纠正其他结果尚未", 0),
            RowCandidate(label="审结总计", label_parts=["审结", "总计"], values=[ValueToken(text="0")] * 15)]
    assert find_review_row(rows, t, m) is rows[2]


def test_review_row_on_the_header_line_of_a_flattened_table() -> None:
    """A crawler dump: section heading, header cells and the 15 numbers joined into one candidate."""
    from extractor.matching.align import find_review_row

    t = load_template("2019")
    m = LabelMatcher(t)
    row = RowCandidate(label="四、因政府信息公开工作被申请行政复议、提起行政诉讼情况行政复议行政诉讼结果维持结果纠正"
                             "其他结果尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计",
                       values=[ValueToken(text=v) for v in "0 00 0 0 0 00 00 0 00 00".split()])
    assert find_review_row([row], t, m) is row
    assert find_review_row([cand("本年度发生行政复议", 2)], t, m) is None  # prose with a count or two

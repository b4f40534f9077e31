"""Numbers stated in the prose, compared with the tables."""

from __future__ import annotations

import pdfplumber
import pytest

from extractor import extract
from tests.conftest import REAL, load_gold
from tests.render import render

SZ = "szfgs2024"


def _pdf_text(stem: str) -> str:
    with pdfplumber.open(REAL / "docs" / f"{stem}.pdf") as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages)


def narrative(rep):
    return [c for c in rep.checks if c.kind == "narrative"]


def test_real_report_whose_prose_agrees_passes_every_stated_number() -> None:
    rep = extract(REAL / "docs" / f"{SZ}.pdf")
    checks = narrative(rep)
    confirmed = [c for c in checks if c.status != "unconfirmed"]
    assert len(confirmed) == 15 and all(c.status == "pass" for c in confirmed)
    by_topic = {c.id.split(".", 2)[2]: c for c in confirmed}
    assert by_topic["new_received"].lhs == 3119 and by_topic["carried_forward"].rhs == 103
    assert by_topic["suit_direct.total"].rhs_keys == ["review.suit_direct.total", "review.suit_after_review.total"]
    assert by_topic["new_received"].prov is not None and by_topic["new_received"].prov.page == 2
    unconf = [c for c in checks if c.status == "unconfirmed"]
    assert [c.lhs for c in unconf] == [5500]  # "5500余条": approximate, and no cell states it


@pytest.mark.parametrize(("old", "new", "topic"), [("3050 件", "3051 件", "result_total"),
                                                    ("结果纠正 64 件", "结果纠正 46 件", "review.corrected")])
def test_changing_one_prose_number_fails_exactly_that_check(old: str, new: str, topic: str) -> None:
    text = _pdf_text(SZ)
    assert old in text
    rep = extract(text.replace(old, new, 1))
    failed = [c for c in narrative(rep) if c.status == "fail"]
    assert [c.id.split(".", 2)[2] for c in failed] == [topic]
    assert all(rep.cells[k].review for k in failed[0].rhs_keys)


def test_prose_counting_carried_over_requests_in_the_received_total() -> None:
    gold = load_gold("001_1feac183b5673ebd")
    text = render(gold, "\t").replace("二、主动公开政府信息情况",
                                      "全年共收到政府信息公开申请4件（含上年结转），共办结4件。\n二、主动公开政府信息情况")
    checks = {c.id.split(".", 2)[2]: c for c in narrative(extract(text))}
    assert checks["new_received"].status == "pass" and checks["result_total"].status == "pass"


def test_glued_fullwidth_statements_in_html_flattened_text() -> None:
    gold = load_gold(SZ)
    text = render(gold, "").replace("二、主动公开政府信息情况",
                                    "全年共受理政府信息公开申请３１１９件，办结３０５０件，行政复议３５１起，行政诉讼４６起。\n二、主动公开政府信息情况")
    checks = narrative(extract(text))
    assert [(c.lhs, c.status) for c in checks] == [(3119, "pass"), (3050, "pass"), (351, "pass"), (46, "pass")]


def test_prose_about_another_body_is_a_reported_mismatch() -> None:
    """hzq2024: the prose counts the district office's own requests (17), the table the district's (95)."""
    rep = extract(REAL / "docs" / "hzq2024_working.pdf")
    (fail,) = [c for c in narrative(rep) if c.status == "fail"]
    assert (fail.lhs, fail.rhs) == (17, 95) and "区政府办" in (fail.sentence or "")


@pytest.mark.parametrize("sentence", ["对逾期未收到答复的申请人，我局及时电话回复。",
                                      "本机关未收到申请人补正材料的申请均已按规定处理。"])
def test_a_negation_about_something_else_states_no_count(sentence: str) -> None:
    """"未收到答复的申请人" and "未收到申请人补正材料" say nothing about how many requests came in."""
    text = _pdf_text(SZ)
    at = text.index("五、存在的主要问题")
    rep = extract(text[:at] + sentence + "\n" + text[at:])
    assert not any(c.status == "fail" for c in narrative(rep))
    assert not any(sentence[:8] in (c.sentence or "") for c in narrative(rep))


@pytest.mark.parametrize(("sentence", "stated"), [
    ("本年度制发规章1件。", [1]),
    ("信息类别包括行政法规、规章和规范性文件1条。", []),  # a category list, not 规章 alone (real pingtan report)
    ("法律、法规、规章和国家有关规定应当主动公开的其他政府信息2条。", []),
])
def test_rules_statements_name_rules_alone(sentence: str, stated: list[int]) -> None:
    gold = load_gold(SZ)
    text = render(gold, "").replace("二、主动公开政府信息情况", sentence + "\n二、主动公开政府信息情况")
    assert [c.lhs for c in narrative(extract(text)) if c.id.endswith(".rules")] == stated


def test_none_corrected_is_not_none_reviewed() -> None:
    """"未发生…被行政复议纠错或行政诉讼败诉情形" states that no case was corrected or lost, not that there was
    no review: it is checked against 结果纠正, which the table has at 0 while its review total is 55."""
    from extractor.datamodel import Cell, TextLine
    from extractor.templates import load_template
    from extractor.validate.narrative import narrative_checks

    t = load_template("2019")
    cells = {k: Cell(value=0, source="read") for k in t.keys()}
    cells["review.review.upheld"] = Cell(value=50, source="read")
    cells["review.review.total"] = Cell(value=55, source="read")
    lines = [TextLine(text="全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。")]
    (check,) = narrative_checks(lines, cells, t)
    assert check.rhs_keys == ["review.review.corrected"] and check.status == "pass"
    lines = [TextLine(text="全年未发生因政府信息公开被申请行政复议的情况。")]
    (check,) = narrative_checks(lines, cells, t)
    assert check.rhs_keys == ["review.review.total"] and check.status == "fail"  # a none that the table denies

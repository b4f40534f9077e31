from __future__ import annotations

import pytest

from extractor import extract
from extractor.metadata import find_title
from tests.conftest import load_gold
from tests.render import render

PRE_2019 = """某某县人民政府2017年政府信息公开工作年度报告
一、概述
2017年，我县共主动公开政府信息1234条，受理依申请公开12件，全部按时答复。
二、主动公开政府信息情况
全年通过政府网站公开信息1000条，政府公报公开34期。
三、依申请公开情况
共受理申请12件，其中同意公开10件，不予公开2件。
四、因政府信息公开申请提起行政复议、行政诉讼的情况
全年发生行政复议0起，行政诉讼0起。
"""


def test_pre_2019_report_has_no_template() -> None:
    rep = extract(PRE_2019)
    assert rep.template is None and rep.cells == {} and rep.status == "ok"
    assert rep.year == 2017 and rep.organ == "某某县人民政府"
    assert any(w.code == "no_template" for w in rep.warnings)


def test_unrelated_text_has_no_template() -> None:
    assert extract("菜单\n今日天气：晴 25 度\n联系电话 12345\n").template is None


@pytest.mark.parametrize(("stem", "template"), [("001_1feac183b5673ebd", "2019"), ("szfgs2024", "2021")])
def test_template_detected_from_column_headers(stem: str, template: str) -> None:
    rep = extract(render(load_gold(stem), "\t"))
    assert rep.template == template
    assert rep.template_evidence[template] > rep.template_evidence["2021" if template == "2019" else "2019"]


def test_forced_template_option() -> None:
    rep = extract(render(load_gold("001_1feac183b5673ebd"), "\t"), {"template": "2019"})
    assert rep.template == "2019" and rep.template_evidence == {"forced": 1.0}


@pytest.mark.parametrize(
    ("lines", "year", "organ"),
    [
        (["", "威海市文登区张家产镇", "2020年度政府信息公开工作报告"], 2020, "威海市文登区张家产镇"),
        (["油车港镇2020年度政府信息公开工作年度报告"], 2020, "油车港镇"),
        (["新青镇 2020 年政府信息公开工作报告"], 2020, "新青镇"),
        (["齐都镇政府2019年信息公开工作年度报告"], 2019, "齐都镇"),
        (["淮安市人民政府2024年政府信息公开工作年度报告"], 2024, "淮安市人民政府"),
        (["2021年XX区政府信息公开工作年度报告"], 2021, "XX区"),
        (["关于某某街道办事处2022年政府信息公开工作年度报告"], 2022, "某某街道办事处"),
        # a scraper's metadata header (real pingtan.gov.cn dumps)
        (["标题: 平潭综合实验区2024年度政府信息公开工作年度报告", "发布时间: 2025-03-10 15:35"], 2024, "平潭综合实验区"),
    ],
)
def test_title_year_organ(lines: list[str], year: int, organ: str) -> None:
    _, y, o = find_title(lines)
    assert (y, o) == (year, organ)

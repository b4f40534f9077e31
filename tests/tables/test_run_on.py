"""Tables flattened into one line (extractor.tables.run_on): a scraper's get_text() with no separator puts a
whole report on one line; it must read like the same text with its line breaks."""

from __future__ import annotations

import json

import pytest

from benchmarks.score import score_document
from extractor import extract
from extractor.datamodel import Provenance, TextLine
from extractor.tables.run_on import split_run_on
from tests.conftest import ROOT

GLUED = ROOT / "corpora" / "bench" / "text_glued"
STEMS = sorted(p.stem for p in (GLUED / "docs").glob("*.txt"))

# The shape of a real pingtan.gov.cn dump (2024 report, 2021 template), shortened.
PROSE = "本报告根据《条例》编制。全年主动公开各类政府信息10407条，发布政策文件解读96篇，全年办理政府信息公开申请218件。"
TABLES = ("二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件6233440"
          "第二十条第（五）项信息内容本年处理决定数量行政许可4529第二十条第（六）项信息内容本年处理决定数量行政处罚1100行政强制65"
          "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费18651.06"
          "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
          "一、本年新收政府信息公开申请数量21710000218二、上年结转政府信息公开申请数量0000000"
          "三、本年度办理结果（一）予以公开710000071（三）不予公开1.属于国家秘密40000042.其他法律行政法规禁止公开0000000"
          "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
          "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计21317000001324019")
AFTER = "五、存在的主要问题及改进情况2024年，实验区政府信息公开工作取得了新进展。"


def _split(text: str) -> list[str]:
    return [t.text for t in split_run_on([TextLine(text=text, prov=Provenance(line=10))])]


def test_a_run_on_line_is_cut_into_the_template_rows() -> None:
    pieces = _split(PROSE + TABLES + AFTER)
    assert pieces[:2] == [PROSE, "二、主动公开政府信息情况"]  # the prose before the tables stays whole
    assert pieces[-1] == AFTER
    for row in ("规章000", "行政规范性文件6233440", "行政许可4529", "行政强制65", "行政事业性收费18651.06",
                "一、本年新收政府信息公开申请数量21710000218", "（一）予以公开710000071",
                "（三）不予公开1.属于国家秘密4000004",  # the 2 of "2.其他…" is the next row's item number
                "2.其他法律行政法规禁止公开0000000", "21317000001324019"):
        assert row in pieces, row
    assert "四、政府信息公开行政复议、行政诉讼情况" in pieces  # the section's title, apart from its header


def test_pieces_keep_the_line_they_come_from() -> None:
    out = split_run_on([TextLine(text=PROSE + TABLES + AFTER, prov=Provenance(line=10))])
    assert len(out) > 20 and {t.prov.line for t in out} == {10}


@pytest.mark.parametrize("text", [
    PROSE * 5,  # long prose: no table
    PROSE + "第二十条第（一）项信息内容规章000行政许可4529" + AFTER * 4,  # a table heading, too few rows to be tables
    TABLES[:200],  # shorter than a run-on line
])
def test_other_lines_are_left_alone(text: str) -> None:
    assert _split(text) == [text]


def test_run_on_real_report_shape_reads_every_cell() -> None:
    rep = extract((PROSE + TABLES + AFTER).encode("utf-8"), {"name": "pingtan.txt"})
    assert rep.template == "2021"
    assert rep.cells["apply.new_received.total"].value == 218
    assert rep.cells["apply.result.withheld.state_secret.natural_person"].value == 4
    assert rep.cells["review.suit_after_review.total"].value == 19  # decided by the review identities
    assert rep.cells["review.suit_direct.total"].value == 0


def test_item_numbers_with_a_comma_mark_after_the_numbers() -> None:
    pieces = _split(PROSE + TABLES.replace("1.属于", "1、属于").replace("2.其他法律", "2、其他法律") + AFTER)
    assert "（三）不予公开1、属于国家秘密4000004" in pieces and "2、其他法律行政法规禁止公开0000000" in pieces


# Everyday prose that mentions 信息内容 and numbers followed by words (review of 2026-12-06).
PLATFORM = ("（四）平台建设。进一步丰富公开信息内容，优化12345热线与门户网站的对接，实行7×24小时值守，咨询平均3天内答复，"
            "配备2位专职人员，网站改版至2.0版，本年度新制定规章1部，清理5轮，覆盖8个乡镇和3个街道，开展培训6场，"
            "编印手册2本，更新栏目4个，群众满意度达到98%以上。" * 2)


def test_prose_that_mentions_the_table_words_is_not_cut() -> None:
    assert _split(PLATFORM) == [PLATFORM]
    stem = STEMS[0]
    text = (GLUED / "docs" / f"{stem}.txt").read_text(encoding="utf-8")
    with_prose = text.replace("二、主动公开政府信息情况", PLATFORM + "\n二、主动公开政府信息情况", 1)
    assert with_prose != text
    a, b = extract(GLUED / "docs" / f"{stem}.txt"), extract(with_prose.encode("utf-8"), {"name": f"{stem}.txt"})
    assert {k: c.value for k, c in b.cells.items()} == {k: c.value for k, c in a.cells.items()}


def test_the_end_of_the_tables_in_other_wordings() -> None:
    for end in ("五、政府信息公开工作存在的主要问题及改进情况", "五、存在的问题及改进措施", "六、其他需要报告的事项"):
        pieces = _split(PROSE + TABLES + end + "本年度新制定规章1部，清理5轮。")
        assert pieces[-1] == end + "本年度新制定规章1部，清理5轮。", end


@pytest.mark.parametrize("sep", ["", " "])
def test_bench_glued_text_joined_into_one_line_reads_the_same(sep: str) -> None:
    """Every text_glued document with its line breaks removed (or turned into spaces) gives the same cells
    and the same score as the document itself."""
    for stem in STEMS:
        text = (GLUED / "docs" / f"{stem}.txt").read_text(encoding="utf-8")
        gold = json.loads((GLUED / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
        lines, joined = extract(GLUED / "docs" / f"{stem}.txt"), extract(sep.join(text.split("\n")).encode("utf-8"),
                                                                         {"name": f"{stem}.txt"})
        assert joined.template == lines.template, stem
        assert {k: c.value for k, c in joined.cells.items()} == {k: c.value for k, c in lines.cells.items()}, stem
        assert score_document(gold, joined.model_dump(), stem).right == score_document(gold, lines.model_dump(), stem).right

"""The sequence reader: rows read from the text in order, only where the text leaves no doubt."""

from __future__ import annotations

from extractor.matching.sequence import read_sequence, segments
from extractor.templates import load_template

T = load_template("2021")

REPORT = """某局2023年政府信息公开工作年度报告
一、总体情况
本年共办理行政许可 5件。
二、主动公开政府信息情况
规章 0 0 3
行政规范性文件 2 1 14
行政许可 12
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 3 1 0 0 0 0 4
二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1
（一）予以公开 2 0 0 0 0 4
（二）部分公开 000000 0
1.属于国家秘密 0 0 0 0 0 0 0
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计
1 0 0 0 1 0 0 0 0 0 2 0 0 0 2
五、存在的主要问题及改进情况
"""


def test_item_numbers_are_label_text_and_units_make_prose() -> None:
    segs = segments("1.属于国家秘密 0 0 0 0 0 0 0 2.其他法律行政法规禁止公开 1 0 0 0 0 0 1 共收到申请5件")
    assert segs[0].numbers == ("0",) * 7 and segs[0].text.endswith("属于国家秘密")
    assert segs[1].numbers == ("1", "0", "0", "0", "0", "0", "1")
    assert segs[2].prose  # 5件 is a count in a sentence


def test_a_cell_glued_to_the_next_item_number_is_no_clean_row() -> None:
    segs = segments("4.保护第三方合法权益 0 0 0 0 0 0 05.属于三类内部事务信息 0 0 0 0 0 0 0")
    assert segs[0].prose  # "05." is 0 and item 5: this reader does not guess the cut


def test_reads_rows_whose_label_precedes_exactly_their_numbers() -> None:
    got = read_sequence(REPORT.splitlines(), T).rows
    assert got["active.rules"].values == (0, 0, 3)
    assert got["active.normative_docs"].values == (2, 1, 14)
    assert got["active.licensing"].values == (12,)  # the table's, not the prose's "5件"
    assert got["apply.new_received"].values == (3, 1, 0, 0, 0, 0, 4)
    assert got["apply.result.withheld.state_secret"].values == (0,) * 7
    assert got["review"].values == (1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2)


def test_stays_silent_on_short_rows_and_glued_digits() -> None:
    got = read_sequence(REPORT.splitlines(), T).rows
    assert "apply.result.disclosed" not in got  # 6 numbers for 7 columns: a blank dropped somewhere
    assert "apply.result.partial" not in got  # glued digits
    assert "active.penalty" not in got  # not printed


def test_markdown_pipes_are_white_space() -> None:
    text = "三、收到和处理政府信息公开申请情况\n| 一、本年新收政府信息公开申请数量 | 3 | 1 | 0 | 0 | 0 | 0 | 4 |\n" \
           "四、政府信息公开行政复议、行政诉讼情况\n"
    assert read_sequence(text.splitlines(), T).rows["apply.new_received"].values == (3, 1, 0, 0, 0, 0, 4)


def test_a_section_without_its_title_is_not_read() -> None:
    assert read_sequence(["规章 0 0 3", "行政许可 12"], T).rows == {}


def _apply_table(groups: list[str], labels_after: bool = True) -> list[str]:
    """An apply table as a PDF converter may shred it: each row's numbers on the line before its label."""
    rows = [r for r in T.rows_of("apply") if not r.extra]
    out = ["三、收到和处理政府信息公开申请情况"]
    for r, g in zip(rows, groups, strict=True):
        out += [g, r.labels[0]] if labels_after else [r.labels[0], g]
    return out + ["四、政府信息公开行政复议、行政诉讼情况"]


def test_a_table_is_read_by_order_when_its_groups_match_the_rows() -> None:
    rows = [r for r in T.rows_of("apply") if not r.extra]
    groups = ["0 0 0 0 0 0 0"] * len(rows)
    groups[0] = "5 0 0 0 0 0 5"
    got = read_sequence(_apply_table(groups), T)
    (reading,) = got.ordered["apply"]
    assert reading["apply.new_received"].values == (5, 0, 0, 0, 0, 0, 5)
    # ... while the label-anchored rows pair each label with the next row's numbers (wrongly, and
    # cross_check prefers the order reading once the identities confirm it)
    assert got.rows["apply.new_received"].values == (0,) * 7


def test_no_order_reading_when_a_run_is_not_whole_rows() -> None:
    rows = [r for r in T.rows_of("apply") if not r.extra]
    groups = ["0 0 0 0 0 0 0"] * len(rows)
    groups[3] = "0 0 0 0 0 0"  # a blank cell dropped
    assert "apply" not in read_sequence(_apply_table(groups), T).ordered


def test_page_numbers_inside_a_table_are_not_cells() -> None:
    assert segments("8.属于行政查询事项 0 0 0 0 0 0 0 - 3 - 1.本机关不掌握相关政府信息")[0].numbers == ("0",) * 7


def test_rows_whose_label_was_torn_off_are_placed_by_order_between_labelled_rows() -> None:
    text = ["三、收到和处理政府信息公开申请情况",
            "| 一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |", "|---|",
            "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |", "|---|",  # 二、上年结转: its label printed elsewhere
            "| （一）予以公开 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |",
            "四、政府信息公开行政复议、行政诉讼情况"]
    got = read_sequence(text, T).rows
    assert got["apply.carried_over"].values == (1, 0, 0, 0, 0, 0, 1)
    assert "by order" in got["apply.carried_over"].label
    assert got["apply.result.disclosed"].values == (4, 0, 0, 0, 0, 0, 4)


def test_labels_printed_together_anchor_nothing() -> None:
    text = ["三、收到和处理政府信息公开申请情况",
            "2.没有现成信息需要另 法提供行制作 3.补正后申请内容仍不明确",  # two labels, then two rows' numbers
            "| 6 | 0 | 0 | 0 | 0 | 0 | 6 |", "|---|", "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
            "四、政府信息公开行政复议、行政诉讼情况"]
    assert "apply.result.unavailable.unclear" not in read_sequence(text, T).rows


def test_a_review_table_printed_as_one_small_table_per_group() -> None:
    text = ["四、政府信息公开行政复议、行政诉讼情况", "### 行政复议",
            "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "|---|---|---|---|---|", "| 27 | 10 | 9 | 15 | 61 |",
            "### 行政诉讼（未经复议直接起诉）", "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "| 3 | 0 | 0 | 0 | 3 |",
            "### 行政诉讼（复议后起诉）", "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |", "| 8 | 0 | 1 | 1 | 10 |"]
    got = read_sequence(text, T).rows["review"]
    assert got.values == (27, 10, 9, 15, 61, 3, 0, 0, 0, 3, 8, 0, 1, 1, 10)


def test_a_number_on_its_own_line_beside_a_pipe_table_is_passed_over() -> None:
    text = ["三、收到和处理政府信息公开申请情况",
            "| 一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |",
            "二、上年结转政府信息公开申请数量", "1",  # a stray number in the torn-off label text
            "| 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
            "| （一）予以公开 | 4 | 0 | 0 | 0 | 0 | 0 | 4 |",
            "四、政府信息公开行政复议、行政诉讼情况"]
    assert read_sequence(text, T).rows["apply.carried_over"].values == (2, 0, 0, 0, 0, 0, 2)


def test_kewei_2024_converter_markdown_is_read_whole() -> None:
    # 上海市科委 2024 (real; markdown by an unknown PDF converter): ten apply rows print no label
    import json
    from pathlib import Path

    from extractor import extract
    root = Path(__file__).resolve().parents[2] / "corpora/real"
    gold = json.loads((root / "gold/kewei2024_source.json").read_text(encoding="utf-8"))["cells"]
    rep = extract(root / "docs/kewei2024_source.md")
    assert [k for k, v in gold.items() if rep.cells[k].value != v] == []


def test_a_digit_run_too_long_for_any_cell_is_no_number() -> None:
    text = ["三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量 " + "9" * 5000 + " 1 0 0 0 0 1",
            "四、政府信息公开行政复议、行政诉讼情况"]
    assert "apply.new_received" not in read_sequence(text, T).rows
    from extractor import extract
    extract("\n".join(text), {"template": "2021"})  # no error (int() refuses 5000 digits)

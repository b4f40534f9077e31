"""Unruled tables from word geometry: lines, vertical text, wrapped labels, blank cells, stacked headers.

Layouts are written as fragments at (x, top) positions, 12 pt text, 16 pt line pitch, the way LibreOffice
lays out the official tables without rules (bench pdf_unruled)."""

from __future__ import annotations

from extractor.datamodel import Provenance, Word
from extractor.tables import unruled, unruled_cells
from extractor.tables.unruled import Frag

SIZE = 12.0
VALUE_X = [307, 341, 375, 409, 443, 477, 511]  # seven apply columns


def F(text: str, x: float, top: float, size: float = SIZE) -> Frag:
    width = sum(0.55 * size if ch.isascii() else size for ch in text)
    return Frag(text, x, top, x + width, top + size, size)


def vals(top: float, texts: list[str], xs: list[int] = VALUE_X) -> list[Frag]:
    return [F(t, x, top) for t, x in zip(texts, xs, strict=False)]


def texts(lines: list[list[Frag]]) -> list[list[str]]:
    return [[f.text for f in line] for line in lines]


def test_words_become_lines_and_cells() -> None:
    def w(text: str, x0: float, top: float, size: float) -> Word:
        return Word(text=text, prov=Provenance(bbox=(x0, top, x0 + len(text) * size * 0.6, top + size)), size=size)

    words = [w("行政许可", 81, 161.8, 9), w("550", 365, 158.2, 14),  # 9 pt label, 14 pt value, tops 3.6 apart
             w("2023", 100, 200, 16), w("年，我区", 144, 200, 16), w("1136", 187, 200, 16)]  # prose, 0.3 em gaps
    lines = unruled.lines_from_words(words)
    assert texts(lines) == [["行政许可", "550"], ["2023 年，我区 1136"]]


def test_vertical_text_is_dropped_but_header_characters_stay() -> None:
    lines = [[F("三", 74, 100), F("（一）予以公开", 158, 100)] + vals(100, ["1"] * 7),
             [F("、", 74, 116), F("（二）部分公开", 158, 116)] + vals(116, ["2"] * 7),
             [F("本", 74, 132), F("1.属于国家秘密", 168, 132)] + vals(132, ["3"] * 7),
             [F("结", 230, 150), F("结", 261, 150), F("其", 292, 150)]]
    out = unruled.drop_vertical_text(lines)
    assert [line[0].text for line in out] == ["（一）予以公开", "（二）部分公开", "1.属于国家秘密", "结"]
    assert len(out[3]) == 3


def test_label_wrapped_around_its_numbers_joins_them() -> None:
    lines = [
        [F("3.要求提供公开出版物", 176, 478)] + vals(478, ["0"] * 7),
        [F("（五）不予", 103, 485)],
        [F("4.无正当理由大量反复申", 168, 492)],
        [F("处理", 119, 499)] + vals(499, ["1", "0", "0", "0", "0", "0", "1"]),  # group fragment + numbers
        [F("请", 168, 506)],
        [F("5.要求行政机关确认或重", 168, 520)],
        vals(527, ["2"] * 7),  # numbers only: the label is above and below
        [F("新出具已获取信息", 168, 534)],
        [F("（六）其他处理", 158, 548)] + vals(548, ["0"] * 7),
    ]
    rows = texts(unruled.logical_rows(lines))
    assert rows[0][0] == "3.要求提供公开出版物"
    assert ["处理", "4.无正当理由大量反复申请"] == rows[2][:2] and rows[2][2:] == ["1", "0", "0", "0", "0", "0", "1"]
    assert rows[3][0] == "5.要求行政机关确认或重新出具已获取信息" and rows[3][1:] == ["2"] * 7
    assert rows[4][0] == "（六）其他处理"


def test_first_label_line_never_joins_the_numbers_above_it() -> None:
    """Labels centred on number-only lines: "1.申请人无正当理由逾" is as close to the numbers of row 5 above
    as to its own below, but a numbered first line belongs with the numbers at or below it."""
    lines = [
        [F("4.无正当理由大量反复申请", 168, 54)] + vals(54, ["9"] * 7),
        [F("5.要求行政机关确认或", 168, 70)], vals(78, ["0"] * 7), [F("重新出具已获取信息", 168, 86)],
        [F("1.申请人无正当理由逾", 168, 102)], [F("期不补正、行政机关", 168, 118)],
        vals(126, ["1"] * 7), [F("不再处理其政府信息", 168, 134)], [F("公开申请", 168, 150)],
        [F("3.其他", 211, 166)] + vals(166, ["3"] * 7),
    ]
    rows = texts(unruled.logical_rows(lines))
    assert [r[0] for r in rows] == ["4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
                                    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "3.其他"]
    assert rows[2][1:] == ["1"] * 7


def test_header_line_is_not_a_label() -> None:
    lines = [
        [F("行政规范性文件", 81, 585), F("0", 282, 587), F("5", 378, 587), F("5", 467, 587)],
        [F("第二十条第（五）项", 242, 624)],
        [F("信息内容", 129, 666), F("本年处理决定数量", 326, 666)],
        [F("行政许可", 81, 705), F("550", 365, 707)],
    ]
    rows = texts(unruled.logical_rows(lines))
    assert rows == texts(lines)


def test_blank_cells_keep_their_columns() -> None:
    lines = [
        [F("一、本年新收政府信息公开申请数量", 69, 100)] + vals(100, ["101", "10", "0", "0", "6", "2", "119"]),
        [F("（一）予以公开", 158, 116)] + [f for k, f in enumerate(vals(116, ["36", "1", "x", "0", "0", "0", "37"]))
                                        if k != 2],  # the research cell is blank
    ]
    rows = texts(unruled_cells.place_columns(lines))
    assert rows[1] == ["（一）予以公开", "36", "1", "", "0", "0", "0", "37"]
    assert rows[0] == texts(lines)[0]


def test_blank_review_cells_from_column_headers() -> None:
    xs = [74 + 31.2 * k for k in range(15)]
    head = [F(ch, x, 650) for ch, x in zip("结结其尚总" * 3, xs, strict=True)]
    numbers = vals(668, ["3", "0", "0", "0", "3", "0", "0", "0", "0", "0"], [int(x) + 2 for x in xs[5:]])
    lines = [[F("行政复议", 121, 592), F("行政诉讼", 355, 592)], head, numbers]
    rows = texts(unruled_cells.place_columns(lines))
    assert rows[2] == [""] * 5 + ["3", "0", "0", "0", "3", "0", "0", "0", "0", "0"]


def test_stacked_header_cell_is_one_cell() -> None:
    lines = [
        [F("行政强制", 107, 517), F("398", 353, 517)],
        [F("第二十条第（八）项", 250, 531)],
        [F("本年收费金额", 332, 545)],
        [F("信息内容", 107, 552)],
        [F("（单位：万元）", 326, 559)],
        [F("行政事业性收费", 91, 573), F("246.4", 348, 573)],
    ]
    rows = texts(unruled.merge_stacked(lines))
    assert ["本年收费金额（单位：万元）"] in rows and ["第二十条第（八）项"] in rows
    assert lines[2][0].text == "本年收费金额"  # the page's fragments are not changed


def test_prose_is_no_table() -> None:
    prose = [[F("二、主动公开政府信息情况" + "一" * 20, 62, 100 + 18 * k)] for k in range(6)]
    assert unruled.table_runs(prose, 595) == []
    table = [[F("规章", 81, 300)] + vals(300, ["1", "2", "3"]), [F("行政规范性文件", 81, 316)] + vals(316, ["4", "5", "6"]),
             [F("信息内容", 107, 332), F("本年处理决定数量", 326, 332)]]
    assert unruled.table_runs(prose + table, 595) == [(6, 8)]


def test_top_aligned_label_continues_on_the_line_below() -> None:
    """A full label line continues on the next line; a short label over an all-blank row does not."""
    lines = [
        [F("2.其他法律行政法规禁止", 79, 116)] + vals(116, ["1"] * 7),
        [F("公开", 79, 130)],
        [F("3.危及“三安全一稳定”", 79, 146)] + vals(146, ["2"] * 7),
        [F("行政处罚", 79, 162)] + vals(162, ["5"]),
        [F("行政强制", 79, 176)],  # its one cell is blank
    ]
    rows = texts(unruled.logical_rows(lines))
    assert [r[0] for r in rows] == ["2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "行政处罚", "行政强制"]


def _active_2019(rules: list[str] | None, fees: list[str] | None) -> list[list[Frag]]:
    """The 2019 active-disclosure sub-tables as the bench PDFs print them without rules: labels centred at
    x 128, three value columns, each sub-table under a centred 第二十条 heading and a 信息内容 header line. A row
    given as None is printed with its label and nothing in its value cells."""
    cols = [247, 360, 474]

    def label(text: str, top: float) -> Frag:
        return F(text, 128 - 6 * len(text), top)

    def row(text: str, top: float, values: list[str] | None) -> list[Frag]:
        return [label(text, top)] + (vals(top, values, cols) if values else [])

    def head(item: str, top: float, names: list[str]) -> list[list[Frag]]:
        return [[F(f"第二十条第（{item}）项", 246, top)],
                [label("信息内容", top + 24)] + [F(n, x - 40, top + 24) for n, x in zip(names, cols, strict=False)]]

    return [
        *head("一", 100, ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
        row("规章", 148, rules),
        row("规范性文件", 164, ["0", "5", "5"]),
        *head("五", 188, ["上一年项目数量", "本年增/减", "处理决定数量"]),
        row("行政许可", 236, ["3", "0", "12"]),
        row("其他对外管理服务事项", 252, ["1", "0", "2"]),
        *head("六", 276, ["上一年项目数量", "本年增/减", "处理决定数量"]),
        row("行政处罚", 324, ["2", "0", "7"]),
        row("行政强制", 340, ["0", "0", "1"]),
        *head("八", 364, ["上一年项目数量", "本年增/减"]),
        row("行政事业性收费", 412, fees),
        *head("九", 436, ["采购项目数量", "采购总金额"]),
        row("政府集中采购", 484, ["4", "12.5"]),
    ]


def test_row_with_every_value_cell_blank_gets_blank_cells() -> None:
    """A row printed with its label and nothing else (bench pdf_unruled_011 / 013) keeps a cell per column,
    as in a ruled table; the headings and header lines around it stay as they are."""
    (table,) = unruled_cells.tables(_active_2019(None, None), 595, 1, 0)
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert ["规章", "", "", ""] in rows and ["行政事业性收费", "", "", ""] in rows
    assert ["规范性文件", "0", "5", "5"] in rows
    assert all(len(r) == 1 for r in rows if r[0].startswith("第二十条"))
    assert all("" not in r for r in rows if r[0] == "信息内容")
    blank = next(r for r in table.rows if r.cells[0].text == "规章")
    assert all(c.prov.bbox is None and c.prov.col == k for k, c in enumerate(blank.cells) if k)
    assert unruled_cells.tables(_active_2019(["1", "2", "3"], ["0", "0"]), 595, 1, 0)[0].rows[2].cells[1].text == "1"


def test_blank_row_reads_blank_and_an_absent_row_missing() -> None:
    from extractor.datamodel import Document
    from extractor.options import Options
    from extractor.pipeline import build_report

    lines = [line for line in _active_2019(None, None) if line[0].text != "行政强制"]  # a row not printed at all
    doc = Document(name="t.pdf", format="pdf", pages=1, tables=unruled_cells.tables(lines, 595, 1, 0))
    rep = build_report(doc, Options(template="2019"))
    for key in ["active.rules.new_made", "active.rules.total_published", "active.fees.prev_items", "active.fees.change"]:
        c = rep.cells[key]
        assert (c.value, c.source, c.review) == (None, "blank", False) and "no text" in (c.reason or "")
    assert rep.cells["active.normative_docs.new_published"].value == 5
    gone = rep.cells["active.enforcement.decisions"]
    assert (gone.source, gone.reason) == ("missing", "row not found in the document")


def test_label_lines_that_are_no_blank_rows_stay_alone() -> None:
    """Pieces of wrapped labels (over a page break, around numbers, of a group label), a header cell alone
    on its line and a section heading between two tables get no blank cells."""
    lines = [
        [F("确", 168, 70)],  # the end of a label from the page before
        [F("1.信访举报投诉类申请", 176, 84)] + vals(84, ["0"] * 7),
        [F("（五）不予", 103, 100)] + [F("3.要求提供公开出版物", 176, 100)] + vals(100, ["1"] * 7),
        [F("处理", 119, 116)],  # the group label's second line
        [F("4.无正当理由大量反复申", 168, 132)] + vals(132, ["2"] * 7),
        [F("请", 168, 148)],
        [F("行政强制", 128, 180), F("0", 360, 180)],
        [F("本年收费金额", 320, 196)],
        [F("信息内容", 104, 204)],  # its header cell is half a line above it
        [F("（单位：万元）", 314, 212)],
        [F("行政事业性收费", 86, 228), F("0", 360, 228)],
        [F("三、收到和处理政府信息公开申请情况", 86, 276)],
        [F("（本列数据的勾稽关系为：第一项加第二项之和）", 69, 320), F("自然人", 305, 320), F("商业企业", 339, 320)],
        [F("一、本年新收政府信息公开申请数量", 69, 344)] + vals(344, ["3"] * 7),
    ]
    out = unruled_cells.blank_rows(lines)
    assert out == lines

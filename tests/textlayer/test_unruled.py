"""Unruled tables from word geometry: lines, vertical text, wrapped labels, blank cells, stacked headers.

Layouts are written as fragments at (x, top) positions, 12 pt text, 16 pt line pitch, the way LibreOffice
lays out the official tables without rules (bench pdf_unruled)."""

from __future__ import annotations

from extractor.textlayer import unruled
from extractor.textlayer.unruled import Frag

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
    def w(text: str, x0: float, top: float, size: float) -> dict:
        return {"text": text, "x0": x0, "x1": x0 + len(text) * size * 0.6, "top": top, "bottom": top + size,
                "size": size}

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
    rows = texts(unruled.place_columns(lines))
    assert rows[1] == ["（一）予以公开", "36", "1", "", "0", "0", "0", "37"]
    assert rows[0] == texts(lines)[0]


def test_blank_review_cells_from_column_headers() -> None:
    xs = [74 + 31.2 * k for k in range(15)]
    head = [F(ch, x, 650) for ch, x in zip("结结其尚总" * 3, xs, strict=True)]
    numbers = vals(668, ["3", "0", "0", "0", "3", "0", "0", "0", "0", "0"], [int(x) + 2 for x in xs[5:]])
    lines = [[F("行政复议", 121, 592), F("行政诉讼", 355, 592)], head, numbers]
    rows = texts(unruled.place_columns(lines))
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

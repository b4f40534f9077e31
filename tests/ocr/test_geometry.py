"""Rows from positioned words (what OCR gives): deskew, line clustering, blank cells kept in place."""

from __future__ import annotations

import math

from extractor.datamodel import Provenance, Word
from extractor.pageimage.rules import skew_angle
from extractor.tables.geometry import words_to_rows

H = 20.0  # box height in pixels


def word(text: str, x: float, y: float, angle: float = 0.0, w: float | None = None) -> Word:
    """A box whose centre, after rotating the page by ``angle``, is at (x, y)."""
    w = w or (H * 0.6 * len(text) if text.isdigit() else H * len(text))
    a = math.radians(angle)
    cx, cy = x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)
    hw, hh = w / 2, H / 2
    ex, ey = abs(hw * math.cos(a)) + abs(hh * math.sin(a)), abs(hw * math.sin(a)) + abs(hh * math.cos(a))
    return Word(text=text, prov=Provenance(page=1, bbox=(cx - ex, cy - ey, cx + ex, cy + ey)), angle=angle,
                engine="test", reading="ocr")


COLS = [400, 460, 520, 580, 640, 700, 760]


def table(angle: float, blanks: dict[int, set[int]] | None = None) -> list[Word]:
    blanks = blanks or {}
    out = []
    labels = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开"]
    for r, lab in enumerate(labels):
        y = 100 + r * 30
        out.append(word(lab, 60 + len(lab) * H / 2, y, angle))
        out += [word(str(r), x, y, angle) for c, x in enumerate(COLS) if c not in blanks.get(r, set())]
    return out


def texts(rows) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in rows]


def test_skew_is_measured_from_long_boxes() -> None:
    assert abs(skew_angle(table(2.5)) - 2.5) < 0.01


def test_skewed_page_rows_stay_rows() -> None:
    rows = words_to_rows(table(3.0), 1)
    assert len(rows) == 3
    assert texts(rows)[1] == ["二、上年结转政府信息公开申请数量"] + ["1"] * 7


def test_blank_cells_keep_their_column() -> None:
    rows = words_to_rows(table(1.0, blanks={1: {0, 5}}), 1)
    assert texts(rows)[1] == ["二、上年结转政府信息公开申请数量", "", "1", "1", "1", "1", "", "1"]
    assert all(c.prov.page == 1 for c in rows[1].cells)


def test_review_row_blanks_from_header_cells() -> None:
    xs = [300 + 40 * i for i in range(15)]
    words = [word("行政复议", 380, 40, w=80)]
    words += [word(w, x, 70, w=30) for w, x in zip(["结果", "结果", "其他", "尚未", "总计"] * 3, xs, strict=True)]
    words += [word("0", x, 110) for x in xs[5:]]  # 行政复议 group left blank
    rows = words_to_rows(words, 1)
    assert texts(rows)[-1] == [""] * 5 + ["0"] * 10


def test_review_header_cell_missed_by_ocr_is_put_back_from_the_grid() -> None:
    """OCR lost one header cell (a column with no number either): the columns are evenly spaced, so the
    gap of two spacings still holds a column and the numbers keep their places."""
    xs = [300 + 40 * i for i in range(15)]
    heads = ["结果", "结果", "其他", "尚未", "总计"] * 3
    words = [word("行政复议", 380, 40, w=80)]
    words += [word(w, x, 70, w=30) for k, (w, x) in enumerate(zip(heads, xs, strict=True)) if k != 1]
    words += [word("0", x, 110) for x in xs[5:]]
    rows = words_to_rows(words, 1)
    assert texts(rows)[-1] == [""] * 5 + ["0"] * 10


def test_header_cells_read_as_one_box_still_give_the_grid() -> None:
    """The 行政复议 group's header cells come back as single characters stacked over each column and one
    merged box: the characters on the numbers' grid extend it leftwards."""
    xs = [300 + 40 * i for i in range(15)]
    words = [word("结果维持结果纠正其他结果", 380, 60, w=240)]
    words += [word(ch, x, 80, w=18) for ch, x in zip("持正果结计" * 3, xs, strict=True)]
    words += [word("0", x, 110) for x in xs[5:]]
    rows = words_to_rows(words, 1)
    assert texts(rows)[-1] == [""] * 5 + ["0"] * 10


def test_a_lone_signed_number_in_a_header_line_is_not_a_value_row() -> None:
    """"计" of a vertical 总计 header read as "+1" must not become a row of values (it would be taken for
    the 行政复议 row); a signed number beside unsigned ones (本年增/减) stays a value."""
    xs = [300 + 40 * i for i in range(15)]
    words = [word(ch, x, 70, w=18) for ch, x in zip("果结其尚总" * 3, xs, strict=True)]
    words += [word("计", xs[0], 90, w=18), word("+1", xs[14], 90)]
    words += [word("0", x, 120) for x in xs]
    rows = texts(words_to_rows(words, 1))
    assert ["计", "+1"] in rows
    assert ["0"] * 15 in rows
    active = [word("行政处罚", 100, 160, w=80), word("999", 300, 160), word("+204", 340, 160), word("1904", 380, 160)]
    assert texts(words_to_rows(active, 1)) == [["行政处罚", "999", "+204", "1904"]]


def test_a_row_with_only_a_signed_change_keeps_its_value() -> None:
    """行政许可 with 上一年 blank and 本年增/减 "+3": a real row, not a header glyph."""
    rows = texts(words_to_rows([word("行政许可", 100, 160, w=80), word("+3", 340, 160)], 1))
    assert rows == [["行政许可", "+3"]]


def test_blank_cells_kept_in_rows_below_an_already_filled_row() -> None:
    """Rows with 7, 5 and 3 numbers: the 3-number row takes its columns from the filled 5-number row."""
    words = [word("一、本年新收政府信息公开申请数量", 220, 100)]
    words += [word("5", x, 100) for x in COLS]
    # five label-only lines between each (a wrapped label, prose): the 3-number row is out of the 7-number
    # row's window and takes the filled 5-number row's columns
    words += [word(f"说明{i}", 100, 130 + 30 * i) for i in range(5)]
    words += [word("（一）予以公开", 150, 280)] + [word("1", x, 280) for k, x in enumerate(COLS) if k not in (1, 3)]
    words += [word(f"注释{i}", 100, 310 + 30 * i) for i in range(5)]
    words += [word("（二）部分公开", 150, 460)] + [word("2", x, 460) for k, x in enumerate(COLS) if k in (0, 2, 6)]
    rows = [r for r in texts(words_to_rows(words, 1)) if len(r) > 1]
    assert rows[1] == ["（一）予以公开", "1", "", "1", "", "1", "1", "1"]
    assert rows[2] == ["（二）部分公开", "2", "", "2", "", "", "", "2"]

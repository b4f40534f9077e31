"""The layout engine (tables/layout.py): one line clustering, one cell split, one column slotting and one
cell-text join, with the text-layer and OCR presets."""

from __future__ import annotations

from extractor.datamodel import Provenance, Word
from extractor.tables import geometry, unruled
from extractor.tables.layout import (
    OCR_BOXES,
    TEXT_WORDS,
    Box,
    boxes,
    cell_text,
    cluster_lines,
    page_point,
    slot,
    split_cells,
)


def _w(text: str, x0: float, top: float, x1: float, bottom: float, size: float | None = None) -> Word:
    return Word(text=text, prov=Provenance(page=1, bbox=(x0, top, x1, bottom)), size=size)


def _texts(lines: list[list[Box]]) -> list[list[str]]:
    return [[b.text for b in line] for line in lines]


def test_text_words_join_a_line_they_overlap_whatever_their_size() -> None:
    # a 9 pt label and 14 pt values of one row: tops 3.6 pt apart, extents overlapping; the next row below
    words = [_w("行政许可", 50, 103.6, 86, 112.6, 9), _w("12", 200, 100, 214, 114, 14), _w("3", 260, 100, 267, 114, 14),
             _w("行政处罚", 50, 123.6, 86, 132.6, 9), _w("5", 200, 120, 207, 134, 14)]
    lines = cluster_lines(boxes(words, TEXT_WORDS), TEXT_WORDS)
    assert _texts(lines) == [["行政许可", "12", "3"], ["行政处罚", "5"]]


def test_ocr_boxes_join_the_line_of_their_centre() -> None:
    # padded detector boxes of one line with uneven heights; the next line 1.2 heights lower
    words = [_w("其他", 10, 100, 50, 120), _w("7", 200, 98, 210, 124), _w("合计", 10, 124, 50, 144)]
    lines = cluster_lines(boxes(words, OCR_BOXES), OCR_BOXES)
    assert _texts(lines) == [["其他", "7"], ["合计"]]


def test_lines_are_ordered_left_to_right() -> None:
    words = [_w("9", 300, 0, 310, 10, 10), _w("标签", 0, 0, 20, 10, 10), _w("1", 100, 0, 110, 10, 10)]
    assert _texts(cluster_lines(boxes(words, TEXT_WORDS), TEXT_WORDS)) == [["标签", "1", "9"]]


def test_cells_split_at_wide_gaps_in_font_sizes() -> None:
    line = [Box("无正当理由", 0, 0, 50, 10, 10), Box("大量反复申请", 55, 0, 115, 10, 10),  # 0.5 em: one cell
            Box("0", 140, 0, 146, 10, 10)]  # 2.5 em: the next cell
    cells = split_cells(line, TEXT_WORDS)
    assert [c.text for c in cells] == ["无正当理由 大量反复申请", "0"]
    assert (cells[0].x0, cells[0].x1) == (0, 115)


def test_ocr_numbers_are_cells_of_their_own() -> None:
    # two numbers OCR boxed a little apart stay two values; two text boxes as close join (no separator: CJK)
    line = [Box("行政", 0, 0, 20, 10, 10), Box("许可", 22, 0, 42, 10, 10), Box("1", 44, 0, 50, 10, 10),
            Box("2", 52, 0, 58, 10, 10)]
    assert [c.text for c in split_cells(line, OCR_BOXES)] == ["行政许可", "1", "2"]
    assert [c.text for c in split_cells(line, TEXT_WORDS)] == ["行政 许可 1 2"]


def test_joined_cells_keep_their_words() -> None:
    words = [_w("行政", 0, 0, 20, 10), _w("许可", 22, 0, 42, 10)]
    (cell,) = split_cells(cluster_lines(boxes(words, OCR_BOXES), OCR_BOXES)[0], OCR_BOXES)
    assert cell.words == tuple(words)


def test_deskewed_boxes_go_back_to_the_page() -> None:
    (b,) = boxes([_w("x", 100, 200, 110, 210)], OCR_BOXES, angle=2.0)
    x, y = page_point(b.cx, b.cy, 2.0)
    assert abs(x - 105) < 1e-6 and abs(y - 205) < 1e-6


def test_slot_lays_values_on_columns() -> None:
    cols = [100.0, 150.0, 200.0, 250.0]
    assert slot([101, 199], cols, 10) == [0, 2]
    assert slot([101, 175], cols, 10) is None  # between two columns
    assert slot([101, 103], cols, 10) is None  # two values in one column: not this row's columns
    assert slot([], cols, 10) == []


def test_cell_text_joins_lines_without_gluing_numbers() -> None:
    assert cell_text("（二）部分公开（区分处理的，只计这一情\n形，不计其他情形）".split("\n")) == \
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert cell_text(["结果", "维持"]) == "结果维持"
    assert cell_text(["0", "5", "12"]) == "0 5 12"  # two rows' numbers in one box (a rule missed)
    assert cell_text(["其他", "3"]) == "其他 3"  # a label and its value in one box
    assert cell_text([""]) == ""


def test_both_readers_use_the_engine() -> None:
    """PDF words (unruled) and OCR boxes (geometry) go through the same clustering: the same words give the
    same lines, and the cells differ only where the presets say (the joiner)."""
    words = [_w("行政", 0, 0, 20, 10, 10), _w("许可", 27.8, 0, 47.8, 10, 10), _w("5", 200, 0, 206, 10, 10)]
    pdf = unruled.lines_from_words(words)
    ocr = geometry.words_to_rows(words, 1)
    assert [[f.text for f in line] for line in pdf] == [["行政", "许可", "5"]]  # 0.78 em: two cells in a PDF
    assert [[c.text for c in r.cells] for r in ocr] == [["行政许可", "5"]]  # 0.78 box heights: one OCR cell

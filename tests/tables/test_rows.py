from __future__ import annotations

from extractor.datamodel import SourceCell, SourceRow
from extractor.tables.rows import row_to_candidates


def cands(*cells: str):
    return row_to_candidates(SourceRow(cells=[SourceCell(text=c) for c in cells]), grid=True)


def test_label_then_values() -> None:
    (c,) = cands("规章", "0", "+3", "12")
    assert c.label == "规章" and [v.text for v in c.values] == ["0", "+3", "12"]


def test_space_separated_numbers_after_label_pdf_text() -> None:
    (c,) = cands("一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21")
    assert c.label == "一、本年新收政府信息公开申请数量" and len(c.values) == 7


def test_glued_digits_are_cut_from_the_label() -> None:
    (c,) = cands("一、本年新收政府信息公开申请数量640020470")
    assert c.label == "一、本年新收政府信息公开申请数量"
    assert [(v.text, v.glued) for v in c.values] == [("640020470", True)]


def test_signed_glued_groups_and_unit() -> None:
    (c,) = cands("行政许可35+156191")
    assert [v.text for v in c.values] == ["35", "+156191"]
    (d,) = cands("政府集中采购1163189300元")
    assert [v.text for v in d.values] == ["1163189300元"]


def test_leading_empty_cells_of_a_label_row_are_indentation_but_kept_without_label() -> None:
    (c,) = cands("", "", "法规禁止公开", "", "")
    assert c.label == "法规禁止公开" and len(c.values) == 2 and all(v.empty for v in c.values)
    (d,) = cands("", "", "0", "1")
    assert d.label == "" and len(d.values) == 4


def test_numbers_inside_a_label_do_not_split_it() -> None:
    (c,) = cands("3.危及“三安全一稳定”")
    assert c.values == [] and c.label == "3.危及“三安全一稳定”"


def test_ocr_cell_with_a_seal_glyph_beside_its_digit_stays_a_value() -> None:
    """"人0" read under a seal must not start a new row with label 人 (text layers keep the old reading)."""
    cells = [SourceCell(text="5.要求行政机关确认或重新出具已获取信息", confidence=0.9, reading="ocr")]
    cells += [SourceCell(text=t, confidence=0.6, reading="ocr") for t in ["0", "人0", "0", "0", "0", "0", "0"]]
    cands = row_to_candidates(SourceRow(cells=cells), grid=True)
    assert len(cands) == 1 and [v.text for v in cands[0].values] == ["0", "人0", "0", "0", "0", "0", "0"]


def test_first_number_glued_to_the_label_then_spaced_numbers() -> None:
    """HTML text joined with spaces where the markup had them: "…数量0 0 0 0 0 00" (real pingtan report)."""
    (c,) = cands("一、本年新收政府信息公开申请数量1 0 0 0 0 01")
    assert c.label == "一、本年新收政府信息公开申请数量"
    assert [(v.text, v.glued) for v in c.values] == [("1", True), ("0", False), ("0", False), ("0", False),
                                                     ("0", False), ("01", False)]


def test_a_markdown_table_with_merged_columns_reads_rows_as_sequences() -> None:
    from extractor import extract
    rep = extract("\n".join([
        "| 一、本年新收政府信息公开申请数量 |  | 101 | 10 | 0 | 0 6 | 2 | 119 |",
        "| （一）予以公开 |  | 36 | 1 | 0 | 0 | 0 | 37 |",
    ]), {"template": "2021"})
    assert rep.cells["apply.new_received.legal_services"].value == 6
    # the empty pipe cell says nothing (the table's columns are merged): where the blank sits is a guess
    assert rep.cells["apply.result.disclosed.natural_person"].review
    assert all(c.review for k, c in rep.cells.items() if k.startswith("apply.result.disclosed."))


def test_a_lone_sign_between_numbers_is_no_part_of_the_label() -> None:
    from extractor import extract
    # "- 5" with a space (PDF text): the row has 4 value positions for 3 columns, never a 5|1|5 split
    rep = extract("二、主动公开政府信息情况\n行政处罚 20 - 5 15\n", {"template": "2019"})
    cells = [rep.cells[f"active.penalty.{c}"] for c in ("prev_items", "change", "decisions")]
    assert cells[0].value == 20 and all(c.review for c in cells)

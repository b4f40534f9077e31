"""A row printed with fewer numbers than columns (a converter dropped the empty cells): its numbers are
placed in order, every placement is kept, and only what the identities pin is confident."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from extractor import extract
from extractor.datamodel import ValueToken
from extractor.values.assign import read_row
from extractor.values.glue import SUM_LAST

ROOT = Path(__file__).resolve().parents[2]
KEYS = [f"apply.new_received.{c}" for c in
        ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")]


def toks(*texts: str) -> list[ValueToken]:
    return [ValueToken(text=t) for t in texts]


def test_two_numbers_for_seven_columns_total_is_pinned_the_rest_flagged() -> None:
    rd = read_row(KEYS, toks("26", "26"), 100.0, SUM_LAST)
    total = rd.cells["apply.new_received.total"]
    assert total.value == 26 and not total.review
    first = rd.cells["apply.new_received.natural_person"]
    # the first number could sit in any applicant column: kept, flagged, with the placements as candidates
    assert first.value == 26 and first.review and first.ambiguous and first.candidates
    assert rd.kind == "placed" and len(rd.placements) == 6
    assert all(a[-1] == 26 and sum(v for v in a[:-1] if v is not None) == 26 for a in rd.placements)
    # the other cells are blank in the plausible placement, never 0 invented
    assert rd.cells["apply.new_received.commercial"].value is None


def test_a_leading_zero_token_is_that_many_one_digit_cells() -> None:
    # "0 00000" under 7 columns (a crawler dump, pingtan jjp 2022): six zeros, one cell left blank somewhere
    rd = read_row(KEYS, toks("0", "00000"), 100.0, SUM_LAST)
    assert rd.kind == "placed"
    assert all(c.value in (0, None) for c in rd.cells.values())
    assert rd.cells[KEYS[-1]].value == 0  # the total is never the blank one
    assert all(c.review for k, c in rd.cells.items() if k != KEYS[-1])  # where the blank sits is a guess


def _get_text_newline(path: Path) -> str:
    """BeautifulSoup's ``get_text("\\n")``: every text node on a line of its own; an empty cell vanishes."""
    root = lxml_html.fromstring(path.read_bytes())
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    return "\n".join(root.itertext())


def test_html_flattened_with_vanished_blank_cells_is_never_confidently_wrong() -> None:
    import json

    stem = "html_011"  # a 2019 report whose apply table has blank cells
    gold = json.loads((ROOT / "corpora/bench/html/gold" / f"{stem}.json").read_text(encoding="utf-8"))
    rep = extract(_get_text_newline(ROOT / "corpora/bench/html/docs" / gold["source"]))
    assert rep.template == gold["template"]
    wrong = {k for k, v in gold["cells"].items() if rep.cells[k].value != v}
    assert wrong, "the vanished blanks cannot all be placed right: this document tests the flags"
    assert all(rep.cells[k].review for k in wrong), sorted(k for k in wrong if not rep.cells[k].review)
    # the row totals stay pinned by their row's own identity
    assert rep.cells["apply.carried_over.total"].value == gold["cells"]["apply.carried_over.total"]
    assert not rep.cells["apply.carried_over.total"].review


def test_digits_of_one_cell_printed_apart_are_joined_by_the_row_total() -> None:
    """Word HTML puts digit runs in <span>s; get_text("\\n") writes each on a line: 1|3|6|0|0|0|0|0|1|9."""
    rd = read_row(KEYS, toks("1", "3", "6", "0", "0", "0", "0", "1", "9"), 100.0, SUM_LAST)
    assert [rd.cells[k].value for k in KEYS] == [13, 6, 0, 0, 0, 0, 19]
    assert not any(c.review for c in rd.cells.values())


def test_a_joining_no_identity_checks_is_flagged() -> None:
    rd = read_row(["active.fees.amount"], toks("1", "94"), 100.0)
    cell = rd.cells["active.fees.amount"]
    assert cell.value == 194 and cell.review and cell.source == "split"


def test_every_placement_of_a_long_review_row_is_weighed() -> None:
    # 10 numbers for 15 cells: the first group may be the blank one; no cell of it is settled
    rep = extract("\n".join([
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计",
        "3 0 0 0 3 0 0 0 0 0",
    ]), {"template": "2021"})
    assert rep.cells["review.review.upheld"].review


def test_a_markdown_label_broken_by_br_is_one_label() -> None:
    rep = extract("| 2.其他法律行政法规禁<br>止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |\n", {"template": "2021"})
    assert rep.cells["apply.result.withheld.law_prohibited.total"].value == 1


def test_a_decimal_part_printed_in_a_span_of_its_own_joins_its_number() -> None:
    # Word HTML through get_text("\n"): 194.79 printed as "1" / "94" / ".79"
    rep = extract("行政事业性收费\n\n1\n94\n.79\n\n", {"template": "2021"})
    assert rep.cells["active.fees.amount"].value == 194.79
    assert rep.cells["active.fees.amount"].review  # no identity checks the joining


def test_a_decimal_part_never_sits_inside_a_joined_cell() -> None:
    from extractor.values.assign import _joinings
    from extractor.values.glue import NO_RULE
    assert (94.79, 1) in _joinings(["94.79", "1"], 2, NO_RULE)
    assert not any(len(sp) == 1 for sp in _joinings(["94.79", "1"], 1, NO_RULE))


def test_a_total_printed_in_two_pieces_beside_a_vanished_blank_is_joined() -> None:
    # Word HTML via get_text("\n"): 13 0 0 0 0 [blank] 13, the last 13 printed as "1" / "3"
    rd = read_row(KEYS, toks("13", "0", "0", "0", "0", "1", "3"), 100.0, SUM_LAST)
    assert rd.kind == "placed" and rd.rejoined
    total = rd.cells[KEYS[-1]]
    assert total.value == 13
    # never confident (a misprinted total would be "mended" alike); the printed reading stays a candidate
    assert total.review and total.candidates is not None and total.candidates[-1] == [13, 0, 0, 0, 0, 1, 3]
    assert "joined" in (total.reason or "")


def test_a_misprinted_review_total_is_not_mended_by_joining() -> None:
    rep = extract("\n".join([
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        "1 10 1 0 12 1 5 2 1 7 0 0 0 0 0",  # 1+5+2+1 = 9, printed 7
    ]), {"template": "2021"})
    total = rep.cells["review.suit_direct.total"]
    assert total.value == 7 and total.review
    assert any(c.id == "review.group_total.suit_direct" and c.status == "fail" for c in rep.checks)


def test_a_row_that_holds_as_printed_is_read_as_printed() -> None:
    rd = read_row(KEYS, toks("13", "0", "0", "0", "0", "0", "13"), 100.0, SUM_LAST)
    assert [c.value for c in rd.cells.values()] == [13, 0, 0, 0, 0, 0, 13] and rd.kind != "placed"


def _cells_per_line(label: str, cells: list[str]) -> str:
    """A row as BeautifulSoup's get_text("\\n") writes a table with no white space between its tags: each
    cell on a line, an empty cell gone, a cell holding a space as a line of white space."""
    return "\n".join([label, *cells]) + "\n"


def test_lines_of_white_space_among_a_rows_numbers_are_its_blank_cells_when_they_fill_the_row() -> None:
    text = "三、收到和处理政府信息公开申请情况\n" + _cells_per_line(
        "一、本年新收政府信息公开申请数量", ["26", " ", " ", " ", " ", " ", "26"])
    rep = extract(text, {"template": "2021"})
    got = [rep.cells[k] for k in KEYS]
    assert [c.value for c in got] == [26, None, None, None, None, None, 26]
    # each position is printed: nothing is placed by a guess (the one-row table's balance fails, that is all)
    assert not any(c.ambiguous or "placement" in (c.reason or "") for c in got)
    assert got[1].source == "blank" and "white space" in (got[1].reason or "")


def test_lines_of_white_space_that_do_not_fill_the_row_say_nothing() -> None:
    # pretty-printed HTML: indentation between the tags gives white-space lines that are no cells
    text = "三、收到和处理政府信息公开申请情况\n" + _cells_per_line(
        "一、本年新收政府信息公开申请数量", ["  ", "26", "  ", "  ", "  ", "  ", "  ", "  ", "26", "  "])
    rep = extract(text, {"template": "2021"})
    first = rep.cells[KEYS[0]]
    assert first.value == 26 and first.review and first.ambiguous  # read as a short row: where 26 sits is a guess
    assert rep.cells[KEYS[-1]].value == 26


def test_white_space_lines_never_take_a_number_out_of_its_place() -> None:
    # seven numbers and a white-space line: the numbers alone fill the row, the line is no cell
    rd = read_row(KEYS, [ValueToken(text=t, empty=not t.strip(), weak=not t.strip())
                         for t in ("1", "2", " ", "0", "0", "0", "0", "3")], 100.0, SUM_LAST)
    assert [rd.cells[k].value for k in KEYS] == [1, 2, 0, 0, 0, 0, 3]


def test_non_breaking_spaces_that_pad_every_cell_are_no_blank_cells() -> None:
    # a Word-made HTML table with "0&nbsp;" in every cell (a real department report), through
    # get_text(""): 13 positions for 7 cells if each nbsp were a blank, so they are padding
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量0\xa00\xa00\xa00\xa00\xa0\xa000\n"
    rep = extract(text, {"template": "2021"})
    assert [rep.cells[k].value for k in KEYS] == [0] * 7


def test_a_non_breaking_space_between_glued_digits_is_still_a_blank_cell() -> None:
    # 12 | blank | 0 0 0 0 | 12: with the nbsp the row has no more positions than cells
    rd = read_row(KEYS, [ValueToken(text="12", glued=True), ValueToken(text="", empty=True, weak=True),
                         ValueToken(text="000012", glued=True)], 100.0, SUM_LAST)
    assert rd.cells[KEYS[1]].value is None and rd.cells[KEYS[-1]].value == 12


def test_a_non_breaking_space_is_padding_where_only_that_reading_keeps_the_row_total() -> None:
    # "（二）部分公开…700000&nbsp;7" (a real report, get_text("")): 7|0|0|0|0|0|7, the nbsp pads the total's
    # cell; read as a blank cell it would give 70 0 0 0 0 _ 7, whose total does not hold
    rd = read_row(KEYS, [ValueToken(text="700000", glued=True), ValueToken(text="", empty=True, weak=True),
                         ValueToken(text="7", glued=True)], 100.0, SUM_LAST)
    assert [rd.cells[k].value for k in KEYS] == [7, 0, 0, 0, 0, 0, 7]
    assert not any(c.review for c in rd.cells.values())

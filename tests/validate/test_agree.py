"""Two readers must agree: where the structural and the sequence reader differ, the cells go to review."""

from __future__ import annotations

import json
from pathlib import Path

from extractor import extract
from extractor.datamodel import Cell
from extractor.matching.sequence import SeqReading, SeqRow
from extractor.templates import load_template
from extractor.validate.agree import DISAGREE_CONFIDENCE, cross_check

T = load_template("2021")
ROOT = Path(__file__).resolve().parents[2]
ROW = "apply.new_received"


def _cells(values: list[int | None]) -> dict[str, Cell]:
    keys = T.row(ROW).cell_keys()
    return {k: Cell(value=v) for k, v in zip(keys, values, strict=True)}


def _seq(values: tuple[int, ...]) -> SeqReading:
    return SeqReading({ROW: SeqRow(values, tuple(str(v) for v in values), "'本年新收政府信息公开申请数量' then 7 numbers")}, {})


def test_agreeing_readers_change_nothing() -> None:
    cells = _cells([3, 1, 0, 0, 0, 0, 4])
    before = dict(cells)
    got = cross_check(cells, _seq((3, 1, 0, 0, 0, 0, 4)), T)
    assert got.agreed == 7 and not got.disagreed and cells == before


def test_a_disagreement_flags_the_row_with_both_readings() -> None:
    cells = _cells([3, 0, 1, 0, 0, 0, 4])  # both readings fit the row's 总计: nothing tells them apart
    got = cross_check(cells, _seq((3, 1, 0, 0, 0, 0, 4)), T)
    assert got.disagreed == ["apply.new_received.commercial", "apply.new_received.research"]
    assert not got.taken
    c = cells["apply.new_received.commercial"]
    assert c.value == 0 and c.review and c.ambiguous and c.confidence <= DISAGREE_CONFIDENCE
    assert c.candidates == [[3, 0, 1, 0, 0, 0, 4], [3, 1, 0, 0, 0, 0, 4]]
    assert "sequence reader" in (c.reason or "")
    assert cells["apply.new_received.total"].review  # the whole row is in doubt


def test_the_reading_the_identities_support_is_kept_and_says_so() -> None:
    cells = _cells([None, 3, 1, 0, 0, 0, 0])  # shifted one cell right, 总计 lost: 0 ≠ 3 + 1
    got = cross_check(cells, _seq((3, 1, 0, 0, 0, 0, 4)), T)
    assert got.taken == got.disagreed and "apply.new_received.natural_person" in got.taken
    c = cells["apply.new_received.natural_person"]
    assert c.value == 3 and c.review and "sequence reading kept" in (c.reason or "")
    assert c.candidates is not None and c.candidates[0][0] is None  # the structural reading stays visible


def test_a_blank_against_a_zero_is_no_reason_to_take_the_zero() -> None:
    cells = _cells([3, None, 1, 0, 0, 0, 4])
    got = cross_check(cells, _seq((3, 0, 1, 0, 0, 0, 4)), T)
    assert got.disagreed == ["apply.new_received.commercial"] and not got.taken
    assert cells["apply.new_received.commercial"].value is None and cells["apply.new_received.commercial"].review


def test_a_row_the_structural_reader_did_not_find_takes_the_other_reading() -> None:
    keys = T.row(ROW).cell_keys()
    cells = {k: Cell(value=None, source="missing", review=True) for k in keys}
    got = cross_check(cells, _seq((3, 1, 0, 0, 0, 0, 4)), T)
    assert got.taken == keys and cells[keys[0]].value == 3 and cells[keys[0]].review


def test_a_converter_shifted_review_row_is_recovered_and_flagged() -> None:
    # pymupdf/markitdown markdown of a real PDF (淮安市 2024): the review row's pipe cells shifted
    rep = extract(ROOT / "corpora/converted/conv_markitdown_pdf/docs/real__szfgs2024.md")
    upheld = rep.cells["review.review.upheld"]
    assert upheld.value == 72 and upheld.review
    assert any(w.code == "readers_disagree" and "readers disagree" in w.message for w in rep.warnings)


def test_a_shredded_table_read_by_order_is_confirmed_by_the_identities() -> None:
    # markitdown's markdown of a real PDF (洪泽区 2023): every row's numbers in a table of its own, the
    # labels between them, above or below; the numbers in order, 23 groups for 23 printed rows
    gold = json.loads((ROOT / "corpora/real/gold/hzq2023_working.json").read_text(encoding="utf-8"))["cells"]
    rep = extract(ROOT / "corpora/converted/conv_markitdown_pdf/docs/real__hzq2023_working.md")
    wrong = [k for k, v in gold.items() if k.startswith("apply.") and rep.cells[k].value != v]
    assert wrong == []
    moved = rep.cells["apply.result.withheld.enforcement_file.natural_person"]
    assert moved.value == 1 and moved.review and "by order" in (moved.reason or "")


def test_guessed_placements_give_way_to_a_clean_reading() -> None:
    # 沭阳县 2025 (real, OCR'd to markdown): the review table as three 5-cell tables; the structural reader
    # takes the first as the 15-cell row and guesses where its 5 numbers go
    rep = extract(ROOT / "corpora/real/docs/shuyang2025_report.txt")
    assert [rep.cells[f"review.suit_after_review.{c}"].value for c in ("upheld", "other", "total")] == [8, 1, 10]
    assert rep.cells["review.suit_direct.total"].review  # taken from the second reader: flagged, says why


def test_a_label_pairing_the_confirmed_order_reading_agrees_with_is_settled() -> None:
    # markitdown's markdown of a real PDF (淮安市 2024): numbers between two label lines, every row; the
    # table read by order makes every identity hold and pairs them alike
    gold = json.loads((ROOT / "corpora/real/gold/szfgs2024.json").read_text(encoding="utf-8"))["cells"]
    rep = extract(ROOT / "corpora/converted/conv_markitdown_pdf/docs/real__szfgs2024.md")
    settled = [k for k, c in rep.cells.items() if "pairing confirmed" in (c.reason or "")]
    assert len(settled) >= 7
    assert all(rep.cells[k].value == gold[k] and not rep.cells[k].review for k in settled)


def test_a_settled_pairing_doubt_leaves_no_contradicting_reason() -> None:
    rep = extract(ROOT / "corpora/converted/conv_markitdown_pdf/docs/real__szfgs2024.md")
    settled = [c for c in rep.cells.values() if "pairing confirmed" in (c.reason or "")]
    assert settled and not any("decided by order only" in (c.reason or "") for c in settled)

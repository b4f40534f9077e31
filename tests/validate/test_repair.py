from __future__ import annotations

import copy

from extractor.datamodel import Cell
from extractor.templates import load_template
from extractor.validate import check_identities
from extractor.validate.repair import infer_hidden, is_confusion, repair_confusions
from tests.conftest import load_gold

T = load_template("2021")


def cells_of(stem: str = "szfgs2024") -> dict[str, Cell]:
    g = load_gold(stem)
    return {k: Cell(value=v, raw=str(v), source="read", confidence=0.99) for k, v in g["cells"].items()}


def test_confusions() -> None:
    assert is_confusion("3", 8) and is_confusion("1362", 1862) and is_confusion("1002", 10002)
    assert is_confusion("4454", 454)  # a doubled digit
    assert not is_confusion("12", 13) and not is_confusion("21", 12) and not is_confusion("454", 4599)


def test_single_misread_digit_is_repaired_and_says_so() -> None:
    cells = cells_of()
    cells["apply.result.disclosed.natural_person"] = Cell(value=1788, raw="1788", source="read")  # printed 1288
    fixed = repair_confusions(cells, T)
    c = cells["apply.result.disclosed.natural_person"]
    assert fixed == ["apply.result.disclosed.natural_person"]
    assert c.value == 1288 and c.source == "repaired" and c.raw == "1788" and "1788" in (c.reason or "")
    assert all(ch.status == "pass" for ch in check_identities(cells, T))


def test_office_typo_that_is_no_ocr_confusion_is_left_alone() -> None:
    cells = cells_of()
    cells["apply.result.total.natural_person"] = Cell(value=2933, raw="2933", source="read")  # printed 2932: +1
    assert repair_confusions(cells, T) == []
    assert cells["apply.result.total.natural_person"].value == 2933


def test_cell_hidden_by_a_stamp_is_inferred_from_identities() -> None:
    cells = cells_of()
    cells["apply.result.total.natural_person"] = Cell(value=None, source="blank", confidence=0.5)
    assert infer_hidden(cells, T) == ["apply.result.total.natural_person"]
    c = cells["apply.result.total.natural_person"]
    assert c.value == 2932 and c.source == "inferred" and "determined by" in (c.reason or "")


def test_whole_blank_group_is_not_invented() -> None:
    cells = cells_of()
    for col in ("upheld", "corrected", "other", "pending", "total"):
        cells[f"review.review.{col}"] = Cell(value=None, source="blank")
    before = copy.deepcopy(cells)
    assert infer_hidden(cells, T) == [] and cells == before


def test_blank_that_the_identities_make_zero_stays_blank() -> None:
    cells = cells_of()
    cells["apply.new_received.research"] = Cell(value=None, source="blank")  # research is 0 in this report
    assert infer_hidden(cells, T) == []
    assert cells["apply.new_received.research"].value is None


def test_review_flags_follow_the_checks() -> None:
    from extractor.validate import flag_cells

    cells = cells_of()
    cells["apply.new_received.total"] = Cell(value=3118, raw="3118", source="read", confidence=0.99)  # breaks 2
    for k in cells:
        cells[k] = cells[k].model_copy(update={"confidence": 0.7})  # e.g. a weak label match everywhere
    flag_cells(cells, check_identities(cells, T))
    bad = cells["apply.new_received.total"]
    assert bad.review and bad.confidence <= 0.3 and "failed check" in (bad.reason or "")
    ok = cells["apply.result.total.natural_person"]  # all its identities hold
    assert not ok.review and ok.confidence > 0.9
    assert cells["active.rules.issued"].review  # no identity speaks for it and its reading is weak

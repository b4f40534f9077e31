"""End-to-end behaviour of the text path on the messy patterns of the foundation issue."""

from __future__ import annotations

import copy

import pytest

from benchmarks.score import score_document
from extractor import extract
from tests.conftest import ROOT, load_gold
from tests.render import APPLY_COLS, render

SEED_2019 = "001_1feac183b5673ebd"  # has non-zero values, +/- and a 元 amount
REAL_2021 = "szfgs2024"  # large counts, full 2021 （六） sub-rows


@pytest.mark.parametrize("stem", [SEED_2019, REAL_2021, "hzq2024_working"])
@pytest.mark.parametrize("sep", ["\t", " ", "\n", " | "], ids=["tabs", "spaces", "cell-per-line", "pipes"])
def test_separated_rows_score_100(stem: str, sep: str) -> None:
    gold = load_gold(stem)
    rep = extract(render(gold, sep))
    s = score_document(gold, rep.model_dump(), stem)
    assert s.wrong == []
    assert rep.template == gold["template"] and rep.year == gold["year"] and rep.organ == gold["organ"]


def test_glued_apply_and_review_tables_are_split_by_identities() -> None:
    gold = load_gold(REAL_2021)
    rep = extract(render(gold, ""))
    apply_keys = [k for k in gold["cells"] if k.startswith("apply.")]
    assert all(rep.cells[k].value == gold["cells"][k] for k in apply_keys)
    assert all(rep.cells[k].source == "split" for k in apply_keys)
    assert rep.cells["apply.new_received.total"].raw == "300153006143119"
    # every cell that is not right is flagged ambiguous, with the right reading among its candidates
    for k, v in gold["cells"].items():
        c = rep.cells[k]
        if c.value != v:
            assert c.ambiguous and c.review
            assert c.candidates is not None


def _gold_with_new_received(values: list[int], zero: tuple[str, ...] = ()) -> dict:
    gold = copy.deepcopy(load_gold(SEED_2019))
    for r in zero:
        for c in APPLY_COLS:
            gold["cells"][f"apply.{r}.{c}"] = 0
    for row in ("new_received", "result.disclosed"):
        for c, v in zip(APPLY_COLS, values, strict=True):
            gold["cells"][f"apply.{row}.{c}"] = v
    for c in APPLY_COLS:  # keep the table consistent: 一 + 二 = 三 + 四
        gold["cells"][f"apply.result.total.{c}"] = sum(
            gold["cells"][f"apply.{r}.{c}"] for r in
            ["result.disclosed", "result.partial", "result.withheld.law_prohibited"])
        gold["cells"][f"apply.carried_forward.{c}"] = (
            gold["cells"][f"apply.new_received.{c}"] + gold["cells"][f"apply.carried_over.{c}"]
            - gold["cells"][f"apply.result.total.{c}"])
    return gold


def test_glued_row_ambiguous_alone_is_decided_by_the_table_identities() -> None:
    # "110000011" fits the row total as 1|10|0|0|0|0|11 and as 11|0|0|0|0|0|11; the 一+二=三+四 identity
    # of each column (other rows printed with separators) decides.
    gold = _gold_with_new_received([1, 10, 0, 0, 0, 0, 11])
    lines = render(gold, "\t").split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.startswith("一、本年新收"))
    lines[i] = "一、本年新收政府信息公开申请数量110000011"
    rep = extract("\n".join(lines))
    got = [rep.cells[f"apply.new_received.{c}"] for c in APPLY_COLS]
    assert [c.value for c in got] == [1, 10, 0, 0, 0, 0, 11]
    assert all(c.source == "split" and not c.ambiguous and "identities" in (c.reason or "") for c in got)
    assert all(ch.status == "pass" for ch in rep.checks)


def test_glued_rows_that_identities_cannot_decide_stay_flagged() -> None:
    # 一, 三（一） and 三（七） all glued as "110000011": reading all three as 1|10|... or all as 11|0|...
    # keeps every identity, so the commercial column cannot be decided and must be flagged.
    gold = _gold_with_new_received([1, 10, 0, 0, 0, 0, 11], zero=("result.partial", "result.withheld.law_prohibited"))
    lines = render(gold, "\t").split("\n")
    for prefix in ("一、本年新收政府信息公开申请数量", "（一）予以公开", "（七）总计"):
        i = next(i for i, ln in enumerate(lines) if ln.startswith(prefix))
        lines[i] = prefix + "110000011"
    rep = extract("\n".join(lines))
    c = rep.cells["apply.new_received.commercial"]
    assert c.ambiguous and c.review and c.confidence <= 0.3
    assert sorted(c.candidates or []) == [[1, 10, 0, 0, 0, 0, 11], [11, 0, 0, 0, 0, 0, 11]]
    assert not rep.cells["apply.new_received.research"].ambiguous  # 0 in every reading
    assert all(ch.status == "pass" for ch in rep.checks)


def _mixed(gold: dict, single: list[int]) -> str:
    lines = render(gold, "\t").split("\n")
    sub = [i for i, ln in enumerate(lines) if ln.startswith(("1.申请人", "2.申请人", "3.其他"))]
    assert len(sub) == 3
    lines[sub[0]:sub[-1] + 1] = ["（六）其他处理\t" + "\t".join(map(str, single))]
    return "\n".join(lines)


def test_mixed_form_zero_single_row_infers_zero_sub_rows() -> None:
    gold = load_gold("hzq2023_working")
    rep = extract(_mixed(gold, [0] * 7))
    assert rep.template == "2021"
    c = rep.cells["apply.result.other.overdue_correction.total"]
    assert c.value == 0 and c.source == "inferred" and c.reason
    assert rep.extra_cells["apply.result.other.total"].value == 0  # the single row is kept, outside the key set
    s = score_document(gold, rep.model_dump(), "x")
    assert s.wrong == [k for k in s.wrong if k.startswith("review.")]  # gold's review row is inconsistent


def test_mixed_form_nonzero_single_row_leaves_sub_rows_null_and_identities_use_it() -> None:
    gold = copy.deepcopy(load_gold(REAL_2021))
    single = [67 + 6 + 108, 3 + 2, 0, 0, 1, 0, 187]
    rep = extract(_mixed(gold, single))
    assert rep.cells["apply.result.other.misc.natural_person"].value is None
    assert rep.cells["apply.result.other.misc.research"].value == 0
    check = next(c for c in rep.checks if c.id == "apply.result_sum.natural_person")
    assert check.status == "pass" and "apply.result.other.natural_person" in check.rhs_keys


def test_broken_inconsistent_numbers_are_reported_not_edited() -> None:
    gold = copy.deepcopy(load_gold(SEED_2019))
    gold["cells"]["apply.result.total.natural_person"] = 5  # office typo: should be 4
    rep = extract(render(gold, "\t"))
    assert rep.cells["apply.result.total.natural_person"].value == 5
    assert rep.cells["apply.result.total.natural_person"].source == "read"
    failed = {c.id for c in rep.failed_checks}
    assert {"apply.balance.natural_person", "apply.result_sum.natural_person",
            "apply.row_total.result.total"} <= failed
    assert rep.cells["apply.result.total.natural_person"].review


def test_blank_markers_are_null_never_zero() -> None:
    gold = copy.deepcopy(load_gold(SEED_2019))
    text = render(gold, "\t").replace("行政强制\t0\t0\t0", "行政强制\t—\t无\t/")
    rep = extract(text)
    for c in ("prev_items", "change", "decisions"):
        cell = rep.cells[f"active.enforcement.{c}"]
        assert cell.value is None and cell.source == "blank"


@pytest.mark.parametrize("stem", ["hzq2023_working", "hzq2024_working", "szfgs2024"])
def test_pdf_text_layout_labels_above_and_below_numbers(stem: str) -> None:
    """Text as pdfplumber's extract_text() gives it for the real PDFs: wrapped labels land above and
    below their numbers, vertical group labels interleave, page footers sit inside the table."""
    import pdfplumber

    from tests.conftest import REAL

    with pdfplumber.open(REAL / "docs" / f"{stem}.pdf") as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    gold = load_gold(stem)
    rep = extract(text)
    assert score_document(gold, rep.model_dump(), stem).wrong == []
    assert (rep.template, rep.year, rep.organ) == (gold["template"], gold["year"], gold["organ"])


def test_markdown_table_shredded_with_made_up_headers() -> None:
    """PDF-to-markdown output: one table cut into several, each with 数据1…数据8 headers, a label split
    across two columns and a group label in a column of its own."""
    gold = load_gold(REAL_2021)
    out = []
    for line in render(gold, " | ").split("\n"):
        if line.startswith(("| 一、本年新收", "| 1.本机关", "| （七）")):
            out += ["", "| " + " | ".join(f"数据{i}" for i in range(1, 9)) + " |", "|---" * 8 + "|"]
        line = line.replace("| 2.其他法律行政法规禁止公开", "| 2.其他法律行政 | 法规禁止公开")
        line = line.replace("| 1.申请人", "| （六）其他处理 | 1.申请人")
        out.append(line)
    rep = extract("\n".join(out))
    assert score_document(gold, rep.model_dump(), REAL_2021).wrong == []
    assert rep.organ == gold["organ"]


def test_every_report_of_a_template_has_the_same_cell_keys() -> None:
    """A hybrid form's own row (（六）其他处理 printed as one row in a 2021 report) goes to extra_cells."""
    from extractor.templates import load_template

    keys = load_template("2021").keys()
    hybrid = extract(ROOT / "corpora/real/docs/hzq2023_working.pdf")
    plain = extract(ROOT / "corpora/real/docs/szfgs2024.pdf")
    assert list(hybrid.cells) == list(plain.cells) == keys
    assert "apply.result.other.total" in hybrid.extra_cells and not plain.extra_cells

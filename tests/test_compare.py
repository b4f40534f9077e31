"""Year-over-year comparison (extractor.compare, issue #19): the named rules on made-up reports, the key
pairing across the 2019 -> 2021 template change, the pairing check, and two real consecutive reports of one
body from corpora/real (洪泽区 2023 -> 2024, PDFs; 君山片区 2020 -> 2021 across the template change) through
the library and the command, with the JSON valid against schema/compare.schema.json."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

import extractor
from extractor.compare import RULES, THRESHOLDS, Comparison, compare, compare_json_schema
from extractor.compare.rules import APPEAR_MIN, CHANGE_FACTOR, FACTOR_MIN_DELTA, OPPOSITE_MIN, VANISH_MIN
from extractor.datamodel import Cell, Report
from extractor.templates import load_template
from extractor.validate import check_identities
from tests.conftest import REAL, ROOT

HZQ = (REAL / "docs" / "hzq2023_working.pdf", REAL / "docs" / "hzq2024_working.pdf")
JSP = (REAL / "docs" / "pingtan_jsp_2020_page.txt", REAL / "docs" / "pingtan_jsp_2021_page.txt")
COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]


def made(year: int, values: dict[str, float | int | None] | None = None, template: str = "2021",
         organ: str = "清桥市青庄区人民政府") -> Report:
    """A report of ``template`` with every cell 0 but ``values``, and its identities checked."""
    t = load_template(template)
    cells = {k: Cell(value=0) for k in t.keys()}
    for k, v in (values or {}).items():
        cells[k] = Cell(value=v)
    return Report(source=f"{year}.txt", template=template, year=year, organ=organ, cells=cells,  # type: ignore[arg-type]
                  checks=check_identities(cells, t))


def _apply(row: str, **by_col: int) -> dict[str, float | int | None]:
    """An apply row's cells with its total the sum of the columns given."""
    out: dict[str, float | int | None] = {f"apply.{row}.{c}": v for c, v in by_col.items()}
    out[f"apply.{row}.total"] = sum(by_col.values())
    return out


@cache
def _real(path: Path) -> Report:
    return extractor.extract(path)


def _rules(cmp: Comparison) -> set[str]:
    return {f.rule for f in cmp.flags}


# ------------------------------------------------------------------------------------------ rules

def test_every_rule_is_named_in_the_model_and_thresholds_are_reported() -> None:
    from typing import get_args

    from extractor.compare.model import RuleName

    assert set(RULES) == set(get_args(RuleName))
    cmp = compare(made(2022), made(2023))
    assert cmp.thresholds == THRESHOLDS and cmp.flags == [] and cmp.pairing.ok
    assert all(c.change == 0 and c.flags == [] for c in cmp.changes)


def test_appears_from_zero_and_vanishes_to_zero_above_a_size() -> None:
    key = "active.penalty.decisions"
    assert _rules(compare(made(2022, {key: 0}), made(2023, {key: APPEAR_MIN}))) == {"appears_from_zero"}
    assert _rules(compare(made(2022, {key: 0}), made(2023, {key: APPEAR_MIN - 1}))) == set()
    cmp = compare(made(2022, {key: VANISH_MIN}), made(2023, {key: 0}))
    assert _rules(cmp) == {"vanishes_to_zero"} and cmp.change(key).flags == ["vanishes_to_zero"]
    assert _rules(compare(made(2022, {key: VANISH_MIN - 1}), made(2023, {key: 0}))) == set()
    # a blank is not a 0: nothing appears from a cell that was not read
    assert _rules(compare(made(2022, {key: None}), made(2023, {key: 500}))) == set()


def test_factor_change_needs_the_factor_and_for_counts_a_size() -> None:
    key = "active.licensing.decisions"
    big = int(FACTOR_MIN_DELTA / (CHANGE_FACTOR - 1)) + 1
    cmp = compare(made(2022, {key: big}), made(2023, {key: int(big * CHANGE_FACTOR)}))
    assert _rules(cmp) == {"factor_change"} and "×" in cmp.flags[0].message
    assert _rules(compare(made(2022, {key: 1}), made(2023, {key: 5}))) == set()  # ×5 but 4 more
    assert _rules(compare(made(2022, {key: 100}), made(2023, {key: 400}))) == set()  # ×4
    assert _rules(compare(made(2022, {key: 500}), made(2023, {key: 100}))) == {"factor_change"}
    # amounts (万元) have no size floor
    fee = "active.fees.amount"
    assert _rules(compare(made(2022, {fee: 1.5}), made(2023, {fee: 9.0}))) == {"factor_change"}


def test_total_against_parts() -> None:
    # 2022: 行政复议 parts 3 with total 3; 2023: parts 1 but total 4 (the identity breaks)
    before = made(2022, {"review.review.upheld": 3, "review.review.total": 3})
    after = made(2023, {"review.review.upheld": 1, "review.review.total": 4})
    cmp = compare(before, after)
    tap = cmp.flagged("total_against_parts")
    assert [f.keys for f in tap] == [["review.review.total"]] and tap[0].identity == "review.group_total.review"
    assert cmp.change("review.review.total").flags == ["total_against_parts", "identity_newly_failed"]


def test_requests_against_results() -> None:
    n = OPPOSITE_MIN
    before = made(2022, {**_apply("new_received", natural_person=2 * n), **_apply("result.disclosed", natural_person=2 * n),
                         **_apply("result.total", natural_person=2 * n)})
    # more requests, fewer results: the rest carried forward (every identity holds)
    after = made(2023, {**_apply("new_received", natural_person=3 * n), **_apply("result.disclosed", natural_person=n),
                        **_apply("result.total", natural_person=n), **_apply("carried_forward", natural_person=2 * n)})
    assert not after.failed_checks
    cmp = compare(before, after)
    assert "requests_against_results" in _rules(cmp)
    f = cmp.flagged("requests_against_results")[0]
    assert f.keys == ["apply.new_received.total", "apply.result.total.total"]
    small = made(2023, {**_apply("new_received", natural_person=2 * n + 1), **_apply("result.total", natural_person=2 * n - 1),
                        **_apply("result.disclosed", natural_person=2 * n - 1), **_apply("carried_forward", natural_person=2)})
    assert "requests_against_results" not in _rules(compare(before, small))


def test_identity_newly_failed_only_when_it_held_the_year_before() -> None:
    broken = {"apply.new_received.natural_person": 5, "apply.new_received.total": 5}  # no result: balance fails
    cmp = compare(made(2022), made(2023, broken))
    ids = {f.identity for f in cmp.flagged("identity_newly_failed")}
    assert ids == {"apply.balance.natural_person", "apply.balance.total"}
    assert {c.id for c in cmp.failed_after} == ids and cmp.failed_before == []
    # failing both years: not new
    assert "identity_newly_failed" not in _rules(compare(made(2022, broken), made(2023, broken)))


def test_carry_over_break_is_flagged_on_both_cells() -> None:
    before = made(2022, _apply("carried_forward", natural_person=3) | _apply("new_received", natural_person=3))
    ok = made(2023, _apply("carried_over", natural_person=3) | _apply("result.total", natural_person=3)
              | _apply("result.disclosed", natural_person=3))
    cmp = compare(before, ok)
    assert cmp.carry_over_status == "ok" and len(cmp.carry_over) == 7 and "carry_over_break" not in _rules(cmp)
    bad = made(2023, _apply("carried_over", natural_person=4) | _apply("result.total", natural_person=4)
               | _apply("result.disclosed", natural_person=4))
    cmp = compare(before, bad)
    assert cmp.carry_over_status == "break"
    assert {k for f in cmp.flagged("carry_over_break") for k in f.keys} == {
        "apply.carried_forward.natural_person", "apply.carried_over.natural_person",
        "apply.carried_forward.total", "apply.carried_over.total"}
    assert cmp.change("apply.carried_over.total").flags == ["carry_over_break"]


# ------------------------------------------------------------------------------------------ pairing and keys

def test_pairing_says_why_not() -> None:
    cmp = compare(made(2023), made(2021, organ="青庄区财政局"))
    p = cmp.pairing
    assert p.swapped and (cmp.before.year, cmp.after.year) == (2021, 2023)
    assert not p.same_body and not p.consecutive and len(p.reasons) == 2
    assert cmp.carry_over_status == "not_checked" and "not consecutive" in (cmp.carry_over_note or "")
    p = compare(made(2022, organ="清桥市青庄区人民政府"), made(2023, organ="青庄区政府")).pairing
    assert p.ok and p.body == "清桥市青庄区人民政府" and p.reasons == []
    p = compare(made(2022), made(2022)).pairing
    assert p.reasons == ["both report on 2022"]
    p = compare(made(2022, organ=None), made(2023)).pairing  # type: ignore[arg-type]
    assert not p.same_body and "no organ" in p.reasons[0]


def test_keys_across_the_template_change() -> None:
    before = made(2020, {"apply.result.other.natural_person": 2, "apply.result.other.total": 2,
                         "active.rules.new_made": 4, "active.procurement.items": 7}, template="2019")
    after = made(2021, {"apply.result.other.misc.natural_person": 1, "apply.result.other.misc.total": 1,
                        "apply.result.other.unpaid_fee.natural_person": 2, "apply.result.other.unpaid_fee.total": 2,
                        "active.rules.issued": 6})
    cmp = compare(before, after)
    by = {c.key: c for c in cmp.changes}
    t19, t21 = load_template("2019").keys(), load_template("2021").keys()
    # every cell of each report has exactly one row of its own (a sum of sub-rows comes beside those)
    assert sorted(c.before_keys[0] for c in cmp.changes if len(c.before_keys) == 1) == sorted(t19)
    assert sorted(c.after_keys[0] for c in cmp.changes if len(c.after_keys) == 1) == sorted(t21)
    assert len(by) == len(cmp.changes)
    s = by["apply.result.other.total"]
    assert s.mapping == "summed" and (s.before, s.after, s.change) == (2, 3, 1)
    assert s.after_keys == [f"apply.result.other.{r}.total" for r in ("overdue_correction", "unpaid_fee", "misc")]
    r = by["active.rules.issued"]
    assert r.mapping == "renamed" and r.before_keys == ["active.rules.new_made"] and r.change == 2
    assert by["active.procurement.items"].mapping == "only_before" and by["active.procurement.items"].after is None
    assert by["apply.result.other.misc.total"].mapping == "only_after"
    assert by["apply.new_received.total"].mapping == "same"
    order = [c.key for c in cmp.changes]
    assert order.index("apply.result.other.natural_person") < order.index(
        "apply.result.other.overdue_correction.natural_person")
    # the other way round (a 2021 report before a 2019 one): the same pairs, sides turned
    back = {c.key: c for c in compare(made(2021, organ="x区"), made(2022, template="2019", organ="x区")).changes}
    assert back["apply.result.other.total"].mapping == "summed" and len(back["apply.result.other.total"].before_keys) == 3


def test_numbers_are_as_extracted() -> None:
    b, a = _real(HZQ[0]), _real(HZQ[1])
    cmp = compare(b, a)
    for c in cmp.changes:
        assert c.before == b.all_cells[c.key].value and c.after == a.all_cells[c.key].value
        assert c.before_source == b.all_cells[c.key].source and c.before_prov == b.all_cells[c.key].prov


# ------------------------------------------------------------------------------------------ real reports

def _validate(doc: dict[str, object]) -> None:
    import jsonschema

    schema = json.loads((ROOT / "schema" / "compare.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)


def test_published_compare_schema_is_current() -> None:
    published = json.loads((ROOT / "schema" / "compare.schema.json").read_text(encoding="utf-8"))
    assert published == compare_json_schema(), "run `extractor schema --compare --out schema/compare.schema.json`"


def test_two_consecutive_real_reports_of_one_body() -> None:
    """洪泽区人民政府 2023 and 2024 (text-layer PDFs): the title prints the name two ways."""
    b, a = _real(HZQ[0]), _real(HZQ[1])
    assert (b.organ, a.organ) == ("洪泽区人民政府", "淮安市洪泽区人民政府")
    cmp = extractor.compare(a, b)  # later first: put in order
    assert cmp.pairing.ok and cmp.pairing.swapped and (cmp.before.year, cmp.after.year) == (2023, 2024)
    assert {c.key for c in cmp.changes} == set(b.all_cells) | set(a.all_cells)
    assert all(c.mapping == "same" for c in cmp.changes)
    moved = {c.key: c.change for c in cmp.changes if c.change}
    assert moved["apply.new_received.total"] == a.cells["apply.new_received.total"].value - b.cells[  # type: ignore[operator]
        "apply.new_received.total"].value
    assert cmp.carry_over_status == "ok" and [r.column for r in cmp.carry_over] == COLS
    # 行政许可 550 -> 9487; 予以公开 0 -> 50; 2023's review totals of 0 beside parts of 11 and 5
    assert {"factor_change", "appears_from_zero", "total_against_parts"} <= _rules(cmp)
    assert "active.licensing.decisions" in {k for f in cmp.flagged("factor_change") for k in f.keys}
    assert cmp.largest["active"][0] == "active.licensing.decisions"
    assert {c.id for c in cmp.failed_before} == {c.id for c in b.failed_checks if c.kind == "identity"}
    assert [n.topic for n in cmp.narrative][:2] == ["active_disclosure", "new_received"]
    assert all(n.before and n.after for n in cmp.narrative[:2])
    _validate(json.loads(cmp.model_dump_json()))


def test_real_pair_across_the_template_change() -> None:
    """君山片区管理局 2020 (template 2019) -> 2021 (template 2021)."""
    b, a = _real(JSP[0]), _real(JSP[1])
    cmp = compare(b, a)
    assert cmp.pairing.ok and (cmp.before.template, cmp.after.template) == ("2019", "2021")
    maps = {c.mapping for c in cmp.changes}
    assert maps == {"same", "renamed", "summed", "only_before", "only_after"}
    assert cmp.change("apply.result.other.total").mapping == "summed"
    assert cmp.carry_over_status == "ok"
    _validate(json.loads(cmp.model_dump_json()))


def test_compare_command_json(tmp_path: Path) -> None:
    out = tmp_path / "cmp.json"
    res = subprocess.run([sys.executable, "-m", "extractor", "compare", str(HZQ[0]), str(HZQ[1]), "--json", "-o",
                          str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    _validate(doc)
    assert doc["pairing"]["same_body"] and doc["carry_over_status"] == "ok" and doc["flags"]
    res = subprocess.run([sys.executable, "-m", "extractor", "compare", str(HZQ[0]), str(JSP[1])], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "NOT one body's consecutive years" in res.stdout and "different bodies" in res.stdout
    res = subprocess.run([sys.executable, "-m", "extractor", "compare", str(HZQ[0]), str(tmp_path / "nope.pdf")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "error [input]" in res.stderr


@pytest.mark.parametrize("schema_arg", [["--compare"]])
def test_schema_command(schema_arg: list[str]) -> None:
    res = subprocess.run([sys.executable, "-m", "extractor", "schema", *schema_arg], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert json.loads(res.stdout) == compare_json_schema()


def test_readme_compare_commands_run() -> None:
    """The README's Compare section: its commands on bundled files run as written (those on made-up names,
    A.pdf or a server, and the batch that writes into out/, are covered by the tests above)."""
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Compare (year over year)", 1)[1].split("\n### ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    cmds = [shlex.split(line.split("  #", 1)[0]) for line in block.splitlines() if line.startswith(".venv/bin/extractor")]
    runnable = [c for c in cmds if "batch" not in c and not any(a in ("A.pdf", "B.pdf") for a in c)]
    assert len(runnable) == 2
    outs = []
    for c in runnable:
        res = subprocess.run([sys.executable, "-m", "extractor", *c[1:]], cwd=ROOT, capture_output=True, text=True,
                             timeout=300)
        assert res.returncode == 0, (c, res.stderr)
        outs.append(res.stdout)
    assert "one body, consecutive years" in outs[0] and "carry-over: ok" in outs[0]
    assert json.loads(outs[1]) == compare_json_schema()

"""Acceptance: the real seed texts score 100% through the CLI, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.score import score_document
from tests.conftest import REAL, load_gold

SEEDS = sorted(p.stem for p in (REAL / "docs").glob("0*.txt"))  # the project's four seed texts
# Real pingtan.gov.cn crawler dumps: the whole report on one line, its tables flattened with no separator.
PINGTAN = sorted(p.stem for p in (REAL / "docs").glob("pingtan_*.txt"))


@pytest.mark.parametrize("stem", SEEDS)
def test_seed_scores_100_percent_through_cli(stem: str) -> None:
    gold = load_gold(stem)
    p = subprocess.run([sys.executable, "-m", "extractor", "extract", str(REAL / "docs" / gold["source"]), "--json"],
                       capture_output=True, timeout=120, check=True)
    out = json.loads(p.stdout)
    s = score_document(gold, out, stem)
    assert s.wrong == [] and s.right == s.total == 198
    assert out["year"] == gold["year"] and out["organ"] == gold["organ"]
    assert out["status"] == "ok"


def test_seed_002_blank_review_cells_are_null_not_zero() -> None:
    from extractor import extract

    rep = extract(REAL / "docs" / "002_0843dfdf5e1a4b6d.txt")
    blanks = {k: c for k, c in rep.cells.items() if k.startswith("review.review.")}
    assert len(blanks) == 5
    assert all(c.value is None and c.source == "blank" for c in blanks.values())
    assert rep.cells["review.suit_direct.total"].value == 0
    group = next(c for c in rep.checks if c.id == "review.group_total.review")
    assert group.status == "skipped"


def test_seed_001_signed_and_unit_values() -> None:
    from extractor import extract

    rep = extract(REAL / "docs" / "001_1feac183b5673ebd.txt")
    assert rep.cells["active.licensing.change"].value == 156
    assert rep.cells["active.licensing.change"].raw == "+156"
    assert rep.cells["active.procurement.amount"].value == 3189300
    assert rep.units == {"active.procurement.amount": "元"}
    assert all(c.status == "pass" for c in rep.checks if c.kind == "identity")


@pytest.mark.parametrize("stem", PINGTAN)
def test_real_run_on_scraper_dumps_are_read_and_what_is_wrong_is_flagged(stem: str) -> None:
    from extractor import extract

    gold = load_gold(stem)
    rep = extract(REAL / "docs" / gold["source"])
    assert (rep.template, rep.year, rep.organ) == (gold["template"], gold["year"], gold["organ"])
    # "partial" only for rows the report does not print (jjp 2024 has no 规章 row: gold null)
    missing = [k for k, c in rep.cells.items() if c.source == "missing"]
    assert rep.status == ("partial" if missing else "ok")
    assert all(gold["cells"].get(k) is None for k in missing), missing
    s = score_document(gold, rep.model_dump(), stem)
    # only the active rows whose glued digits no identity decides (gold glued_ambiguous_rows) can be
    # wrong, and they are flagged
    undecidable = tuple(f"{r}." for r in gold.get("glued_ambiguous_rows", []))
    assert all(k.startswith(undecidable) and rep.cells[k].review and rep.cells[k].ambiguous for k in s.wrong), s.wrong
    # the identities the source itself breaks (gold ``inconsistent``) are reported, and no other
    assert sorted(c.id for c in rep.checks if c.kind == "identity" and c.status == "fail") == \
        sorted(gold.get("inconsistent", []))

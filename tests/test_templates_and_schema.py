from __future__ import annotations

import json

from extractor.cli import app  # noqa: F401  (import check)
from extractor.datamodel import report_json_schema
from extractor.templates import load_template
from tests.conftest import ROOT, load_gold


def test_2019_keys_are_exactly_the_gold_key_set_in_order() -> None:
    assert load_template("2019").keys() == list(load_gold("000_811754ced70f7104")["cells"])


def test_2021_keys_are_exactly_the_gold_key_set() -> None:
    keys = load_template("2021").keys()
    assert keys == list(load_gold("szfgs2024")["cells"])
    assert len(keys) == 200 and "apply.result.other.total" not in keys
    assert "apply.result.other.total" in load_template("2021").extra_keys()


def test_identities_expand_per_column_row_and_group() -> None:
    t = load_template("2021")
    ids = {i.id: i for i in t.identities}
    assert len([i for i in ids if i.startswith("apply.balance.")]) == 7
    assert len([i for i in ids if i.startswith("apply.row_total.")]) == 25
    assert len([i for i in ids if i.startswith("review.group_total.")]) == 3
    rs = ids["apply.result_sum.total"]
    assert len(rs.rhs) == 21 and "apply.result.other.misc.total" in rs.rhs and "apply.result.other.total" not in rs.rhs
    assert len(load_template("2019").identities[7].rhs) == 19


def test_published_json_schema_is_current() -> None:
    published = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    assert published == report_json_schema(), "run `make schema`"
    assert published["$schema"].endswith("2020-12/schema") and published["$id"].startswith("urn:")
    # the JSON as written: every field is always there
    assert {"template", "cells", "status", "checks", "warnings"} <= set(published["required"])
    cell = published["$defs"]["Cell"]
    assert {"value", "source", "confidence", "review", "reading", "prov"} <= set(cell["required"])

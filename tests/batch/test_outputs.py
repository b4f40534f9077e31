"""The wide form (documents.parquet) fits data tools: counts are Int64, amounts are in 元 with the unit in
the column name, column names need no quoting in SQL, and the file says which key each column holds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extractor.batch import run_batch
from tests.conftest import ROOT

pq = pytest.importorskip("pyarrow.parquet")
REAL = ROOT / "corpora" / "real"


def test_wide_form_counts_are_integers_and_amounts_yuan(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("szfgs2024.pdf", "000_811754ced70f7104.txt"):
        shutil.copy(REAL / "docs" / name, src / name)
    run_batch(src, tmp_path / "out", workers=1)
    table = pq.read_table(tmp_path / "out" / "documents.parquet")
    cols = table.schema.names
    assert "apply__new_received__total" in cols and all("." not in c for c in cols)
    assert str(table.schema.field("apply__new_received__total").type) == "int64"
    assert str(table.schema.field("active__fees__amount__yuan").type) == "double"
    key_map = json.loads(table.schema.metadata[b"extractor.key_map"])
    assert key_map["active__fees__amount__yuan"] == "active.fees.amount"
    rows = {r["document"]: r for r in table.to_pylist()}
    for name in rows:
        gold = json.loads((REAL / "gold" / (Path(name).stem + ".json")).read_text(encoding="utf-8"))
        assert rows[name]["apply__new_received__total"] == gold["cells"]["apply.new_received.total"]
        unit = (gold.get("units") or {}).get("active.fees.amount", "万元")
        factor = {"万元": 10_000, "元": 1}[unit]
        amount = gold["cells"].get("active.fees.amount")
        assert rows[name]["active__fees__amount__yuan"] == (None if amount is None else pytest.approx(amount * factor))


def test_cells_csv_with_a_byte_order_mark_for_spreadsheets(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(REAL / "docs" / "000_811754ced70f7104.txt", src / "a.txt")
    run_batch(src, tmp_path / "plain", workers=1)
    run_batch(src, tmp_path / "bom", workers=1, csv_bom=True)
    plain = (tmp_path / "plain" / "cells.csv").read_bytes()
    bom = (tmp_path / "bom" / "cells.csv").read_bytes()
    assert not plain.startswith(b"\xef\xbb\xbf") and bom == b"\xef\xbb\xbf" + plain

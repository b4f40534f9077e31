"""The multi-year series (corpora/series, made by corpora/synthetic/series.py) through a real batch: the
year-over-year check finds six consecutive pairs for the district, all ok, keeps the district's 人民政府办公室
apart, and in the break variant reports exactly the changed pair and columns. The committed series is what
the generator writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

SERIES = ROOT / "corpora" / "series"
COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]
DISTRICT = "清桥市青庄区人民政府"  # the longest of the names the district prints over the years
OFFICE = "青庄区人民政府办公室"


def _batch(variant: str, out: Path) -> list[dict[str, Any]]:
    subprocess.run([sys.executable, "-m", "extractor", "batch", str(SERIES / variant / "docs"), "--out", str(out),
                    "-q"], cwd=ROOT, check=True, capture_output=True, timeout=600)
    return [json.loads(x) for x in (out / "cross_year.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads((SERIES / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def consistent(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    out = tmp_path_factory.mktemp("series-consistent")
    rows = _batch("consistent", out)
    return rows, json.loads((out / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return _batch("break", tmp_path_factory.mktemp("series-break"))


def _pairs(rows: list[dict[str, Any]], organ: str) -> dict[tuple[int, int], dict[str, dict[str, Any]]]:
    out: dict[tuple[int, int], dict[str, dict[str, Any]]] = {}
    for r in rows:
        if r["organ"] == organ:
            out.setdefault((r["year"], r["next_year"]), {})[r["column"]] = r
    return out


def test_series_has_the_names_forms_and_templates_it_claims(manifest: dict[str, Any]) -> None:
    district = manifest["bodies"]["district"]["years"]
    assert sorted(district) == [str(y) for y in range(2019, 2026)]
    assert {d["template"] for y, d in district.items() if int(y) <= 2020} == {"2019"}
    assert {d["template"] for y, d in district.items() if int(y) >= 2021} == {"2021"}
    names = {d["organ"] for d in district.values()}
    assert len(names) >= 4 and DISTRICT in names and all("青庄区" in n for n in names)
    assert {d["form"] for d in district.values()} >= {"text_lines", "text_tabs", "text_glued", "html", "docx"}
    assert {d["organ"] for d in manifest["bodies"]["office"]["years"].values()} == {OFFICE}


def test_consistent_series_six_pairs_all_ok(consistent: tuple[list[dict[str, Any]], dict[str, Any]],
                                            manifest: dict[str, Any]) -> None:
    rows, summary = consistent
    pairs = _pairs(rows, DISTRICT)
    assert sorted(pairs) == [(y, y + 1) for y in range(2019, 2025)]
    years = manifest["bodies"]["district"]["years"]
    for (y, ny), cols in pairs.items():
        assert sorted(cols) == sorted(COLS), (y, ny)
        for c, r in cols.items():
            assert r["status"] == "ok", r
            assert r["carried_forward"] == r["next_carried_over"] == years[str(y)]["carried_forward"][c]
            assert (r["source"], r["next_source"]) == (years[str(y)]["source"], years[str(ny)]["source"])
    # the carry-over is not all zeros: the per-column comparison is tested on real values
    assert sum(r["carried_forward"] > 0 for cols in pairs.values() for r in cols.values() if r["column"] != "total") >= 15
    assert summary["cross_year"] == {"ok": 7 * 8}


def test_other_body_is_kept_apart(consistent: tuple[list[dict[str, Any]], dict[str, Any]],
                                  manifest: dict[str, Any]) -> None:
    rows, _ = consistent
    assert {r["organ"] for r in rows} == {DISTRICT, OFFICE}
    office = _pairs(rows, OFFICE)
    assert sorted(office) == [(2021, 2022), (2022, 2023)]
    sources = {d["source"] for d in manifest["bodies"]["office"]["years"].values()}
    for cols in office.values():
        assert all(r["status"] == "ok" for r in cols.values())
        assert {r["source"] for r in cols.values()} | {r["next_source"] for r in cols.values()} <= sources
    district_sources = {s for r in rows if r["organ"] == DISTRICT for s in (r["source"], r["next_source"])}
    assert not district_sources & sources


def test_break_variant_reports_exactly_the_changed_pair_and_columns(broken: list[dict[str, Any]],
                                                                    manifest: dict[str, Any]) -> None:
    (expected,) = manifest["variants"]["break"]["breaks"]
    assert expected["columns"] == ["natural_person", "commercial", "total"]
    bad = [r for r in broken if r["status"] != "ok"]
    assert sorted((r["organ"], r["year"], r["next_year"], r["column"], r["status"]) for r in bad) == sorted(
        (DISTRICT, expected["year"], expected["next_year"], c, "break") for c in expected["columns"])
    for r in bad:
        assert r["carried_forward"] == expected["carried_forward"][r["column"]]
        assert r["next_carried_over"] == expected["next_carried_over"][r["column"]]
        assert (r["source"], r["next_source"]) == (expected["source"], expected["next_source"])
    assert len(_pairs(broken, DISTRICT)) == 6 and len(_pairs(broken, OFFICE)) == 2
    assert len(broken) == 8 * len(COLS)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_committed_series_is_what_the_generator_writes(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "corpora.synthetic.series", "--out", str(tmp_path / "s"), "--seed", "0"],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    fresh, committed = _files(tmp_path / "s"), _files(SERIES)
    assert fresh.keys() == committed.keys()
    assert [k for k in fresh if fresh[k] != committed[k]] == []


def test_break_variant_differs_in_one_document_only() -> None:
    a, b = _files(SERIES / "consistent"), _files(SERIES / "break")
    assert a.keys() == b.keys()
    assert sorted(k for k in a if a[k] != b[k]) == ["docs/district_2023.html", "gold/district_2023.json"]

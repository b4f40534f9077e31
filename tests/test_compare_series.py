"""The multi-year series (corpora/series) through a real batch with --compare-html: compare.jsonl and
compare.parquet hold one row per body x consecutive year pair x key — six pairs for the district, two for
its 人民政府办公室 — and in the break variant exactly the broken pair carries ``carry_over_break``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from extractor.templates import load_template
from tests.conftest import ROOT

SERIES = ROOT / "corpora" / "series"
DISTRICT = "清桥市青庄区人民政府"
OFFICE = "青庄区人民政府办公室"


def _batch(variant: str, tmp: Path) -> tuple[list[dict[str, Any]], dict[str, Any], Path, Path]:
    out, pages = tmp / "out", tmp / "pages"
    subprocess.run([sys.executable, "-m", "extractor", "batch", str(SERIES / variant / "docs"), "--out", str(out),
                    "-q", "--workers", "2", "--compare-html", str(pages)], cwd=ROOT, check=True,
                   capture_output=True, timeout=600)
    rows = [json.loads(x) for x in (out / "compare.jsonl").read_text(encoding="utf-8").splitlines()]
    return rows, json.loads((out / "summary.json").read_text(encoding="utf-8")), out, pages


@pytest.fixture(scope="module")
def consistent(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, Any], Path, Path]:
    return _batch("consistent", tmp_path_factory.mktemp("cmp-consistent"))


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], dict[str, Any], Path, Path]:
    return _batch("break", tmp_path_factory.mktemp("cmp-break"))


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return json.loads((SERIES / "manifest.json").read_text(encoding="utf-8"))


def _by_pair(rows: list[dict[str, Any]]) -> dict[tuple[str, int, int], list[dict[str, Any]]]:
    out: dict[tuple[str, int, int], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[(r["organ"], r["year"], r["next_year"])].append(r)
    return out


def test_six_pairs_for_the_district_two_for_the_office(consistent: Any, manifest: dict[str, Any]) -> None:
    rows, summary, out, _ = consistent
    pairs = _by_pair(rows)
    assert sorted(p[1:] for p in pairs if p[0] == DISTRICT) == [(y, y + 1) for y in range(2019, 2025)]
    assert sorted(p[1:] for p in pairs if p[0] == OFFICE) == [(2021, 2022), (2022, 2023)]
    assert summary["compare"]["pairs"] == 8 and "carry_over_break" not in summary["compare"]["flags"]
    years = manifest["bodies"]["district"]["years"]
    for (organ, y, ny), rs in pairs.items():
        keys = [r["key"] for r in rs]
        assert len(keys) == len(set(keys)), (organ, y)
        t0, t1 = {r["template"] for r in rs}, {r["next_template"] for r in rs}
        assert len(t0) == len(t1) == 1
        if t0 == t1:  # one template: every key of it, nothing else
            assert set(keys) == set(load_template(t0.pop()).keys()), (organ, y)
        assert {r["carry_over"] for r in rs} == {"ok"}
        assert not any("carry_over_break" in r["flags"] for r in rs)
        if organ == DISTRICT:
            assert (rs[0]["source"], rs[0]["next_source"]) == (years[str(y)]["source"], years[str(ny)]["source"])
            by = {r["key"]: r for r in rs}
            for col, v in years[str(y)]["carried_forward"].items():
                r = by[f"apply.carried_forward.{col}"]
                assert r["before"] == v and r["after"] == years[str(ny)]["carried_forward"][col]
                assert r["change"] == r["after"] - r["before"]
    # the 2020 -> 2021 pair crosses the template change
    cross = pairs[(DISTRICT, 2020, 2021)]
    assert {r["mapping"] for r in cross} == {"same", "renamed", "summed", "only_before", "only_after"}


def test_parquet_holds_the_same_rows(consistent: Any) -> None:
    import pyarrow.parquet as pq

    rows, _, out, _ = consistent
    table = pq.read_table(out / "compare.parquet").to_pylist()
    assert len(table) == len(rows)
    assert [(r["organ"], r["year"], r["key"], r["flags"]) for r in table] == [
        (r["organ"], r["year"], r["key"], r["flags"]) for r in rows]
    assert all(a["change"] == (None if b["change"] is None else float(b["change"])) for a, b in zip(table, rows, strict=True))


def test_the_broken_pair_is_flagged(broken: Any) -> None:
    rows, summary, _, pages = broken
    flagged = {(r["organ"], r["year"], r["key"]) for r in rows if "carry_over_break" in r["flags"]}
    cols = ["natural_person", "commercial", "total"]
    assert flagged == {(DISTRICT, 2022, f"apply.{row}.{c}") for c in cols for row in ("carried_forward", "carried_over")}
    assert {(r["organ"], r["year"]) for r in rows if r["carry_over"] == "break"} == {(DISTRICT, 2022)}
    assert summary["compare"]["flags"]["carry_over_break"] == 3
    by = {r["key"]: r for r in rows if (r["organ"], r["year"]) == (DISTRICT, 2022)}
    # the 2023 report states 上年结转 8 / 2 / 12 where 2022 carried forward 6 / 1 / 9
    assert [(by[f"apply.carried_over.{c}"]["after"]) for c in cols] == [8, 2, 12]
    assert [(by[f"apply.carried_forward.{c}"]["before"]) for c in cols] == [6, 1, 9]
    page = (pages / f"{DISTRICT}_2022_2023.html").read_text(encoding="utf-8")
    assert 'class="st-break"' in page and "carry_over_break" in page


def test_one_page_per_pair_and_its_links_resolve(consistent: Any) -> None:
    _, _, _, pages = consistent
    names = sorted(p.name for p in pages.glob("*.html") if p.name != "index.html")
    assert names == sorted([f"{DISTRICT}_{y}_{y + 1}.html" for y in range(2019, 2025)]
                           + [f"{OFFICE}_2021_2022.html", f"{OFFICE}_2022_2023.html"])
    index = (pages / "index.html").read_text(encoding="utf-8")
    for n in names:
        html = (pages / n).read_text(encoding="utf-8")
        hrefs = set(re.findall(r'href="(review/[^"#]+)#cell=([^"]+)"', html))
        assert len({h for h, _ in hrefs}) == 2, n  # both reports' review pages
        for h, key in hrefs:
            target = pages / unquote(h)
            assert target.exists(), h
            assert f'data-key="{unquote(key)}"' in target.read_text(encoding="utf-8"), (h, key)
        assert n in unquote(index)

from __future__ import annotations

import copy

from extractor import extract
from extractor.validate.cross_year import cross_year, group_bodies
from tests.conftest import load_gold
from tests.render import render


def _series(years: range, organ: str, break_year: int | None = None) -> list:
    """One body's reports over several years, each year's 上年结转 = the year before's 结转下年度."""
    base = load_gold("001_1feac183b5673ebd")
    reports = []
    carried = [0, 0, 0, 0, 0, 0, 0]
    for i, y in enumerate(years):
        g = copy.deepcopy(base)
        g["year"], g["organ"] = y, organ if i % 2 else f"淮安市{organ}"  # the prefix comes and goes
        cols = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]
        over = list(carried)
        if y == break_year:
            over[0] += 1
            over[6] += 1
        fwd = [i % 3, 0, 0, 0, 0, 0, i % 3]
        for c, vo, vf in zip(cols, over, fwd, strict=True):
            g["cells"][f"apply.carried_over.{c}"] = vo
            g["cells"][f"apply.carried_forward.{c}"] = vf
            g["cells"][f"apply.new_received.{c}"] = g["cells"][f"apply.result.total.{c}"] + vf - vo
        rep = extract(render(g, "\t"), {"name": f"{y}.txt"})
        assert rep.organ.endswith(organ) and rep.year == y
        reports.append(rep)
        carried = fwd
    return reports


def test_seven_year_series_gives_six_pairs_all_ok() -> None:
    rows = cross_year(_series(range(2018 + 1, 2026), "洪泽区人民政府"))
    assert {(r.year, r.next_year) for r in rows} == {(y, y + 1) for y in range(2019, 2025)}
    assert len(rows) == 6 * 7 and all(r.status == "ok" for r in rows)
    assert {r.organ for r in rows} == {"淮安市洪泽区人民政府"}


def test_changed_carried_over_is_a_break_in_the_right_columns() -> None:
    rows = cross_year(_series(range(2019, 2026), "洪泽区人民政府", break_year=2022))
    breaks = [(r.year, r.column, r.source, r.next_source) for r in rows if r.status == "break"]
    assert breaks == [(2021, "natural_person", "2021.txt", "2022.txt"), (2021, "total", "2021.txt", "2022.txt")]


def test_organ_names_matched_across_prefix_and_suffix_but_bodies_kept_apart() -> None:
    g = group_bodies(["淮安市洪泽区人民政府", "洪泽区政府", "洪泽区人民政府办公室", "淮安市人民政府", "淮安市洪泽区"])
    assert g["洪泽区政府"] == g["淮安市洪泽区人民政府"] == g["淮安市洪泽区"]
    assert g["洪泽区人民政府办公室"] != g["洪泽区政府"]
    assert g["淮安市人民政府"] != g["洪泽区政府"]

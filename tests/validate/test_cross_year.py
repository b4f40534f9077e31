from __future__ import annotations

import copy
import logging
import random

import pytest

from extractor import extract
from extractor.datamodel import Cell, Report
from extractor.validate.cross_year import APPLY_COLUMNS, body_groups, cross_year, group_bodies, parse_organ
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
        assert (rep.organ or "").endswith(organ) and rep.year == y
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


def _bodies(names: list[str]) -> set[frozenset[str]]:
    """The partition group_bodies makes of ``names``, as sets of names."""
    g = group_bodies(names)
    return {frozenset(n for n in names if g[n] == c) for c in set(g.values())}


def _sets(*groups: set[str]) -> set[frozenset[str]]:
    return {frozenset(g) for g in groups}


def test_department_matched_with_and_without_the_parent_prefix() -> None:
    g = group_bodies(["淮安市洪泽区财政局", "洪泽区财政局", "江苏省淮安市洪泽区财政局"])
    assert set(g.values()) == {"江苏省淮安市洪泽区财政局"}
    g = group_bodies(["清桥市青庄区人民政府办公室", "青庄区人民政府办公室", "青庄区政府办公室"])
    assert set(g.values()) == {"清桥市青庄区人民政府办公室"}


def test_government_and_township_matched_across_prefix_and_suffix_variants() -> None:
    names = ["淮安市洪泽区", "洪泽区人民政府", "淮安市洪泽区人民政府", "高良涧街道办事处", "洪泽区高良涧街道",
             "淮安市洪泽区高良涧街道办事处", "洪泽区人民政府高良涧街道办事处"]
    assert _bodies(names) == _sets({"淮安市洪泽区", "洪泽区人民政府", "淮安市洪泽区人民政府"},
                                   {"高良涧街道办事处", "洪泽区高良涧街道", "淮安市洪泽区高良涧街道办事处",
                                    "洪泽区人民政府高良涧街道办事处"})
    assert group_bodies(names[:-1])["洪泽区高良涧街道"] == "淮安市洪泽区高良涧街道办事处"  # the longest name


def test_different_bodies_not_merged() -> None:
    names = ["洪泽区财政局", "洪泽区人民政府", "洪泽区人民政府办公室", "淮安市财政局", "清河区财政局", "财政局",
             "淮安市人民政府", "淮安市人民政府办公室", "高良涧街道办事处", "南京市鼓楼区人民政府", "徐州市鼓楼区人民政府"]
    assert _bodies(names) == _sets(*({n} for n in names))


def test_department_words_that_end_like_a_unit_are_not_taken_for_one() -> None:
    """住房和城乡建设局 and 城市管理局 end in 乡 / 市: read as units they would make 淮安市 an ancestor of the
    bureau and merge the city's bureau with the district's."""
    for dept in ("住房和城乡建设局", "城市管理局", "市场监督管理局", "城镇建设局"):
        assert parse_organ(f"淮安市{dept}").rest == dept
        assert _bodies([f"淮安市{dept}", f"淮安市洪泽区{dept}", f"洪泽区{dept}"]) == _sets(
            {f"淮安市{dept}"}, {f"淮安市洪泽区{dept}", f"洪泽区{dept}"})
    assert parse_organ("泰州市交通运输局").unit == "泰州市"  # 州 then 市: one unit
    assert parse_organ("江苏省泰州市交通运输局").ancestors == ("江苏省",)
    assert parse_organ("长林市和安县人力资源和社会保障局").unit == "和安县"
    assert parse_organ("济南市市中区人民政府").unit == "市中区"


def test_a_prefix_is_only_dropped_when_it_is_a_parent_unit() -> None:
    # 洪泽区 is no parent of the 开发区 after it (both county level): part of what the district owns
    assert parse_organ("洪泽区经济开发区管委会").ancestors == ()
    assert group_bodies(["洪泽区经济开发区管委会", "经济开发区管委会"])["经济开发区管委会"] == "经济开发区管委会"
    # a body printed without any unit is only matched by the same words
    assert group_bodies(["国家税务总局淮安市洪泽区税务局", "国家税务总局洪泽区税务局"]) == {
        "国家税务总局淮安市洪泽区税务局": "国家税务总局淮安市洪泽区税务局",
        "国家税务总局洪泽区税务局": "国家税务总局洪泽区税务局"}


def test_name_fitting_two_parents_is_not_merged_and_is_listed() -> None:
    names = ["淮安市洪泽区财政局", "宿迁市洪泽区财政局", "洪泽区财政局", "淮安市洪泽区人民政府", "洪泽区政府"]
    groups = body_groups(names)
    assert groups.body["洪泽区财政局"] == "洪泽区财政局"
    assert groups.body["淮安市洪泽区财政局"] != groups.body["宿迁市洪泽区财政局"]
    assert groups.ambiguous == {"洪泽区财政局": ["宿迁市洪泽区财政局", "淮安市洪泽区财政局"]}
    assert groups.body["洪泽区政府"] == "淮安市洪泽区人民政府"  # one parent seen: merged
    # with one parent the same name is merged
    assert body_groups(names[:1] + names[2:]).ambiguous == {}
    assert group_bodies(names[:1] + names[2:])["洪泽区财政局"] == "淮安市洪泽区财政局"


def test_grouping_is_a_partition_and_does_not_depend_on_order() -> None:
    names = ["江苏省淮安市洪泽区财政局", "淮安市洪泽区财政局", "洪泽区财政局", "淮安市洪泽区", "洪泽区政府",
             "淮安市洪泽区人民政府", "高良涧街道办事处", "洪泽区高良涧街道", "宿迁市洪泽区人民政府", "淮安市财政局",
             "清桥市青庄区人民政府办公室", "青庄区政府办公室"]
    want = group_bodies(names)
    rng = random.Random(0)
    for _ in range(20):
        shuffled = names + names[:3]
        rng.shuffle(shuffled)
        assert group_bodies(shuffled) == want
    # canonical names are names of their group, and a canonical name is its own canonical name
    assert all(want[c] == c for c in want.values())
    assert want["洪泽区财政局"] == want["江苏省淮安市洪泽区财政局"] == "江苏省淮安市洪泽区财政局"
    assert want["洪泽区政府"] == "洪泽区政府"  # 淮安市 and 宿迁市 both have a 洪泽区 here: left alone
    assert len({want["淮安市洪泽区"], want["宿迁市洪泽区人民政府"], want["洪泽区政府"]}) == 3


def _report(organ: str, year: int, over: int, fwd: int) -> Report:
    cells = {f"apply.carried_over.{c}": Cell(value=over) for c in APPLY_COLUMNS}
    cells |= {f"apply.carried_forward.{c}": Cell(value=fwd) for c in APPLY_COLUMNS}
    return Report(source=f"{organ}_{year}.txt", template="2021", organ=organ, year=year, cells=cells)


def test_department_series_with_prefix_coming_and_going_is_one_body() -> None:
    reps = [_report("淮安市洪泽区财政局", 2021, 0, 3), _report("洪泽区财政局", 2022, 3, 1),
            _report("淮安市洪泽区财政局", 2023, 1, 0), _report("淮安市财政局", 2022, 5, 5)]
    rows = cross_year(reps)
    assert {(r.organ, r.year, r.status) for r in rows} == {("淮安市洪泽区财政局", 2021, "ok"),
                                                           ("淮安市洪泽区财政局", 2022, "ok")}


def test_ambiguous_name_is_not_paired_and_the_check_says_so(caplog: pytest.LogCaptureFixture) -> None:
    reps = [_report("淮安市洪泽区财政局", 2021, 0, 3), _report("洪泽区财政局", 2022, 3, 1),
            _report("宿迁市洪泽区财政局", 2023, 9, 9)]
    with caplog.at_level(logging.WARNING, logger="extractor.validate.cross_year"):
        rows = cross_year(reps)
    assert rows == []
    assert any("洪泽区财政局" in m and "宿迁市洪泽区财政局" in m and "淮安市洪泽区财政局" in m
               for m in caplog.messages)

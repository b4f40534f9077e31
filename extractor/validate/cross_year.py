"""Year-over-year check: 结转下年度继续办理 of year N must reappear as 上年结转 of year N+1, per applicant
column, for the same reporting body — across the 2019 -> 2021 template change too (both keep the apply
table's rows and columns).

Bodies are matched on a parsed name: a chain of administrative units from the top ("江苏省", "淮安市",
"洪泽区", "高良涧街道"), then what the last unit owns ("财政局", "人民政府办公室", nothing for the unit's own
government). The last unit and what follows it are the body's *core*; the units before it are its
*ancestors*, which a report may print or leave out. 人民政府 / 政府 after a unit (办事处 after a 街道) names
the unit's own government and does not count. So "淮安市洪泽区人民政府" ≡ "洪泽区政府" ≡ "淮安市洪泽区",
"淮安市洪泽区财政局" ≡ "洪泽区财政局", "洪泽区高良涧街道" ≡ "高良涧街道办事处"; but "洪泽区财政局",
"洪泽区人民政府", "洪泽区人民政府办公室", "淮安市财政局" and "清河区财政局" are five bodies.

A unit is only taken as an ancestor when it can be the parent of the unit after it (省 above 市, 市 above
区/县/市, 区/县 above 镇/乡/街道). Names with the same core are one body when their ancestor chains agree
(one is the other with its top levels left out: 江苏省淮安市 / 淮安市 / none). A name whose ancestors fit two different bodies seen in the same
batch ("洪泽区财政局" beside "淮安市洪泽区财政局" and "宿迁市洪泽区财政局") is not merged with either: it stays a
body of its own, and :func:`body_groups` lists it (the check logs a warning).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel

from ..datamodel import Report

log = logging.getLogger(__name__)

APPLY_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org",
                 "total")
# Administrative unit endings -> the levels a unit so named can have (1 province, 2 prefecture, 3 county,
# 4 township). A 市 can be any of the first three (直辖市, 地级市, 县级市). Longer endings are tried first.
_LEVELS: dict[str, frozenset[int]] = {
    "自治区": frozenset({1}), "省": frozenset({1}),
    "自治州": frozenset({2}), "地区": frozenset({2}), "州": frozenset({2}), "盟": frozenset({2}),
    "市": frozenset({1, 2, 3}),
    "自治县": frozenset({3}), "自治旗": frozenset({3}), "县": frozenset({3}), "区": frozenset({3}),
    "旗": frozenset({3}),
    "街道": frozenset({4}), "镇": frozenset({4}), "乡": frozenset({4}),
}
_ENDINGS = sorted(_LEVELS, key=len, reverse=True)
_END_CHARS = frozenset(e[-1] for e in _LEVELS)
# A place name's stem holds none of these (they belong to department names: 住房和城乡建设局, 税务总局…).
_NOT_IN_STEM = frozenset("局委厅部会院署办府室处所站队与及、()[]《》0123456789")
_MAX_STEM = 9  # 克孜勒苏柯尔克孜 (8) + 自治州
# Words that end like a unit but are no place: 城市管理局, 住房和城乡建设局, 城镇…
_NOT_A_UNIT = frozenset({"城市", "市县", "县市", "区县", "县区", "省市", "市区"})
_NOT_A_UNIT_END = ("城乡", "城镇", "乡镇", "社区")
_GOVERNMENT = ("人民政府", "政府")


class CrossYearRow(BaseModel):
    organ: str
    year: int
    next_year: int
    column: str
    carried_forward: float | int | None
    next_carried_over: float | int | None
    status: Literal["ok", "break", "missing"]
    source: str | None
    next_source: str | None


@dataclass(frozen=True)
class OrganName:
    """A parsed organ name: ``ancestors`` (may be printed or not), then ``unit`` and what it owns (``rest``).

    ``unit`` is empty when the name does not start with an administrative unit; ``rest`` is empty for a
    unit's own government."""

    ancestors: tuple[str, ...]
    unit: str
    rest: str

    @property
    def core(self) -> str:
        return self.unit + self.rest


def _clean(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _unit_at(t: str, p: int) -> tuple[str, int] | None:
    """The administrative unit starting at ``t[p:]``: (its ending, the index after it), or None."""
    for q in range(p + 1, min(len(t), p + _MAX_STEM + 3)):
        if t[q] not in _END_CHARS:
            continue
        if any(c in _NOT_IN_STEM for c in t[p:q]):
            return None
        for end in _ENDINGS:
            if t.endswith(end, p, q + 1) and q + 1 - len(end) > p:
                stop = q + 1
                # 泰州市, 通州区: a 州 name with its 市/区/县 after it
                if end == "州" and stop < len(t) and t[stop] in "市区县旗":
                    end, stop = t[stop], stop + 1
                if t[p:stop] in _NOT_A_UNIT or t[p:stop].endswith(_NOT_A_UNIT_END):
                    return None
                return end, stop
    return None


def _strip_government(rest: str, unit_end: str) -> str:
    for g in _GOVERNMENT:
        if rest.startswith(g):
            return rest[len(g):]
    if unit_end == "街道" and rest.startswith("办事处"):
        return rest[len("办事处"):]
    if unit_end == "街道" and rest == "办":
        return ""
    return rest


def parse_organ(name: str) -> OrganName:
    t = _clean(name)
    units: list[str] = []
    ends: list[str] = []
    p = 0
    while p < len(t):
        q = p
        if units:  # 洪泽区人民政府高良涧街道办事处: the government between a unit and its child
            q = next((p + len(g) for g in _GOVERNMENT if t.startswith(g, p)), p)
        found = _unit_at(t, q)
        if found is None:
            break
        end, stop = found
        if ends and not min(_LEVELS[ends[-1]]) < max(_LEVELS[end]):
            break  # not a child of the unit before it: part of what that unit owns
        units.append(t[q:stop])
        ends.append(end)
        p = stop
    if not units:
        return OrganName((), "", _strip_suffix_government(t))
    return OrganName(tuple(units[:-1]), units[-1], _strip_government(t[p:], ends[-1]))


def _strip_suffix_government(t: str) -> str:
    for g in _GOVERNMENT:
        if t.endswith(g) and len(t) > len(g):
            return t[: -len(g)]
    return t


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """``short`` is ``long`` with its top levels left out (江苏省淮安市 -> 淮安市 -> nothing)."""
    return len(short) <= len(long) and long[len(long) - len(short):] == short


@dataclass
class BodyGroups:
    """``body``: each organ name -> the canonical name of its body (the longest name seen for it, the
    smallest such in code-point order on a tie). ``ambiguous``: a name whose ancestors fit more than one
    body of the batch -> the canonical names of those bodies; such a name is a body of its own."""

    body: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)


def _canonical(names: Iterable[str]) -> str:
    return min(names, key=lambda n: (-len(n), n))


def body_groups(names: Iterable[str]) -> BodyGroups:
    """Group organ names by reporting body; deterministic for a set of names, whatever their order."""
    by_core: dict[tuple[str, str], dict[tuple[str, ...], list[str]]] = defaultdict(lambda: defaultdict(list))
    for n in sorted(set(names)):
        o = parse_organ(n)
        by_core[(o.unit, o.rest)][o.ancestors].append(n)
    out = BodyGroups()
    for core in sorted(by_core):
        chains = by_core[core]
        # the fullest chains, each one body; a shorter chain joins the one body it fits
        tops = sorted(c for c in chains if not any(c != d and _within(c, d) for d in chains))
        members: dict[tuple[str, ...], list[str]] = {top: [] for top in tops}
        unsure: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
        for chain in sorted(chains):
            fits = [top for top in tops if _within(chain, top)]
            if len(fits) == 1:
                members[fits[0]].extend(chains[chain])
            else:
                unsure[chain] = fits
        canon = {top: _canonical(ns) for top, ns in members.items()}
        for top, ns in members.items():
            out.body.update(dict.fromkeys(ns, canon[top]))
        for chain, fits in unsure.items():
            out.body.update(dict.fromkeys(chains[chain], _canonical(chains[chain])))
            out.ambiguous.update(dict.fromkeys(chains[chain], sorted(canon[top] for top in fits)))
    return out


def group_bodies(names: Iterable[str]) -> dict[str, str]:
    """Each organ name -> the canonical name of its body (the longest name seen for it)."""
    return body_groups(names).body


def cross_year(reports: Iterable[Report]) -> list[CrossYearRow]:
    reps = [r for r in reports if r.template and r.organ and r.year]
    groups = body_groups(r.organ for r in reps if r.organ)
    for name, bodies in sorted(groups.ambiguous.items()):
        log.warning("organ %r could be any of %s: not matched across years with either", name,
                    " / ".join(bodies))
    body = groups.body
    by: dict[tuple[str, int], Report] = {}
    for r in sorted(reps, key=lambda r: r.source or ""):
        by.setdefault((body[r.organ or ""], r.year or 0), r)
    rows: list[CrossYearRow] = []
    for (organ, year), rep in sorted(by.items()):
        nxt = by.get((organ, year + 1))
        if nxt is None:
            continue
        for col in APPLY_COLUMNS:
            a = rep.cells.get(f"apply.carried_forward.{col}")
            b = nxt.cells.get(f"apply.carried_over.{col}")
            va, vb = (a.value if a else None), (b.value if b else None)
            status = "missing" if va is None or vb is None else ("ok" if abs(va - vb) < 1e-9 else "break")
            rows.append(CrossYearRow(organ=organ, year=year, next_year=year + 1, column=col, carried_forward=va,
                                     next_carried_over=vb, status=status, source=rep.source,
                                     next_source=nxt.source))
    return rows

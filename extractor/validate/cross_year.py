"""Year-over-year check: 结转下年度继续办理 of year N must reappear as 上年结转 of year N+1, per applicant
column, for the same reporting body — across the 2019 -> 2021 template change too (both keep the apply
table's rows and columns).

Bodies are matched on a normalised name: "淮安市洪泽区人民政府" and "洪泽区政府" are one body (a parent
prefix and the 人民政府/政府 suffix do not count); "洪泽区人民政府办公室" is another.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel

from ..datamodel import Report

APPLY_COLUMNS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org",
                 "total")
_SUFFIX = re.compile(r"(人民政府|政府)$")
# A shorter name matches a longer one ending with it only when it names an administrative unit this way.
_ADMIN_END = ("省", "市", "区", "县", "旗", "镇", "乡", "街道", "盟", "州")


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


def organ_core(name: str) -> str:
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))
    return _SUFFIX.sub("", t)


def _same_body(short: str, long: str) -> bool:
    return short == long or (len(short) >= 2 and long.endswith(short) and short.endswith(_ADMIN_END))


def group_bodies(names: Iterable[str]) -> dict[str, str]:
    """Each organ name -> the canonical name of its body (the longest name seen for it)."""
    cores: dict[str, list[str]] = defaultdict(list)
    for n in names:
        cores[organ_core(n)].append(n)
    canon: dict[str, str] = {}
    for core in sorted(cores, key=len, reverse=True):
        home = next((c for c in canon if c != core and _same_body(core, c)), None)
        canon[core] = canon[home] if home else core
    longest: dict[str, str] = {}
    for core, names_ in cores.items():
        for n in names_:
            key = canon[core]
            if len(n) > len(longest.get(key, "")):
                longest[key] = n
    return {n: longest[canon[core]] for core, names_ in cores.items() for n in names_}


def cross_year(reports: Iterable[Report]) -> list[CrossYearRow]:
    reps = [r for r in reports if r.template and r.organ and r.year]
    body = group_bodies(r.organ for r in reps if r.organ)
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

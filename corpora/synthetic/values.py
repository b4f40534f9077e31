"""Organ names, realistic cell values, blanks, deliberate inconsistencies and the gold record.

Everything here draws from the ``random.Random`` passed in, so one document's numbers depend only on
the generator seed and the document's index.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from extractor.templates import RowSpec, Template

Number = int | float

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
# Share of applications by applicant column (natural persons dominate in every published report).
APPLICANT_WEIGHTS = (0.84, 0.09, 0.005, 0.01, 0.03, 0.025)

# Relative frequency of each handling result (by row key); rows a template lacks are ignored.
LEAF_WEIGHTS = {
    "result.disclosed": 30.0,
    "result.partial": 8.0,
    "result.withheld.state_secret": 0.3,
    "result.withheld.law_prohibited": 1.0,
    "result.withheld.three_safety": 0.3,
    "result.withheld.third_party": 1.5,
    "result.withheld.internal_affairs": 1.0,
    "result.withheld.process_info": 2.0,
    "result.withheld.enforcement_file": 0.8,
    "result.withheld.admin_query": 1.5,
    "result.unavailable.not_held": 22.0,
    "result.unavailable.needs_creation": 3.0,
    "result.unavailable.unclear": 2.0,
    "result.not_processed.petition": 4.0,
    "result.not_processed.duplicate": 3.0,
    "result.not_processed.publication": 0.6,
    "result.not_processed.vexatious": 1.0,
    "result.not_processed.confirm_existing": 1.0,
    "result.other": 6.0,
    "result.other.overdue_correction": 3.0,
    "result.other.unpaid_fee": 0.2,
    "result.other.misc": 3.0,
}

# --- organ names -------------------------------------------------------------------------------

_P1 = "青河桃柳云石金平安泉松凤龙白清长东西南新永兴宁丰华德嘉崇临昌庆盛泰和瑞峰梅兰竹溪湘汀沙"
_P2 = "山水阳林溪湖源宁安江川坪城塘庄岭口桥台泽州田湾坝港亭滨浦陵丘"
BUREAUS = (
    "自然资源局", "教育局", "住房和城乡建设局", "人力资源和社会保障局", "市场监督管理局",
    "生态环境分局", "卫生健康委员会", "交通运输局", "财政局", "民政局", "农业农村局",
    "应急管理局", "水利局", "发展和改革局", "司法局", "商务局", "医疗保障局", "退役军人事务局",
)


def _place(rng: random.Random, avoid: str = "") -> str:
    while True:
        name = rng.choice(_P1) + rng.choice(_P2)
        if name[0] != name[1] and name not in avoid:
            return name


@dataclass
class Organ:
    name: str  # as printed in the title, without the report's own words (gold "organ")
    kind: str  # town | county_gov | city_gov | bureau | office
    short: str  # how the prose calls itself (我镇, 我局, 本机关 ...)
    parent: str  # the county/district or city the organ belongs to (for addresses)


def make_organ(rng: random.Random) -> Organ:
    city = _place(rng) + "市"
    county = _place(rng, city) + rng.choice("县区区")
    town = _place(rng, city + county) + rng.choice(["镇", "镇", "镇", "乡", "街道"])
    kind = rng.choices(["town", "county_gov", "city_gov", "bureau", "office"], [0.3, 0.24, 0.07, 0.31, 0.08])[0]
    if kind == "town":
        tail = town[-2:] if town.endswith("街道") else town[-1]
        name = rng.choice([town, county + town, city + county + town, town + "人民政府", town + "人民政府"])
        short = {"镇": "我镇", "乡": "我乡", "街道": "我街道"}[tail]
        return Organ(name, kind, short, city + county)
    if kind == "county_gov":
        name = rng.choice([county + "人民政府", city + county + "人民政府"])
        return Organ(name, kind, "我" + county[-1], city)
    if kind == "city_gov":
        return Organ(city + "人民政府", kind, "我市", city)
    if kind == "office":
        return Organ(rng.choice([county, city + county]) + "人民政府办公室", kind, "本机关", city)
    bureau = rng.choice(BUREAUS)
    name = rng.choice([county + bureau, city + county + bureau, city + bureau])
    short = "我委" if bureau.endswith("委员会") else "我局"
    return Organ(name, kind, short, city)


# --- values ---------------------------------------------------------------------------------------


@dataclass
class Values:
    """Printed values of one document: ``cells`` (key -> number or None = blank) and ``shown``
    (key -> the exact printed string, '' for a blank). Extra keys (mixed-form single row) included."""

    cells: dict[str, Number | None] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what was left blank, etc.

    def gold_cells(self, t: Template, mixed: bool) -> dict[str, Number | None]:
        """Every key of the template; in the mixed form the sub-rows follow keys.md's rule."""
        inferred = mixed_gold(t, self)[0] if mixed else {}
        return {k: inferred[k] if k in inferred else self.cells[k] for k in t.keys()}

    def set(self, key: str, value: Number | None, shown: str | None = None) -> None:
        self.cells[key] = value
        self.shown[key] = "" if value is None else (shown if shown is not None else fmt_int(value))


def fmt_int(v: Number) -> str:
    return str(v)


def _split(rng: random.Random, n: int, names: list[str], weights: list[float]) -> dict[str, int]:
    out = dict.fromkeys(names, 0)
    for name in rng.choices(names, weights, k=n) if n else []:
        out[name] += 1
    return out


def _volume(rng: random.Random, kind: str) -> int:
    """New applications received in the year, all applicants together."""
    if kind == "town":
        return rng.choice([0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 6, 9, 14])
    if kind == "bureau":
        return 0 if rng.random() < 0.2 else min(400, int(rng.lognormvariate(1.8, 1.1)))
    return min(2500, int(rng.lognormvariate(3.6, 0.9)))


def apply_rows(t: Template, mixed: bool) -> list[RowSpec]:
    """The apply rows a document prints: the 2021 mixed form prints the single （六） row instead of
    its three sub-rows; every other document prints the template's own rows."""
    rows = t.rows_of("apply")
    if mixed:
        replaced = {k for r in rows if r.extra for k in r.replaces}
        return [r for r in rows if r.key not in replaced]
    return [r for r in rows if not r.extra]


def apply_values(rng: random.Random, t: Template, kind: str, mixed: bool, vals: Values) -> None:
    """Fill the apply table so that every identity holds."""
    rows = apply_rows(t, mixed)
    leaves = [r.key for r in rows if r.key.startswith("result.") and r.key != "result.total"]
    weights = [LEAF_WEIGHTS[k] for k in leaves]
    vol = _volume(rng, kind)
    new = _split(rng, vol, list(APPLICANTS), list(APPLICANT_WEIGHTS))
    table: dict[str, dict[str, int]] = {r.key: {} for r in rows}
    for c in APPLICANTS:
        carried = 0
        if vol >= 5 and rng.random() < 0.45:
            carried = rng.randint(0, max(1, vol // 12)) if c == "natural_person" else int(rng.random() < 0.08)
        n = new[c] + carried
        forward = rng.randint(0, max(0, n // 8)) if n and rng.random() < 0.55 else 0
        res = _split(rng, n - forward, leaves, weights)
        table["new_received"][c] = new[c]
        table["carried_over"][c] = carried
        table["carried_forward"][c] = forward
        for leaf in leaves:
            table[leaf][c] = res[leaf]
        table["result.total"][c] = n - forward
    for key, row in table.items():
        row["total"] = sum(row[c] for c in APPLICANTS)
        for c, v in row.items():
            vals.set(f"apply.{key}.{c}", v)


def review_values(rng: random.Random, t: Template, kind: str, vals: Values) -> None:
    busy = {"town": 0.08, "bureau": 0.35, "office": 0.6, "county_gov": 0.6, "city_gov": 0.8}[kind]
    for g in t.review_groups:
        parts = dict.fromkeys(("upheld", "corrected", "other", "pending"), 0)
        if rng.random() < busy:
            n = int(rng.lognormvariate(0.8, 0.9)) if g != "suit_after_review" else rng.choice([0, 0, 1, 2])
            parts = _split(rng, n, list(parts), [6, 1.2, 1.5, 2])
        for c in t.review_columns:
            vals.set(f"review.{g}.{c}", parts[c] if c != "total" else sum(parts.values()))


def _maybe(rng: random.Random, p: float, lo: int, hi: int) -> int:
    return rng.randint(lo, hi) if rng.random() < p else 0


def active_values_2019(rng: random.Random, kind: str, vals: Values, plus_sign: bool) -> None:
    big = kind in ("county_gov", "city_gov", "office")
    scale = {"town": 0.05, "bureau": 0.4, "office": 1.0, "county_gov": 1.0, "city_gov": 2.0}[kind]

    def signed(v: int) -> str:
        return f"+{v}" if v > 0 and plus_sign else str(v)

    made = _maybe(rng, 0.6 if kind == "city_gov" else 0.0, 1, 4)
    vals.set("active.rules.new_made", made)
    vals.set("active.rules.new_published", made)
    vals.set("active.rules.total_published", made + (_maybe(rng, 1, 10, 80) if kind == "city_gov" else 0))
    nd = _maybe(rng, 0.7 if big else 0.35, 1, 25 if big else 6)
    vals.set("active.normative_docs.new_made", nd)
    vals.set("active.normative_docs.new_published", nd if rng.random() < 0.8 else rng.randint(0, nd))
    vals.set("active.normative_docs.total_published", nd + _maybe(rng, 0.7, 1, 260 if big else 30))
    for row, p, prev_hi, dec_hi in (
        ("licensing", 0.8, 600, 40000),
        ("other_services", 0.5, 200, 9000),
        ("penalty", 0.7, 3000, 10000),
        ("enforcement", 0.45, 120, 600),
    ):
        if rng.random() < p * (1 if kind != "town" else 0.3):
            prev = rng.randint(1, max(2, int(prev_hi * scale)))
            change = rng.randint(-prev // 5, max(1, prev // 2)) if rng.random() < 0.7 else 0
            dec = int(rng.lognormvariate(math.log(max(2, dec_hi * scale)) - 1.5, 1.0))
        else:
            prev = change = dec = 0
        vals.set(f"active.{row}.prev_items", prev)
        vals.set(f"active.{row}.change", change, signed(change))
        vals.set(f"active.{row}.decisions", dec)
    fee_prev = _maybe(rng, 0.5 if kind != "town" else 0.1, 1, 25)
    fee_change = rng.randint(-min(3, fee_prev), 2) if fee_prev and rng.random() < 0.4 else 0
    vals.set("active.fees.prev_items", fee_prev)
    vals.set("active.fees.change", fee_change, signed(fee_change))
    items = _maybe(rng, 0.55 if kind != "town" else 0.2, 1, int(300 * scale) + 2)
    vals.set("active.procurement.items", items)
    amount_yuan = 0
    if items:
        amount_yuan = int(rng.lognormvariate(math.log(items * 60000), 0.9)) // 100 * 100
        if rng.random() < 0.3:
            amount_yuan += rng.randint(1, 99)
    style = rng.choices(["yuan", "plain", "wan"], [0.5, 0.3, 0.2])[0]
    if amount_yuan and style == "wan":
        wan = round(amount_yuan / 10000, 2)
        text = f"{wan:.2f}".rstrip("0").rstrip(".")
        vals.set("active.procurement.amount", float(text) if "." in text else int(text), text + "万元")
        vals.units["active.procurement.amount"] = "万元"
    elif amount_yuan and style == "yuan":
        vals.set("active.procurement.amount", amount_yuan, f"{amount_yuan}元")
        vals.units["active.procurement.amount"] = "元"
    else:
        vals.set("active.procurement.amount", amount_yuan)


def active_values_2021(rng: random.Random, kind: str, vals: Values) -> None:
    big = kind in ("county_gov", "city_gov", "office")
    scale = {"town": 0.03, "bureau": 0.35, "office": 1.0, "county_gov": 1.0, "city_gov": 2.5}[kind]
    issued = _maybe(rng, 0.5 if kind == "city_gov" else 0.0, 1, 4)
    vals.set("active.rules.issued", issued)
    vals.set("active.rules.repealed", _maybe(rng, 0.3 if kind == "city_gov" else 0, 1, 3))
    vals.set("active.rules.in_force", issued + (_maybe(rng, 1, 15, 70) if kind == "city_gov" else 0))
    nd = _maybe(rng, 0.7 if big else 0.3, 1, 25 if big else 5)
    vals.set("active.normative_docs.issued", nd)
    vals.set("active.normative_docs.repealed", _maybe(rng, 0.4 if big else 0.1, 1, 12))
    vals.set("active.normative_docs.in_force", nd + _maybe(rng, 0.75, 1, 220 if big else 25))
    for row, p, hi in (("licensing", 0.8, 50000), ("penalty", 0.7, 8000), ("enforcement", 0.45, 700)):
        v = 0
        if rng.random() < p * (1 if kind != "town" else 0.35):
            v = int(rng.lognormvariate(math.log(max(2, hi * scale)) - 1.5, 1.0))
        vals.set(f"active.{row}.decisions", v)
    if rng.random() < (0.55 if kind != "town" else 0.1):
        amount = rng.lognormvariate(math.log(800 * scale + 1), 1.3)
        text = f"{amount:.{rng.choice([2, 2, 2, 1, 4])}f}" if amount >= 0.01 else "0"
    else:
        text = rng.choice(["0", "0", "0", "0.00", "0.0"])
    vals.set("active.fees.amount", float(text) if "." in text else int(text), text)
    vals.units["active.fees.amount"] = "万元"


# --- blanks ------------------------------------------------------------------------------------------


def apply_blanks(rng: random.Random, t: Template, vals: Values, allow_scattered: bool) -> None:
    """Leave some cells blank, the way offices do (gold: null)."""
    if rng.random() < 0.14:  # the whole 行政复议 group blank (as in a real seed)
        g = rng.choice(["review", "review", "suit_after_review"])
        for c in t.review_columns:
            vals.set(f"review.{g}.{c}", None)
        vals.notes.append(f"blank: review.{g}.*")
    if rng.random() < 0.08:
        row = rng.choice([r for r in t.rows_of("active") if r.key in ("fees", "rules", "procurement", "enforcement")])
        for k in row.cell_keys():
            vals.set(k, None)
            vals.units.pop(k, None)
        vals.notes.append(f"blank: {row.full_key}.*")
    if rng.random() < 0.07 and all(vals.cells.get(f"apply.carried_over.{c}") == 0 for c in APPLICANTS):
        for c in (*APPLICANTS, "total"):
            vals.set(f"apply.carried_over.{c}", None)
        vals.notes.append("blank: apply.carried_over.*")
    if allow_scattered and rng.random() < 0.07:
        zeros = [k for k, v in vals.cells.items() if k.startswith("apply.") and v == 0 and not k.endswith(".total")]
        for k in rng.sample(zeros, min(len(zeros), rng.randint(1, 4))):
            vals.set(k, None)
            vals.notes.append(f"blank: {k}")


# --- identities, inconsistencies --------------------------------------------------------------------


def broken_identities(t: Template, cells: dict[str, Any]) -> list[str]:
    """Ids of the template identities that the cells break (an identity with a null cell is skipped)."""
    out = []
    for ident in t.identities:
        keys = (*ident.lhs, *ident.rhs)
        if any(cells.get(k) is None for k in keys):
            continue
        if abs(sum(cells[k] for k in ident.lhs) - sum(cells[k] for k in ident.rhs)) > 1e-9:
            out.append(ident.id)
    return out


def _swap_digits(v: int, rng: random.Random) -> int | None:
    s = str(v)
    spots = [i for i in range(len(s) - 1) if s[i] != s[i + 1] and not (i == 0 and s[1] == "0")]
    if not spots:
        return None
    i = rng.choice(spots)
    return int(s[:i] + s[i + 1] + s[i] + s[i + 2 :])


def make_inconsistent(rng: random.Random, t: Template, vals: Values, mixed: bool) -> dict[str, Any]:
    """Break one printed number the way reporting offices do; return what was done."""
    nonnull = [k for k, v in vals.cells.items() if v is not None]
    for _ in range(50):
        kind = rng.choices(["total_off_by_one", "swapped_digits", "review_total", "carried_forward"], [4, 3, 1.5, 1.5])[0]
        if kind == "swapped_digits":
            cands = [k for k in nonnull if k.startswith("apply.") and _swap_digits(int(vals.cells[k] or 0), rng) is not None]
            if not cands:
                continue
            key = rng.choice(cands)
            new = _swap_digits(int(vals.cells[key] or 0), rng)
        elif kind == "total_off_by_one":
            cands = [k for k in nonnull if k.startswith("apply.") and (k.endswith(".total") or ".result.total." in k)]
            key = rng.choice(cands)
            new = int(vals.cells[key] or 0) + rng.choice([1, -1] if vals.cells[key] else [1])
        elif kind == "review_total":
            cands = [k for k in nonnull if k.startswith("review.") and k.endswith(".total")]
            if not cands:
                continue
            key = rng.choice(cands)
            new = int(vals.cells[key] or 0) + 1
        else:
            cands = [k for k in nonnull if k.startswith("apply.carried_forward.")]
            if not cands:
                continue
            key = rng.choice(cands)
            new = int(vals.cells[key] or 0) + 1
        old = vals.cells[key]
        vals.set(key, new)
        if broken_identities(t, vals.gold_cells(t, mixed)):
            return {"kind": kind, "key": key, "printed": new, "consistent_value": old}
        vals.set(key, old)
    raise RuntimeError("could not break an identity")


def mixed_gold(t: Template, vals: Values) -> tuple[dict[str, Number | None], list[str]]:
    """keys.md mixed-form rule: sub-rows are 0 (inferred) where the single row is 0, else null."""
    single = next(r for r in t.rows_of("apply") if r.extra)
    out: dict[str, Number | None] = {}
    inferred = []
    for c in single.columns:
        v = vals.cells.get(f"apply.{single.key}.{c}")
        for sub in single.replaces:
            k = f"apply.{sub}.{c}"
            out[k] = 0 if v == 0 else None
            if v == 0:
                inferred.append(k)
    return out, inferred

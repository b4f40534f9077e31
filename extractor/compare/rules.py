"""Named rules for a change "worth a look". Each rule reads the two reports and their key changes and
returns :class:`Flag` objects that name it; ``RULES`` lists them in the order they run. The numbers are
never touched: a flag says where to look, not what the value should be.

* ``appears_from_zero``   a count that was 0 and is now ``APPEAR_MIN`` or more;
* ``vanishes_to_zero``    a count of ``VANISH_MIN`` or more that is now 0;
* ``factor_change``       a value that grew or shrank by ``CHANGE_FACTOR`` or more (counts: by
                          ``FACTOR_MIN_DELTA`` or more too);
* ``total_against_parts`` a total (one side of a template identity ``total = Σ parts``) that moved one way
                          while the sum of its parts moved the other (one year's identity must be broken);
* ``requests_against_results`` new requests (一、本年新收 总计) and results (（七）总计) moved in opposite
                          directions, each by ``OPPOSITE_MIN`` or more;
* ``identity_newly_failed`` an identity that held in the earlier report and fails in the later one;
* ``carry_over_break``    the earlier year's 结转下年度继续办理 is not the later year's 上年结转 (cross_year).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..datamodel import Number, Report
from ..templates import Template, load_template
from ..validate.cross_year import CrossYearRow
from .model import Flag, KeyChange, RuleName

# A category that appears from nothing (or falls to nothing) is worth a look only from this size: counts of a
# few requests come and go between years in most bodies' reports (a township receives a handful a year, one
# 不予公开 reason used once), while ten or more from or to nothing is a new practice, a misread row or a
# shifted column.
APPEAR_MIN = 10
VANISH_MIN = 10
# A body's counts often double or halve from one year to the next; a factor of five is rare outside a
# campaign, a reorganisation or a misread digit (a glued or dropped digit changes a count tenfold).
CHANGE_FACTOR = 5.0
# ... but for counts only when the difference is also this large: 1 -> 5 is a factor of five and says nothing.
FACTOR_MIN_DELTA = 10
# Requests up while results fall (or the reverse) happens by a few when requests are carried forward; from
# this size in both it is worth a look.
OPPOSITE_MIN = 5

THRESHOLDS: dict[str, float] = {"APPEAR_MIN": APPEAR_MIN, "VANISH_MIN": VANISH_MIN, "CHANGE_FACTOR": CHANGE_FACTOR,
                                "FACTOR_MIN_DELTA": FACTOR_MIN_DELTA, "OPPOSITE_MIN": OPPOSITE_MIN}


@dataclass
class Context:
    before: Report
    after: Report
    changes: dict[str, KeyChange]
    carry_over: list[CrossYearRow]


Rule = Callable[[Context], list[Flag]]


def _is_count(c: KeyChange) -> bool:
    """Counts of things: not amounts (采购/收费金额, with a unit) nor the signed 本年增/减 column."""
    return not c.key.endswith((".amount", ".change")) and not (c.before_unit or c.after_unit)


def _fmt(v: Number | None) -> str:
    if v is None:
        return "—"
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def appears_from_zero(ctx: Context) -> list[Flag]:
    return [Flag(rule="appears_from_zero", keys=[c.key], message=f"{c.label}: 0 → {_fmt(c.after)}")
            for c in ctx.changes.values() if _is_count(c) and c.change is not None and c.before == 0
            and c.after is not None and c.after >= APPEAR_MIN]


def vanishes_to_zero(ctx: Context) -> list[Flag]:
    return [Flag(rule="vanishes_to_zero", keys=[c.key], message=f"{c.label}: {_fmt(c.before)} → 0")
            for c in ctx.changes.values() if _is_count(c) and c.change is not None and c.after == 0
            and c.before is not None and c.before >= VANISH_MIN]


def factor_change(ctx: Context) -> list[Flag]:
    out = []
    for c in ctx.changes.values():
        if c.change is None or c.key.endswith(".change") or not c.before or not c.after:
            continue
        if c.before < 0 or c.after < 0:
            continue
        ratio = max(c.before, c.after) / min(c.before, c.after)
        if ratio >= CHANGE_FACTOR and (not _is_count(c) or abs(c.change) >= FACTOR_MIN_DELTA):
            word = "up" if c.after > c.before else "down"
            out.append(Flag(rule="factor_change", keys=[c.key],
                            message=f"{c.label}: {_fmt(c.before)} → {_fmt(c.after)} ({word} ×{ratio:.1f})"))
    return out


def _sum(rep: Report, keys: tuple[str, ...]) -> Number | None:
    vals = [rep.all_cells[k].value if k in rep.all_cells else None for k in keys]
    return None if any(v is None for v in vals) else sum(v for v in vals if v is not None)


def _totals(t: Template) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Total key -> (identity id, its parts) for the identities of the form ``total = Σ parts``."""
    return {i.lhs[0]: (i.id, i.rhs) for i in t.identities if len(i.lhs) == 1 and len(i.rhs) >= 2}


def total_against_parts(ctx: Context) -> list[Flag]:
    if not (ctx.before.template and ctx.after.template):
        return []
    tb, ta = _totals(load_template(ctx.before.template)), _totals(load_template(ctx.after.template))
    out = []
    for total, (ident, parts) in ta.items():
        if total not in tb:
            continue
        c = ctx.changes.get(total)
        pb, pa = _sum(ctx.before, tb[total][1]), _sum(ctx.after, parts)
        if c is None or c.change is None or pb is None or pa is None:
            continue
        dp = pa - pb
        if c.change * dp < 0:
            out.append(Flag(rule="total_against_parts", keys=[total], identity=ident,
                            message=f"{c.label}: {_fmt(c.before)} → {_fmt(c.after)} while its parts sum "
                                    f"{_fmt(pb)} → {_fmt(pa)}"))
    return out


NEW_TOTAL, RESULT_TOTAL = "apply.new_received.total", "apply.result.total.total"


def requests_against_results(ctx: Context) -> list[Flag]:
    n, r = ctx.changes.get(NEW_TOTAL), ctx.changes.get(RESULT_TOTAL)
    if n is None or r is None or n.change is None or r.change is None:
        return []
    if n.change * r.change < 0 and min(abs(n.change), abs(r.change)) >= OPPOSITE_MIN:
        return [Flag(rule="requests_against_results", keys=[NEW_TOTAL, RESULT_TOTAL],
                     message=f"new requests {_fmt(n.before)} → {_fmt(n.after)} but results "
                             f"{_fmt(r.before)} → {_fmt(r.after)}")]
    return []


def identity_newly_failed(ctx: Context) -> list[Flag]:
    held = {c.id for c in ctx.before.checks if c.kind == "identity" and c.status == "pass"}
    return [Flag(rule="identity_newly_failed", keys=[k for k in c.lhs_keys if k in ctx.changes] or
                 [k for k in c.rhs_keys if k in ctx.changes], identity=c.id,
                 message=f"{c.text}: held in {ctx.before.year}, fails in {ctx.after.year} "
                         f"({_fmt(c.lhs)} ≠ {_fmt(c.rhs)})")
            for c in ctx.after.failed_checks if c.kind == "identity" and c.id in held]


def carry_over_break(ctx: Context) -> list[Flag]:
    return [Flag(rule="carry_over_break", keys=[f"apply.carried_forward.{r.column}", f"apply.carried_over.{r.column}"],
                 message=f"结转下年度 {r.column} {_fmt(r.carried_forward)} in {r.year} but 上年结转 "
                         f"{_fmt(r.next_carried_over)} in {r.next_year}")
            for r in ctx.carry_over if r.status == "break"]


RULES: dict[RuleName, Rule] = {
    "appears_from_zero": appears_from_zero,
    "vanishes_to_zero": vanishes_to_zero,
    "factor_change": factor_change,
    "total_against_parts": total_against_parts,
    "requests_against_results": requests_against_results,
    "identity_newly_failed": identity_newly_failed,
    "carry_over_break": carry_over_break,
}


def run_rules(ctx: Context) -> list[Flag]:
    """Every rule's flags, and each key's ``flags`` filled with the rules that fired on it."""
    flags = [f for rule in RULES.values() for f in rule(ctx)]
    for f in flags:
        for k in f.keys:
            c = ctx.changes.get(k)
            if c is not None and f.rule not in c.flags:
                c.flags.append(f.rule)
    return flags

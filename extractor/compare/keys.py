"""Which key of one report goes beside which key of the other, across the 2019 -> 2021 template change, and
the change between their values.

The templates say most of it: a key both templates have is the same key (the apply table's rows and
columns, the review table, 行政许可/处罚/强制's 处理决定数量); a row the 2021 template lists as ``replaces``
(the one-row （六）其他处理 that its three sub-rows replaced) is compared with the sum of those sub-rows when
only one side has it as a row. What the templates cannot say is that two differently labelled columns count
the same thing: ``RENAMED`` lists those. Every other key exists in one template only and is listed so.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..datamodel import Cell, Number, Report
from ..templates import Template, all_templates, load_template
from .model import KeyChange, Mapping

SECTIONS = ("active", "apply", "review")
# 2019 本年新制作数量 and 2021 本年制发件数 both count the documents the body issued in the year (the 2019
# 本年新公开数量 / 对外公开总数量 and the 2021 本年废止件数 / 现行有效件数 count other things: not paired).
RENAMED: dict[str, str] = {"active.rules.new_made": "active.rules.issued",
                           "active.normative_docs.new_made": "active.normative_docs.issued"}
_RENAMED_BOTH = {**RENAMED, **{v: k for k, v in RENAMED.items()}}
REVIEW_GROUP_LABELS = {"review": "行政复议", "suit_direct": "行政诉讼·未经复议直接起诉",
                       "suit_after_review": "行政诉讼·复议后起诉"}


@dataclass(frozen=True)
class KeyPair:
    key: str
    mapping: Mapping
    before_keys: tuple[str, ...]
    after_keys: tuple[str, ...]


def _replaced() -> dict[str, tuple[str, ...]]:
    """Cell key of a row some template replaced by sub-rows -> the sub-rows' cell keys (same column)."""
    out: dict[str, tuple[str, ...]] = {}
    for t in all_templates():
        for r in t.rows:
            if r.replaces:
                for c in r.columns:
                    out[f"{r.full_key}.{c}"] = tuple(f"{r.section}.{s}.{c}" for s in r.replaces)
    return out


def report_keys(rep: Report) -> list[str]:
    """The report's keys in table order: its template's, then the extra cells it has."""
    if rep.template is None:
        return []
    keys = load_template(rep.template).keys()
    return keys + [k for k in rep.extra_cells if k not in set(keys)]


def key_pairs(before: Report, after: Report) -> list[KeyPair]:
    """Every key of either report, once, with the other report's key(s) beside it; section by section,
    the later report's keys in its table order, then those only the earlier report has."""
    bkeys, akeys = report_keys(before), report_keys(after)
    bset, aset = set(bkeys), set(akeys)
    replaced = _replaced()
    used_b: set[str] = set()
    pairs: list[KeyPair] = []

    def pair(k: str, mine: set[str], other: set[str], later: bool) -> KeyPair:
        if k in other:
            return KeyPair(k, "same", (k,), (k,))
        mapping: Mapping
        theirs: tuple[str, ...] = ()
        ren = _RENAMED_BOTH.get(k)
        subs = replaced.get(k, ())
        if ren in other:
            mapping, theirs = "renamed", (ren,)
        elif subs and all(s in other for s in subs) and not any(s in mine for s in subs):
            mapping, theirs = "summed", subs
        else:
            mapping = "only_after" if later else "only_before"
        return KeyPair(k, mapping, theirs, (k,)) if later else KeyPair(k, mapping, (k,), theirs)

    for section in SECTIONS:
        mine: list[KeyPair] = []
        for k in akeys:
            if k.split(".", 1)[0] == section:
                p = pair(k, aset, bset, later=True)
                mine.append(p)
                used_b.update(p.before_keys)
        for k in bkeys:
            if k.split(".", 1)[0] == section and k not in used_b:
                p = pair(k, bset, aset, later=False)  # summed or only_before: the rest came above
                used_b.add(k)
                # a row against its sub-rows goes just before the first of them
                at = next((i for i, q in enumerate(mine) if p.mapping == "summed" and q.key == p.after_keys[0]),
                          len(mine))
                mine.insert(at, p)
        pairs += mine
    return pairs


def key_label(key: str, templates: list[Template]) -> str:
    """The row and column labels of the key in the first of ``templates`` that has it."""
    section, rest = key.split(".", 1)
    row, col = rest.rsplit(".", 1)
    for t in templates:
        col_label = (t.column_labels.get(section, {}).get(col) or (col,))[0]
        if section == "review":
            if row in t.review_groups:
                return f"{REVIEW_GROUP_LABELS.get(row, row)} · {col_label}"
            continue
        try:
            return f"{t.row(f'{section}.{row}').labels[0]} · {col_label}"
        except KeyError:
            continue
    return key


def _value(rep: Report, keys: tuple[str, ...]) -> Number | None:
    cells = rep.all_cells
    vals = [cells[k].value if k in cells else None for k in keys]
    if not vals or any(v is None for v in vals):
        return None
    total = sum(v for v in vals if v is not None)
    return round(total, 6) if isinstance(total, float) else total


def _unit(rep: Report, keys: tuple[str, ...]) -> str | None:
    if not keys:
        return None
    cell = rep.all_cells.get(keys[0])
    return rep.units.get(keys[0]) or (cell.unit if cell else None)


def _cells(rep: Report, keys: tuple[str, ...]) -> list[Cell]:
    return [c for k in keys if (c := rep.all_cells.get(k)) is not None]


def key_change(p: KeyPair, before: Report, after: Report, templates: list[Template]) -> KeyChange:
    """The two values of a key pair as extracted, and the change between them."""
    b, a = _value(before, p.before_keys), _value(after, p.after_keys)
    bu, au = _unit(before, p.before_keys), _unit(after, p.after_keys)
    change: Number | None = None
    relative: float | None = None
    note: str | None = None
    if b is not None and a is not None:
        if bu and au and bu != au:
            note = f"units differ ({bu} / {au}): no change computed"
        else:
            d = a - b
            change = round(d, 6) if isinstance(d, float) else d
            relative = round(d / b, 4) if b else None
    if p.mapping == "renamed":
        note = f"{p.before_keys[0]} beside {p.after_keys[0]}: other label, same count"
    elif p.mapping == "summed":
        side = "earlier" if len(p.before_keys) > 1 else "later"
        note = f"the {side} report's sub-rows summed against the other's one row"
    bc, ac = _cells(before, p.before_keys), _cells(after, p.after_keys)

    def source(cs: list[Cell], n: int) -> str | None:
        if not cs:
            return None
        return "missing" if len(cs) < n or any(c.source == "missing" for c in cs) else cs[0].source

    return KeyChange(
        key=p.key, section=p.key.split(".", 1)[0], label=key_label(p.key, templates), mapping=p.mapping,
        before_keys=list(p.before_keys), after_keys=list(p.after_keys), before=b, after=a, before_unit=bu,
        after_unit=au, change=change, relative=relative,
        before_source=source(bc, len(p.before_keys)), after_source=source(ac, len(p.after_keys)),
        before_review=any(c.review for c in bc), after_review=any(c.review for c in ac),
        before_prov=bc[0].prov if bc else None, after_prov=ac[0].prov if ac else None, note=note)


def key_changes(before: Report, after: Report) -> list[KeyChange]:
    templates = [load_template(t) for t in (after.template, before.template) if t]
    return [key_change(p, before, after, templates) for p in key_pairs(before, after)]

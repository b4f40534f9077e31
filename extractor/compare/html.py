"""The comparison as one self-contained HTML page, in the review page's style (its colours, a sticky header,
one table per section).

Every value links to its report's review page (the ``reviews`` hrefs given to ``compare``) with the
``#cell=KEY`` fragment the review page selects a cell by; the link's title says where the value came from
(page and box, or line). Rows a rule fired on are tinted red and name the rule; the flags, the carry-over
check and the largest changes come first, then every key, the narrative statements side by side and both
reports' failed identities. Nothing is fetched from the network.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from ..datamodel import Number, Provenance
from .model import Comparison, KeyChange, Side, Statement

SECTION_TITLES = {"active": "二、主动公开政府信息情况", "apply": "三、收到和处理政府信息公开申请情况",
                  "review": "四、政府信息公开行政复议、行政诉讼情况"}
FLAG_BG = "#ffd6d6"  # rows a rule fired on (the review page's tint of a cell in a failed identity)
RULE_BG = "#ffe6c2"  # the badge naming a rule (the review page's tint of a cell to review)
MAPPING_TEXT = {"same": "", "renamed": "renamed", "summed": "sub-rows summed", "only_before": "earlier template only",
                "only_after": "later template only"}

_CSS = f"""
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }}
header {{ background: #fff; border-bottom: 1px solid #ccc; padding: 8px 16px; z-index: 2; }}
header h1 {{ font-size: 18px; margin: 0 0 4px; }}
main {{ padding: 8px 16px 40px; }}
.sides {{ display: flex; gap: 16px; }}
.side {{ border: 1px solid #ccc; border-radius: 4px; padding: 6px 10px; flex: 1; }}
.warn {{ background: #fff3cd; border: 1px solid #e0c060; padding: 6px 10px; margin: 8px 0; }}
table {{ border-collapse: collapse; margin: 4px 0 14px; }}
th, td {{ border: 1px solid #ccc; padding: 2px 6px; text-align: right; }}
th.rl, td.rl {{ text-align: left; max-width: 420px; }}
td.k {{ text-align: left; font: 11px monospace; color: #666; }}
tr.flagged td {{ background: {FLAG_BG}; }}
tr {{ scroll-margin-top: 40px; }}
tr:target td {{ outline: 2px solid rgb(0, 200, 255); }}
.up {{ color: rgb(0, 120, 40); }} .down {{ color: rgb(190, 0, 0); }}
.rule {{ display: inline-block; font: 11px monospace; background: {RULE_BG}; border: 1px solid #e0a050;
         border-radius: 3px; padding: 0 4px; margin: 0 2px; }}
.st-ok {{ color: rgb(0, 140, 50); }} .st-break {{ color: rgb(200, 0, 0); font-weight: bold; }}
.st-missing, .st-not_checked {{ color: #888; }}
a.v {{ color: inherit; text-decoration: underline dotted; }}
.m {{ font-size: 11px; color: #777; }}
ul {{ margin: 4px 0 12px; }}
"""


def _fmt(v: Number | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _prov_text(p: Provenance | None) -> str:
    if p is None:
        return "not in the report"
    if p.page is not None:
        box = "" if p.bbox is None else " box " + ",".join(f"{x:.1f}" for x in p.bbox)
        return f"page {p.page}{box}"
    if p.line is not None:
        return f"line {p.line}"
    return "no position"


def cell_href(review: str | None, key: str) -> str | None:
    """The link to a cell on a review page: ``review#cell=KEY``."""
    return None if review is None else f"{review}#cell={quote(key, safe='.')}"


def _value(review: str | None, keys: list[str], v: Number | None, prov: Provenance | None, source: str | None,
           side: str) -> str:
    if not keys:
        return '<td class="na"></td>'
    text = "?" if source == "missing" else _fmt(v)
    title = " + ".join(keys) + f": {_prov_text(prov)}" + (f", {source}" if source and source != "read" else "")
    href = cell_href(review, keys[0])
    attrs = f'data-side="{side}" data-key="{escape(keys[0], quote=True)}" title="{escape(title, quote=True)}"'
    if href is None:
        return f"<td><span {attrs}>{escape(text)}</span></td>"
    return f'<td><a class="v" {attrs} href="{escape(href, quote=True)}">{escape(text)}</a></td>'


def _change(c: KeyChange) -> str:
    if c.change is None:
        return '<td class="chg"></td><td></td>'
    cls = "up" if c.change > 0 else "down" if c.change < 0 else ""
    sign = "+" if c.change > 0 else ""
    rel = "" if c.relative is None else f"{c.relative:+.0%}"
    return f'<td class="chg {cls}">{sign}{escape(_fmt(c.change))}</td><td class="{cls}">{rel}</td>'


def _row(c: KeyChange, cmp: Comparison) -> str:
    flags = "".join(f'<span class="rule">{escape(r)}</span>' for r in c.flags)
    mapping = MAPPING_TEXT[c.mapping]
    note = f' <span class="m">{escape(mapping)}</span>' if mapping else ""
    cls = ' class="flagged"' if c.flags else ""
    return (f'<tr id="k-{escape(c.key, quote=True)}"{cls} data-key="{escape(c.key, quote=True)}">'
            f'<td class="rl" title="{escape(c.note or "", quote=True)}">{escape(c.label)}{note}</td>'
            f'<td class="k">{escape(c.key)}</td>'
            + _value(cmp.before.review, c.before_keys, c.before, c.before_prov, c.before_source, "before")
            + _value(cmp.after.review, c.after_keys, c.after, c.after_prov, c.after_source, "after")
            + _change(c) + f'<td class="rl">{flags}</td></tr>')


def _side(title: str, s: Side, href: str | None) -> str:
    link = "" if href is None else f' — <a class="review" href="{escape(href, quote=True)}">review page</a>'
    return (f'<div class="side"><b>{escape(title)}: {escape(str(s.year or "?"))}</b>{link}<br>'
            f"{escape(s.organ or '(organ not found)')}<br>"
            f'<span class="m">{escape(s.source or "")} · template {escape(s.template or "none")} · {escape(s.status or "")}'
            f" · {s.failed_identities} failed identities · {s.cells_to_review} cells to review</span></div>")


def _carry(cmp: Comparison) -> str:
    out = [f'<h2>结转 → 上年结转 <span class="st-{cmp.carry_over_status}">{cmp.carry_over_status}</span></h2>']
    if cmp.carry_over_note:
        out.append(f'<p class="m">{escape(cmp.carry_over_note)}</p>')
    if not cmp.carry_over:
        return "".join(out)
    y0, y1 = cmp.before.year, cmp.after.year
    out.append(f'<table class="carry"><thead><tr><th class="rl">column</th><th>{y0} 结转下年度</th>'
               f"<th>{y1} 上年结转</th><th>status</th></tr></thead><tbody>")
    for r in cmp.carry_over:
        fk, ok = f"apply.carried_forward.{r.column}", f"apply.carried_over.{r.column}"
        bc, ac = _find(cmp, fk), _find(cmp, ok)
        out.append(f'<tr class="{"flagged" if r.status == "break" else ""}"><td class="rl">{escape(r.column)}</td>'
                   + _value(cmp.before.review, [fk], r.carried_forward, bc.before_prov if bc else None, None, "before")
                   + _value(cmp.after.review, [ok], r.next_carried_over, ac.after_prov if ac else None, None, "after")
                   + f'<td class="st-{r.status}">{r.status}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _find(cmp: Comparison, key: str) -> KeyChange | None:
    return next((c for c in cmp.changes if c.key == key), None)


def _flags(cmp: Comparison) -> str:
    if not cmp.flags:
        return "<h2>Worth a look</h2><p>No rule fired.</p>"
    items = []
    for f in cmp.flags:
        keys = " ".join(f'<a href="#k-{escape(k, quote=True)}">{escape(k)}</a>' for k in f.keys)
        items.append(f'<li><span class="rule">{escape(f.rule)}</span> {escape(f.message)} <span class="m">{keys}</span></li>')
    th = ", ".join(f"{k}={v:g}" for k, v in cmp.thresholds.items())
    return f'<h2>Worth a look ({len(cmp.flags)})</h2><ul class="flags">{"".join(items)}</ul><p class="m">{escape(th)}</p>'


def _largest(cmp: Comparison) -> str:
    out = ["<h2>Largest changes</h2><ul>"]
    for section, keys in cmp.largest.items():
        parts = []
        for k in keys:
            c = _find(cmp, k)
            if c is not None:
                sign = "+" if (c.change or 0) > 0 else ""
                parts.append(f'<a href="#k-{escape(k, quote=True)}">{escape(c.label)}</a> {sign}{escape(_fmt(c.change))}')
        out.append(f"<li><b>{escape(section)}</b>: {'; '.join(parts) or 'no change'}</li>")
    out.append("</ul>")
    return "".join(out)


def _statements(ss: list[Statement]) -> str:
    return "<br>".join(f'{escape(s.sentence or "")} <span class="m">({escape(_fmt(s.stated))} vs table '
                       f'{escape(_fmt(s.table))}: {escape(s.status)})</span>' for s in ss)


def _narrative(cmp: Comparison) -> str:
    if not cmp.narrative:
        return "<h2>Narrative</h2><p>No statement in either report.</p>"
    rows = "".join(f'<tr><td class="rl">{escape(n.topic)}</td><td class="rl">{_statements(n.before)}</td>'
                   f'<td class="rl">{_statements(n.after)}</td></tr>' for n in cmp.narrative)
    return (f'<h2>Narrative</h2><table class="narrative"><thead><tr><th class="rl">topic</th>'
            f'<th class="rl">{cmp.before.year}</th><th class="rl">{cmp.after.year}</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _failed(cmp: Comparison) -> str:
    out = ["<h2>Failed identities</h2>"]
    for side, checks, review in (("before", cmp.failed_before, cmp.before.review),
                                 ("after", cmp.failed_after, cmp.after.review)):
        year = cmp.before.year if side == "before" else cmp.after.year
        items = []
        for c in checks:
            key = (c.lhs_keys or c.rhs_keys or [""])[0]
            href = cell_href(review, key)
            text = f"{c.text}: {_fmt(c.lhs)} ≠ {_fmt(c.rhs)}"
            link = escape(text) if href is None else f'<a class="v" href="{escape(href, quote=True)}">{escape(text)}</a>'
            items.append(f"<li>{link}</li>")
        out.append(f"<h3>{year}: {len(checks)}</h3><ul>{''.join(items)}</ul>")
    return "".join(out)


def render_compare_html(cmp: Comparison) -> str:
    """The page (one string). The value links go to ``cmp.before.review`` / ``cmp.after.review``."""
    b, a = cmp.before, cmp.after
    title = f"{cmp.pairing.body or b.organ or a.organ or '?'} {b.year or '?'} → {a.year or '?'}"
    warn = ""
    if cmp.pairing.reasons:
        warn = ('<div class="warn">Not one body\'s consecutive years: '
                + "; ".join(escape(r) for r in cmp.pairing.reasons) + "</div>")
    tables = []
    for section, stitle in SECTION_TITLES.items():
        rows = [c for c in cmp.changes if c.section == section]
        if not rows:
            continue
        tables.append(f'<h2>{escape(stitle)}</h2><table class="grid" data-section="{section}"><thead><tr>'
                      f'<th class="rl">row · column</th><th>key</th><th>{b.year}</th><th>{a.year}</th>'
                      f'<th>change</th><th>%</th><th class="rl">flags</th></tr></thead><tbody>'
                      + "".join(_row(c, cmp) for c in rows) + "</tbody></table>")
    return ("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\">"
            f"<title>比对 {escape(title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>比对 {escape(title)}</h1><div class=\"sides\">{_side('earlier', b, b.review)}"
            f"{_side('later', a, a.review)}</div>{warn}</header><main>"
            + _flags(cmp) + _carry(cmp) + _largest(cmp) + "".join(tables) + _narrative(cmp) + _failed(cmp)
            + "</main></body></html>")

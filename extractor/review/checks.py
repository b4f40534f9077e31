"""The failed identity checks and the narrative checks, with links to their cells."""

from __future__ import annotations

from html import escape

from ..datamodel import Check, Report
from .kinds import bbox_text, fmt


def _key_links(keys: list[str], report: Report) -> str:
    return " ".join(f'<a href="#cell={escape(k, quote=True)}" class="keylink" data-target="{escape(k, quote=True)}">'
                    f"{escape(k)}={escape(fmt(report.all_cells[k].value) if k in report.all_cells else '∅')}</a>"
                    for k in keys)


def failed_identities(report: Report) -> list[Check]:
    return [c for c in report.checks if c.kind == "identity" and c.status == "fail"]


def checks_html(report: Report) -> str:
    failed = failed_identities(report)
    narrative = [c for c in report.checks if c.kind == "narrative"]
    n_ident = sum(c.kind == "identity" for c in report.checks)
    out = [f"<h3>Failed identity checks ({len(failed)} of {n_ident})</h3>"]
    if failed:
        out.append('<ul class="checks">')
        for c in failed:
            out.append(f'<li class="chk fail" data-check="{escape(c.id, quote=True)}"><b>{escape(c.id)}</b> '
                       f"{escape(c.text)}: {escape(fmt(c.lhs))} ≠ {escape(fmt(c.rhs))}"
                       f'{" — " + escape(c.note) if c.note else ""}<br><span class="keys">'
                       f"{_key_links(c.lhs_keys, report)} ‖ {_key_links(c.rhs_keys, report)}</span></li>")
        out.append("</ul>")
    else:
        out.append('<p class="note">Every identity that could be checked holds.</p>')
    out.append(f"<h3>Narrative checks ({len(narrative)})</h3>")
    if narrative:
        out.append('<ul class="checks">')
        out += [_narrative_item(c, report) for c in narrative]
        out.append("</ul>")
    else:
        out.append('<p class="note">The prose states no number the tables could confirm.</p>')
    return "".join(out)


def _narrative_item(c: Check, report: Report) -> str:
    p = c.prov
    where = ""
    if p is not None and (p.page is not None or p.line is not None):
        where = f"page {p.page}" if p.page is not None else f"line {p.line}"
    attrs = (f'data-check="{escape(c.id, quote=True)}" data-page="{"" if p is None or p.page is None else p.page}" '
             f'data-bbox="{bbox_text(p.bbox if p else None)}"')
    return (f'<li class="chk {escape(c.status)}" {attrs}><b>{escape(c.status)}</b> {escape(c.text)}: prose '
            f"{escape(fmt(c.lhs))}, table {escape(fmt(c.rhs)) or '—'}"
            f'{"; " + escape(c.note) if c.note else ""}{" (" + where + ")" if where else ""}'
            f'<br><q>{escape(c.sentence or "")}</q> <span class="keys">{_key_links(c.rhs_keys, report)}</span></li>')

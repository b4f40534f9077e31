"""A review page: one self-contained HTML file for a person to check a document's extraction.

``render_review_html(source, report)`` returns the page: the document's page images (embedded as base64
PNG; nothing is fetched from the network) with every cell's box drawn where it came from, the canonical
tables beside them, and the failed identity checks and the narrative checks. Cells are coloured by what a
reviewer must do with them (the same classes on the page and in the tables, see ``KINDS``):

* ``c-fail``     the cell takes part in a failed identity (勾稽关系) — red;
* ``c-review``   flagged for review (low confidence, ambiguous reading, failed narrative check) — orange;
* ``c-inferred`` inferred or repaired rather than read — purple;
* ``c-missing``  not found in the document — grey;
* ``c-ok``       read cleanly — green.

The header counts the cells of each kind and the legend says the same numbers (one count, ``kind_counts``).
The apply table shows its numbered sub-rows under their group headings (三、本年度办理结果, （三）不予公开, …:
from the template data, see ``tables``). A review list holds the cells to review (``c-fail`` and
``c-review``, in table order) with next / previous buttons. Clicking a table cell outlines its box on the
page image, scrolls to it and shows its provenance (page, bbox, raw text, source, confidence, reason);
clicking a box selects its table cell; the page images zoom (buttons, keys, double click) with their boxes.
A ``#cell=KEY`` fragment selects that cell on load (``&zoom=Z`` sets the zoom); otherwise the first cell in
a failed identity (else the first cell to review) is selected. Text-like inputs (text, DOCX, HTML) have no
page geometry: the page shows the tables, and each cell's source line beside its number.

``extractor inspect FILE --html OUT.html`` writes it; the service serves it at ``GET /v1/review/{id}``.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from ..datamodel import Report
from ..inspect import failed_identity_keys
from .assets import css, js
from .checks import checks_html, failed_identities
from .kinds import KINDS, ROW_COLOR, TO_REVIEW, cell_kind, fmt, kind_counts
from .lines import source_lines
from .pages import pages_html
from .tables import Ctx, line_text, tables_html

# what the header calls each kind's count (the legend gives the longer text of KINDS)
HEADER_WORDS = {"c-fail": "in failed identities", "c-review": "flagged for review", "c-inferred": "inferred",
                "c-missing": "missing", "c-ok": "read cleanly"}
CONTEXT_LINES = 2  # source lines shown above and below a text cell's own line


def _json_script(id_: str, data: object) -> str:
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/json" id="{id_}">{text}</script>'


def _queue(ctx: Ctx) -> str:
    """The review list: the cells to review in table order, with previous / next."""
    why: dict[str, list[str]] = {}
    for c in failed_identities(ctx.report):
        for k in c.lhs_keys + c.rhs_keys:
            why.setdefault(k, []).append(c.id)
    items = []
    for key in ctx.order:
        cell = ctx.report.all_cells[key]
        kind = cell_kind(key, cell, ctx.failed)
        if kind not in TO_REVIEW:
            continue
        reason = ("failed " + ", ".join(why.get(key, []))) if kind == "c-fail" else (cell.reason or "flagged")
        src = line_text(ctx, cell)
        where = f" · line {cell.prov.line}: {src}" if src else ""
        items.append(f'<li class="qi {kind}" data-target="{escape(key, quote=True)}" '
                     f'title="{escape(key + " — " + reason + where, quote=True)}"><i class="sw {kind}"></i>'
                     f'<span class="qk">{escape(key)}</span> = {escape(fmt(cell.value) or "?")} '
                     f'<span class="why">{escape(reason + where)}</span></li>')
    n = len(items)
    body = f'<ol class="qlist">{"".join(items)}</ol>' if items else ""
    none = "" if items else '<span class="note">No cell to review.</span>'
    return (f'<div id="queue" data-count="{n}"><div class="qbar"><b>To review ({n})</b>'
            '<button type="button" id="qprev" title="previous cell to review (p)">◀ previous</button>'
            f'<span id="qpos">– / {n}</span>'
            f'<button type="button" id="qnext" title="next cell to review (n)">next ▶</button>{none}</div>'
            f"{body}</div>")


def _context(ctx: Ctx) -> dict[str, str]:
    """The source lines the provenance panel shows: each text cell's line and the lines around it."""
    wanted: set[int] = set()
    for cell in ctx.report.all_cells.values():
        if cell.prov.line is not None and cell.prov.page is None:
            wanted.update(range(cell.prov.line - CONTEXT_LINES, cell.prov.line + CONTEXT_LINES + 1))
    return {str(n): ctx.lines[n][:300] for n in sorted(wanted) if n in ctx.lines}


def _header(report: Report, counts: dict[str, int], has_pages: bool) -> str:
    fails = failed_identities(report)
    cells = " · ".join(f'<span class="cnt" data-kind="{k}"><b>{counts[k]}</b> {HEADER_WORDS[k]}</span>'
                       for k in KINDS if k != "c-ok")
    meta = (f"template {escape(report.template or '—')} · year {report.year or '—'} · {escape(report.organ or '—')} · "
            f"format {escape(report.format)} · status {escape(report.status)} · "
            f'<span class="cnt" data-kind="all"><b>{sum(counts.values())}</b> cells</span>: {cells} · '
            f'<span class="cnt" data-kind="identities"><b>{len(fails)}</b> failed identities</span>')
    legend = "".join(f'<span class="lg" data-kind="{k}"><i class="sw {k}"></i>{escape(text)} '
                     f'(<b class="n">{counts[k]}</b>)</span>' for k, (_, _, text) in KINDS.items())
    legend += (f'<span><i class="sw" style="border:1px dotted {ROW_COLOR}"></i>matched row label '
               '<input type="checkbox" id="showrows" checked></span>') if has_pages else ""
    title = report.title or report.source or "document"
    return (f"<header><h1>{escape(title)}</h1><div class=\"meta\">{escape(report.source or '')} · {meta}</div>"
            f"<div class=\"legend\">{legend}</div></header>")


ZOOMBAR = ('<div id="zoombar"><button type="button" id="zoomout" title="zoom out (-)">−</button>'
           '<span id="zoomlevel">100%</span><button type="button" id="zoomin" title="zoom in (+)">+</button>'
           '<button type="button" id="zoomfit" title="fit the width (0)">fit</button>'
           '<span class="hint">double-click the page to zoom in there</span></div>')


def render_review_html(source: Path | bytes | None, report: Report, dpi: int = 100) -> str:
    """The review page for ``report`` (extracted from ``source``: a path or the document's bytes; None
    when the document is not available) as one self-contained HTML string."""
    failed = failed_identity_keys(report)
    pages, has_pages = pages_html(source, report, dpi, failed)
    ctx = Ctx(report, failed, lines=source_lines(source, report))
    tables = tables_html(ctx)
    counts = kind_counts(report.all_cells, failed)
    notes = "".join(f'<p class="note">warning: {escape(str(w))}</p>' for w in report.warnings)
    title = report.title or report.source or "document"
    summary = {"source": report.source, "sha256": report.sha256, "template": report.template,
               "failed_identities": [c.id for c in failed_identities(report)], "counts": counts}
    return (
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>Review · {escape(title)}</title><style>{css()}</style></head>"
        f"<body class=\"{'paged' if has_pages else 'textonly'}\" data-zoom=\"1\">{_header(report, counts, has_pages)}"
        f"<main><section id=\"pages\">{ZOOMBAR + pages if has_pages else ''}</section>"
        f"<section id=\"side\"><div id=\"prov\"><span class=\"note\">Click a cell to see where it came from."
        f"</span></div>{_queue(ctx)}<div id=\"sidescroll\">{'' if has_pages else pages}{notes}{tables}"
        f"{checks_html(report)}</div></section></main>"
        f"{_json_script('report-summary', summary)}{_json_script('source-lines', _context(ctx))}"
        f"<script>{js()}</script></body></html>\n"
    )


def write_review_html(source: Path, report: Report, out: Path, dpi: int = 100) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_review_html(source, report, dpi), encoding="utf-8")
    return out


__all__ = ["KINDS", "cell_kind", "failed_identity_keys", "kind_counts", "render_review_html", "write_review_html"]

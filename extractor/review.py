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

Clicking a table cell outlines its box on the page image, scrolls to it and shows its provenance (page,
bbox, raw text, source, confidence, reason); clicking a box selects its table cell. A ``#cell=KEY``
fragment selects that cell on load; otherwise the first cell in a failed identity (else the first cell
to review) is selected. Text-like inputs (text, DOCX, HTML) have no page geometry: the page shows the
tables and says so.

``extractor inspect FILE --html OUT.html`` writes it; the service serves it at ``GET /v1/review/{id}``.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from .datamodel import Cell, Check, Report
from .errors import ExtractorError, TemplateError
from .inspect import PAGED_FORMATS, failed_identity_keys, page_images
from .templates import Template, load_template

# class -> (CSS colour of the box/border, tint of the table cell, legend text)
KINDS: dict[str, tuple[str, str, str]] = {
    "c-fail": ("rgb(220, 0, 0)", "#ffd6d6", "in a failed identity (勾稽关系)"),
    "c-review": ("rgb(255, 140, 0)", "#ffe6c2", "to review (low confidence / ambiguous / narrative mismatch)"),
    "c-inferred": ("rgb(150, 40, 210)", "#efdcff", "inferred or repaired, not read"),
    "c-missing": ("rgb(140, 140, 140)", "#eeeeee", "missing"),
    "c-ok": ("rgb(0, 160, 60)", "#ffffff", "read cleanly"),
}
ROW_COLOR = "rgb(40, 90, 220)"
SELECT_COLOR = "rgb(0, 200, 255)"
REVIEW_GROUP_LABELS = {"review": "行政复议", "suit_direct": "行政诉讼·未经复议直接起诉",
                       "suit_after_review": "行政诉讼·复议后起诉"}
MAX_PAGES_SHOWN = 40


def cell_kind(key: str, cell: Cell, failed: set[str]) -> str:
    """The highlight class of a cell (the first that applies, in the order of ``KINDS``)."""
    if key in failed:
        return "c-fail"
    if cell.review:
        return "c-review"
    if cell.source in ("inferred", "repaired"):
        return "c-inferred"
    if cell.source == "missing":
        return "c-missing"
    return "c-ok"


def _fmt(v: float | int | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _bbox_text(b: Iterable[float] | None) -> str:
    return "" if b is None else ",".join(f"{x:.1f}" for x in b)


def _cell_attrs(key: str, cell: Cell, kind: str) -> str:
    p = cell.prov
    data = {
        "key": key, "kind": kind, "value": _fmt(cell.value), "raw": cell.raw or "", "source": cell.source,
        "confidence": f"{cell.confidence:.2f}", "reason": cell.reason or "", "review": "1" if cell.review else "0",
        "page": "" if p.page is None else str(p.page), "bbox": _bbox_text(p.bbox),
        "line": "" if p.line is None else str(p.line), "unit": cell.unit or "",
    }
    return " ".join(f'data-{k}="{escape(v, quote=True)}"' for k, v in data.items())


# ---------------------------------------------------------------------------------------------- tables

def _table(title: str, col_heads: list[str], rows: list[tuple[str, list[str | None]]], report: Report,
           failed: set[str], used: set[str]) -> str:
    """rows: (row label, [cell key or None per column])."""
    out = [f"<h3>{escape(title)}</h3>", '<table class="grid"><thead><tr><th></th>']
    out += [f"<th>{escape(h)}</th>" for h in col_heads]
    out.append("</tr></thead><tbody>")
    for label, keys in rows:
        out.append(f'<tr><th class="rl" title="{escape(label, quote=True)}">{escape(label)}</th>')
        for key in keys:
            cell = report.all_cells.get(key) if key else None
            if key is None:
                out.append('<td class="na"></td>')
            elif cell is None:
                out.append(f'<td class="absent" title="{escape(key, quote=True)}: not in the report"></td>')
            else:
                used.add(key)
                kind = cell_kind(key, cell, failed)
                text = _fmt(cell.value) if cell.source != "missing" else "?"
                out.append(f'<td class="cell {kind}" tabindex="0" title="{escape(key, quote=True)}" '
                           f'{_cell_attrs(key, cell, kind)}>{escape(text)}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _template_tables(report: Report, t: Template, failed: set[str], used: set[str]) -> list[str]:
    out = []
    for section in ("active", "apply"):
        cols = list(t.column_labels[section])
        heads = [t.column_labels[section][c][0] for c in cols]
        rows: list[tuple[str, list[str | None]]] = []
        for r in t.rows_of(section):
            keys = r.cell_keys()
            if r.extra and not any(k in report.all_cells for k in keys):
                continue
            label = r.labels[0] + ("（合并行）" if r.extra else "")
            rows.append((label, [f"{r.full_key}.{c}" if c in r.columns else None for c in cols]))
        title = (t.section_titles.get(section) or (section,))[0]
        out.append(_table(title, heads, rows, report, failed, used))
    rcols = list(t.review_columns)
    rheads = [t.column_labels["review"][c][0] for c in rcols]
    rrows: list[tuple[str, list[str | None]]] = [(REVIEW_GROUP_LABELS.get(g, g), [f"review.{g}.{c}" for c in rcols]) for g in t.review_groups]
    out.append(_table((t.section_titles.get("review") or ("review",))[0], rheads, rrows, report, failed, used))
    return out


def _tables(report: Report, failed: set[str]) -> str:
    used: set[str] = set()
    parts: list[str] = []
    if report.template:
        try:
            parts = _template_tables(report, load_template(report.template), failed, used)
        except TemplateError as e:
            parts = [f'<p class="note">template {escape(report.template)} unavailable: {escape(e.message)}</p>']
    else:
        parts.append('<p class="note">No standard statistics table was recognised in this document.</p>')
    rest = [k for k in report.all_cells if k not in used]
    if rest:
        other: list[tuple[str, list[str | None]]] = [(k, [k]) for k in rest]
        parts.append(_table("Other cells", ["value"], other, report, failed, used))
    return "".join(parts)


# ---------------------------------------------------------------------------------------------- checks

def _key_links(keys: list[str], report: Report) -> str:
    return " ".join(f'<a href="#cell={escape(k, quote=True)}" class="keylink" data-target="{escape(k, quote=True)}">'
                    f"{escape(k)}={escape(_fmt(report.all_cells[k].value) if k in report.all_cells else '∅')}</a>"
                    for k in keys)


def _checks(report: Report) -> str:
    failed = [c for c in report.checks if c.kind == "identity" and c.status == "fail"]
    narrative = [c for c in report.checks if c.kind == "narrative"]
    n_ident = sum(c.kind == "identity" for c in report.checks)
    out = [f"<h3>Failed identity checks ({len(failed)} of {n_ident})</h3>"]
    if failed:
        out.append('<ul class="checks">')
        for c in failed:
            out.append(f'<li class="chk fail" data-check="{escape(c.id, quote=True)}"><b>{escape(c.id)}</b> '
                       f"{escape(c.text)}: {escape(_fmt(c.lhs))} ≠ {escape(_fmt(c.rhs))}"
                       f'{" — " + escape(c.note) if c.note else ""}<br><span class="keys">'
                       f"{_key_links(c.lhs_keys, report)} ‖ {_key_links(c.rhs_keys, report)}</span></li>")
        out.append("</ul>")
    else:
        out.append('<p class="note">Every identity that could be checked holds.</p>')
    out.append(f"<h3>Narrative checks ({len(narrative)})</h3>")
    if narrative:
        out.append('<ul class="checks">')
        for c in narrative:
            out.append(_narrative_item(c, report))
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
             f'data-bbox="{_bbox_text(p.bbox if p else None)}"')
    return (f'<li class="chk {escape(c.status)}" {attrs}><b>{escape(c.status)}</b> {escape(c.text)}: prose '
            f"{escape(_fmt(c.lhs))}, table {escape(_fmt(c.rhs)) or '—'}"
            f'{"; " + escape(c.note) if c.note else ""}{" (" + where + ")" if where else ""}'
            f'<br><q>{escape(c.sentence or "")}</q> <span class="keys">{_key_links(c.rhs_keys, report)}</span></li>')


# ---------------------------------------------------------------------------------------------- pages

def _wanted_pages(report: Report) -> list[int]:
    pages: set[int] = set()
    for c in report.cells.values():
        if c.prov.page is not None and c.prov.bbox is not None:
            pages.add(c.prov.page)
    for r in report.rows:
        if r.prov.page is not None and r.prov.bbox is not None:
            pages.add(r.prov.page)
    for ch in report.checks:
        if ch.prov is not None and ch.prov.page is not None and ch.prov.bbox is not None:
            pages.add(ch.prov.page)
    if not pages:  # nothing located: show the first pages so a person can see why
        pages = set(range(1, min(report.pages or 1, MAX_PAGES_SHOWN) + 1))
    return sorted(pages)[:MAX_PAGES_SHOWN]


def _pct(v: float, total: float) -> str:
    return f"{100.0 * v / total:.3f}%"


def _box_style(b: tuple[float, float, float, float], scale: float, w: int, h: int) -> str:
    x0, top, x1, bottom = (min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3]))
    return (f"left:{_pct(x0 * scale, w)};top:{_pct(top * scale, h)};"
            f"width:{_pct(max(x1 - x0, 1.0) * scale, w)};height:{_pct(max(bottom - top, 1.0) * scale, h)}")


def _page_html(pno: int, img: Any, scale: float, report: Report, failed: set[str]) -> str:
    buf = io.BytesIO()
    img.quantize(256).save(buf, format="PNG")  # a palette keeps text pages ~3x smaller than RGB
    b64 = base64.b64encode(buf.getvalue()).decode("ascii")
    w, h = img.size
    out = [f'<div class="page" id="page-{pno}" data-page="{pno}"><div class="pno">page {pno}</div>'
           f'<div class="pimg"><img alt="page {pno}" width="{w}" height="{h}" src="data:image/png;base64,{b64}">']
    for r in report.rows:
        if r.prov.page == pno and r.prov.bbox is not None:
            out.append(f'<div class="rowbox" style="{_box_style(r.prov.bbox, scale, w, h)}" '
                       f'title="{escape((r.key or "unmapped") + ": " + r.label, quote=True)}"></div>')
    for ch in report.checks:
        if ch.prov is not None and ch.prov.page == pno and ch.prov.bbox is not None:
            out.append(f'<div class="sentbox s-{escape(ch.status)}" data-check="{escape(ch.id, quote=True)}" '
                       f'style="{_box_style(ch.prov.bbox, scale, w, h)}" title="{escape(ch.text, quote=True)}"></div>')
    order = list(KINDS)
    located = [(k, c) for k, c in report.all_cells.items() if c.prov.page == pno and c.prov.bbox is not None]
    # flagged boxes last, so they are drawn on top of clean ones sharing the same place
    located.sort(key=lambda kc: -order.index(cell_kind(kc[0], kc[1], failed)))
    for key, cell in located:
        kind = cell_kind(key, cell, failed)
        assert cell.prov.bbox is not None
        out.append(f'<div class="box {kind}" data-key="{escape(key, quote=True)}" '
                   f'style="{_box_style(cell.prov.bbox, scale, w, h)}" title="{escape(key, quote=True)}"></div>')
    out.append("</div></div>")
    return "".join(out)


def _pages_html(source: Path | bytes | None, report: Report, dpi: int, failed: set[str]) -> tuple[str, bool]:
    """(HTML of the page panel, whether page images are shown)."""
    if report.format not in PAGED_FORMATS:
        return (f'<p class="note nopage">No page image: a {escape(report.format)} document has no page geometry '
                "(cells carry line numbers instead); the tables and checks follow.</p>"), False
    if source is None:
        return '<p class="note nopage">No page image: the document itself is not available.</p>', False
    try:
        pages = page_images(source, report.format, dpi, pages=_wanted_pages(report), max_side=1600)
    except ExtractorError as e:
        return f'<p class="note nopage">No page image: {escape(e.message)}</p>', False
    if not pages:
        return '<p class="note nopage">No page image: the document has no pages to draw.</p>', False
    return "".join(_page_html(pno, img, scale, report, failed) for pno, img, scale in pages), True


# ---------------------------------------------------------------------------------------------- page

def _css() -> str:
    kinds = "".join(f".box.{k}{{border-color:{c}}}.sw.{k}{{border-color:{c};background:{tint}}}"
                    + ("" if k == "c-ok" else f".cell.{k}{{background:{tint};box-shadow:inset 0 0 0 2px {c}}}")
                    for k, (c, tint, _) in KINDS.items())
    return (
        "*{box-sizing:border-box}html,body{margin:0;height:100%}"
        "body{display:flex;flex-direction:column;font:13px/1.4 system-ui,'Noto Sans CJK SC',sans-serif;color:#222}"
        "header{padding:6px 12px;border-bottom:1px solid #ccc;background:#f7f7f7}"
        "header h1{font-size:15px;margin:0 0 2px}header .meta{color:#555}"
        ".legend{margin-top:4px;display:flex;flex-wrap:wrap;gap:12px;align-items:center}"
        ".legend span{display:inline-flex;align-items:center;gap:4px}"
        ".sw{display:inline-block;width:14px;height:10px;border:2px solid}"
        "main{flex:1;min-height:0;display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr)}"
        "#pages{overflow:auto;background:#5a5a5a;padding:8px}"
        "#side{display:flex;flex-direction:column;min-height:0;border-left:1px solid #ccc}"
        "#sidescroll{flex:1;min-height:0;overflow:auto;padding:0 12px 12px}"
        "body.textonly main{grid-template-columns:minmax(0,1fr)}body.textonly #pages{display:none}"
        ".page{margin:0 auto 14px;max-width:100%}.pno{color:#eee;font-size:11px}"
        ".pimg{position:relative;background:#fff}.pimg img{display:block;width:100%;height:auto}"
        ".box,.rowbox,.sentbox{position:absolute}"
        ".box{border:2px solid;cursor:pointer}"
        ".rowbox{border:1px dotted " + ROW_COLOR + ";pointer-events:none}"
        "body.norows .rowbox{display:none}"
        ".sentbox{border:2px dashed " + ROW_COLOR + "}.sentbox.s-fail{border-color:" + KINDS["c-fail"][0] + "}"
        ".box.selected,.sentbox.selected{outline:3px solid " + SELECT_COLOR + ";outline-offset:2px;z-index:10}"
        "#prov{flex:none;background:#fffbe6;border-bottom:1px solid #e0d58a;padding:6px 12px;min-height:3em;"
        "max-height:40%;overflow:auto}#prov table{border-collapse:collapse}"
        "#prov table td{padding:0 10px 0 0;vertical-align:top}"
        "table.grid{border-collapse:collapse;margin:4px 0 10px;font-size:12px}"
        "table.grid th,table.grid td{border:1px solid #bbb;padding:2px 5px;text-align:right}"
        "table.grid thead th{background:#eee;text-align:center;font-weight:normal;max-width:7em}"
        "table.grid th.rl{text-align:left;font-weight:normal;max-width:22em;overflow:hidden;text-overflow:ellipsis;"
        "white-space:nowrap}"
        "td.cell{cursor:pointer;min-width:2.4em}td.na{background:repeating-linear-gradient(45deg,#f3f3f3,#f3f3f3 3px,"
        "#e6e6e6 3px,#e6e6e6 6px)}"
        "td.cell.selected{outline:3px solid " + SELECT_COLOR + ";outline-offset:-1px}"
        "h3{font-size:14px;margin:12px 0 4px}.note{color:#555;font-style:italic}#pages .nopage{color:#eee;padding:12px}"
        "ul.checks{padding-left:18px;margin:4px 0}li.chk{margin-bottom:6px}li.chk.fail b{color:"
        + KINDS["c-fail"][0] + "}li.chk.pass b{color:" + KINDS["c-ok"][0] + "}"
        "li.chk[data-page]:not([data-page='']){cursor:pointer}.keys{font-size:11px}.keylink{margin-right:4px}"
        + kinds
    )


_JS = r"""
(function(){
  function q(s,root){return (root||document).querySelectorAll(s);}
  function sel(k){return '[data-key="'+CSS.escape(k)+'"]';}
  function clear(){q('.selected').forEach(function(e){e.classList.remove('selected');});}
  var F=[['key','key'],['value','value'],['raw','raw text'],['source','source'],['confidence','confidence'],
         ['reason','reason'],['page','page'],['bbox','bbox (x0, top, x1, bottom)'],['line','line'],['unit','unit']];
  function showProv(td){
    var p=document.getElementById('prov'), t=document.createElement('table');
    F.forEach(function(f){var v=td.dataset[f[0]]; if(v===undefined||v==='') return;
      var tr=t.insertRow(), a=tr.insertCell(), b=tr.insertCell(); a.innerHTML='<b></b>';
      a.firstChild.textContent=f[1]; b.textContent=v;});
    p.textContent=''; p.appendChild(t);
    if(!td.dataset.bbox){var n=document.createElement('div'); n.className='note';
      n.textContent='no box on a page image for this cell'; p.appendChild(n);}
  }
  function selectKey(k, scrollTable){
    var td=document.querySelector('td.cell'+sel(k)); if(!td) return false;
    clear(); td.classList.add('selected'); showProv(td);
    if(scrollTable) td.scrollIntoView({block:'center',inline:'nearest'});
    var boxes=q('.box'+sel(k));
    boxes.forEach(function(b){b.classList.add('selected');});
    if(boxes.length) boxes[0].scrollIntoView({block:'center',inline:'center'});
    return true;
  }
  window.reviewSelect=selectKey;
  document.addEventListener('click',function(ev){
    var t=ev.target;
    if(t.matches('td.cell')){selectKey(t.dataset.key,false); history.replaceState(null,'','#cell='+t.dataset.key); return;}
    if(t.matches('.box')){selectKey(t.dataset.key,true); history.replaceState(null,'','#cell='+t.dataset.key); return;}
    if(t.matches('a.keylink')){ev.preventDefault(); selectKey(t.dataset.target,true); return;}
    var li=t.closest&&t.closest('li.chk');
    if(li&&li.dataset.page){clear(); var s=document.querySelector('.sentbox[data-check="'+CSS.escape(li.dataset.check)+'"]');
      if(s){s.classList.add('selected'); s.scrollIntoView({block:'center'});}}
  });
  var rows=document.getElementById('showrows');
  if(rows) rows.addEventListener('change',function(){document.body.classList.toggle('norows',!rows.checked);});
  function initial(){
    var m=/#cell=(.+)$/.exec(location.hash), k=null; if(m){try{k=decodeURIComponent(m[1]);}catch(e){k=null;}}
    if(k&&selectKey(k,true)) return;
    var first=document.querySelector('td.cell.c-fail')||document.querySelector('td.cell.c-review');
    if(first) selectKey(first.dataset.key,true);
  }
  initial();
  window.addEventListener('load',initial);
})();
"""


def render_review_html(source: Path | bytes | None, report: Report, dpi: int = 100) -> str:
    """The review page for ``report`` (extracted from ``source``: a path or the document's bytes; None
    when the document is not available) as one self-contained HTML string."""
    failed = failed_identity_keys(report)
    pages_html, has_pages = _pages_html(source, report, dpi, failed)
    counts = {k: 0 for k in KINDS}
    for key, cell in report.all_cells.items():
        counts[cell_kind(key, cell, failed)] += 1
    legend = "".join(f'<span><i class="sw {k}"></i>{escape(text)} ({counts[k]})</span>'
                     for k, (_, _, text) in KINDS.items())
    legend += (f'<span><i class="sw" style="border:1px dotted {ROW_COLOR}"></i>matched row label '
               '<input type="checkbox" id="showrows" checked></span>') if has_pages else ""
    fails = [c for c in report.checks if c.kind == "identity" and c.status == "fail"]
    meta = (f"template {report.template or '—'} · year {report.year or '—'} · {escape(report.organ or '—')} · "
            f"format {escape(report.format)} · status {escape(report.status)} · {len(report.cells)} cells · "
            f"{len(fails)} failed identities · {sum(c.review for c in report.cells.values())} cells to review")
    notes = "".join(f'<p class="note">warning: {escape(w)}</p>' for w in report.warnings)
    title = report.title or report.source or "document"
    summary = json.dumps({"source": report.source, "sha256": report.sha256, "template": report.template,
                          "failed_identities": [c.id for c in fails]}, ensure_ascii=False).replace("<", "\\u003c")
    return (
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        f"<title>Review · {escape(title)}</title><style>{_css()}</style></head>"
        f"<body class=\"{'paged' if has_pages else 'textonly'}\">"
        f"<header><h1>{escape(title)}</h1><div class=\"meta\">{escape(report.source or '')} · {meta}</div>"
        f"<div class=\"legend\">{legend}</div></header>"
        f"<main><section id=\"pages\">{pages_html if has_pages else ''}</section>"
        f"<section id=\"side\"><div id=\"prov\"><span class=\"note\">Click a cell to see where it came from."
        f"</span></div><div id=\"sidescroll\">{'' if has_pages else pages_html}{notes}{_tables(report, failed)}"
        f"{_checks(report)}</div></section></main>"
        f"<script type=\"application/json\" id=\"report-summary\">{summary}</script>"
        f"<script>{_JS}</script></body></html>\n"
    )


def write_review_html(source: Path, report: Report, out: Path, dpi: int = 100) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_review_html(source, report, dpi), encoding="utf-8")
    return out


__all__ = ["KINDS", "cell_kind", "failed_identity_keys", "render_review_html", "write_review_html"]

"""The canonical tables of the review page, with the apply table's numbered sub-rows under their group
headings.

The grouping comes from the template data, not from labels written here: the row keys nest
(``result.withheld.state_secret`` lies under ``result.withheld``, under ``result``), and the template's
``groups`` list holds the printed headings of those nests, numbered as the national form numbers them
(``三、本年度办理结果`` is the third item of the table, ``（三）不予公开`` the third item under it). A heading
is matched to its nest by that number; a nest no heading names is headed by its key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from ..datamodel import Cell, Report
from ..errors import TemplateError
from ..templates import RowSpec, Template, load_template
from .kinds import bbox_text, cell_kind, fmt

REVIEW_GROUP_LABELS = {"review": "行政复议", "suit_direct": "行政诉讼·未经复议直接起诉",
                       "suit_after_review": "行政诉讼·复议后起诉"}
LINE_TEXT_MAX = 300  # characters of a source line carried into the page (a flattened HTML line can be long)

_DIGITS = {ch: i + 1 for i, ch in enumerate("一二三四五六七八九")}
# 三、 (an item of the table) | （三） (an item under one) | 3. (an item under that)
_ORDINAL = re.compile(r"^\s*(?:([一二三四五六七八九十]{1,3})\s*[、.．]|[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]"
                      r"|(\d{1,2})\s*[.．、](?!\d))")


def _cn_number(s: str) -> int:
    """一..九十九 as an int (十 = 10, 十二 = 12, 二十 = 20, 二十三 = 23)."""
    if "十" not in s:
        return _DIGITS.get(s, 0)
    tens, _, ones = s.partition("十")
    return (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)


def ordinal(label: str) -> tuple[int, int] | None:
    """(depth, number) of a printed item label: ``三、…`` is (1, 3), ``（三）…`` (2, 3), ``3.…`` (3, 3)."""
    m = _ORDINAL.match(label)
    if not m:
        return None
    if m.group(1):
        return 1, _cn_number(m.group(1))
    if m.group(2):
        return 2, _cn_number(m.group(2))
    return 3, int(m.group(3))


@dataclass
class Ctx:
    """What every table needs: the report, the cells of failed identities, the source lines of a text
    document (line number -> text), and the cell keys in the order the tables show them."""

    report: Report
    failed: set[str]
    lines: dict[int, str] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def row_label(self, key: str) -> tuple[int, str] | None:
        """(line, source text) of the label the cell's row was matched on, for text documents where a cell's
        own line may hold only its number: the label's lines, as many as its matched text spans."""
        row = key.rsplit(".", 1)[0]
        m = next((m for m in self.report.rows if m.key == row and m.prov.line is not None and m.prov.page is None),
                 None)
        if m is None or m.prov.line is None or m.prov.line not in self.lines:
            return None
        parts: list[str] = []
        n = m.prov.line
        while n in self.lines and len(parts) < 4 and sum(len(p) for p in parts) < len(m.label.replace(" ", "")):
            part = self.lines[n].strip()
            if part:
                parts.append(part)
            n += 1
        return m.prov.line, " ⏎ ".join(parts)


def _text_of(ctx: Ctx, line: int | None) -> str:
    text = "" if line is None else ctx.lines.get(line, "").strip()
    return text if len(text) <= LINE_TEXT_MAX else text[:LINE_TEXT_MAX] + "…"


def line_text(ctx: Ctx, cell: Cell) -> str:
    """The text of the cell's source line (text-like documents; "" for paged ones)."""
    return "" if cell.prov.page is not None else _text_of(ctx, cell.prov.line)


def _cell_attrs(ctx: Ctx, key: str, cell: Cell, kind: str, src_line: str) -> str:
    p = cell.prov
    row = ctx.row_label(key) if src_line else None
    row_line, row_text = (None, "") if row is None or row[0] == p.line else row
    data = {
        "key": key, "kind": kind, "value": fmt(cell.value), "raw": cell.raw or "", "source": cell.source,
        "confidence": f"{cell.confidence:.2f}", "reason": cell.reason or "", "review": "1" if cell.review else "0",
        "page": "" if p.page is None else str(p.page), "bbox": bbox_text(p.bbox),
        "line": "" if p.line is None else str(p.line), "linetext": src_line,
        "rowline": "" if row_line is None else str(row_line), "rowtext": row_text[:LINE_TEXT_MAX],
        "grid": "" if p.table is None else f"table {p.table}, row {p.row}, column {p.col}", "unit": cell.unit or "",
    }
    return " ".join(f'data-{k}="{escape(v, quote=True)}"' for k, v in data.items())


def cell_td(ctx: Ctx, key: str | None) -> str:
    cell = ctx.report.all_cells.get(key) if key else None
    if key is None:
        return '<td class="na"></td>'
    if cell is None:
        return f'<td class="absent" title="{escape(key, quote=True)}: not in the report"></td>'
    ctx.order.append(key)
    kind = cell_kind(key, cell, ctx.failed)
    text = fmt(cell.value) if cell.source != "missing" else "?"
    src = line_text(ctx, cell)
    title = key + (f"\nline {cell.prov.line}: {src}" if src else "")
    return (f'<td class="cell {kind}" tabindex="0" title="{escape(title, quote=True)}" '
            f"{_cell_attrs(ctx, key, cell, kind, src)}>{escape(text)}</td>")


# A table row: ("row", label, depth, [cell key or None per column]) or ("group", heading, depth, nest key).
Line = tuple[str, str, int, list[str | None] | str]


def table(ctx: Ctx, title: str, col_heads: list[str], rows: list[Line]) -> str:
    out = [f"<h3>{escape(title)}</h3>", '<table class="grid"><thead><tr><th></th>']
    out += [f"<th>{escape(h)}</th>" for h in col_heads]
    out.append("</tr></thead><tbody>")
    for what, label, depth, keys in rows:
        if what == "group":
            out.append(f'<tr class="grp d{depth}" data-group="{escape(str(keys), quote=True)}" data-depth="{depth}">'
                       f'<th class="gh" colspan="{len(col_heads) + 1}">{escape(label)}</th></tr>')
            continue
        assert isinstance(keys, list)
        cls = f' class="sub d{depth}" data-depth="{depth}"' if depth else ""
        out.append(f'<tr{cls}><th class="rl" title="{escape(label, quote=True)}">{escape(label)}</th>')
        out += [cell_td(ctx, k) for k in keys]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def nests(rows: list[RowSpec], headings: list[tuple[str, ...]]) -> dict[str, str]:
    """Nest key (``result.withheld``) -> its heading, for every nest of ``rows`` (a key prefix that other
    rows lie under). A heading numbered (d, n) names the n-th item at depth d: for d = 1 an item of the
    table, deeper ones an item of the nest the last heading above named (the only nest there, else)."""
    children: dict[str, list[str]] = {}  # nest ("" = the table) -> its items in printed order
    for r in rows:
        parts = r.key.split(".")
        for i in range(len(parts)):
            parent, item = ".".join(parts[:i]), ".".join(parts[: i + 1])
            if item not in children.setdefault(parent, []):
                children[parent].append(item)
    is_nest = {k for k in children if k}
    out = {k: k for k in is_nest}
    open_at: dict[int, str] = {0: ""}
    for heading in headings:
        o = ordinal(heading[0])
        if o is None:
            continue  # a column heading (申请人情况): no row nest
        depth, n = o
        under: str | None = open_at.get(depth - 1)
        if under is None:
            above = sorted(k for k in is_nest if k.count(".") == depth - 2)
            under = above[0] if len(above) == 1 else None
        items = children.get(under, []) if under is not None else []
        if 1 <= n <= len(items) and items[n - 1] in is_nest:
            out[items[n - 1]] = heading[0]
            open_at = {d: k for d, k in open_at.items() if d < depth} | {depth: items[n - 1]}
    return out


def section_lines(t: Template, section: str, report: Report) -> list[Line]:
    cols = list(t.column_labels[section])
    rows = [r for r in t.rows_of(section) if not (r.extra and not any(k in report.all_cells for k in r.cell_keys()))]
    heads = nests(t.rows_of(section), t.groups if section == "apply" else [])
    shown: set[str] = set()
    out: list[Line] = []
    for r in rows:
        parts = r.key.split(".")
        depth = 0
        for i in range(1, len(parts) + 1):
            nest = ".".join(parts[:i])
            if nest not in heads:
                continue
            if nest not in shown:
                shown.add(nest)
                out.append(("group", heads[nest], depth, nest))
            depth += 1
        label = r.labels[0] + ("（合并行）" if r.extra else "")
        out.append(("row", label, depth, [f"{r.full_key}.{c}" if c in r.columns else None for c in cols]))
    return out


def _template_tables(ctx: Ctx, t: Template) -> list[str]:
    out = []
    for section in ("active", "apply"):
        heads = [t.column_labels[section][c][0] for c in t.column_labels[section]]
        title = (t.section_titles.get(section) or (section,))[0]
        out.append(table(ctx, title, heads, section_lines(t, section, ctx.report)))
    rcols = list(t.review_columns)
    rheads = [t.column_labels["review"][c][0] for c in rcols]
    rrows: list[Line] = [("row", REVIEW_GROUP_LABELS.get(g, g), 0, [f"review.{g}.{c}" for c in rcols])
                         for g in t.review_groups]
    out.append(table(ctx, (t.section_titles.get("review") or ("review",))[0], rheads, rrows))
    return out


def tables_html(ctx: Ctx) -> str:
    report = ctx.report
    parts: list[str] = []
    if report.template:
        try:
            parts = _template_tables(ctx, load_template(report.template))
        except TemplateError as e:
            parts = [f'<p class="note">template {escape(report.template)} unavailable: {escape(e.message)}</p>']
    else:
        parts.append('<p class="note">No standard statistics table was recognised in this document.</p>')
    shown = set(ctx.order)
    rest = [k for k in report.all_cells if k not in shown]
    if rest:
        parts.append(table(ctx, "Other cells", ["value"], [("row", k, 0, [k]) for k in rest]))
    return "".join(parts)

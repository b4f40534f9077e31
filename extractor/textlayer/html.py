"""HTML (lxml.html): the report's ``<table>``s on their grid, the rest of the page as text lines.

* Bytes are decoded as UTF-8 when they are valid UTF-8, else with the page's declared charset
  (``<meta charset>``, ``http-equiv`` Content-Type, ``<?xml encoding?>``; GB2312/GBK read as GB18030),
  else with ingest's detection (``raw.text``).
* Page chrome (scripts, styles, nav, aside, forms, and header/footer outside the article) is dropped.
* A table holding another table is layout: its own text goes to the lines and only the innermost tables are
  read, so nested layout tables never duplicate rows. A table is kept as a table when it has at least two
  cells in some row and its text mentions a template label; the others are read as text.
* rowspan/colspan are expanded: the text sits in the first position, the spanned positions get "".
  Inside a cell, whitespace that only formats the source (runs holding a line break) is dropped, so
  ``<span>6</span>\\n<span>4</span>`` reads "64"; ``&nbsp;``-only cells are "".
* Where the visible page has no such table, HTML held in JavaScript string literals is unescaped and read.

``doc.lines`` hold the page's text in reading order (table rows as tab-joined cells), as for DOCX.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Any

from ..datamodel import Document, Provenance, SourceCell, SourceRow, SourceTable, TextLine
from ..errors import CorruptDocumentError, ExtractorError, LimitExceededError
from ..ingest import RawInput, check_lines
from ..options import Limits, Options

# How far into the bytes a charset declaration is looked for (the HTML standard's prescan uses 1024;
# scraped pages often carry long comments or scripts before <meta>).
CHARSET_SCAN_BYTES = 4096
# rowspan/colspan beyond this are typos or hostile ("rowspan=10000"); browsers clamp colspan to 1000.
MAX_SPAN = 1000

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# C0 controls other than tab and line breaks: no page shows them, and lxml refuses them in a text node
# (ValueError when a dropped element's tail is joined to its neighbour's).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# GB2312 and GBK pages routinely use characters outside their nominal set; GB18030 is a superset of both.
_CODEC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                  "big5": "big5hkscs"}

_DROP_ALWAYS = ("script", "style", "noscript", "template", "nav", "aside", "form", "select", "button",
                "iframe", "object", "svg")
_CHROME = ("header", "footer")
# class / id values of site chrome on government CMS pages (TRS, 政府网站集约化平台 templates): menus,
# breadcrumbs ("当前位置"), search boxes, share bars, related links ("上一篇" may name last year's report).
_CHROME_NAMES = frozenset({"header", "footer", "nav", "navbar", "menu", "topbar", "breadcrumb", "crumb",
                           "position", "location", "search", "share", "sidebar", "related", "copyright",
                           "friendlink", "links", "pagenav"})
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "tr",
          "table", "section", "article", "main", "blockquote", "pre", "hr", "title", "center", "caption"}
_FORMAT_WS = re.compile(r"[ \t\r\f\v]*\n\s*")
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\n|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": "", "\n": ""}
_JS_STRING = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`""", re.S)


# ---------------------------------------------------------------- decoding


def declared_charset(data: bytes) -> str | None:
    head = data[:CHARSET_SCAN_BYTES]
    m = _XML_DECL.search(head) or _CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    name = _CODEC_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(raw: RawInput) -> str:
    """Valid UTF-8 wins (pages often declare GBK and are UTF-8); else the declared charset; else
    ingest's detection."""
    data = raw.data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    charset = declared_charset(data)
    if charset is not None and charset not in ("utf-8", "utf-16"):
        return data.decode(charset, errors="replace")
    return raw.text or data.decode("gb18030", errors="replace")


# ---------------------------------------------------------------- text of elements


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def cell_text(el: Any) -> str:
    """Text of one cell, lines joined with nothing, source-formatting whitespace dropped."""
    parts = [_FORMAT_WS.sub("", t) for t in el.itertext()]
    return "".join(parts).replace("\xa0", " ").strip()


def _chrome_named(el: Any) -> bool:
    """A block whose class or id names site chrome (class="nav", id="footer"; not "article-header")."""
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower().split()
    return any(n in _CHROME_NAMES for n in names)


def _drop(el: Any) -> None:
    if el.getparent() is not None:
        el.drop_tree()


def _drop_chrome(root: Any) -> None:
    """Scripts, styles, menus and page header/footer; never a block that holds a table or the <h1>."""
    for el in list(root.iter(*_DROP_ALWAYS)):
        _drop(el)
    for el in list(root.iter(*_CHROME)):
        if not any(_tag(a) in ("article", "main") for a in el.iterancestors()) and not el.xpath(".//table"):
            _drop(el)
    for el in list(root.xpath("//*[@role='navigation'] | //*[@class or @id]")):
        if (el.get("role") == "navigation" or _chrome_named(el)) and not el.xpath(".//table | .//h1"):
            _drop(el)


# ---------------------------------------------------------------- tables


def _span(el: Any, attr: str) -> int:
    try:
        return min(MAX_SPAN, max(1, int(str(el.get(attr, "1")).strip() or 1)))
    except ValueError:
        return 1


def _table_rows(table: Any) -> list[Any]:
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def grid_cells(table: Any) -> int:
    """Positions the table's grid will have once its spans are expanded (a row span stops at the last row),
    counted from the attributes alone: the budget is checked before the grid is built."""
    rows = _table_rows(table)
    total = 0
    for r, tr in enumerate(rows):
        for td in tr.xpath("./td | ./th"):
            total += min(_span(td, "rowspan"), len(rows) - r) * _span(td, "colspan")
    return total


def expand_grid(table: Any, max_cells: int | None = None) -> tuple[list[list[str]], set[tuple[int, int]]]:
    """Cell texts on the table's grid; positions covered by a row/col span are "", and those covered by a
    column span (the cell to their left) are listed. ``limit`` when the grid would have more than
    ``max_cells`` positions (checked before it is built)."""
    rows = _table_rows(table)
    if max_cells is not None and (n := grid_cells(table)) > max_cells:
        raise LimitExceededError(f"an HTML table expands to {n} grid cells; limit max_table_cells={max_cells}")
    grid: list[list[str]] = []
    spanned: set[tuple[int, int]] = set()
    taken: dict[tuple[int, int], bool] = {}
    for r, tr in enumerate(rows):
        row: list[str] = []
        c = 0
        for td in tr.xpath("./td | ./th"):
            while taken.get((r, c)):
                row.append("")
                c += 1
            rs, cs = min(_span(td, "rowspan"), len(rows) - r), _span(td, "colspan")
            row.append(cell_text(td))
            spanned.update((r, c + dc) for dc in range(1, cs))
            row.extend([""] * (cs - 1))
            for dr in range(1, rs):
                for dc in range(cs):
                    taken[(r + dr, c + dc)] = True
            c += cs
        while taken.get((r, c)):
            row.append("")
            c += 1
        grid.append(row)
    return grid, spanned


def _source_table(grid: list[list[str]], spanned: set[tuple[int, int]], index: int) -> SourceTable:
    rows = [
        SourceRow(cells=[SourceCell(text=t, prov=Provenance(table=index, row=r, col=c), spanned=(r, c) in spanned)
                         for c, t in enumerate(row)],
                  prov=Provenance(table=index, row=r))
        for r, row in enumerate(grid)
    ]
    return SourceTable(rows=rows, kind="grid", prov=Provenance(table=index))


# ---------------------------------------------------------------- reading order


@dataclass
class _Reader:
    max_cells: int | None = None  # grid cells of all the document's tables (Limits.max_table_cells)
    cells: int = 0
    lines: list[str] = field(default_factory=list)
    tables: list[SourceTable] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)

    def flush(self) -> None:
        text = "".join(self.buf)
        self.lines.extend(t.strip() for t in text.split("\n") if t.strip())
        self.buf = []

    def text(self, s: str | None) -> None:
        if s:
            self.buf.append(_FORMAT_WS.sub(" ", s).replace("\xa0", " "))

    def walk(self, el: Any) -> None:
        tag = _tag(el)
        if tag == "table" and not el.xpath(".//table"):
            self.table(el)
        else:
            block = tag in _BLOCK or tag in ("td", "th")
            if block:
                self.buf.append("\n")
            self.text(el.text)
            for ch in el:
                if isinstance(ch.tag, str):  # comments and processing instructions hold no page text
                    self.walk(ch)
                self.text(ch.tail)
            if block:
                self.buf.append("\n")

    def table(self, el: Any) -> None:
        self.flush()
        if self.max_cells is not None:
            self.cells += grid_cells(el)
            if self.cells > self.max_cells:
                raise LimitExceededError(f"the HTML tables expand to at least {self.cells} grid cells; limit "
                                         f"max_table_cells={self.max_cells}")
        grid, spanned = expand_grid(el)
        self.lines.extend("\t".join(row) for row in grid if any(row))
        if any(any(row) for row in grid):  # which grids are statistics tables is for tables/select.py
            self.tables.append(_source_table(grid, spanned, len(self.tables)))


def _js_unescape(lit: str) -> str:
    return _JS_ESCAPE.sub(lambda m: _js_char(m.group(1)), lit)


def _js_char(esc: str) -> str:
    if esc[0] in "ux" and len(esc) > 1:
        return chr(int(esc[1:].strip("{}"), 16))
    return _JS_SIMPLE.get(esc, esc)


def _js_html(root: Any) -> str:
    """HTML held in JavaScript string literals of the page's scripts, unescaped and concatenated."""
    out: list[str] = []
    for script in root.iter("script"):
        code = script.text or ""
        if "<table" not in code.lower() and "\\u003ctable" not in code.lower():
            continue
        out.extend(_js_unescape(next(g for g in m.groups() if g is not None)) for m in _JS_STRING.finditer(code))
    return "".join(out)


def _parse(text: str) -> Any:
    import lxml.html
    from lxml import etree

    text = _CONTROL.sub("", _XML_DECL_TEXT.sub("", text))
    if not text.strip():
        raise CorruptDocumentError("the HTML page is empty")
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise CorruptDocumentError(f"unreadable HTML: {e!r}") from e


def _read(root: Any, cells: int | None = None) -> _Reader:
    body = root.find("body")
    reader = _Reader(max_cells=cells)
    reader.walk(body if body is not None else root)
    reader.flush()
    return reader


def load(raw: RawInput, options: Options) -> Document:
    try:
        return _load(raw, options)
    except (ExtractorError, MemoryError, ImportError):  # ImportError: an extra is missing (say so, see __init__)
        raise
    except Exception as e:  # lxml on a malformed tree, deep nesting (RecursionError): typed, not a crash
        raise CorruptDocumentError(f"unreadable HTML: {e!r}") from e


def _load(raw: RawInput, options: Options) -> Document:
    root = _parse(decode_html(raw))
    scripts_html = _js_html(root)
    title = root.findtext(".//title") or ""
    _drop_chrome(root)
    limits = options.limits
    reader = _read(root, limits.max_table_cells)
    doc = _document(raw, reader.lines, reader.tables, title, limits)
    if scripts_html.strip():  # the page's HTML kept in script strings: the page text, then the scripts'
        inner = _read(_parse(scripts_html), limits.max_table_cells)
        doc.embedded = _document(raw, reader.lines + inner.lines, inner.tables, title, limits)
    return doc


def _document(raw: RawInput, text_lines: list[str], tables: list[SourceTable], title: str, limits: Limits) -> Document:
    text_lines = list(text_lines)
    if title.strip() and not any("报告" in ln for ln in text_lines[:12]):
        text_lines.insert(0, title.strip())
    check_lines(text_lines, limits)
    lines = [TextLine(text=t, prov=Provenance(line=i + 1)) for i, t in enumerate(text_lines)]
    return Document(name=raw.name, format="html", lines=lines, tables=tables, warnings=list(raw.warnings))


__all__ = ["cell_text", "declared_charset", "decode_html", "expand_grid", "grid_cells", "load"]

"""Plain text (what a scraper already pulled out of a report): lines with their numbers.

Text is sniffed by content, not by the file's extension: HTML tables inside a text file are read as
tables — a report's HTML kept as a JavaScript/JSON string literal (quotes escaped ``\\"``), or markdown
with ``<table>`` blocks as converters and LLM-OCR tools write them.
"""

from __future__ import annotations

import re

from ..datamodel import Document, Provenance, TextLine, warning
from ..ingest import RawInput
from ..options import Options

# A line break inside a markdown table cell (converters write ``2.其他法律行政法规禁<br>止公开``): white space.
_BR = re.compile(r"<br\s*/?>", re.I)
_TABLE_BLOCK = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
# markup inside a string literal: an attribute quote escaped (<td style=\"…\">) or a \u003c for "<"
_ESCAPED_MARKUP = re.compile(r"""<t[dhr]\b[^>]{0,200}?\\["']|\\u003ct[dhr]\b""", re.I)


def text_to_lines(text: str) -> list[TextLine]:
    return [TextLine(text=t, prov=Provenance(line=i + 1)) for i, t in enumerate(text.split("\n"))]


def _has_table_markup(text: str) -> bool:
    low = text.lower()
    return ("<table" in low or "\\u003ctable" in low) and ("<td" in low or "\\u003ctd" in low)


def _script_html(text: str) -> str | None:
    """The HTML held in the string literals of a script or JSON file (unescaped, concatenated), when its
    tables are in string literals."""
    if not _ESCAPED_MARKUP.search(text):
        return None
    from .html import _JS_STRING, _js_unescape

    parts = []
    for m in _JS_STRING.finditer(text):
        lit = next(g for g in m.groups() if g is not None)
        if "<" in lit or "\\u003c" in lit.lower():
            parts.append(_js_unescape(lit))
    html = "".join(parts)
    return html if "<table" in html.lower() else None


def _tables_as_tab_rows(text: str, options: Options) -> str:
    """Markdown (or text) with HTML ``<table>`` blocks: each block becomes its rows, cells split by tabs
    (the HTML reader's grid, spans expanded); the lines around it stay as written."""
    from .html import _parse, _read

    def rows(m: re.Match[str]) -> str:
        reader = _read(_parse(m.group(0)), options.limits.max_table_cells)
        return "\n" + "\n".join(reader.lines) + "\n"

    return _TABLE_BLOCK.sub(rows, text)


def load(raw: RawInput, options: Options) -> Document:
    text = (raw.text or "").replace("\r\n", "\n").replace("\r", "\n")
    warnings = list(raw.warnings)
    if _has_table_markup(text):
        html = _script_html(text)
        if html is not None:
            from .html import load as load_html

            inner = RawInput(name=raw.name, data=html.encode("utf-8"), format="html", sha256=raw.sha256, text=html)
            doc = load_html(inner, options)
            doc.warnings.insert(0, warning("html_in_script", "HTML found inside string literals of a text file (a script "
                                                              "or JSON): read as HTML"))
            return doc
        text = _tables_as_tab_rows(text, options)
        warnings.append(warning("html_in_text", "HTML tables inside a text file: read as tables"))
    text = _BR.sub(" ", text)
    return Document(name=raw.name, format="text", lines=text_to_lines(text), warnings=warnings)

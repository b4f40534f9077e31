"""HTML pages as government sites publish them: a Word- or TRS-editor table (rowspan/colspan, a
number's digits split over ``<span>``s, ``&nbsp;`` in blank cells) inside the site's navigation,
header and footer. Half the pages are GBK-encoded, half UTF-8."""

from __future__ import annotations

import html
import random

from .document import Report
from .site import Chrome, make_chrome
from .tables import Cell, Table

E = html.escape


def _split_digits(rng: random.Random, text: str) -> str:
    """Word splits a number over runs: ``<span>6</span><span>4</span>``."""
    if len(text) < 2 or rng.random() < 0.5:
        return f'<span lang="EN-US">{E(text)}</span>'
    cuts = sorted(rng.sample(range(1, len(text)), rng.randint(1, min(2, len(text) - 1))))
    pieces = [text[i:j] for i, j in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return "".join(f'<span lang="EN-US" style="font-size:10.5pt">{E(p)}</span>' for p in pieces)


class CellWriter:
    def __init__(self, rng: random.Random, word: bool) -> None:
        self.rng = rng
        self.word = word  # Word "Save as HTML" markup (MsoNormal, o:p) vs a plain TRS editor

    def inner(self, cell: Cell) -> str:
        if not cell.text:
            blank = "&nbsp;" if self.rng.random() < 0.85 else ""
            return f'<p class="MsoNormal" align="center"><span lang="EN-US">{blank}<o:p></o:p></span></p>' if self.word else blank
        if cell.role == "num":
            body = _split_digits(self.rng, cell.text)
        else:
            lines = cell.text.split("\n")
            body = "<br />".join(f'<span style="font-family:宋体">{E(x)}</span>' for x in lines)
        if self.word:
            return f'<p class="MsoNormal" align="center" style="text-align:center">{body}<span lang="EN-US"><o:p></o:p></span></p>'
        return body if self.rng.random() < 0.6 else f"<p>{body}</p>"

    def td(self, cell: Cell, width_px: int) -> str:
        attrs = [f'width="{width_px}"']
        if cell.rs > 1:
            attrs.append(f'rowspan="{cell.rs}"')
        if cell.cs > 1:
            attrs.append(f'colspan="{cell.cs}"')
        style = "border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt" if self.word else "border:1px solid #000"
        return f'<td {" ".join(attrs)} valign="center" style="{style}">{self.inner(cell)}</td>'


def table_html(t: Table, w: CellWriter) -> str:
    px = [round(x * 37.8) for x in t.widths_cm]
    cls = ' class="MsoNormalTable"' if w.word else ""
    out = [f'<table{cls} border="1" cellspacing="0" cellpadding="0" width="{sum(px)}" style="border-collapse:collapse">', "<tbody>"]
    grid = t.grid()
    for r, row in enumerate(t.rows):
        out.append('<tr style="height:19.85pt">')
        cols = [c for c, s in enumerate(grid[r]) if s.kind == "origin"]
        for c, cell in zip(cols, row, strict=True):
            out.append(w.td(cell, sum(px[c : c + cell.cs])))
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _head(title: str, charset: str, rng: random.Random) -> str:
    meta = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />' if rng.random() < 0.5
            else f'<meta charset="{charset}">')
    return "\n".join([
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" "
        "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">",
        '<html xmlns="http://www.w3.org/1999/xhtml">', "<head>", meta,
        f"<title>{E(title)}</title>",
        '<meta name="SiteName" content="政府门户网站" />',
        '<link rel="stylesheet" type="text/css" href="/images/2019/css/common.css" />',
        '<script type="text/javascript" src="/js/jquery-1.11.3.min.js"></script>',
        "</head>",
    ])


def _chrome_top(ch: Chrome) -> str:
    nav = "".join(f'<li><a href="/col/col{1000 + i}/index.html">{E(x)}</a></li>' for i, x in enumerate(ch.nav))
    crumbs = " &gt; ".join(f'<a href="#">{E(x)}</a>' for x in ch.crumbs)
    return (f'<div class="header"><div class="logo"><img src="/images/logo.png" alt="{E(ch.site)}" /></div>'
            f'<div class="search"><input type="text" value="请输入关键字" /><button>搜索</button></div></div>\n'
            f'<div class="nav"><ul>{nav}</ul></div>\n<div class="position">当前位置：{crumbs}</div>')


def _chrome_bottom(ch: Chrome) -> str:
    foot = "".join(f"<p>{E(x)}</p>" for x in ch.footer)
    return (f'<div class="footer">{foot}</div>\n<script type="text/javascript">var _hmt = _hmt || [];'
            f'(function(){{var hm=document.createElement("script");hm.src="//hm.baidu.com/hm.js?{ch.sid}";}})();</script>')


def render_html(rep: Report, rng: random.Random, encoding: str) -> tuple[bytes, list[str]]:
    ch = make_chrome(rng, rep)
    word = rng.random() < 0.6
    w = CellWriter(rng, word)
    title = rep.title.replace("\n", "")
    charset = "gbk" if encoding == "gbk" else "utf-8"
    body: list[str] = []
    for b in rep.blocks:
        if b.kind == "title":
            body.append(f'<h1 class="title">{"<br />".join(E(x) for x in b.text.split(chr(10)))}</h1>')
            body.append(f'<div class="info"><span>发布时间：{ch.published}</span><span>来源：{E(ch.source)}</span>'
                        f'<span>浏览次数：<em id="hits">{ch.hits}</em></span><span>【字体：<a>大</a> <a>中</a> <a>小</a>】</span></div>')
            body.append('<div class="content" id="zoom"><div class="TRS_Editor">')
        elif b.table is not None:
            body.append(table_html(b.table, w))
        elif b.kind in ("heading", "subheading"):
            tag = '<p class="MsoNormal" style="text-indent:32.0pt"><b><span style="font-family:黑体">{}</span></b></p>' if word else "<p><strong>{}</strong></p>"
            body.append(tag.format(E(b.text)))
        elif b.kind == "sign":
            body += [f'<p style="text-align:right">{E(x)}</p>' for x in b.text.split("\n")]
        else:
            body.append(f'<p class="MsoNormal" style="text-indent:32.0pt"><span style="font-family:仿宋_GB2312">{E(b.text)}</span></p>'
                        if word else f'<p style="text-indent:2em">{E(b.text)}</p>')
    body.append("</div></div>")
    page = "\n".join([_head(title, charset, rng), "<body>", _chrome_top(ch), '<div class="main">', *body,
                      '<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>',
                      "</div>", _chrome_bottom(ch), "</body>", "</html>", ""])
    damage = [f"encoding {charset}", "word markup" if word else "TRS editor markup", "digits split over spans"]
    return page.encode("gbk" if encoding == "gbk" else "utf-8", errors="xmlcharrefreplace"), damage

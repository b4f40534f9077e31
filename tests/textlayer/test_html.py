"""HTML reader: rowspan/colspan grids, split numbers, &nbsp; blanks, charsets, chrome, nested and JS tables."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from extractor import extract, ingest
from extractor.matching.detect import select_statistics_tables
from extractor.options import Limits, Options
from extractor.textlayer import html as html_reader
from tests.conftest import load_gold
from tests.textlayer.layout import to_html

GOLD = load_gold("szfgs2024")


def _wrong(gold: dict, rep) -> list[str]:
    return [k for k, v in gold["cells"].items() if k not in rep.cells or rep.cells[k].value != v]


def _doc(source: str | bytes):
    return html_reader.load(ingest.load(source, Limits()), Options())


def test_spanned_tables_read_every_cell(tmp_path: Path) -> None:
    p = tmp_path / "r.html"
    p.write_text(to_html(GOLD), encoding="utf-8")
    rep = extract(p)
    assert rep.format == "html" and rep.template == "2021" and rep.status == "ok"
    assert _wrong(GOLD, rep) == []
    assert (rep.year, rep.organ) == (GOLD["year"], GOLD["organ"])
    assert rep.units == {"active.fees.amount": "万元"}


def test_rowspan_colspan_expand_to_grid() -> None:
    doc = _doc(to_html(GOLD))
    apply = doc.tables[1]
    assert all(len(r.cells) == 10 for r in apply.rows)
    assert [c.text for c in apply.rows[3].cells][:3] == ["一、本年新收政府信息公开申请数量", "", ""]
    assert [c.text for c in apply.rows[8].cells][:3] == ["", "", "2.其他法律行政法规禁止公开"]
    review = doc.tables[2]
    assert [len(r.cells) for r in review.rows] == [15, 15, 15, 15]


def test_a_label_spanning_columns_is_no_blank_cell() -> None:
    """A row label spanning two columns beside a group cell spanning rows (Shanghai pages: the 三、 cell
    rowspan=20, （一）予以公开 colspan=2), with the row's own total left blank: the span's second position is
    part of the label, so the values stay in their columns (it read as a blank natural_person before, every
    value one column right). The spanned position is marked in the grid; a value's colspan is not dropped."""
    head = ("<tr><td colspan='3'>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td>"
            "<td>法律服务机构</td><td>其他</td><td>总计</td></tr>")
    row1 = "<tr><td colspan='3'>一、本年新收政府信息公开申请数量</td>" + "".join(f"<td>{v}</td>" for v in
                                                                      (821, 35, "&nbsp;", "&nbsp;", 2, 1, 859)) + "</tr>"
    row2 = "<tr><td rowspan='3'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td>" + "".join(
        f"<td>{v}</td>" for v in (258, 12, "&nbsp;", "&nbsp;", 1, 1, "&nbsp;")) + "</tr>"
    page = f"<html><body><p>2019年政府信息公开工作年度报告</p><table>{head}{row1}{row2}</table></body></html>"
    doc = _doc(page)
    cells = doc.tables[0].rows[2].cells
    assert [c.spanned for c in cells][:4] == [False, False, True, False]
    rep = extract(page.encode("utf-8"), {"template": "2019"})
    got = [rep.cells[f"apply.result.disclosed.{c}"].value for c in
           ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")]
    assert got == [258, 12, None, None, 1, 1, None]
    assert rep.cells["apply.new_received.natural_person"].value == 821


def test_numbers_split_over_inline_tags_and_nbsp_blanks(tmp_path: Path) -> None:
    gold = copy.deepcopy(GOLD)
    for k in [k for k in gold["cells"] if k.startswith("review.review.")]:
        gold["cells"][k] = None

    def cell(text: str) -> str:
        if text == "":
            return "&nbsp;"
        if text.isdigit() and len(text) > 1:  # <span>6</span>\n<span>4</span>
            return "\n".join(f"<span style='x'>{ch}</span>" for ch in text)
        return f"<p><font>{text}</font></p>"

    rep = extract(to_html(gold, cell=cell))
    assert _wrong(gold, rep) == []
    assert rep.cells["review.review.total"].source == "blank"
    assert rep.cells["apply.new_received.total"].value == 3119


@pytest.mark.parametrize("encoding", ["gbk", "gb2312", "gb18030"])
def test_gbk_bytes_with_meta_charset(encoding: str) -> None:
    page = to_html(GOLD, encoding=encoding)
    rep = extract(page.encode(encoding))
    assert _wrong(GOLD, rep) == [] and rep.organ == GOLD["organ"]


def test_declared_charset_is_used_when_bytes_are_not_utf8() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=GB2312"></head>' \
           "<body><p>洪泽区2023年政府信息公开工作年度报告</p></body></html>"
    raw = ingest.load(page.encode("gbk"), Limits())
    assert html_reader.declared_charset(raw.data) == "gb18030"
    assert "洪泽区2023年" in html_reader.decode_html(raw)


def test_utf8_page_mislabelled_gbk_reads_as_utf8() -> None:
    page = to_html(GOLD, encoding="gbk")  # says gbk, is UTF-8
    rep = extract(page.encode("utf-8"))
    assert _wrong(GOLD, rep) == []


def test_chrome_is_ignored() -> None:
    doc = _doc(to_html(GOLD))
    texts = [ln.text for ln in doc.lines]
    assert not any("首页" in t or "版权所有" in t for t in texts)
    assert len(doc.tables) == 3


def test_nested_layout_tables_do_not_duplicate_rows() -> None:
    page = to_html(GOLD)
    body = page[page.index("<body>") + 6:page.index("</body>")]
    nested = f"<html><body><table><tr><td>menu</td><td><table><tr><td>{body}</td></tr></table></td></tr></table></body></html>"
    doc = _doc(nested)
    assert len(doc.tables) == 3
    rep = extract(nested)
    assert _wrong(GOLD, rep) == [] and rep.organ == GOLD["organ"]
    assert sum(r.key == "apply.new_received" for r in rep.rows) == 1


def test_tables_without_template_labels_are_text() -> None:
    page = "<html><body><table><tr><td>访问量</td><td>123</td><td>456</td></tr></table>" \
           "<table><tr><td>规章</td><td>1</td><td>2</td><td>3</td></tr></table></body></html>"
    doc = _doc(page)
    assert len(doc.tables) == 2  # the reader reads every grid; which are statistics tables is decided later
    chosen = select_statistics_tables(doc)
    assert len(chosen.tables) == 1 and chosen.tables[0].rows[0].cells[0].text == "规章"
    assert "访问量\t123\t456" in [ln.text for ln in chosen.lines]


def test_a_page_showing_its_tables_is_not_read_twice_from_its_scripts() -> None:
    page = to_html(GOLD)
    tables = "".join(re.findall(r"<table.*?</table>", page, re.S))
    html = page.replace("</body>", f"<script>var content = {json.dumps(tables)};</script></body>")
    doc = _doc(html)
    assert doc.embedded is not None  # read, and left aside: the page itself shows the tables
    chosen = select_statistics_tables(doc)
    assert chosen.embedded is None and len(chosen.tables) == 3
    assert len(chosen.lines) < len(doc.embedded.lines)
    rep = extract(html)
    assert _wrong(GOLD, rep) == [] and sum(r.key == "apply.new_received" for r in rep.rows) == 1


def test_tables_inside_javascript_strings() -> None:
    page = to_html(GOLD)
    tables = "".join(re.findall(r"<table.*?</table>", page, re.S))
    js = json.dumps(tables, ensure_ascii=True).replace("/", "\\/")  # "\u884c\u653f ... <\/td>"
    html = (f"<html><head><title>{GOLD['organ']}{GOLD['year']}年政府信息公开工作年度报告</title></head>"
            f"<body><div id='c'></div><script>var content = {js};\n"
            "document.getElementById('c').innerHTML = content;</script></body></html>")
    rep = extract(html)
    assert _wrong(GOLD, rep) == [] and rep.organ == GOLD["organ"]


def test_cell_text_joins_lines_and_drops_nbsp() -> None:
    import lxml.html

    td = lxml.html.fragment_fromstring("<td>（二）部分公开（区分处理的，只计这一情<br>\n  形，不计其他情形）</td>")
    assert html_reader.cell_text(td) == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert html_reader.cell_text(lxml.html.fragment_fromstring("<td>&nbsp;\u3000</td>")) == ""


def test_gbk_bytes_without_any_declaration() -> None:
    page = to_html(GOLD).replace('<meta charset="utf-8">', "")
    rep = extract(page.encode("gbk"))
    assert _wrong(GOLD, rep) == [] and rep.organ == GOLD["organ"]

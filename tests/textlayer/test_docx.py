"""DOCX reader: tables read on their XML grid (gridSpan / vMerge), paragraphs as lines."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from extractor import extract, ingest
from extractor.errors import CorruptDocumentError
from extractor.options import Limits, Options
from extractor.pipeline import build_report
from extractor.textlayer import docx as docx_reader
from tests.conftest import load_gold
from tests.textlayer.layout import to_docx

GOLD = load_gold("szfgs2024")  # 2021 template with the three （六）其他处理 rows


def _wrong(gold: dict, rep) -> list[str]:
    return [k for k, v in gold["cells"].items() if k not in rep.cells or rep.cells[k].value != v]


def test_merged_cells_docx_reads_every_cell(tmp_path: Path) -> None:
    rep = extract(to_docx(GOLD, tmp_path / "r.docx"))
    assert rep.format == "docx" and rep.template == "2021" and rep.status == "ok"
    assert _wrong(GOLD, rep) == []
    assert (rep.year, rep.organ) == (GOLD["year"], GOLD["organ"])
    assert rep.units == {"active.fees.amount": "万元"}


@pytest.mark.parametrize("mode", ["empty", "repeat"])
def test_vertical_merge_continuations_either_way(tmp_path: Path, mode: str) -> None:
    raw = ingest.load(to_docx(GOLD, tmp_path / "r.docx"), Limits())
    doc = docx_reader.load(raw, Options(), vmerge=mode)  # type: ignore[arg-type]
    assert _wrong(GOLD, build_report(doc)) == []


def test_grid_positions_of_merged_cells(tmp_path: Path) -> None:
    doc = docx_reader.load(ingest.load(to_docx(GOLD, tmp_path / "r.docx"), Limits()), Options())
    apply = doc.tables[1]
    assert all(len(r.cells) == 10 for r in apply.rows)  # every row on the 10-column grid
    new = [c.text for c in apply.rows[3].cells]
    assert new[:3] == ["一、本年新收政府信息公开申请数量", "", ""]  # gridSpan 3: text once, then ""
    secret = [c.text for c in apply.rows[7].cells]
    assert secret[:3] == ["", "（三）不予公开", "1.属于国家秘密"]  # vMerge continuation of 三、 is ""
    law = [c.text for c in apply.rows[8].cells]
    assert law[:3] == ["", "", "2.其他法律行政法规禁止公开"]
    assert apply.rows[8].cells[2].prov.model_dump(exclude_none=True) == {"table": 1, "row": 8, "col": 2}


def test_blank_cells_are_null(tmp_path: Path) -> None:
    gold = copy.deepcopy(GOLD)
    for k in [k for k in gold["cells"] if k.startswith("review.review.")]:
        gold["cells"][k] = None
    gold["cells"]["active.rules.repealed"] = None
    rep = extract(to_docx(gold, tmp_path / "b.docx"))
    assert _wrong(gold, rep) == []
    assert rep.cells["review.review.total"].source == "blank"


def test_unmerged_layout_reads_too(tmp_path: Path) -> None:
    """The same tables with the spans left as separate empty cells (no merge at all)."""
    rep = extract(to_docx(GOLD, tmp_path / "u.docx", merge=False))
    assert _wrong(GOLD, rep) == []


def test_layout_table_reads_inner_tables_once(tmp_path: Path) -> None:
    import docx

    inner = docx.Document(str(to_docx(GOLD, tmp_path / "r.docx")))
    outer = docx.Document()
    frame = outer.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    for block in inner.element.body.iterchildren():
        if block.tag.endswith("}p") or block.tag.endswith("}tbl"):
            cell._tc.append(copy.deepcopy(block))
    outer.save(str(tmp_path / "nested.docx"))
    doc = docx_reader.load(ingest.load(tmp_path / "nested.docx", Limits()), Options())
    assert len(doc.tables) == 3
    rep = build_report(doc)
    assert _wrong(GOLD, rep) == [] and rep.organ == GOLD["organ"]


def test_paragraphs_are_lines_in_reading_order(tmp_path: Path) -> None:
    doc = docx_reader.load(ingest.load(to_docx(GOLD, tmp_path / "r.docx"), Limits()), Options())
    texts = [ln.text for ln in doc.lines]
    assert texts[0] == f"{GOLD['organ']}{GOLD['year']}年政府信息公开工作年度报告"
    assert texts.index("三、收到和处理政府信息公开申请情况") < texts.index("四、政府信息公开行政复议、行政诉讼情况")
    assert any(t.startswith("规章\t") for t in texts)  # table rows are in the text too (signals, units)


def test_corrupt_docx_raises(tmp_path: Path) -> None:
    import zipfile

    p = tmp_path / "bad.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>not xml")
    with pytest.raises(CorruptDocumentError) as e:
        extract(p)
    assert e.value.__cause__ is not None


def test_grid_before_content_controls_and_tracked_changes(tmp_path: Path) -> None:
    """w:gridBefore shifts a row right; a cell inside a content control (w:sdt) and text inside a tracked
    insertion (w:ins) are read; deleted text (w:delText) is not."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 2).text = "信息内容", "本年制发件数", "本年废止件数"
    tr = t.rows[1]._tr
    for tc in list(tr.tc_lst):
        tr.remove(tc)
    tr.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="1"/></w:trPr>'))
    tr.append(parse_xml(f'<w:tc {nsdecls("w")}><w:p><w:r><w:t>1</w:t></w:r><w:del><w:r><w:delText>9</w:delText>'
                        f'</w:r></w:del><w:ins><w:r><w:t>2</w:t></w:r></w:ins></w:p></w:tc>'))
    tr.append(parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent><w:tc><w:p><w:r><w:t>7</w:t></w:r></w:p></w:tc>'
                        f'</w:sdtContent></w:sdt>'))
    d.save(str(tmp_path / "g.docx"))
    doc = docx_reader.load(ingest.load(tmp_path / "g.docx", Limits()), Options())
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == [["信息内容", "本年制发件数", "本年废止件数"],
                                                                      ["", "12", "7"]]

"""DOCX with real Word tables laid out like the official templates (python-docx): merged header cells
(gridSpan), vertical merges (vMerge), header cells over several lines, a title and prose before the
tables. Bytes are reproducible: fixed core properties and zip timestamps."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .document import Report
from .tables import Table

ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass
class DocxStyle:
    ruled: bool = True
    footer: bool = False  # "- 3 -" page numbers
    repeat_header: bool = False  # the apply table's header rows repeat on a new page
    page_break_before_apply: bool = False
    body_pt: float = 14.0
    table_pt: float = 9.0


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    tbl_pr.append(borders)


def _repeat_rows(table, n: int) -> None:
    for row in table.rows[:n]:
        tr_pr = row._tr.get_or_add_trPr()
        h = OxmlElement("w:tblHeader")
        h.set(qn("w:val"), "true")
        tr_pr.append(h)


def _page_footer(section, size: float) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("- "), "宋体", size)
    run = p.add_run()
    _font(run, "宋体", size)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _font(p.add_run(" -"), "宋体", size)


def add_table(doc, t: Table, style: DocxStyle) -> None:
    grid = t.grid()
    table = doc.add_table(rows=len(grid), cols=t.ncols)
    if style.ruled:
        table.style = "Table Grid"
    else:
        _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    cells = [list(row.cells) for row in table.rows]  # before merging; python-docx's table.cell() is O(n) a call
    for i, w in enumerate(t.widths_cm):
        table.columns[i].width = Cm(w)  # LibreOffice reads the grid widths, Word the cell widths
        for row in cells:
            row[i].width = Cm(w)
    for r, row in enumerate(grid):
        for c, slot in enumerate(row):
            if slot.kind != "origin":
                continue
            cell = slot.cell
            target = cells[r][c]
            if cell.rs > 1 or cell.cs > 1:
                target = target.merge(cells[r + cell.rs - 1][c + cell.cs - 1])
            target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            for i, line in enumerate(cell.text.split("\n")):
                p = target.paragraphs[0] if i == 0 else target.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.role in ("label", "note") and len(cell.text) > 12 else WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.space_before = Pt(0)
                if line:
                    _font(p.add_run(line), "宋体", style.table_pt, bold=cell.role == "head" and r == 0)
    if style.repeat_header and t.name == "apply":
        _repeat_rows(table, 3)


def render_docx(rep: Report, rng: random.Random, style: DocxStyle) -> bytes:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.2)
    sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(2.2)
    if style.footer:
        _page_footer(sec, 11)
    cp = doc.core_properties
    cp.author = cp.last_modified_by = "Administrator"
    yy, mm, dd = rep.pub_date
    cp.created = cp.modified = cp.last_printed = dt.datetime(yy, mm, dd, 9, 0, 0)  # fixed: reproducible bytes
    cp.comments = ""
    cp.revision = 1
    cp.title = rep.title.replace("\n", "")
    body_font = rng.choice(["仿宋_GB2312", "仿宋", "宋体"])
    for b in rep.blocks:
        if b.kind == "title":
            for line in b.text.split("\n"):
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _font(p.add_run(line), "方正小标宋简体", 20, bold=True)
            doc.add_paragraph()
        elif b.table is not None:
            add_table(doc, b.table, style)
            doc.add_paragraph()
        elif b.kind == "sign":
            for line in b.text.split("\n"):
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _font(p.add_run(line), body_font, style.body_pt)
        else:
            p = doc.add_paragraph()
            if b.kind == "heading" and b.text.startswith("三、") and style.page_break_before_apply:
                p.paragraph_format.page_break_before = True
            p.paragraph_format.first_line_indent = Pt(style.body_pt * 2)
            p.paragraph_format.line_spacing = 1.25
            font = "黑体" if b.kind == "heading" else ("楷体_GB2312" if b.kind == "subheading" else body_font)
            _font(p.add_run(b.text), font, style.body_pt)
    buf = io.BytesIO()
    doc.save(buf)
    return _rezip(buf.getvalue())


def _rezip(data: bytes) -> bytes:
    """Same content, fixed member timestamps and order: byte-identical output for the same seed."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, src.read(name))
    return out.getvalue()

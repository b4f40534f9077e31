"""Text-layer PDF reader: the three real PDFs read 100% through both table readers, and the error paths."""

from __future__ import annotations

import pytest

from extractor import extract, ingest
from extractor.datamodel import Document
from extractor.errors import CorruptDocumentError, EncryptedDocumentError, LimitExceededError
from extractor.options import Limits, Options
from extractor.pipeline import build_report
from extractor.tables import lay_out_pdf
from extractor.textlayer import pdf
from tests.conftest import REAL, load_gold
from tests.textlayer.minipdf import blank_page_pdf, encrypted_pdf, text_pdf

PDFS = sorted(p.stem for p in (REAL / "docs").glob("*.pdf"))


def load(raw, options):  # noqa: ANN001, ANN201 — the reader, then table recovery's layout of its pages
    doc = pdf.load(raw, options)
    assert doc.tables == [] and not doc.lines  # the reader makes no table and no line view: tables/ does
    return lay_out_pdf(doc)


def _one_reader(doc: Document) -> Document:
    """The reader's pages without the words outside its ruled tables: only the ruled-table reader is left."""
    pages = [tp.model_copy(update={"words": []}) for tp in doc.text_pages]
    return doc.model_copy(update={"text_pages": pages})


def _wrong(gold: dict, rep) -> list[str]:
    return [k for k, v in gold["cells"].items() if k not in rep.cells or rep.cells[k].value != v]


@pytest.mark.parametrize("stem", PDFS)
def test_real_pdf_scores_100_percent(stem: str) -> None:
    gold = load_gold(stem)
    rep = extract(REAL / "docs" / gold["source"])
    assert rep.format == "pdf" and rep.template == gold["template"]
    assert _wrong(gold, rep) == []
    assert (rep.year, rep.organ) == (gold["year"], gold["organ"])
    assert rep.units == gold["units"]


@pytest.mark.parametrize("stem", PDFS)
@pytest.mark.parametrize("mode", ["ruled_only", "unruled_only"])
def test_each_table_reader_alone_reads_the_real_pdfs(stem: str, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """ruled_only: the ruled tables alone (the words outside them dropped); unruled_only: the rules ignored
    (pdfplumber finds no table), every table rebuilt from word geometry."""
    gold = load_gold(stem)
    raw = ingest.load(REAL / "docs" / gold["source"], Limits())
    if mode == "unruled_only":
        monkeypatch.setattr(pdf, "_ruled_tables", lambda page: [])
        doc = load(raw, Options())
    else:
        doc = lay_out_pdf(_one_reader(pdf.load(raw, Options())))
    assert {t.kind for t in doc.tables} == {"grid" if mode == "ruled_only" else "stream"}
    assert _wrong(gold, build_report(doc)) == []


def test_grid_cells_carry_page_bbox_and_position() -> None:
    raw = ingest.load(REAL / "docs" / "szfgs2024.pdf", Limits())
    doc = load(raw, Options())
    assert doc.pages == 6 and not doc.needs_ocr
    cells = [c for t in doc.tables for r in t.rows for c in r.cells]
    partial = next(c for c in cells if c.text.startswith("（二）部分公开"))
    assert partial.text == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"  # two lines joined
    p = partial.prov
    assert p.page == 4 and p.table is not None and p.row is not None and p.col == 1
    x0, top, x1, bottom = p.bbox
    assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842


def test_frames_around_prose_are_not_tables() -> None:
    raw = ingest.load(REAL / "docs" / "hzq2023_working.pdf", Limits())
    doc = load(raw, Options())
    assert all(max(len(r.cells) for r in t.rows) >= 2 for t in doc.tables)


def test_page_footers_are_dropped_from_lines() -> None:
    raw = ingest.load(REAL / "docs" / "szfgs2024.pdf", Limits())
    texts = [ln.text.strip() for ln in load(raw, Options()).lines]
    assert "- 2 -" not in texts and "- 6 -" not in texts
    assert any("淮安市人民政府" in t for t in texts[:5])


def test_unruled_rows_from_word_geometry() -> None:
    words = [(50, 40, "Title line"), (280, 820, "- 1 -")]
    for i, label in enumerate(["Alpha", "Beta", "Gamma"]):
        y = 100 + 20 * i
        words += [(50, y, label), (200, y, str(i)), (240, y, "10"), (290, y, "200")]
    doc = load(ingest.load(text_pdf(words), Limits()), Options())
    assert len(doc.tables) == 1 and doc.tables[0].kind == "stream"
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert rows == [["Alpha", "0", "10", "200"], ["Beta", "1", "10", "200"], ["Gamma", "2", "10", "200"]]
    assert [ln.text for ln in doc.lines][0] == "Title line"
    assert all("- 1 -" not in ln.text for ln in doc.lines)


def test_prose_lines_are_no_table() -> None:
    words = [(50, 100 + 14 * i, f"Some prose line number {i} of a paragraph") for i in range(10)]
    doc = load(ingest.load(text_pdf(words), Limits()), Options())
    assert doc.tables == [] and len(doc.lines) == 10


def test_pdf_without_text_layer_needs_ocr() -> None:
    doc = load(ingest.load(blank_page_pdf(), Limits()), Options())
    assert doc.needs_ocr and doc.pages == 1 and doc.tables == []
    rep = extract(blank_page_pdf(), {"ocr": False})
    assert rep.status == "needs_ocr" and rep.pages == 1


def test_encrypted_pdf_raises() -> None:
    with pytest.raises(EncryptedDocumentError) as e:
        extract(encrypted_pdf())
    assert e.value.__cause__ is not None


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage garbage\n", blank_page_pdf()[:200]])
def test_corrupt_pdf_raises(data: bytes) -> None:
    with pytest.raises(CorruptDocumentError) as e:
        extract(data)
    assert e.value.__cause__ is not None


def test_page_limit() -> None:
    with pytest.raises(LimitExceededError):
        extract(REAL / "docs" / "szfgs2024.pdf", {"limits": {"max_pages": 5}})

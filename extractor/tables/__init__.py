"""Table recovery: a Document's tables (real structure) or its text lines (line/tab grammar) become row
candidates (a whole table flattened into one line is cut back into rows first: ``run_on``). Contract:
``recover(document) -> list[RowCandidate]`` in reading order."""

from __future__ import annotations

from ..datamodel import Document, RowCandidate
from .pdf_layout import lay_out_pdf
from .rows import rows_to_candidates
from .run_on import split_run_on
from .scan_layout import lay_out_scan
from .text_grammar import lines_to_rows


def lay_out(doc: Document) -> Document:
    """The document's tables and lines, made from what a page reader found (text-layer PDF pages, scanned
    pages); a document whose reader gave its tables (DOCX, HTML, text) comes back as it is."""
    return lay_out_scan(lay_out_pdf(doc))


def recover(doc: Document) -> list[RowCandidate]:
    if doc.tables:
        out: list[RowCandidate] = []
        for t in doc.tables:
            out.extend(rows_to_candidates(t.rows, grid=t.kind == "grid"))
        return out
    return rows_to_candidates(lines_to_rows(split_run_on(doc.lines)))


__all__ = ["lay_out", "lay_out_pdf", "lay_out_scan", "recover"]

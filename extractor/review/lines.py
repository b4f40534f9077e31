"""The source lines of a text-like document (text, markdown, DOCX, HTML), so that the page can show each
cell's line beside its number. They are read again from the document with the reader the extraction used:
a cell's line number counts that reader's lines, not the file's."""

from __future__ import annotations

from pathlib import Path

from .. import ingest, textlayer
from ..datamodel import Report
from ..errors import ExtractorError
from ..inspect import PAGED_FORMATS
from ..options import Options


def source_lines(source: Path | bytes | None, report: Report) -> dict[int, str]:
    """Line number -> text, or {} where the document is paged, not available, or not the report's (its
    SHA-256 or format differs: the line numbers would point into another text)."""
    if source is None or report.format in PAGED_FORMATS:
        return {}
    opts = Options(ocr=False)
    try:
        raw = ingest.load(source, opts.limits)
        if report.sha256 and raw.sha256 != report.sha256:
            return {}
        doc = textlayer.to_document(raw, opts)
    except (ExtractorError, OSError, ValueError):  # the page is still worth having without the lines
        return {}
    if doc.format != report.format:
        return {}
    return {ln.prov.line: ln.text for ln in doc.lines if ln.prov.line is not None}

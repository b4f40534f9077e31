"""extractor — the statistics tables of Chinese 政府信息公开工作年度报告, from messy text, PDFs, DOCX,
HTML and scans, into one canonical, validated schema.

    >>> from extractor import extract
    >>> report = extract("report.txt")
    >>> report.template, report.year, report.cells["apply.new_received.total"].value
    >>> compare(report_2023, report_2024).flags   # from extractor import compare: year over year, one body
"""

from __future__ import annotations

import logging

from .batch import BatchRecord, Extractor
from .compare import Comparison, compare
from .datamodel import Cell, Check, Report, RowMatch
from .errors import ExtractorError
from .options import Limits, Options
from .pipeline import extract
from .validate.cross_year import CrossYearRow, cross_year

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["BatchRecord", "Cell", "Comparison", "compare", "CrossYearRow", "cross_year", "Check", "Extractor", "ExtractorError", "Limits", "Options", "Report", "RowMatch", "__version__", "extract"]

"""The stages chained: ingest -> text layer -> table recovery -> label matching -> values -> validation."""

from __future__ import annotations

import os
import re
import time
from typing import Any, Final

from . import ingest, metadata, tables, textlayer
from .datamodel import Cell, Document, Report, warning
from .errors import InputError
from .matching.align import align, merge_fragments
from .matching.detect import detect_template, select_statistics_tables
from .matching.matcher import LabelMatcher
from .matching.normalize import normalize_text, squash
from .matching.sequence import read_sequence
from .options import Options
from .templates import Template, all_templates, load_template
from .validate import check_identities, flag_cells, infer_mixed_form, resolve_alternatives
from .validate.agree import cross_check
from .validate.narrative import narrative_checks
from .validate.repair import infer_hidden, repair_confusions
from .values.assign import RowReading, read_row
from .values.glue import SUM_LAST, RowRule, groups_of

# The review row has no label: its cells are placed by position under the 行政复议/行政诉讼 header.
REVIEW_ROW_SCORE = 95.0
# Confidence of a row's cells when its numbers could belong to the label above or the one below.
PAIRING_DOUBT_CONFIDENCE = 0.5


def extract(source: str | bytes | os.PathLike[str] | None = None, options: Options | dict[str, Any] | None = None,
            *, text: str | None = None) -> Report:
    """Extract one document (a path, a file's bytes, or its text) into a Report; ``text=`` says that a string
    is the document's text, whatever it looks like.

    Raises an ``extractor.errors.ExtractorError`` subclass (with a stable ``code``) for input that cannot
    be processed (``input`` for a string that looks like a path to no file, or a folder); a document that
    is readable but holds no standard table gives ``template: None``.
    """
    if (source is None) == (text is None):
        raise InputError("give the document as source or as text=..., one of the two")
    opts = Options.coerce(options)
    t0 = time.perf_counter()
    if text is not None:
        raw = ingest.load(text, opts.limits, name=opts.name, as_text=True)
    else:
        assert source is not None  # one of the two, checked above
        raw = ingest.load(source, opts.limits, name=opts.name)
    t1 = time.perf_counter()
    doc = textlayer.to_document(raw, opts)
    t2 = time.perf_counter()
    report = build_report(doc, opts)
    report.sha256 = raw.sha256
    report.timings = {"ingest": t1 - t0, "text_layer": t2 - t1, **report.timings, "total": time.perf_counter() - t0}
    return report


# The warning prefix of a document that looks like an annual report but yields no statistics table.
TABLES_NOT_FOUND: Final = "tables_not_found"
# Reports on this year and later follow a national template (国办公开办函〔2019〕60号).
FIRST_TEMPLATE_YEAR = 2019
# The templates' section headings (二、三、四 of every report); two of them make a document report-like.
_SECTION_HEADINGS = ("主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况")


def _report_like(title: str | None, year: int | None, text: str, evidence: dict[str, float]) -> str | None:
    """Why a document without tables still looks like an annual report under the 2019/2021 templates (None
    when it does not; a report on a year before 2019 has no standard tables)."""
    if year is not None and year < FIRST_TEMPLATE_YEAR:
        return None
    sq = squash(text)
    if title and "政府信息公开" in squash(title):
        return "its title"
    headings = sum(1 for h in _SECTION_HEADINGS if h in sq)
    if headings >= 2:
        return f"{headings} of the template's section headings"
    labels = int(evidence.get("table_rows", 0)) + int(max((v for k, v in evidence.items() if k != "table_rows"),
                                                          default=0))
    if labels >= 3:
        return f"{labels} of the template's row or column labels"
    return None


def _header_unit(unit: str, text_squashed: str) -> bool:
    return re.search(r"金额.{0,20}?单位[:：]?" + re.escape(unit), text_squashed) is not None


def _read_cells(doc_text: str, res: Any, t: Template) -> tuple[dict[str, Cell], list[RowReading], dict[str, str]]:
    cells: dict[str, Cell] = {}
    readings: list[RowReading] = []
    units: dict[str, str] = {}
    sq = squash(doc_text)
    for a in res.assigned.values():
        row = a.row
        keys = row.cell_keys()
        rule = SUM_LAST if row.section == "apply" else \
            RowRule(usually_zero=tuple(i for i, c in enumerate(row.columns) if c in t.usually_zero))
        rd = read_row(keys, a.cand.values, a.score, rule)
        if a.doubt:  # never confident: the identities hold under the other pairing too
            rd.cells = {k: c.model_copy(update={"review": True, "ambiguous": True,
                                                "confidence": min(c.confidence, PAIRING_DOUBT_CONFIDENCE),
                                                "reason": f"{c.reason}; {a.doubt}" if c.reason else a.doubt})
                        for k, c in rd.cells.items()}
        readings.append(rd)
        cells.update(rd.cells)
        for k, c in rd.cells.items():
            if c.unit and c.unit.endswith("元"):  # an amount's unit; a counter (件, 笔, 项…) is not one
                units[k] = c.unit
        if row.unit_from_header and _header_unit(row.unit_from_header, sq):
            for k in keys:
                units.setdefault(k, row.unit_from_header)
    if res.review is not None:
        keys = t.review_keys()
        rd = read_row(keys, res.review.values, REVIEW_ROW_SCORE, groups_of(len(t.review_columns)))
        readings.append(rd)
        cells.update(rd.cells)
    return cells, readings, units


def _second_reading(doc: Document, cells: dict[str, Cell], t: Template, assigned: set[str], report: Report) -> None:
    """A second, independent reading (the text in reading order against the template, matching/sequence.py)
    compared with the structural one cell by cell (validate/agree.py)."""
    agreement = cross_check(cells, read_sequence(doc.lines, t), t, ocr=bool(doc.ocr_engine))
    summary = agreement.summary()
    if summary:
        report.warnings.append(warning("readers_disagree", summary))
    if any(k.startswith(f"{r.full_key}.") for r in t.rows if r.extra and r.replaces for k in agreement.taken):
        infer_mixed_form(cells, t, assigned)  # the single （六） row changed: its sub-rows follow


def build_report(doc: Document, opts: Options | None = None) -> Report:
    opts = opts or Options()
    t0 = time.perf_counter()
    doc = select_statistics_tables(tables.lay_out(doc))
    report = Report(source=doc.name, format=doc.format, pages=doc.pages, warnings=list(doc.warnings),
                    ocr_engine=doc.ocr_engine)
    if doc.needs_ocr:
        report.status = "needs_ocr"
        report.warnings.append(warning("needs_ocr", "no text layer: the document needs OCR"))
        return report
    lines = [ln.text for ln in doc.lines]
    full = "\n".join(lines)
    report.title, report.year, report.organ = metadata.find_title(lines)
    if report.year is None:
        report.year = metadata.find_year(full)
    cands = tables.recover(doc)
    if opts.template != "auto":
        t: Template | None = load_template(opts.template)
        report.template_evidence = {"forced": 1.0}
    else:
        t, report.template_evidence = detect_template(normalize_text(full), cands, all_templates(), report.year)
    t1 = time.perf_counter()
    if t is None:
        report.warnings.append(warning("no_template", "no standard statistics table found (template null)"))
        why = _report_like(report.title, report.year, full, report.template_evidence)
        if why:  # an annual report whose tables were not recovered: never "ok", the batch counts it
            report.status = "partial"
            report.warnings.append(warning(TABLES_NOT_FOUND, f"the document looks like an annual report ({why}) "
                                           "but no statistics table was recovered"))
        report.timings = {"tables": t1 - t0}
        return report
    report.template = t.id  # type: ignore[assignment]
    m = LabelMatcher.of(t)
    res = align(merge_fragments(cands, m), t, m)
    report.rows = res.matches
    t2 = time.perf_counter()
    cells, readings, report.units = _read_cells(full, res, t)
    notes = infer_mixed_form(cells, t, set(res.assigned))
    report.warnings.extend(notes)
    for k in t.keys():
        if k not in cells:
            cells[k] = Cell(value=None, source="missing", confidence=0.0, review=True,
                            reason="row not found in the document")
    resolve_alternatives(readings, cells, t)
    _second_reading(doc, cells, t, set(res.assigned), report)
    if doc.ocr_engine:  # OCR readings may be corrected by the identities; a text layer never is
        fixed = repair_confusions(cells, t) + infer_hidden(cells, t)
        if fixed:
            report.warnings.append(warning("cells_repaired", f"{len(fixed)} cells repaired or inferred from "
                                           f"identities: {', '.join(fixed[:8])}"))
    report.checks = check_identities(cells, t) + narrative_checks(doc.lines, cells, t)
    flag_cells(cells, report.checks)
    report.cells = {k: cells[k] for k in t.keys()}
    report.extra_cells = {k: cells[k] for k in t.extra_keys() if k in cells}
    missing = [k for k in t.keys() if cells[k].source == "missing"]
    if missing:
        report.status = "partial"
        report.warnings.append(warning("cells_missing", f"{len(missing)} of {len(t.keys())} cells not found"))
    report.timings = {"tables": t1 - t0, "matching": t2 - t1, "values_validation": time.perf_counter() - t2}
    return report

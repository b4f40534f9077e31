"""Tables derived from the journal, rebuilt whole at the end of every run (temporary name, then rename):

- ``cells.csv``: long form, one row per document x cell, with the document's template, year and organ;
- ``cells.parquet``: long form with typed columns (value as float64, page, review as bool, ...);
- ``documents.parquet``: wide form, one row per document and one column per canonical key of both templates
  (``null`` where the document's template has no such cell or the cell is blank): counts as Int64, amounts
  as float64 in 元 (``…__yuan``); column names with ``__`` for dots, the column -> key map in the file's
  metadata (``extractor.key_map``);
- ``summary.json``: counts by status and error code, identity failures, throughput;
- ``cross_year.jsonl`` / ``.parquet`` (the carry-over check) and ``compare.jsonl`` / ``.parquet`` (every key of
  every body's consecutive year pair, ``compare_out``).

Parquet needs the ``parquet`` extra (pyarrow); without it the Parquet files are skipped with a note in the
summary. Because everything is rebuilt from ``reports.jsonl`` (one line per path), a resumed or retried run
never duplicates a row.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..datamodel import Cell, Report
from ..validate.cross_year import cross_year
from .compare_out import write_compare
from .journal import Journal, replace_atomically

CSV_FIELDS = ["document", "template", "year", "organ", "key", "value", "unit", "confidence", "source", "review",
              "raw"]
DOC_FIELDS = ["document", "sha256", "status", "error_code", "error_message", "template", "year", "organ",
              "format", "pages", "seconds", "failed_identities", "cells_to_review", "same_as"]
PARQUET_BATCH = 256


def csv_rows(rec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    rep = rec.get("report")
    if not rep or not rep.get("template"):
        return
    units = rep.get("units") or {}
    for key, c in {**(rep.get("cells") or {}), **(rep.get("extra_cells") or {})}.items():
        yield {"document": rec["path"], "template": rep.get("template"), "year": rep.get("year") or "",
               "organ": rep.get("organ") or "", "key": key, "value": "" if c.get("value") is None else c["value"],
               "unit": units.get(key, ""), "confidence": round(c.get("confidence", 0.0), 3),
               "source": c.get("source"), "review": int(bool(c.get("review"))), "raw": c.get("raw") or ""}


def _failed_identities(rep: dict[str, Any]) -> int:
    return sum(1 for c in rep.get("checks") or [] if c.get("status") == "fail")


def _num(v: Any) -> float | None:
    return None if v is None or isinstance(v, bool) else float(v)


def canonical_keys() -> list[str]:
    from ..templates import all_templates

    keys: dict[str, None] = {}
    for t in all_templates():
        for k in t.keys() + t.extra_keys():
            keys[k] = None
    return list(keys)


# Amounts in the wide form are in one unit, named in the column (``active__fees__amount__yuan``).
YUAN_PER = {"元": 1, "千元": 1_000, "万元": 10_000, "百万元": 1_000_000, "亿元": 100_000_000}


def amount_units() -> dict[str, str]:
    """Amount keys -> the unit the template's header prints them in (万元), when a report names none."""
    from ..templates import all_templates

    return {k: r.unit_from_header for t in all_templates() for r in t.rows if r.unit_from_header
            for k in r.cell_keys()}


def wide_column(key: str, amounts: dict[str, str]) -> str:
    """A column name SQL engines take without quoting: dots become ``__``; amounts say their unit."""
    return key.replace(".", "__") + ("__yuan" if key in amounts else "")


def _yuan(value: Any, unit: str | None) -> float | None:
    v = _num(value)
    factor = YUAN_PER.get(unit or "")
    return None if v is None or factor is None else round(v * factor, 6)


def _count(value: Any) -> int | None:
    v = _num(value)
    return int(v) if v is not None and float(v).is_integer() else None


def _doc_row(rec: dict[str, Any], keys: list[str], amounts: dict[str, str]) -> dict[str, Any]:
    rep = rec.get("report") or {}
    err = rec.get("error") or {}
    cells = {**(rep.get("cells") or {}), **(rep.get("extra_cells") or {})}
    row = {"document": rec["path"], "sha256": rec.get("sha256"), "status": rec["status"],
           "error_code": err.get("code"), "error_message": err.get("message"), "template": rep.get("template"),
           "year": rep.get("year"), "organ": rep.get("organ"), "format": rep.get("format"),
           "pages": rep.get("pages"), "seconds": rec.get("seconds"),
           # a document with no report has no counts: null, never 0 (0 would say "nothing to review")
           "failed_identities": _failed_identities(rep) if rep else None,
           "cells_to_review": sum(1 for c in cells.values() if c.get("review")) if rep else None,
           "same_as": rec.get("same_as")}
    units = rep.get("units") or {}
    for k in keys:
        c = cells.get(k)
        if k in amounts:
            row[wide_column(k, amounts)] = _yuan(c.get("value"), units.get(k) or amounts[k]) if c else None
        else:
            row[wide_column(k, amounts)] = _count(c.get("value")) if c else None
    return row


def _cell_rows(rec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    rep = rec.get("report")
    if not rep or not rep.get("template"):
        return
    units = rep.get("units") or {}
    for key, c in {**(rep.get("cells") or {}), **(rep.get("extra_cells") or {})}.items():
        prov = c.get("prov") or {}
        yield {"document": rec["path"], "sha256": rec.get("sha256"), "template": rep["template"], "key": key,
               "value": _num(c.get("value")), "unit": units.get(key) or c.get("unit"),
               "confidence": float(c.get("confidence", 0.0)), "source": c.get("source"),
               "review": bool(c.get("review")), "page": prov.get("page"), "line": prov.get("line"),
               "raw": c.get("raw")}


class _Parquet:
    """cells.parquet and documents.parquet written in row groups as the journal is read."""

    def __init__(self, out: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa, self.out = pa, out
        self.keys = canonical_keys()
        self.amounts = amount_units()
        key_map = {wide_column(k, self.amounts): k for k in self.keys}
        self.doc_schema = pa.schema(
            [("document", pa.string()), ("sha256", pa.string()), ("status", pa.string()),
             ("error_code", pa.string()), ("error_message", pa.string()), ("template", pa.string()),
             ("year", pa.int32()), ("organ", pa.string()), ("format", pa.string()), ("pages", pa.int32()),
             ("seconds", pa.float64()), ("failed_identities", pa.int32()), ("cells_to_review", pa.int32()),
             ("same_as", pa.string())]
            + [(wide_column(k, self.amounts), pa.float64() if k in self.amounts else pa.int64()) for k in self.keys],
            metadata={"extractor.key_map": json.dumps(key_map, ensure_ascii=False), "extractor.amount_unit": "元"})
        self.cell_schema = pa.schema(
            [("document", pa.string()), ("sha256", pa.string()), ("template", pa.string()), ("key", pa.string()),
             ("value", pa.float64()), ("unit", pa.string()), ("confidence", pa.float64()),
             ("source", pa.string()), ("review", pa.bool_()), ("page", pa.int32()), ("line", pa.int32()),
             ("raw", pa.string())])
        self.wd = pq.ParquetWriter(out / "documents.parquet.tmp", self.doc_schema)
        self.wc = pq.ParquetWriter(out / "cells.parquet.tmp", self.cell_schema)
        self.docs: list[dict[str, Any]] = []
        self.cells: list[dict[str, Any]] = []

    def add(self, rec: dict[str, Any]) -> None:
        self.docs.append(_doc_row(rec, self.keys, self.amounts))
        self.cells.extend(_cell_rows(rec))
        if len(self.docs) >= PARQUET_BATCH:
            self.flush()

    def flush(self) -> None:
        self.wd.write_table(self.pa.Table.from_pylist(self.docs, schema=self.doc_schema))
        self.wc.write_table(self.pa.Table.from_pylist(self.cells, schema=self.cell_schema))
        self.docs, self.cells = [], []

    def close(self) -> None:
        self.flush()
        self.wd.close()
        self.wc.close()
        replace_atomically(self.out / "documents.parquet.tmp", self.out / "documents.parquet")
        replace_atomically(self.out / "cells.parquet.tmp", self.out / "cells.parquet")


class _Summary:
    def __init__(self) -> None:
        self.statuses: Counter[str] = Counter()
        self.codes: Counter[str] = Counter()
        self.templates: Counter[str] = Counter()
        self.failed_checks = self.docs_failing = self.review_cells = 0

    def add(self, rec: dict[str, Any]) -> None:
        self.statuses[rec["status"]] += 1
        if rec.get("error"):
            self.codes[rec["error"]["code"]] += 1
        rep = rec.get("report")
        if rep and rep.get("template"):
            self.templates[rep["template"]] += 1
            n = _failed_identities(rep)
            self.failed_checks += n
            self.docs_failing += n > 0
            self.review_cells += sum(1 for c in (rep.get("cells") or {}).values() if c.get("review"))

    def result(self) -> dict[str, Any]:
        return {"documents": sum(self.statuses.values()), "by_status": dict(self.statuses),
                "by_error_code": dict(self.codes), "by_template": dict(self.templates),
                "failed_identities": self.failed_checks, "documents_with_failed_identities": self.docs_failing,
                "cells_to_review": self.review_cells}


def write_outputs(journal: Journal, out: Path, parquet: bool = True, csv_bom: bool = False,
                  compare_html: Path | None = None) -> tuple[dict[str, Any], list[str]]:
    """One pass over the journal: cells.csv (``csv_bom``: with a UTF-8 byte order mark, so that spreadsheet
    programs read the Chinese text as UTF-8), the Parquet tables (with pyarrow) and the summary's counts;
    then cross_year and compare (``compare_out``; ``compare_html``: a folder for the comparison pages)."""
    notes: list[str] = []
    pq_writer: _Parquet | None = None
    if parquet:
        try:
            pq_writer = _Parquet(out)
        except ImportError:
            notes.append("Parquet not written: pip install 'zfxxgk-extractor[parquet]'")
    summary = _Summary()
    slim: list[Report] = []
    tmp = out / "cells.csv.tmp"
    with open(tmp, "w", encoding="utf-8-sig" if csv_bom else "utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for rec in journal.records():
            w.writerows(csv_rows(rec))
            summary.add(rec)
            if (s := _slim(rec)) is not None:
                slim.append(s)
            if pq_writer is not None:
                pq_writer.add(rec)
    replace_atomically(tmp, out / "cells.csv")
    if pq_writer is not None:
        pq_writer.close()
    result = summary.result()
    result["cross_year"] = _write_cross_year(slim, out, parquet and pq_writer is not None)
    result["compare"] = write_compare(journal, slim, out, parquet and pq_writer is not None, compare_html)
    return result, notes


def _slim(rec: dict[str, Any]) -> Report | None:
    """What the year-over-year check needs of a record (a few cells, not the whole report)."""
    rep = rec.get("report")
    if not rep or not rep.get("template") or not rep.get("organ") or not rep.get("year"):
        return None
    cells = {k: Cell(value=c.get("value")) for k, c in (rep.get("cells") or {}).items()
             if k.startswith(("apply.carried_forward.", "apply.carried_over."))}
    return Report(source=rec.get("path"), template=rep["template"], organ=rep["organ"], year=rep["year"], cells=cells)


def _write_cross_year(reports: list[Report], out: Path, parquet: bool) -> dict[str, int]:
    """OUT/cross_year.jsonl (and .parquet): 结转下年度 of year N against 上年结转 of N+1, per body and column."""
    rows = [r.model_dump() for r in cross_year(reports)]
    tmp = out / "cross_year.jsonl.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    replace_atomically(tmp, out / "cross_year.jsonl")
    if parquet:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([("organ", pa.string()), ("year", pa.int32()), ("next_year", pa.int32()),
                            ("column", pa.string()), ("carried_forward", pa.float64()),
                            ("next_carried_over", pa.float64()), ("status", pa.string()),
                            ("source", pa.string()), ("next_source", pa.string())])
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), out / "cross_year.parquet.tmp")
        replace_atomically(out / "cross_year.parquet.tmp", out / "cross_year.parquet")
    return dict(Counter(r["status"] for r in rows))


def write_json(obj: Any, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    replace_atomically(tmp, path)

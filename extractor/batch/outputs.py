"""Tables derived from the journal, rebuilt whole at the end of every run (temporary name, then rename):

- ``cells.csv``: long form, one row per document x cell (as before);
- ``cells.parquet``: long form with typed columns (value as float64, page, review as bool, ...);
- ``documents.parquet``: wide form, one row per document and one float64 column per canonical key of both
  templates (``null`` where the document's template has no such cell or the cell is blank);
- ``summary.json``: counts by status and error code, identity failures, throughput.

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

from .journal import Journal, replace_atomically

CSV_FIELDS = ["document", "key", "value", "unit", "confidence", "source", "review", "raw"]
DOC_FIELDS = ["document", "sha256", "status", "error_code", "error_message", "template", "year", "organ",
              "format", "pages", "seconds", "failed_identities", "cells_to_review", "same_as"]
PARQUET_BATCH = 256


def csv_rows(rec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    rep = rec.get("report")
    if not rep or not rep.get("template"):
        return
    units = rep.get("units") or {}
    for key, c in (rep.get("cells") or {}).items():
        yield {"document": rec["path"], "key": key, "value": "" if c.get("value") is None else c["value"],
               "unit": units.get(key, ""), "confidence": round(c.get("confidence", 0.0), 3),
               "source": c.get("source"), "review": int(bool(c.get("review"))), "raw": c.get("raw") or ""}


def write_csv(journal: Journal, out: Path) -> None:
    tmp = out / "cells.csv.tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for rec in journal.records():
            w.writerows(csv_rows(rec))
    replace_atomically(tmp, out / "cells.csv")


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


def _doc_row(rec: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    rep = rec.get("report") or {}
    err = rec.get("error") or {}
    cells = rep.get("cells") or {}
    row = {"document": rec["path"], "sha256": rec.get("sha256"), "status": rec["status"],
           "error_code": err.get("code"), "error_message": err.get("message"), "template": rep.get("template"),
           "year": rep.get("year"), "organ": rep.get("organ"), "format": rep.get("format"),
           "pages": rep.get("pages"), "seconds": rec.get("seconds"), "failed_identities": _failed_identities(rep),
           "cells_to_review": sum(1 for c in cells.values() if c.get("review")), "same_as": rec.get("same_as")}
    for k in keys:
        c = cells.get(k)
        row[k] = _num(c.get("value")) if c else None
    return row


def _cell_rows(rec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    rep = rec.get("report")
    if not rep or not rep.get("template"):
        return
    units = rep.get("units") or {}
    for key, c in (rep.get("cells") or {}).items():
        prov = c.get("prov") or {}
        yield {"document": rec["path"], "sha256": rec.get("sha256"), "template": rep["template"], "key": key,
               "value": _num(c.get("value")), "unit": units.get(key) or c.get("unit"),
               "confidence": float(c.get("confidence", 0.0)), "source": c.get("source"),
               "review": bool(c.get("review")), "page": prov.get("page"), "line": prov.get("line"),
               "raw": c.get("raw")}


def write_parquet(journal: Journal, out: Path) -> str | None:
    """Write cells.parquet and documents.parquet; returns why not when pyarrow is missing."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return "Parquet not written: pip install 'extractor[parquet]'"
    keys = canonical_keys()
    doc_schema = pa.schema(
        [("document", pa.string()), ("sha256", pa.string()), ("status", pa.string()), ("error_code", pa.string()),
         ("error_message", pa.string()), ("template", pa.string()), ("year", pa.int32()), ("organ", pa.string()),
         ("format", pa.string()), ("pages", pa.int32()), ("seconds", pa.float64()),
         ("failed_identities", pa.int32()), ("cells_to_review", pa.int32()), ("same_as", pa.string())]
        + [(k, pa.float64()) for k in keys])
    cell_schema = pa.schema(
        [("document", pa.string()), ("sha256", pa.string()), ("template", pa.string()), ("key", pa.string()),
         ("value", pa.float64()), ("unit", pa.string()), ("confidence", pa.float64()), ("source", pa.string()),
         ("review", pa.bool_()), ("page", pa.int32()), ("line", pa.int32()), ("raw", pa.string())])
    tmp_d, tmp_c = out / "documents.parquet.tmp", out / "cells.parquet.tmp"
    with pq.ParquetWriter(tmp_d, doc_schema) as wd, pq.ParquetWriter(tmp_c, cell_schema) as wc:
        docs: list[dict[str, Any]] = []
        cells: list[dict[str, Any]] = []
        for rec in journal.records():
            docs.append(_doc_row(rec, keys))
            cells.extend(_cell_rows(rec))
            if len(docs) >= PARQUET_BATCH:
                wd.write_table(pa.Table.from_pylist(docs, schema=doc_schema))
                wc.write_table(pa.Table.from_pylist(cells, schema=cell_schema))
                docs, cells = [], []
        wd.write_table(pa.Table.from_pylist(docs, schema=doc_schema))
        wc.write_table(pa.Table.from_pylist(cells, schema=cell_schema))
    replace_atomically(tmp_d, out / "documents.parquet")
    replace_atomically(tmp_c, out / "cells.parquet")
    return None


def summarize(journal: Journal) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    templates: Counter[str] = Counter()
    failed_checks = docs_failing = review_cells = 0
    for rec in journal.records():
        statuses[rec["status"]] += 1
        if rec.get("error"):
            codes[rec["error"]["code"]] += 1
        rep = rec.get("report")
        if rep and rep.get("template"):
            templates[rep["template"]] += 1
            n = _failed_identities(rep)
            failed_checks += n
            docs_failing += n > 0
            review_cells += sum(1 for c in (rep.get("cells") or {}).values() if c.get("review"))
    return {"documents": sum(statuses.values()), "by_status": dict(statuses), "by_error_code": dict(codes),
            "by_template": dict(templates), "failed_identities": failed_checks,
            "documents_with_failed_identities": docs_failing, "cells_to_review": review_cells}


def write_json(obj: Any, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=1), encoding="utf-8")
    replace_atomically(tmp, path)

"""``OUT/compare.jsonl`` and ``OUT/compare.parquet``: one row per body x consecutive year pair x key, for
the pairs the year-over-year check (``validate.cross_year``) finds — the same grouping of organ names into
bodies — with both values, the change and the rules that fired (``extractor.compare``). With
``compare_html`` a folder gets one comparison page per pair (``BODY_YEAR_NEXT.html``), the review page of
each document in a pair (``review/…html``, tables only: the batch keeps no document) and an ``index.html``.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from ..compare import Comparison, compare_pair, render_compare_html
from ..datamodel import Report
from ..validate.cross_year import CrossYearRow, cross_year
from .journal import Journal, replace_atomically

log = logging.getLogger(__name__)

COMPARE_FIELDS = ["organ", "year", "next_year", "source", "next_source", "template", "next_template",
                  "carry_over", "key", "section", "mapping", "before", "after", "unit", "change", "relative",
                  "flags"]
PairKey = tuple[str, int, int, str, str]


def _pairs(slim: list[Report]) -> dict[PairKey, list[CrossYearRow]]:
    """The consecutive pairs of one body that cross_year checks, with its rows (one per applicant column)."""
    out: dict[PairKey, list[CrossYearRow]] = {}
    for r in cross_year(slim):
        out.setdefault((r.organ, r.year, r.next_year, r.source or "", r.next_source or ""), []).append(r)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_")[:120] or "_"


def compare_rows(cmp: Comparison, key: PairKey) -> list[dict[str, Any]]:
    organ, year, next_year, source, next_source = key
    base = {"organ": organ, "year": year, "next_year": next_year, "source": source, "next_source": next_source,
            "template": cmp.before.template, "next_template": cmp.after.template,
            "carry_over": cmp.carry_over_status}
    return [{**base, "key": c.key, "section": c.section, "mapping": c.mapping, "before": c.before,
             "after": c.after, "unit": c.after_unit or c.before_unit, "change": c.change, "relative": c.relative,
             "flags": list(c.flags)} for c in cmp.changes]


class _Pages:
    """The comparison pages and the review pages they link to, in one folder."""

    def __init__(self, folder: Path) -> None:
        from ..review import render_review_html

        self.render: Callable[[None, Report], str] = render_review_html
        self.folder = folder
        (folder / "review").mkdir(parents=True, exist_ok=True)
        self.reviews: dict[str, str] = {}
        self.index: list[tuple[str, Comparison]] = []

    def review(self, name: str, rep: Report) -> str:
        """The href (relative to the folder) of a document's review page, written the first time."""
        if name not in self.reviews:
            file = f"{_slug(name)}.html"
            (self.folder / "review" / file).write_text(self.render(None, rep), encoding="utf-8")
            self.reviews[name] = "review/" + quote(file)
        return self.reviews[name]

    def page(self, cmp: Comparison, key: PairKey) -> None:
        file = f"{_slug(key[0])}_{key[1]}_{key[2]}.html"
        (self.folder / file).write_text(render_compare_html(cmp), encoding="utf-8")
        self.index.append((file, cmp))

    def close(self) -> None:
        from html import escape

        items = "".join(f'<li><a href="{quote(f)}">{escape(c.pairing.body or "")} {c.before.year} → '
                        f"{c.after.year}</a> — {len(c.flags)} flags, carry-over {c.carry_over_status}</li>"
                        for f, c in self.index)
        (self.folder / "index.html").write_text(
            f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>比对</title></head><body>'
            f"<h1>比对: {len(self.index)} pairs</h1><ul>{items}</ul></body></html>", encoding="utf-8")


def _report(journal: Journal, name: str) -> Report | None:
    try:
        rep = journal.get(name).get("report")
        return Report.model_validate(rep) if rep else None
    except (KeyError, ValidationError) as e:
        log.warning("compare: the record of %s cannot be read as a Report: %s", name, e)
        return None


def write_compare(journal: Journal, slim: list[Report], out: Path, parquet: bool,
                  html_dir: Path | None = None) -> dict[str, Any]:
    """Write compare.jsonl (and .parquet, and the pages with ``html_dir``); return the counts."""
    pages = _Pages(html_dir) if html_dir is not None else None
    flags: Counter[str] = Counter()
    n_pairs = 0
    tmp = out / "compare.jsonl.tmp"
    pq_out = _ParquetRows(out) if parquet else None
    with open(tmp, "w", encoding="utf-8") as f:
        for key, carry in sorted(_pairs(slim).items()):
            before, after = _report(journal, key[3]), _report(journal, key[4])
            if before is None or after is None:
                continue
            reviews = (pages.review(key[3], before), pages.review(key[4], after)) if pages else (None, None)
            cmp = compare_pair(before, after, carry_over=carry, body=key[0], reviews=reviews)
            n_pairs += 1
            flags.update(fl.rule for fl in cmp.flags)
            pair_rows = compare_rows(cmp, key)
            for r in pair_rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
            if pq_out is not None:
                pq_out.add(pair_rows)
            if pages is not None:
                pages.page(cmp, key)
    replace_atomically(tmp, out / "compare.jsonl")
    if pages is not None:
        pages.close()
    if pq_out is not None:
        pq_out.close()
    return {"pairs": n_pairs, "flags": dict(sorted(flags.items()))}


class _ParquetRows:
    """compare.parquet written in row groups of ``ROW_GROUP`` rows as the pairs are compared."""

    ROW_GROUP = 50_000

    def __init__(self, out: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa, self.out = pa, out
        self.schema = pa.schema([
            ("organ", pa.string()), ("year", pa.int32()), ("next_year", pa.int32()), ("source", pa.string()),
            ("next_source", pa.string()), ("template", pa.string()), ("next_template", pa.string()),
            ("carry_over", pa.string()), ("key", pa.string()), ("section", pa.string()), ("mapping", pa.string()),
            ("before", pa.float64()), ("after", pa.float64()), ("unit", pa.string()), ("change", pa.float64()),
            ("relative", pa.float64()), ("flags", pa.list_(pa.string()))])
        self.writer = pq.ParquetWriter(out / "compare.parquet.tmp", self.schema)
        self.rows: list[dict[str, Any]] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
        self.rows = []

    def close(self) -> None:
        self.flush()
        self.writer.close()
        replace_atomically(self.out / "compare.parquet.tmp", self.out / "compare.parquet")

"""Baseline tools on the same PDFs (inside a worker subprocess): pdfplumber ``extract_tables()`` and camelot
lattice/stream; each tool's tables become ``SourceTable(kind="grid")`` rows and go through the same matching
and validation (``build_report``) and the same scorer as ours."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from benchmarks.bench.accuracy import doc_result
from benchmarks.bench.corpus import Item
from benchmarks.bench.measure import _peak_rss_mb

TOOLS = ["pdfplumber", "camelot_lattice", "camelot_stream"]
# Baseline tools outside the default install: (module, how to install it).
TOOL_MODULES = {"camelot_lattice": ("camelot", "pip install 'zfxxgk-extractor[camelot]'"),
                "camelot_stream": ("camelot", "pip install 'zfxxgk-extractor[camelot]'")}
TOOL_NAMES = {"pdfplumber": "pdfplumber extract_tables", "camelot_lattice": "camelot lattice",
              "camelot_stream": "camelot stream"}


def tables_document(path: Path, tool: str) -> Any:
    """A baseline tool's tables as a Document of grid tables; the text lines (pdfplumber) are only there for
    the title and template signals. A tool that finds no table gives one empty table, so that table recovery
    does not fall back to our own text grammar."""
    import pdfplumber

    from extractor.datamodel import Document, Provenance, SourceCell, SourceRow, SourceTable, TextLine

    tables: list[list[list[str | None]]] = []
    with pdfplumber.open(path) as pdf:
        lines = [TextLine(text=t, prov=Provenance(page=i))
                 for i, p in enumerate(pdf.pages, 1) for t in (p.extract_text() or "").split("\n")]
        pages = len(pdf.pages)
        if tool == "pdfplumber":
            tables = [t for p in pdf.pages for t in p.extract_tables()]
    if tool.startswith("camelot"):
        import camelot

        found = camelot.read_pdf(str(path), pages="all", flavor=tool.split("_", 1)[1])
        tables = [t.df.values.tolist() for t in found]
    st = [SourceTable(kind="grid", prov=Provenance(table=i), rows=[
        SourceRow(prov=Provenance(table=i, row=r), cells=[
            SourceCell(text=(c or "").replace("\n", ""), prov=Provenance(table=i, row=r, col=k))
            for k, c in enumerate(row)]) for r, row in enumerate(t)]) for i, t in enumerate(tables)]
    return Document(name=path.name, format="pdf", pages=pages, lines=lines, tables=st or [SourceTable(rows=[])])


def run_baseline(items: list[Item], tool: str) -> dict[str, Any]:
    import warnings

    from extractor.pipeline import build_report

    warnings.simplefilter("ignore")  # camelot warns on every page without a table
    docs = []
    t0 = time.perf_counter()
    for it in items:
        t = time.perf_counter()
        try:
            rep, err = build_report(tables_document(it.doc, tool)).model_dump(mode="json"), None
        except Exception as e:  # noqa: BLE001 - a tool failing on a document scores zero for it
            rep, err = None, f"{tool}:{type(e).__name__}"
        docs.append(doc_result(json.loads(it.gold.read_text(encoding="utf-8")), rep, it.stem, error=err,
                               seconds=time.perf_counter() - t))
    return {"docs": docs, "seconds": time.perf_counter() - t0, "peak_rss_mb": _peak_rss_mb()}

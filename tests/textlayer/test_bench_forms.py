"""The synthetic benchmark forms that go through the text-layer readers score 100% (skipped when the
corpus has not been generated: `make corpus`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor import extract
from tests.conftest import ROOT

BENCH = ROOT / "corpora" / "bench"
FORMS = ["docx", "html", "pdf", "pdf_unruled"]


def _golds() -> list[Path]:
    return sorted(g for form in FORMS for g in (BENCH / form / "gold").glob("*.json"))


@pytest.mark.slow
@pytest.mark.parametrize("gold_path", _golds(), ids=lambda p: p.stem)
def test_bench_document_reads_every_cell(gold_path: Path) -> None:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    src = gold_path.parent.parent / "docs" / gold["source"]
    rep = extract(src, {"ocr": False})
    assert rep.template == gold["template"]
    wrong = {k: (rep.cells[k].value if k in rep.cells else "-", v) for k, v in gold["cells"].items()
             if k not in rep.cells or rep.cells[k].value != v}
    assert wrong == {}
    assert (rep.year, rep.organ) == (gold["year"], gold["organ"])
    assert rep.units == gold.get("units", {})

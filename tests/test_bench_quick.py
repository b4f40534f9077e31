"""The benchmark runner (benchmarks/run.py): its per-document and aggregation functions on hand-made inputs,
the markdown it renders, and --quick runs end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import benchmarks.run as run
from benchmarks.run import (
    Item,
    aggregate,
    collect,
    doc_result,
    groups,
    kept_sections,
    reliability,
    render,
)
from tests.conftest import ROOT

BENCH = ROOT / "corpora" / "bench"
REAL = ROOT / "corpora" / "real"
CONVERTED = ROOT / "corpora" / "converted"
GOLD = {"template": "2021", "cells": {"apply.a.x": 1, "apply.a.y": 2, "active.b.z": None, "review.c.w": 0}}
META = {"when": "now", "commit": "abc", "command": "python benchmarks/run.py", "total": "1 s", "machine": "m",
        "load": "0"}


def cell(value, review=False, source="read", confidence=1.0) -> dict:
    return {"value": value, "review": review, "source": source, "confidence": confidence}


def report(cells: dict, failed: tuple[str, ...] = (), status: str = "ok", template: str | None = "2021") -> dict:
    checks = [{"id": i, "kind": "identity", "status": "fail"} for i in failed]
    checks.append({"id": "n1", "kind": "narrative", "status": "pass"})
    return {"template": template, "status": status, "pages": 2, "cells": cells, "checks": checks}


RIGHT = {"apply.a.x": cell(1), "apply.a.y": cell(2), "active.b.z": cell(None), "review.c.w": cell(0)}


def test_flagged_and_unflagged_accuracy() -> None:
    rep = report({"apply.a.x": cell(1),                      # right, unflagged
                  "apply.a.y": cell(3, review=True),         # wrong, flagged
                  "active.b.z": cell(None, confidence=0.3),  # right (blank), unflagged
                  "review.c.w": cell(5)})                    # wrong, unflagged: what a trusting user gets wrong
    d = doc_result(GOLD, rep, "d")
    assert (d["right"], d["total"]) == (2, 4)
    assert (d["flagged"], d["flagged_right"], d["unflagged"], d["unflagged_right"]) == (1, 0, 3, 2)
    assert d["by_section"] == {"apply": (1, 2), "active": (1, 1), "review": (0, 1)}
    assert [w[:4] for w in d["wrong"]] == [["apply.a.y", 2, 3, True], ["review.c.w", 0, 5, False]]
    a = aggregate([d, doc_result(GOLD, report(RIGHT), "e")])
    assert a["accuracy"] == pytest.approx(6 / 8) and a["exact"] == 1
    assert a["flagged_share"] == pytest.approx(1 / 8)
    assert a["unflagged_accuracy"] == pytest.approx(6 / 7)
    assert a["flagged_accuracy"] == 0.0
    assert a["wrong_flagged"] == pytest.approx(1 / 2)  # of the 2 wrong cells, 1 carries the flag
    assert a["sections"][("2021", "apply")] == (3, 4)


def test_inconsistency_recall_and_false_alarms() -> None:
    gold_incons = {**GOLD, "inconsistent": ["apply.balance.total", "apply.result_sum.total"]}
    docs = [doc_result(gold_incons, report(RIGHT, ("apply.balance.total", "other.check")), "i"),  # 1 of 2 found
            doc_result(GOLD, report(RIGHT, ("x", "y")), "c1"),                                     # 2 false alarms
            doc_result(GOLD, report(RIGHT), "c2")]
    a = aggregate(docs)
    assert (a["incons_found"], a["incons_total"], a["incons_docs"]) == (1, 2, 1)
    assert (a["false_alarms"], a["false_alarm_docs"], a["consistent_docs"]) == (2, 1, 2)
    assert (a["failed_checks"], a["docs_with_failed"]) == (4, 2)
    assert a["narrative"] == {"pass": 3}


def test_not_read_documents_are_kept_out_of_accuracy_and_failures_count_as_zero() -> None:
    not_read = doc_result(GOLD, report({}, status="needs_ocr", template=None), "scan")
    failed = doc_result(GOLD, None, "broken", error="corrupt")
    ok = doc_result(GOLD, report(RIGHT), "ok")
    a = aggregate([not_read, failed, ok])
    assert (a["docs"], a["scored"], a["not_read"], a["read"]) == (3, 2, 1, 1)
    assert (a["right"], a["total"]) == (4, 8)  # the failed document counts, as zero; the scan does not count
    assert a["statuses"] == {"failed (corrupt)": 1, "needs_ocr": 1, "ok": 1}
    only = aggregate([not_read])
    assert only["accuracy"] is None and only["flagged_share"] is None and only["unflagged_accuracy"] is None


def test_wrong_template_scores_zero_and_is_not_trusted() -> None:
    d = doc_result(GOLD, report(RIGHT, template="2019"), "t")
    assert d["right"] == 0 and d["unflagged_right"] == 0 and d["unflagged"] == 4


def test_undecidable_glued_rows() -> None:
    gold = {**GOLD, "glued_ambiguous_rows": ["active.b", "apply.a"]}  # only active-table rows are undecidable
    d = doc_result(gold, report({**RIGHT, "active.b.z": cell(7, review=True)}), "g")
    assert (d["undecidable"], d["undecidable_right"]) == (1, 0)


def test_reliability_buckets() -> None:
    docs = [{"conf": [(1.0, True), (0.995, False), (0.3, False), (0.4, True), (0.8, True)]}]
    assert reliability(docs) == [("≥0.99", 2, 0.5), ("0.75–0.9", 1, 1.0), ("<0.5", 2, 0.5)]


def _res(forms: dict[str, list[dict]]) -> dict:
    return {"forms": {f: {"docs": docs, "agg": aggregate(docs), "seconds": 2.0, "seconds_runs": [2.0],
                          "peak_rss_mb": 100.0} for f, docs in forms.items()},
            "baselines": {}, "ocr_floor": {}, "groups": {}, "reliability": []}


def test_render_shows_unread_forms_as_not_read() -> None:
    scan = [doc_result(GOLD, report({}, status="needs_ocr", template=None), f"s{i}") for i in range(2)]
    text = render(_res({"text_lines": [doc_result(GOLD, report(RIGHT), "t")], "scan_200": scan}), META)
    row = next(ln for ln in text.splitlines() if ln.startswith("| scan_200 |"))
    assert "not read yet (needs_ocr)" in row.replace("**", "") and "%" not in row
    assert "| text_lines | 1 | ok 1 | 100.00% (4/4) | 1/1 |" in text
    speed = [ln for ln in text.split("## Speed and memory")[1].splitlines() if ln.startswith("| scan_200 |")]
    assert speed and "not read yet" in speed[0]


def test_photos_read_without_flattening_get_their_own_table() -> None:
    bad = report({**RIGHT, "apply.a.x": cell(7)})
    res = _res({"photo": [doc_result(GOLD, report(RIGHT), "p")]})
    res["unflattened"] = {"photo": {"agg": aggregate([doc_result(GOLD, bad, "p")]), "seconds": 3.0,
                                    "ours_seconds": 2.0}}
    text = render(res, META)
    assert "| photo | 1 | 100.00% (4/4) | 75.00% (3/4) | 2.0 | 3.0 |" in text
    assert "EXTRACTOR_RECTIFY=0" not in render(_res({"photo": [doc_result(GOLD, report(RIGHT), "p")]}), META)


def _real_by_kind() -> dict[str, int]:
    """corpora/real's documents with gold, by file type (the corpus grows: counted, not written down)."""
    kinds: dict[str, int] = {}
    for g in REAL.glob("gold/*.json"):
        doc = REAL / "docs" / json.loads(g.read_text(encoding="utf-8"))["source"]
        if doc.exists():
            kind = run.file_kind(doc)
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def _real_cells() -> int:
    """The cells the scorer counts on corpora/real (a document of template null counts 1)."""
    return sum(len(g["cells"]) if g.get("template") else 1 for g in
               (json.loads(p.read_text(encoding="utf-8")) for p in REAL.glob("gold/*.json"))
               if (REAL / "docs" / g["source"]).exists())


def test_collect_splits_mixed_corpora_and_quick_subsets() -> None:
    forms = collect([BENCH, REAL], quick=True)
    assert len(forms["text_lines"]) == 3 and len(forms["scan_200"]) == 1
    assert {it.doc.suffix for it in forms["real_pdf"]} == {".pdf"}
    assert {f.removeprefix("real_"): len(items) for f, items in forms.items() if f.startswith("real_")} == _real_by_kind()
    real_forms = sorted((f for f in forms if f.startswith("real_")), key=run._order)
    assert groups(forms) == {"real": real_forms, "text": ["text_lines", "text_tabs", "text_glued", "text_runon"],
                             "documents": ["html", "docx", "pdf", "pdf_unruled"], "scans": ["scan_200", "scan_heavy", "photo"]}
    assert all(isinstance(it, Item) for items in forms.values() for it in items)
    assert list(collect([BENCH], only=["pdf"])) == ["pdf"]


def test_converted_forms_are_grouped_and_quick_takes_every_origin() -> None:
    full, quick = collect([CONVERTED]), collect([CONVERTED], quick=True)
    assert list(full) == [f for f in run.CONVERTED_FORMS if f in full] and "conv_pymupdf4llm" in full
    assert groups(quick) == {"converted": list(quick)}
    for form, items in quick.items():
        origins = {run.origin_of(it.stem) for it in full[form]}
        assert len(items) == min(run.QUICK_PER_FORM, len(full[form])), form
        assert {run.origin_of(it.stem) for it in items} == origins or len(items) == run.QUICK_PER_FORM, form
        if "real" in origins:
            assert any(run.origin_of(it.stem) == "real" for it in items), form


def test_real_documents_by_source_and_kind_and_every_failure_listed() -> None:
    bad = report({**RIGHT, "apply.a.x": cell(7)})
    gold = {**GOLD, "origin": "pingtan", "input_kind": "crawler_text"}
    real = [doc_result(gold, report(RIGHT), "r1"), doc_result(gold, bad, "r2"),
            doc_result(GOLD, report(RIGHT), "r3", kind="pdf")]  # no origin/input_kind in gold: unknown, the file type
    conv = [doc_result(GOLD, bad, f"html__c{i}") for i in range(9)]
    bench = [doc_result(GOLD, bad, f"b{i}") for i in range(9)]
    res = _res({"real_text": real[:2], "real_pdf": real[2:], "conv_html2text": conv, "html": bench})
    res["groups"] = {"real": ["real_text", "real_pdf"], "converted": ["conv_html2text"]}
    text = render(res, META)
    rows = _table(text, "## Real documents by source and input kind\n")
    assert rows["real · origin=pingtan"][:3] == ["2", "87.50% (7/8)", "1/2"]
    assert rows["real · origin=unknown"][:2] == ["1", "100.00% (4/4)"]
    assert rows["real · kind=crawler_text"][0] == "2" and rows["real · kind=pdf"][0] == "1"
    assert rows["real · origin=pingtan"][4] == "87.50%"  # accuracy of unflagged cells
    wrong = text.split("## Documents not fully right", 1)[1]
    assert all(f"`html__c{i}`" in wrong for i in range(9)) and "`r2`" in wrong  # real and converted: every one
    assert sum(f"`b{i}`" in wrong for i in range(9)) == 6  # bench forms: a few


def _bench_forms() -> list[str]:
    return sorted(p.name for p in BENCH.iterdir() if (p / "gold").is_dir())


def _run(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "RESULTS.md"
    p = subprocess.run([sys.executable, "benchmarks/run.py", *args, "--out", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return out.read_text(encoding="utf-8")


def _table(text: str, heading: str) -> dict[str, list[str]]:
    part = text.split(heading, 1)[1].split("\n## ", 1)[0]
    return {c[0]: c[1:] for c in ([x.strip() for x in ln.strip().strip("|").split("|")]
                                  for ln in part.splitlines() if ln.startswith("| "))}


def test_no_ocr_run_shows_scans_as_not_read(tmp_path: Path) -> None:
    text = _run(tmp_path, "--quick", "--no-ocr", "--form", "scan_200", "--form", "text_tabs")
    rows = _table(text, "## Accuracy by format\n")
    assert rows["scan_200"][1] == "needs_ocr 1" and rows["scan_200"][2] == "**not read yet** (needs_ocr)"
    assert re.fullmatch(r"\d+\.\d\d% \(\d+/\d+\)", rows["text_tabs"][2])


@pytest.mark.slow
def test_quick_run_writes_every_table(tmp_path: Path) -> None:
    cells = _real_cells()  # counted before the run: the real corpus is growing
    text = _run(tmp_path, "--quick")
    for heading in ("## Accuracy by format\n", "## Accuracy by format × template × section", "## Identity failures found",
                    "## Speed and memory", "## Baselines on the same PDFs", "## Calibration"):
        assert heading in text
    assert re.search(r"- \*\*commit\*\*: `[0-9a-f]{7,}", text) and "--quick" in text
    rows = _table(text, "## Accuracy by format\n")
    for form in _bench_forms():  # a row for every form of the bench corpus, with a number or "not read yet"
        assert form in rows, form
        status, acc = rows[form][1], rows[form][2]
        if status.startswith("needs_ocr"):
            assert "not read yet (needs_ocr)" in acc.replace("**", "")
        else:
            assert re.match(r"\d+\.\d\d% \(\d+/\d+\)", acc), (form, acc)
    real = next(v for k, v in rows.items() if k.startswith("**real**"))
    assert re.fullmatch(rf"\d+\.\d\d% \(\d+/{cells}\)", real[2])  # the real corpus in full
    for form in sorted(p.name for p in CONVERTED.iterdir() if (p / "gold").is_dir()):  # every converter, scored
        assert re.match(r"\d+\.\d\d% \(\d+/\d+\)", rows[form][2]), (form, rows[form])
    assert any(k.startswith("**converted**") for k in rows)
    by_source = _table(text, "## Real documents by source and input kind\n")
    assert any(k.startswith("real · origin=") for k in by_source) and any(k.startswith("real · kind=") for k in by_source)
    baselines = _table(text, "## Baselines on the same PDFs")
    assert {"pdf", "pdf_unruled", "real_pdf"} <= set(baselines)
    assert (tmp_path / "accuracy_by_format.png").stat().st_size > 10_000


def test_sections_appended_by_hand_are_kept() -> None:
    previous = ("# Benchmark results\n\n## Speed and memory\n\n| a |\n\n"
                "## Batch throughput (appended by hand)\n\nkeep me\n\n## Plot\n\nx\n\n## Notes, appended by hand\n\ny\n")
    assert kept_sections(previous) == ("## Batch throughput (appended by hand)\n\nkeep me\n\n"
                                       "## Notes, appended by hand\n\ny\n")
    assert kept_sections("# Benchmark results\n\n## Plot\n") == ""


def test_a_baseline_tool_not_installed_is_shown_as_such_not_as_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    import benchmarks.run as run

    real = run.importlib.util.find_spec
    monkeypatch.setattr(run.importlib.util, "find_spec", lambda name, *a: None if name == "camelot" else real(name, *a))
    pdf = collect([BENCH], only=["pdf"])["pdf"][:1]
    b = run.run_baselines(pdf, quick=False)
    assert b["camelot_lattice"]["run_error"].startswith("not installed") and "agg" in b["pdfplumber"]
    b["ours"] = {"agg": aggregate([doc_result(GOLD, report(RIGHT), "x")]), "seconds": 1.0}
    res = _res({})
    res["baselines"] = {"pdf": b}
    row = next(ln for ln in render(res, META).splitlines() if ln.startswith("| pdf | 1 |"))
    assert "not installed (pip install 'zfxxgk-extractor[camelot]'" in row and "0.00%" not in row.split("|")[5]

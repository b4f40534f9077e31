"""The benchmark runner: its aggregation on hand-made inputs, and a --quick run end to end."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.run import aggregate, reliability
from tests.conftest import ROOT


def doc(right: int, total: int, **kw) -> dict:
    base = {"stem": "d", "template": "2021", "right": right, "total": total, "by_section": {"apply": (right, total)},
            "wrong": [], "seconds": 0.1, "error": None, "status": "ok", "pages": 2, "inconsistent": [],
            "flagged": 0, "unflagged_right": right, "unflagged_total": total, "failed_identities": [],
            "narrative": Counter(), "conf": []}
    return {**base, **kw}


def test_aggregate_flags_and_inconsistency_recall() -> None:
    docs = [doc(9, 10, flagged=1, unflagged_right=9, unflagged_total=9,
                inconsistent=["apply.balance.total"], failed_identities=["apply.balance.total", "x"]),
            doc(10, 10, failed_identities=["apply.row_total.new_received"]),
            doc(0, 10, status="failed", error="corrupt", unflagged_right=0, unflagged_total=0)]
    a = aggregate(docs)
    assert (a["right"], a["total"], a["exact"]) == (19, 30, 1)
    assert (a["incons_found"], a["incons_total"], a["false_alarms"]) == (1, 1, 1)
    assert a["flagged_share"] == pytest.approx(1 / 30) and a["unflagged_accuracy"] == 1.0
    assert a["statuses"] == {"ok": 2, "failed:corrupt": 1} and a["read"] == 2


def test_reliability_buckets() -> None:
    r = reliability([doc(1, 1, conf=[(1.0, True), (0.995, False), (0.3, False), (0.4, True)])])
    assert r == [("≥0.99", 2, 0.5), ("<0.5", 2, 0.5)]


def test_quick_run_writes_every_table(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    subprocess.run([sys.executable, "benchmarks/run.py", "--quick", "--out", str(out)], cwd=ROOT, check=True,
                   capture_output=True, timeout=600)
    text = out.read_text(encoding="utf-8")
    forms = sorted(p.name for p in (ROOT / "corpora" / "bench").iterdir() if (p / "gold").is_dir())
    for form in forms + ["real"]:
        assert f"| {form} | " in text
    for heading in ("## Accuracy by format", "## Identity failures found", "## Speed and memory",
                    "## Baselines on the same PDFs", "## Calibration"):
        assert heading in text
    assert "| real | 7 | 7 | 100.00% (1392/1392) |" in text
    assert (tmp_path / "accuracy_by_format.png").stat().st_size > 1000

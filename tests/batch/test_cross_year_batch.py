"""The batch writes the year-over-year check for the bodies it saw: OUT/cross_year.jsonl and .parquet."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, load_gold
from tests.render import render

COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]


def test_batch_reports_breaks_between_consecutive_years(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    base = load_gold("001_1feac183b5673ebd")  # carried_forward is 0 in every column
    for year, organ, over in [(2019, "淮安市洪泽区人民政府", 0), (2020, "洪泽区人民政府", 2)]:
        g = copy.deepcopy(base)
        g["year"], g["organ"] = year, organ
        for c in ("natural_person", "total"):  # 2020 says 2 were carried over from 2019: a break
            g["cells"][f"apply.carried_over.{c}"] = over
            g["cells"][f"apply.new_received.{c}"] -= over
        (src / f"{year}.txt").write_text(render(g, "\t"), encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-m", "extractor", "batch", str(src), "--out", str(out), "-q"], cwd=ROOT,
                   check=True, capture_output=True, timeout=300)
    rows = [json.loads(x) for x in (out / "cross_year.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 7 and {r["organ"] for r in rows} == {"淮安市洪泽区人民政府"}
    breaks = sorted(r["column"] for r in rows if r["status"] == "break")
    assert breaks == ["natural_person", "total"]
    assert {(r["source"], r["next_source"]) for r in rows} == {("2019.txt", "2020.txt")}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["cross_year"] == {"ok": 5, "break": 2}
    import pyarrow.parquet as pq

    assert pq.read_table(out / "cross_year.parquet").num_rows == 7

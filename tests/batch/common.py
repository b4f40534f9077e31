"""Helpers for batch tests: a mixed corpus of distinct real inputs, worker-process checks, reading OUT."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

BENCH = ROOT / "corpora" / "bench"
REAL_DOCS = ROOT / "corpora" / "real" / "docs"
FAULTS = "tests.batch.faults:install"


def good_corpus(folder: Path, per_form: dict[str, int]) -> list[str]:
    """Copy the first n documents of each bench form into ``folder/<form>/``; returns the names."""
    names = []
    for form, n in per_form.items():
        (folder / form).mkdir(parents=True, exist_ok=True)
        for src in sorted((BENCH / form / "docs").iterdir())[:n]:
            shutil.copyfile(src, folder / form / src.name)
            names.append(f"{form}/{src.name}")
    return names


def real_text(i: int = 0) -> str:
    """A real report's text, made unique by ``i`` trailing blank lines (so the content hash differs)."""
    return (REAL_DOCS / "002_0843dfdf5e1a4b6d.txt").read_text(encoding="utf-8") + "\n" * i


def worker_children(pid: int | None = None) -> list[int]:
    """Live multiprocessing workers (spawned children) of ``pid`` (default: this process)."""
    pid = os.getpid() if pid is None else pid
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z" and b"spawn_main" in cmd:
            found.append(int(d.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pids: list[int], seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]


def csv_rows(out: Path) -> list[dict[str, str]]:
    with open(out / "cells.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def cli(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, **kw)


def assert_consistent(out: Path) -> list[dict[str, Any]]:
    """One line per path in reports.jsonl; cells.csv (and the Parquet tables, if written) agree with it."""
    recs = records(out)
    paths = [r["path"] for r in recs]
    assert len(paths) == len(set(paths)), "duplicate records"
    expected = sum(len(r["report"]["cells"]) + len(r["report"].get("extra_cells") or {})
                   for r in recs if r["report"] and r["report"]["template"])
    rows = csv_rows(out)
    assert len(rows) == expected
    assert len({(r["document"], r["key"]) for r in rows}) == len(rows), "duplicate cells.csv rows"
    if (out / "documents.parquet").exists():
        import pyarrow.parquet as pq

        docs = pq.read_table(out / "documents.parquet")
        cells = pq.read_table(out / "cells.parquet")
        assert sorted(docs.column("document").to_pylist()) == sorted(paths)
        assert cells.num_rows == expected
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["documents"] == len(recs)
    return recs

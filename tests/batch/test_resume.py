"""Resume: kill -9 halfway then the same command, --retry-failed, identical files, the journal itself."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from extractor.batch import run_batch
from extractor.batch.journal import Journal
from tests.batch.common import (
    FAULTS,
    ROOT,
    assert_consistent,
    cli,
    real_text,
    records,
    wait_gone,
    worker_children,
)
from tests.batch.faults import fault_doc

N_SLOW = 16


def _line_by_path(out: Path) -> dict[str, str]:
    lines = (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(x)["path"]: x for x in lines}


def test_kill_9_halfway_then_same_command_finishes_without_redoing(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i in range(N_SLOW):
        (src / f"doc{i:02d}.txt").write_text(fault_doc("slow", real_text(i), "0.3"), encoding="utf-8")
    cmd = ["batch", str(src), "--out", str(out), "--workers", "2", "--worker-init", FAULTS, "-q"]
    proc = subprocess.Popen([sys.executable, "-m", "extractor", *cmd], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    journal = out / "reports.jsonl"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if journal.exists() and len(journal.read_bytes().splitlines()) >= 5:
            break
        time.sleep(0.05)
    workers = worker_children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert workers and wait_gone(workers) == [], "workers outlived the killed batch"
    before = _line_by_path(out)
    assert 5 <= len(before) < N_SLOW

    p = cli(*cmd)
    assert p.returncode == 0, p.stderr
    assert p.stderr.rstrip().endswith(f"{N_SLOW} processed, 0 failed"), [
        (r["path"], r["error"]) for r in records(out) if r["error"]]
    recs = assert_consistent(out)
    assert len(recs) == N_SLOW and all(r["status"] == "ok" for r in recs)
    after = _line_by_path(out)
    assert all(after[k] == v for k, v in before.items()), "a finished document was redone"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["this_run"]["already_done"] == len(before)
    assert summary["this_run"]["extracted"] == N_SLOW - len(before)


def test_retry_failed_reruns_failures_only(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "good.txt").write_text(real_text(0), encoding="utf-8")
    (src / "flaky.txt").write_text(fault_doc("once", real_text(1), str(tmp_path / "marker")), encoding="utf-8")
    opts = {"ocr": False}
    s1 = run_batch(src, out, opts, workers=1, worker_init=FAULTS)
    assert s1["by_status"] == {"ok": 1, "failed": 1} and s1["by_error_code"] == {"crashed": 1}
    s2 = run_batch(src, out, opts, workers=1, worker_init=FAULTS)
    assert s2["this_run"]["extracted"] == 0 and s2["this_run"]["already_done"] == 2
    assert s2["by_error_code"] == {"crashed": 1}
    s3 = run_batch(src, out, opts, workers=1, worker_init=FAULTS, retry_failed=True)
    assert s3["this_run"]["extracted"] == 1 and s3["this_run"]["already_done"] == 1
    assert s3["by_status"] == {"ok": 2}
    recs = assert_consistent(out)
    assert [r["path"] for r in recs] == ["flaky.txt", "good.txt"]
    assert worker_children() == []


def test_identical_files_extracted_once_and_on_resume(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    (src / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "sub/c.txt"):
        (src / name).write_text(real_text(0), encoding="utf-8")
    (src / "other.txt").write_text(real_text(1), encoding="utf-8")
    s1 = run_batch(src, out, workers=2)
    assert (s1["this_run"]["extracted"], s1["this_run"]["identical"]) == (2, 2)
    by = {r["path"]: r for r in assert_consistent(out)}
    assert by["b.txt"]["same_as"] == "a.txt" and by["sub/c.txt"]["same_as"] == "a.txt"
    assert by["b.txt"]["report"]["source"] == "b.txt"
    assert by["b.txt"]["report"]["cells"] == by["a.txt"]["report"]["cells"]

    shutil.copyfile(src / "other.txt", src / "d.txt")  # a new path, known content
    (src / "a.txt").write_text(real_text(2), encoding="utf-8")  # a known path, new content
    s2 = run_batch(src, out, workers=2)
    run = s2["this_run"]
    assert (run["extracted"], run["identical"], run["already_done"]) == (1, 1, 3)
    by = {r["path"]: r for r in assert_consistent(out)}
    assert len(by) == 5 and by["d.txt"]["same_as"] == "other.txt" and by["a.txt"]["same_as"] is None


def test_journal_drops_a_torn_line_and_keeps_the_last_record(tmp_path: Path) -> None:
    j = tmp_path / "reports.jsonl"
    j.write_text('{"path": "a", "status": "failed", "sha256": "1"}\n'
                 '{"path": "b", "status": "ok", "sha256": "2"}\n'
                 '{"path": "a", "status": "ok", "sha256": "1"}\n'
                 '{"path": "c", "stat', encoding="utf-8")
    journal = Journal(tmp_path)
    assert {k: m.status for k, m in journal.meta.items()} == {"b": "ok", "a": "ok"}
    assert [r["path"] for r in records(tmp_path)] == ["b", "a"]
    journal.append('{"path": "c", "status": "ok", "sha256": "3"}', "c", "ok", "3")
    journal.compact(order=["c", "a", "b"])
    assert [r["path"] for r in records(tmp_path)] == ["c", "a", "b"]
    assert journal.get("a")["status"] == "ok"

"""The hostile corpus as one batch (issue 20, point 7): every input one record with a typed code, each
within time and memory (the supervisor's caps are set low: a bomb that got through would be ``timeout`` or
``memory``, never its limit), nothing left in OUT/.work."""

from __future__ import annotations

import os
import time
from pathlib import Path

from extractor.batch import run_batch
from tests.batch.common import assert_consistent
from tests.batch.hostile import write_bombs, write_hostile


def test_hostile_folder_one_typed_record_each_within_limits(tmp_path: Path) -> None:
    src = tmp_path / "src"
    expected = {f"old/{k}": v for k, v in write_hostile(src / "old").items()}
    expected |= {f"bombs/{k}": v for k, v in write_bombs(src / "bombs").items()}
    os.mkfifo(src / "fifo.txt")
    expected["fifo.txt"] = "input"
    out = tmp_path / "out"
    t0 = time.monotonic()
    summary = run_batch(src, out, {"limits": {"timeout_s": 20, "max_memory_mb": 1536}}, workers=1)
    assert time.monotonic() - t0 < 60
    recs = {r["path"]: r for r in assert_consistent(out)}
    assert sorted(recs) == sorted(expected)
    for name, code in expected.items():
        got = (recs[name].get("error") or {}).get("code")
        assert got == code, (name, recs[name].get("error"))
        assert recs[name]["seconds"] < 15, (name, recs[name]["seconds"])
    assert "internal" not in summary.get("by_error", {}) and not (out / ".work").exists()


def test_a_killed_job_leaves_no_temporary_folder(tmp_path: Path) -> None:
    from tests.batch.common import FAULTS
    from tests.batch.faults import fault_doc

    src = tmp_path / "src"
    src.mkdir()
    where = tmp_path / "where.txt"
    (src / "stuck.txt").write_text(fault_doc("tmphang", "x", str(where)), encoding="utf-8")
    out = tmp_path / "out"
    run_batch(src, out, {"limits": {"timeout_s": 3}}, workers=1, worker_init=FAULTS)
    (rec,) = assert_consistent(out)
    assert rec["error"]["code"] == "timeout"
    made = Path(where.read_text(encoding="utf-8"))
    assert "extractor-batch-" in str(made) and "job-" in str(made)
    assert not made.exists() and not made.parent.parent.exists()  # the job folder and the batch's

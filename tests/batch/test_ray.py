"""``engine="ray"`` on a local Ray instance (skipped without the ``ray`` extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.batch import run_batch
from tests.batch.common import FAULTS, assert_consistent, good_corpus, real_text, worker_children
from tests.batch.faults import fault_doc


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")  # from Ray's internals
def test_ray_engine_on_a_local_instance(tmp_path: Path) -> None:
    pytest.importorskip("ray.data")
    src = tmp_path / "in"
    good = good_corpus(src, {"docx": 2, "text_tabs": 2})
    (src / "zero.txt").write_bytes(b"")
    (src / "crash.txt").write_text(fault_doc("exit"), encoding="utf-8")
    (src / "copy.txt").write_text(real_text(0), encoding="utf-8")
    (src / "copy2.txt").write_text(real_text(0), encoding="utf-8")
    out = tmp_path / "ray"
    summary = run_batch(src, out, workers=2, engine="ray", worker_init=FAULTS)
    by = {r["path"]: r for r in assert_consistent(out)}
    assert len(by) == 8 and summary["this_run"]["engine"] == "ray"
    assert all(by[n]["status"] == "ok" for n in good)
    assert by["zero.txt"]["error"]["code"] == "empty" and by["crash.txt"]["error"]["code"] == "crashed"
    assert by["copy2.txt"]["same_as"] == "copy.txt" and summary["this_run"]["extracted"] == 7
    again = run_batch(src, out, workers=2, engine="ray", worker_init=FAULTS)  # resume: nothing to do
    assert again["this_run"]["already_done"] == 8 and again["this_run"]["extracted"] == 0
    assert worker_children() == []

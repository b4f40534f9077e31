"""A mixed run: real documents, generated hostile files and injected faults, two supervised workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import extract
from extractor.batch import run_batch
from extractor.errors import ExtractorError
from tests.batch.common import FAULTS, assert_consistent, good_corpus, worker_children
from tests.batch.faults import fault_doc
from tests.batch.hostile import write_hostile

FAULT_CODES = {"hang": "timeout", "alloc": "memory", "exit": "crashed", "kill": "crashed", "raise": "internal"}
LIMITS = {"timeout_s": 2.5, "max_memory_mb": 768}


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_hostile_files_give_typed_errors_in_process(tmp_path: Path) -> None:
    """The generated set read by ``extract`` itself (no worker): each a typed error, none hangs."""
    expected = write_hostile(tmp_path)
    for name, code in expected.items():
        try:
            rep = extract(tmp_path / name)
        except ExtractorError as e:
            assert e.code == code, (name, e.code, e.message)
        else:
            assert code == "not_a_report" and rep.template is None, name


def test_mixed_run_one_record_each_and_no_worker_left(tmp_path: Path) -> None:
    src, out = tmp_path / "in", tmp_path / "out"
    good = good_corpus(src, {"text_lines": 13, "text_tabs": 8, "docx": 10, "html": 10, "pdf": 3})
    hostile = {f"hostile/{k}": v for k, v in write_hostile(src / "hostile").items()}
    for kind in FAULT_CODES:
        (src / "faults").mkdir(exist_ok=True)
        (src / "faults" / f"{kind}.txt").write_text(fault_doc(kind), encoding="utf-8")
    summary = run_batch(src, out, {"limits": LIMITS}, workers=2, worker_init=FAULTS)

    recs = assert_consistent(out)
    by = {r["path"]: r for r in recs}
    assert len(recs) == len(good) + len(hostile) + len(FAULT_CODES) == 60
    assert summary["documents"] == 60 and summary["this_run"]["inputs"] == 60
    for name in good:
        assert by[name]["status"] in ("ok", "partial"), (name, by[name]["error"])
    for name, code in hostile.items():
        assert by[name]["status"] == "failed" and by[name]["error"]["code"] == code, (name, by[name]["error"])
    for kind, code in FAULT_CODES.items():
        rec = by[f"faults/{kind}.txt"]
        assert rec["status"] == "failed" and rec["error"]["code"] == code, (kind, rec["error"])
    assert by["faults/kill.txt"]["error"]["message"].count("SIGKILL") == 1
    # the PNG renamed .pdf has the pixel bomb's bytes: extracted once, recorded for both paths
    assert by["hostile/really_a_png.pdf"]["same_as"] == "hostile/pixelbomb.png"
    assert summary["by_error_code"]["timeout"] == 1 and summary["by_error_code"]["crashed"] == 2
    assert worker_children() == []
    assert not (out / ".work").exists()


def test_a_dead_worker_costs_only_its_document(tmp_path: Path) -> None:
    """With one worker, documents queued behind a crash and a timeout still succeed."""
    src, out = tmp_path / "in", tmp_path / "out"
    good = good_corpus(src, {"text_tabs": 2})
    (src / "a_kill.txt").write_text(fault_doc("kill"), encoding="utf-8")
    (src / "b_hang.txt").write_text(fault_doc("hang"), encoding="utf-8")
    run_batch(src, out, {"limits": {"timeout_s": 1}}, workers=1, worker_init=FAULTS)
    by = {r["path"]: r for r in assert_consistent(out)}
    assert [by[n]["status"] for n in good] == ["ok", "ok"]
    assert by["a_kill.txt"]["error"]["code"] == "crashed" and by["b_hang.txt"]["error"]["code"] == "timeout"
    assert worker_children() == []

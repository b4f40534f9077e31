from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import Extractor, extract
from extractor.errors import (
    EmptyDocumentError,
    ExtractorError,
    InputError,
    LimitExceededError,
    UnsupportedFormatError,
)
from tests.conftest import REAL


def test_empty_input_is_a_typed_error(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(EmptyDocumentError) as e:
        extract(p)
    assert e.value.code == "empty" and isinstance(e.value, InputError)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        extract(tmp_path / "nope.txt")


def test_non_word_zip_is_unsupported() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.csv", "x")
    with pytest.raises(UnsupportedFormatError) as e:
        extract(buf.getvalue())
    assert e.value.code == "unsupported"


def test_size_limit(tmp_path: Path) -> None:
    with pytest.raises(LimitExceededError) as e:
        extract("规章 0 0 0\n" * 100, {"limits": {"max_file_bytes": 100}})
    assert e.value.code == "limit"


def test_bad_option_is_named() -> None:
    with pytest.raises(ExtractorError) as e:
        extract("x", {"template": "2018"})
    assert e.value.code == "options" and "template" in e.value.message


def test_gb18030_text_is_decoded(tmp_path: Path) -> None:
    text = (REAL / "docs" / "001_1feac183b5673ebd.txt").read_text(encoding="utf-8")
    p = tmp_path / "gbk.txt"
    p.write_bytes(text.encode("gb18030"))
    rep = extract(p)
    assert rep.template == "2019" and rep.cells["active.licensing.change"].value == 156


def test_extractor_never_raises_for_one_bad_document(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    recs = list(Extractor().iter([REAL / "docs" / "002_0843dfdf5e1a4b6d.txt", tmp_path / "empty.txt"]))
    assert [r.status for r in recs] == ["ok", "failed"]
    assert recs[1].error is not None and recs[1].error.code == "empty" and recs[1].report is None


def _cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, timeout=120)


def test_cli_batch_gives_every_file_one_record(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    for name in ("001_1feac183b5673ebd.txt", "002_0843dfdf5e1a4b6d.txt"):
        (src / name).write_bytes((REAL / "docs" / name).read_bytes())
    (src / "sub" / "empty.txt").write_bytes(b"")
    (src / "sub" / "archive.zip").write_bytes(b"PK\x03\x04garbage")
    (src / "notes.txt").write_text("与年报无关的文字。\n", encoding="utf-8")
    out = tmp_path / "out"
    p = _cli("batch", str(src), "--out", str(out))
    assert p.returncode == 1, p.stderr.decode()  # documents failed: non-zero, as a test runner exits
    assert b"5 processed, 3 failed" in p.stderr
    assert json.loads(p.stdout)["documents"] == 5  # stdout is the summary JSON alone (| jq works)
    again = _cli("batch", str(src), "--out", str(out), "--allow-failures")
    assert again.returncode == 0 and json.loads(again.stdout)["this_run"]["already_done"] == 5
    recs = [json.loads(x) for x in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    by = {r["path"]: r for r in recs}
    assert sorted(by) == ["001_1feac183b5673ebd.txt", "002_0843dfdf5e1a4b6d.txt", "notes.txt",
                          "sub/archive.zip", "sub/empty.txt"]
    assert by["sub/empty.txt"]["error"]["code"] == "empty"
    assert by["sub/archive.zip"]["error"]["code"] == "unsupported"
    # read, but no standard table: failed as not_a_report, the report (template null) kept
    assert by["notes.txt"]["status"] == "failed" and by["notes.txt"]["error"]["code"] == "not_a_report"
    assert by["notes.txt"]["report"]["template"] is None
    rows = (out / "cells.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "document,template,year,organ,key,value,unit,confidence,source,review,raw"
    assert len(rows) == 1 + 2 * 198
    assert '002_0843dfdf5e1a4b6d.txt,2019,2020,新青镇,review.review.upheld,,,' in "\n".join(rows)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents"] == 5
    assert summary["by_error_code"] == {"empty": 1, "unsupported": 1, "not_a_report": 1}


def test_cli_extract_error_is_json_with_code(tmp_path: Path) -> None:
    p = tmp_path / "e.txt"
    p.write_bytes(b"   ")
    r = _cli("extract", str(p), "--json")
    assert r.returncode == 2
    assert json.loads(r.stdout)["error"]["code"] == "empty"


def test_cli_extract_human_summary() -> None:
    r = _cli("extract", str(REAL / "docs" / "002_0843dfdf5e1a4b6d.txt"))
    assert r.returncode == 0
    assert "template:  2019" in r.stdout.decode() and "39 pass, 0 fail, 1 skipped, 0 unconfirmed" in r.stdout.decode()


def test_extract_takes_several_files_and_an_output_file(tmp_path: Path) -> None:
    docs = [str(REAL / "docs" / n) for n in ("000_811754ced70f7104.txt", "001_1feac183b5673ebd.txt")]
    out = tmp_path / "reports.jsonl"
    p = _cli("extract", *docs, str(tmp_path / "nope.txt"), "--json", "-o", str(out))
    assert p.returncode == 2 and p.stdout == b""  # one file could not be read; the others are written
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x.get("source") for x in lines[:2]] == ["000_811754ced70f7104.txt", "001_1feac183b5673ebd.txt"]
    assert lines[2]["error"]["code"] == "input"
    one = _cli("extract", docs[0], "--json")
    assert one.returncode == 0 and json.loads(one.stdout)["template"] == "2019"  # one file: one JSON object


def test_a_failed_document_has_no_counts_not_zero() -> None:
    from extractor.batch.outputs import _doc_row

    row = _doc_row({"path": "x.pdf", "status": "failed", "error": {"code": "corrupt", "message": "bad"}}, [], {})
    assert row["failed_identities"] is None and row["cells_to_review"] is None
    ok = _doc_row({"path": "y.txt", "status": "ok", "report": {"template": "2021", "cells": {}, "checks": []}}, [], {})
    assert ok["failed_identities"] == 0 and ok["cells_to_review"] == 0

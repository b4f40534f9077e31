"""Sources: folder, glob, zip/tar archives (members extracted lazily, under the zip limits), manifests."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest

from extractor.batch import open_source, run_batch
from extractor.batch.records import BatchRecord
from extractor.batch.sources import Prepared
from extractor.options import Limits
from tests.batch.common import BENCH, assert_consistent, cli, real_text, records, worker_children
from tests.batch.hostile import zip_bomb_docx


def _names(source: str | Path, tmp_path: Path) -> list[str]:
    src = open_source(source, Limits(), tmp_path / "work")
    try:
        return [e.name for e in src]
    finally:
        src.close()


def test_folder_glob_and_manifests(tmp_path: Path) -> None:
    d = tmp_path / "docs"
    (d / "a" / ".hidden").mkdir(parents=True)
    for name in ("a/x.txt", "a/y.pdf", "b.txt", "a/.hidden/z.txt", ".DS_Store"):
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text("x", encoding="utf-8")
    assert _names(d, tmp_path) == ["a/x.txt", "a/y.pdf", "b.txt"]
    assert _names(f"{d}/**/*.txt", tmp_path) == ["a/x.txt", "b.txt"]
    assert _names(f"{d}/a/*", tmp_path) == ["x.txt", "y.pdf"]
    (d / "list.csv").write_text("path,note\na/x.txt,1\nmissing.txt,2\n", encoding="utf-8")
    (d / "list.jsonl").write_text('{"path": "b.txt"}\n\n{"path": "a/y.pdf"}\n', encoding="utf-8")
    assert _names(d / "list.csv", tmp_path) == ["a/x.txt", "missing.txt"]
    assert _names(d / "list.jsonl", tmp_path) == ["b.txt", "a/y.pdf"]
    (d / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # a CSV without a path column: a document
    assert _names(d / "data.csv", tmp_path) == ["data.csv"]
    with pytest.raises(FileNotFoundError):
        open_source(tmp_path / "nothing*.txt", Limits(), tmp_path / "work")
    src = open_source(d / "list.csv", Limits(), tmp_path / "work")
    missing = src.prepare(src.entries[1])
    assert isinstance(missing, BatchRecord) and missing.error is not None and missing.error.code == "input"


def test_tar_members_are_extracted_one_at_a_time(tmp_path: Path) -> None:
    arc = tmp_path / "docs.tar.gz"
    with tarfile.open(arc, "w:gz") as tf:
        for name, data in (("r/one.txt", b"one"), ("r/two.txt", b"two" * 10)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    src = open_source(arc, Limits(max_zip_member_bytes=20), tmp_path / "work")
    one, two = list(src)
    p = src.prepare(one)
    assert isinstance(p, Prepared) and p.path.read_bytes() == b"one" and p.path.parent == tmp_path / "work"
    src.release(one)
    assert not p.path.exists()
    big = src.prepare(two)
    assert isinstance(big, BatchRecord) and big.error is not None and big.error.code == "limit"
    src.close()
    assert not (tmp_path / "work").exists()


def test_zip_archive_end_to_end(tmp_path: Path) -> None:
    arc = tmp_path / "archive.zip"
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2020/report.txt", real_text(0))
        z.write(BENCH / "docx" / "docs" / "docx_000.docx", "2021/report.docx")
        z.writestr("2021/bomb.docx", zip_bomb_docx(8))  # the docx inside is itself a zip bomb
        z.writestr("2021/huge.txt", b"0" * (4 << 20))  # inflates 1000x: refused before extraction
        z.writestr("__MACOSX/2020/._report.txt", b"junk")
    out = tmp_path / "out"
    p = cli("batch", str(arc), "--out", str(out), "--workers", "1", "--allow-failures")
    assert p.returncode == 0, p.stderr
    assert p.stderr.rstrip().endswith("4 processed, 2 failed")
    by = {r["path"]: r for r in assert_consistent(out)}
    assert sorted(by) == ["2020/report.txt", "2021/bomb.docx", "2021/huge.txt", "2021/report.docx"]
    assert by["2020/report.txt"]["status"] == "ok" and by["2021/report.docx"]["status"] == "ok"
    assert by["2021/report.docx"]["report"]["source"] == "report.docx"
    assert by["2021/bomb.docx"]["error"]["code"] == "limit"
    assert by["2021/huge.txt"]["error"]["code"] == "limit" and "max_zip_ratio" in by["2021/huge.txt"]["error"]["message"]
    assert not (out / ".work").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["this_run"]["refused"] == 1


def test_missing_ray_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from extractor.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "ray", None)
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(MissingDependencyError) as e:
        run_batch(tmp_path / "a.txt", tmp_path / "out", engine="ray")
    assert "pip install 'zfxxgk-extractor[ray]'" in e.value.message
    assert worker_children() == []


def test_an_out_folder_inside_source_is_no_input(tmp_path: Path) -> None:
    src = tmp_path / "docs"
    src.mkdir()
    (src / "a.txt").write_text(real_text(0), encoding="utf-8")
    out = src / "out"
    first = cli("batch", str(src), "--out", str(out), "--workers", "1", "-q")
    assert first.returncode == 0, first.stderr
    again = cli("batch", str(src), "--out", str(out), "--workers", "1", "-q")  # out/ now holds reports.jsonl, csv
    assert again.returncode == 0, again.stderr
    assert [r["path"] for r in records(out)] == ["a.txt"]

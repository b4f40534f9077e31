"""Only regular files, only inside the input; every archive member one record (issue 20, points 2-3)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from extractor import extract
from extractor.batch import open_source, run_batch
from extractor.batch.records import BatchRecord
from extractor.errors import ExtractorError
from extractor.options import Limits
from tests.batch.common import cli, real_text

SECRET = "绝密 SECRET-7f3a 本年新收政府信息公开申请数量 999\n"


def _secret(tmp_path: Path) -> Path:
    p = tmp_path / "outside" / "secret.txt"
    p.parent.mkdir(parents=True)
    p.write_text(real_text(0).replace("政府信息公开", "政府信息公开", 1) + SECRET, encoding="utf-8")
    return p


def _outputs_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir()
                     if p.is_file() and p.suffix in (".jsonl", ".csv", ".json"))


def _assert_no_leak(out: Path, secret: Path) -> None:
    text = _outputs_text(out)
    assert "SECRET-7f3a" not in text
    assert hashlib.sha256(secret.read_bytes()).hexdigest() not in text


def _by_path(out: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    recs = [json.loads(x) for x in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({r["path"] for r in recs}) == len(recs)
    return {r["path"]: r for r in recs}


def _code(rec: dict) -> str | None:  # type: ignore[type-arg]
    return (rec.get("error") or {}).get("code")


def test_device_and_fifo_are_refused_before_opening(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for p in (Path("/dev/zero"), fifo, tmp_path):
        with pytest.raises(ExtractorError) as e:
            extract(p)
        assert e.value.code == "input" and "not a regular file" in e.value.message
    (tmp_path / "list.csv").write_text(f"path\n/dev/zero\n{fifo}\nmissing.txt\n", encoding="utf-8")
    src = open_source(tmp_path / "list.csv", Limits(), tmp_path / "work")
    recs = [src.prepare(e) for e in src]
    assert all(isinstance(r, BatchRecord) and r.error is not None and r.error.code == "input" for r in recs)


def test_folder_links_out_of_source_are_refused_and_nothing_leaks(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "good.txt").write_text(real_text(1), encoding="utf-8")
    (src / "to_secret.txt").symlink_to(secret)
    (src / "sub" / "rel_secret.txt").symlink_to("../../outside/secret.txt")
    (src / "outdir").symlink_to(secret.parent, target_is_directory=True)
    (src / "inside_link.txt").symlink_to(src / "good.txt")
    (src / "loop").symlink_to(src, target_is_directory=True)  # inside: not followed, no record
    (src / "dangling.txt").symlink_to(tmp_path / "nothing")
    (src / "zero").symlink_to("/dev/zero")
    os.mkfifo(src / "fifo.txt")
    out = tmp_path / "out"
    run_batch(src, out, workers=1)
    by = _by_path(out)
    assert sorted(by) == ["dangling.txt", "fifo.txt", "good.txt", "inside_link.txt", "outdir",
                          "sub/rel_secret.txt", "to_secret.txt", "zero"]
    for name in ("to_secret.txt", "sub/rel_secret.txt", "outdir", "zero", "dangling.txt"):
        assert _code(by[name]) == "outside_source", by[name]
        assert by[name]["sha256"] is None
    assert _code(by["fifo.txt"]) == "input"
    assert by["good.txt"]["status"] == "ok" and by["inside_link.txt"]["same_as"] == "good.txt"
    _assert_no_leak(out, secret)
    assert not (out / ".work").exists()


def _tar(path: Path, secret: Path) -> None:
    with tarfile.open(path, "w") as tf:
        def add(info: tarfile.TarInfo, data: bytes = b"") -> None:
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data) if data else None)

        add(tarfile.TarInfo("docs/report.txt"), real_text(2).encode())
        for name, kind, target in (("docs/hard.txt", tarfile.LNKTYPE, "docs/report.txt"),
                                   ("docs/sym.txt", tarfile.SYMTYPE, "report.txt"),
                                   ("docs/hard_out.txt", tarfile.LNKTYPE, str(secret)),
                                   ("docs/sym_out.txt", tarfile.SYMTYPE, str(secret)),
                                   ("docs/sym_up.txt", tarfile.SYMTYPE, "../../outside/secret.txt"),
                                   ("docs/loop_a.txt", tarfile.SYMTYPE, "loop_b.txt"),
                                   ("docs/loop_b.txt", tarfile.SYMTYPE, "loop_a.txt")):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            add(info)
        for name, kind in (("docs/null", tarfile.CHRTYPE), ("docs/disk", tarfile.BLKTYPE),
                           ("docs/pipe", tarfile.FIFOTYPE)):
            info = tarfile.TarInfo(name)
            info.type = kind
            add(info)
        add(tarfile.TarInfo("../escape.txt"), b"x")
        add(tarfile.TarInfo("/abs.txt"), b"y")
        add(tarfile.TarInfo("docs/dup.txt"), b"first")
        add(tarfile.TarInfo("docs/dup.txt"), b"second")


def test_every_tar_member_one_record(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    arc = tmp_path / "in.tar"
    _tar(arc, secret)
    out = tmp_path / "out"
    run_batch(arc, out, workers=1)
    by = _by_path(out)
    assert len(by) == 15, sorted(by)  # 15 members, 15 records
    assert by["docs/report.txt"]["status"] == "ok"
    assert by["docs/hard.txt"]["same_as"] == "docs/report.txt" and by["docs/sym.txt"]["same_as"] == "docs/report.txt"
    for name in ("docs/hard_out.txt", "docs/sym_out.txt", "docs/sym_up.txt", "docs/loop_a.txt", "docs/loop_b.txt"):
        assert _code(by[name]) == "outside_source", name
    for name in ("docs/null", "docs/disk", "docs/pipe", "../escape.txt", "/abs.txt"):
        assert _code(by[name]) == "input", name
    assert "docs/dup.txt" in by and "docs/dup.txt#2" in by
    _assert_no_leak(out, secret)
    assert not (out / ".work").exists()


def test_every_zip_member_one_record(tmp_path: Path) -> None:
    arc = tmp_path / "in.zip"
    with zipfile.ZipFile(arc, "w") as z, pytest.warns(UserWarning):
        z.writestr("a.txt", real_text(3))
        z.writestr("a.txt", real_text(4))  # a duplicate name: zipfile warns, the archive holds both
        z.writestr("../up.txt", "x")
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (0o120777 << 16)
        z.writestr(link, "/etc/passwd")
        link_in = zipfile.ZipInfo("link_in.txt")
        link_in.external_attr = (0o120777 << 16)
        z.writestr(link_in, "a.txt")
    out = tmp_path / "out"
    run_batch(arc, out, workers=1)
    by = _by_path(out)
    assert sorted(by) == ["../up.txt", "a.txt", "a.txt#2", "link.txt", "link_in.txt"]
    assert by["a.txt"]["status"] == "ok" and by["a.txt#2"]["status"] == "ok"
    assert by["a.txt"]["sha256"] != by["a.txt#2"]["sha256"]
    assert _code(by["../up.txt"]) == "input" and _code(by["link.txt"]) == "outside_source"
    assert by["link_in.txt"]["status"] == "ok"


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_a_damaged_archive_gives_a_record_a_summary_and_a_clean_exit(tmp_path: Path, kind: str) -> None:
    if kind == "zip":
        arc = tmp_path / "broken.zip"
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("a.txt", real_text(5))
        data = bytearray(buf.getvalue())
        cd = data.rfind(b"PK\x01\x02")
        data[cd + 4: cd + 6] = b"\xff\xff"  # central directory: "made by" of an unknown version
        data[cd + 6: cd + 8] = b"\xff\xff"  # "version needed" that zipfile does not implement
        data[cd + 10: cd + 12] = b"\x63\x00"  # compression method 99
        data[-22 + 16: -22 + 20] = b"\xff\xff\xff\x7f"  # and a central directory offset past the end
        arc.write_bytes(bytes(data))
    else:
        arc = tmp_path / "broken.tar.gz"
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            for i in range(3):
                data = real_text(10 + i).encode() + os.urandom(4000).hex().encode()
                info = tarfile.TarInfo(f"r{i}.txt")
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
        arc.write_bytes(buf.getvalue()[: len(buf.getvalue()) * 2 // 3])
    out = tmp_path / "out"
    p = cli("batch", str(arc), "--out", str(out), "--workers", "1")
    assert p.returncode == 1, p.stderr  # the archive's damage is a failed record: the batch says so
    assert "Traceback" not in p.stderr
    by = _by_path(out)
    assert any(_code(r) == "corrupt" for r in by.values()), by
    assert (out / "summary.json").exists() and not (out / ".work").exists()

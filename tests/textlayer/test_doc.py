"""DOC (Word 97-2003) through LibreOffice; a clear error naming the package when it is missing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.score import score_document
from extractor import extract
from extractor.errors import MissingDependencyError
from extractor.textlayer import convert
from tests.conftest import ROOT

BENCH = ROOT / "corpora" / "bench" / "docx"


def _to_doc(src: Path, tmp: Path) -> Path:
    exe = shutil.which("soffice")
    assert exe, "LibreOffice is needed for this test: apt-get install libreoffice-writer (.ci/run installs it)"
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp / 'p'}", "--headless", "--convert-to", "doc",
                    "--outdir", str(tmp), str(src)], check=True, capture_output=True, timeout=120)
    return tmp / (src.stem + ".doc")


def test_doc_is_converted_and_read_like_docx(tmp_path: Path) -> None:
    doc = _to_doc(BENCH / "docs" / "docx_003.docx", tmp_path)
    renamed = tmp_path / "report.bin"  # the format is sniffed from content, not the extension
    renamed.write_bytes(doc.read_bytes())
    rep = extract(renamed)
    gold = json.loads((BENCH / "gold" / "docx_003.json").read_text(encoding="utf-8"))
    assert rep.format == "doc"
    assert score_document(gold, rep.model_dump(), "docx_003").wrong == []


def test_missing_libreoffice_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXTRACTOR_SOFFICE", raising=False)
    monkeypatch.setattr(convert.shutil, "which", lambda name: None)
    with pytest.raises(MissingDependencyError) as e:
        convert.convert_to_docx(b"\xd0\xcf\x11\xe0")
    assert "libreoffice-writer" in e.value.message and e.value.code == "missing_dependency"

"""Errors a user can act on: a string that looks like a path but names no file, and a folder, are ``input``
errors (not a report of that string as text); text can be said explicitly; a text that happens to start
with "BM" or "GIF8" is no image."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractor import extract
from extractor.errors import InputError
from extractor.ingest import sniff_bytes


@pytest.mark.parametrize("name", ["nope.txt", "reports/2023/annual.pdf", "C:report.docx", "a b/page.html"])
def test_a_path_to_no_file_is_an_input_error(name: str) -> None:
    with pytest.raises(InputError, match="no such file") as e:
        extract(name)
    assert e.value.code == "input"


def test_a_folder_is_an_input_error(tmp_path: Path) -> None:
    for source in (str(tmp_path), tmp_path):
        with pytest.raises(InputError) as e:
            extract(source)
        assert e.value.code == "input"


def test_text_can_be_said_explicitly() -> None:
    rep = extract(text="nope.txt")  # whatever it looks like, it is the document's text
    assert rep.template is None and rep.format == "text"
    rep = extract(text="三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n",
                  options={"template": "2021"})
    assert rep.cells["apply.new_received.total"].value == 1
    with pytest.raises(InputError):
        extract("a", text="b")
    with pytest.raises(InputError):
        extract()


def test_one_line_texts_are_still_texts() -> None:
    assert extract("规章 0 0 0").format == "text"


def test_text_starting_like_an_image_header_is_text() -> None:
    assert sniff_bytes("BMI 指数说明：本报告……".encode()) == "text"
    assert sniff_bytes(b"GIF8 is not a GIF") == "text"
    bmp = b"BM" + (70).to_bytes(4, "little") + b"\0\0\0\0" + (54).to_bytes(4, "little") + b"\0" * 56
    assert sniff_bytes(bmp) == "image"
    assert sniff_bytes(b"GIF89a" + b"\0" * 20) == "image"


@pytest.mark.parametrize(("module", "doc", "extra"), [
    ("pdfplumber", "corpora/real/docs/szfgs2024.pdf", "docs"),
    ("lxml", "corpora/real/docs/shuyang_fgj_2023.html", "docs"),
    ("docx", "corpora/bench/docx/docs/docx_000.docx", "docs"),
])
def test_a_missing_extra_is_missing_dependency_naming_it(monkeypatch: pytest.MonkeyPatch, module: str, doc: str,
                                                         extra: str) -> None:
    from extractor.errors import MissingDependencyError
    from tests.conftest import ROOT

    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, module, None)  # import of it fails, as where it is not installed
    with pytest.raises(MissingDependencyError) as e:
        extract(ROOT / doc)
    assert e.value.code == "missing_dependency" and f"zfxxgk-extractor[{extra}]" in e.value.message

"""The converted bench form (corpora/converted, made by corpora/convert): every document has its source's gold,
the manifest matches the files and the sources, and the generator is byte for byte deterministic and makes
what is checked in (on a small sample)."""

from __future__ import annotations

import filecmp
import hashlib
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpora.convert import BY_FORM, CONVERTERS, check_versions, pins, sniff
from tests.conftest import ROOT

CONVERTED = ROOT / "corpora" / "converted"
MANIFEST = json.loads((CONVERTED / "manifest.json").read_text(encoding="utf-8"))
STALE = "corpora/converted is stale: run `make corpus-converted`"


def _forms() -> list[Path]:
    return sorted(p for p in CONVERTED.iterdir() if (p / "gold").is_dir())


def test_every_converter_has_a_form_and_the_manifest_lists_every_file() -> None:
    assert [p.name for p in _forms()] == sorted(c.form for c in CONVERTERS)
    for form in _forms():
        docs = sorted(p.name for p in (form / "docs").iterdir())
        golds = sorted(p.stem for p in (form / "gold").glob("*.json"))
        assert [Path(d).stem for d in docs] == golds, form.name
        assert {Path(d).suffix for d in docs} == {BY_FORM[form.name].ext}, form.name
        assert sorted(it["doc"] for it in MANIFEST["forms"][form.name]["items"]) == docs, (form.name, STALE)
        assert MANIFEST["forms"][form.name]["docs"] == len(docs) > 0, form.name


@pytest.mark.parametrize("form", [c.form for c in CONVERTERS])
def test_gold_is_the_source_gold_and_the_source_unchanged(form: str) -> None:
    for it in MANIFEST["forms"][form]["items"]:
        src = ROOT / it["source"]
        assert src.exists() and hashlib.sha256(src.read_bytes()).hexdigest() == it["source_sha256"], (it["doc"], STALE)
        src_gold = json.loads((src.parent.parent / "gold" / f"{it['doc'].split('__', 1)[1].rsplit('.', 1)[0]}.json")
                              .read_text(encoding="utf-8"))
        gold = json.loads((CONVERTED / form / "gold" / f"{Path(it['doc']).stem}.json").read_text(encoding="utf-8"))
        assert gold["source"] == it["doc"]
        assert gold["cells"] == src_gold["cells"] and gold.get("template") == src_gold.get("template"), (it["doc"], STALE)
        assert (CONVERTED / form / "docs" / it["doc"]).stat().st_size == it["bytes"]


def test_kinds_are_told_by_content() -> None:
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"PK\x03\x04....[Content_Types].xml....word/document.xml") == "docx"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "doc"
    assert sniff("\ufeff<!DOCTYPE html><html>".encode()) == "html"
    assert sniff("<div><table><tr><td>规章</td></tr></table>".encode("gbk")) == "html"
    assert sniff("一、总体情况\n规章 0 0 0\n".encode()) == "text"


def test_pins_are_exact_and_cover_every_converter_library() -> None:
    pinned = pins()
    dists = {d for c in CONVERTERS for d in c.dists}
    assert not check_versions({d.lower().replace(".", "-"): pinned.get(d.lower().replace(".", "-"), "?") for d in dists},
                              pinned)
    assert set(MANIFEST["versions"]) <= set(pinned) and all(pinned[d] == v for d, v in MANIFEST["versions"].items())


SAMPLE_FORMS = "conv_markitdown_pdf,conv_markitdown_docx,conv_docx2txt,conv_html2text,conv_inscriptis,conv_trafilatura," \
               "conv_bs4_newline,conv_bs4_join"


@pytest.mark.skipif(any(importlib.util.find_spec(m) is None for m in ("markitdown", "docx2txt", "html2text", "inscriptis",
                                                                      "trafilatura", "bs4")),
                    reason="the convert extra is not installed (pip install -e '.[convert]')")
def test_generator_is_deterministic_and_makes_what_is_checked_in(tmp_path: Path) -> None:
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        p = subprocess.run([sys.executable, "-m", "corpora.convert", "--out", str(out), "--n", "1", "--real-n", "0",
                            "--forms", SAMPLE_FORMS], cwd=ROOT, capture_output=True, text=True, timeout=600)
        assert p.returncode == 0, p.stderr[-3000:]
        outs.append(out)
    cmp = filecmp.dircmp(outs[0], outs[1])
    assert _same_tree(outs[0], outs[1]), cmp.report()
    made = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file() and p.parent.name in ("docs", "gold"))
    # a doc and a gold for the first document of each bench form the converter takes (pdf and pdf_unruled for PDFs)
    assert len(made) == sum(2 * (2 if BY_FORM[f].kind == "pdf" else 1) for f in SAMPLE_FORMS.split(","))
    for rel in made:  # the first bench document of each form, as checked in
        assert (CONVERTED / rel).read_bytes() == (outs[0] / rel).read_bytes(), (rel, STALE)


def _same_tree(a: Path, b: Path) -> bool:
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return fa == fb and all((a / r).read_bytes() == (b / r).read_bytes() for r in fa)

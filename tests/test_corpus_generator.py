"""The synthetic corpus generator (corpora/synthetic): deterministic, and its gold files are complete
and consistent with the template identities except where a document breaks one on purpose."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.templates import load_template

REPO = Path(__file__).resolve().parent.parent
TEXT_FORMS = "text_lines,text_tabs,text_glued,html"
N = 10  # enough to cover both templates, the mixed form, one inconsistent document and blanks


def _generate(out: Path, seed: int = 0) -> None:
    subprocess.run(
        [sys.executable, "-m", "corpora.synthetic.generate", "--out", str(out), "--seed", str(seed),
         "--forms", TEXT_FORMS, "--n", str(N)],
        cwd=REPO, check=True, capture_output=True, timeout=120,
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus-a")
    _generate(out)
    return out


def _golds(root: Path) -> list[tuple[str, dict]]:
    files = sorted(root.glob("*/gold/*.json"))
    assert files, f"no gold files under {root}"
    return [(f"{p.parent.parent.name}/{p.stem}", json.loads(p.read_text(encoding="utf-8"))) for p in files]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "corpus-b"
    _generate(again)
    a, b = _files(corpus), _files(again)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    assert len([k for k in a if "/docs/" in k]) == N * len(TEXT_FORMS.split(","))


def test_other_seed_other_documents(corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "corpus-c"
    _generate(other, seed=1)
    a, b = _files(corpus), _files(other)
    assert a.keys() == b.keys()
    assert sum(a[k] != b[k] for k in a if "/docs/" in k) == len([k for k in a if "/docs/" in k])


def test_gold_covers_exactly_the_template_keys(corpus: Path) -> None:
    for name, gold in _golds(corpus):
        assert gold["template"] in ("2019", "2021"), name
        assert list(gold["cells"]) == load_template(gold["template"]).keys(), name
        assert (corpus / name.split("/")[0] / "docs" / gold["source"]).is_file(), name
        assert {"source", "template", "year", "organ", "cells", "units"} <= gold.keys(), name
        assert gold["organ"], name
        assert gold["year"] in ((2019, 2020) if gold["template"] == "2019" else range(2021, 2025)), name


def _broken(template_id: str, cells: dict) -> list[str]:
    out = []
    for ident in load_template(template_id).identities:
        keys = (*ident.lhs, *ident.rhs)
        if any(cells[k] is None for k in keys):
            continue
        if abs(sum(cells[k] for k in ident.lhs) - sum(cells[k] for k in ident.rhs)) > 1e-9:
            out.append(ident.id)
    return out


def test_gold_satisfies_identities_except_listed(corpus: Path) -> None:
    inconsistent = 0
    for name, gold in _golds(corpus):
        listed = gold.get("inconsistent", [])
        assert _broken(gold["template"], gold["cells"]) == listed, name
        inconsistent += bool(listed)
    assert inconsistent >= 1  # the corpus does carry deliberate inconsistencies


def test_corpus_mixes_templates_forms_and_blanks(corpus: Path) -> None:
    golds = [g for _, g in _golds(corpus)]
    assert {g["template"] for g in golds} == {"2019", "2021"}
    assert any(g.get("mixed_form") for g in golds)
    assert any(v is None for g in golds for v in g["cells"].values())
    mixed = [g for g in golds if g.get("mixed_form")]
    for g in mixed:  # keys.md: sub-rows are 0 where the single （六） row is 0, else null
        for k, v in g["extra_cells"].items():
            col = k.rsplit(".", 1)[1]
            subs = [g["cells"][f"apply.result.other.{s}.{col}"] for s in ("overdue_correction", "unpaid_fee", "misc")]
            assert subs == ([0, 0, 0] if v == 0 else [None, None, None]), (g["source"], k)

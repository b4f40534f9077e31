"""The wheel works outside the checkout: built from this tree, installed into a fresh virtual environment and
run from a folder with no models/ beside it, it extracts a seed text, a real PDF and a scan with the same
cells as the code in the repo. (Dependencies come from the test's own environment through a path entry,
so no network is needed; the package itself comes only from the wheel.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from extractor import extract
from tests.conftest import ROOT

DOCS = [ROOT / "corpora/real/docs/000_811754ced70f7104.txt", ROOT / "corpora/real/docs/szfgs2024.pdf",
        ROOT / "corpora/bench/scan_200/docs/scan_200_000.pdf"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp / "dist"), str(ROOT)], check=True, capture_output=True)
    (wheel,) = (tmp / "dist").glob("*.whl")
    assert wheel.name.startswith("zfxxgk_extractor-")
    names = zipfile.ZipFile(wheel).namelist()
    assert "extractor/_models/templates/2021.yaml" in names and "extractor/_models/lexicon/userdict.txt" in names
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    # the dependencies (pdfplumber, rapidocr, ...) from this environment, as a plain path: its .pth files (the
    # editable install of this checkout among them) are not processed there
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return py


def test_the_installed_package_comes_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    out = subprocess.run([str(installed), "-c", "import extractor, extractor.templates as t; "
                          "print(extractor.__file__); print(t.models_dir())"],
                         cwd=tmp_path, check=True, capture_output=True, text=True).stdout.split("\n")
    assert str(ROOT) not in out[0] and "_models" in out[1]


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_the_wheel_extracts_as_the_repo_does(installed: Path, tmp_path: Path, doc: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    run = subprocess.run([str(installed), "-m", "extractor", "extract", str(doc), "--json"], cwd=tmp_path,
                         capture_output=True, text=True, env=env, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    theirs = json.loads(run.stdout)
    ours = extract(doc).model_dump(mode="json")
    assert theirs["template"] == ours["template"] is not None
    assert {k: c["value"] for k, c in theirs["cells"].items()} == {k: c["value"] for k, c in ours["cells"].items()}

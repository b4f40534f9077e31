"""The OCR stage end to end on a bench scan (rapidocr, bundled PP-OCR weights, no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.score import score_document
from extractor import extract
from extractor.errors import OptionsError
from extractor.ocr import get_engine
from tests.conftest import ROOT

SCAN = ROOT / "corpora" / "bench" / "scan_200"


@pytest.mark.ocr
def test_image_only_pdf_is_read_by_ocr_with_provenance() -> None:
    stem = "scan_200_001"
    gold = json.loads((SCAN / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    rep = extract(SCAN / "docs" / f"{stem}.pdf")
    assert rep.ocr_engine == "rapidocr" and rep.format == "pdf"
    s = score_document(gold, rep.model_dump(), stem)
    assert s.right / s.total >= 0.99, s.wrong
    cell = rep.cells["apply.new_received.total"]
    assert cell.prov.page is not None and cell.prov.bbox is not None
    x0, top, x1, bottom = cell.prov.bbox
    assert 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 850  # PDF points on an A4 page


def test_ocr_off_gives_needs_ocr_status() -> None:
    rep = extract(SCAN / "docs" / "scan_200_001.pdf", {"ocr": False})
    assert rep.status == "needs_ocr" and rep.cells == {}


def test_unknown_engine_lists_the_known_ones() -> None:
    with pytest.raises(OptionsError) as e:
        get_engine("tesseract9")
    assert "rapidocr" in e.value.message and "paddleocr" in e.value.message


def test_paddle_engine_needs_model_folders(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from extractor.ocr.paddle import PaddleOcrEngine, model_dirs

    monkeypatch.delenv("EXTRACTOR_PADDLE_MODEL_DIR", raising=False)
    with pytest.raises(OptionsError) as e:
        PaddleOcrEngine()
    assert "EXTRACTOR_PADDLE_MODEL_DIR" in e.value.message
    (tmp_path / "ch_PP-OCRv4_det_infer").mkdir()
    (tmp_path / "rec").mkdir()
    assert set(model_dirs(str(tmp_path))) == {"det", "rec"}


def test_paddle_engine_without_paddleocr_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import sys

    from extractor.errors import MissingDependencyError
    from extractor.ocr.paddle import PaddleOcrEngine

    (tmp_path / "det").mkdir()
    (tmp_path / "rec").mkdir()
    monkeypatch.setitem(sys.modules, "paddleocr", None)  # import fails as if not installed
    with pytest.raises(MissingDependencyError) as e:
        PaddleOcrEngine(str(tmp_path))
    assert "zfxxgk-extractor[paddle]" in e.value.message


def test_seal_ink_is_dropped_and_print_under_it_kept() -> None:
    import numpy as np

    from extractor.textlayer.scan import drop_seal_ink, stamp_mask

    page = np.full((200, 200, 3), 255, dtype=np.uint8)
    page[50:150, 90:110] = 0  # a black stroke
    a = 0.8  # seal ink (205, 30, 40) over paper and over the stroke, as a semi-opaque stamp
    seal = np.array([205, 30, 40], dtype=np.float32)
    region = page[40:160, 40:160].astype(np.float32)
    page[40:160, 40:160] = (seal * a + region * (1 - a)).astype(np.uint8)
    assert stamp_mask(page) is not None
    out = drop_seal_ink(page)
    assert out.shape == page.shape
    gray = out[..., 0].astype(int)
    assert gray[45, 45] > 200  # seal over paper: near white
    assert gray[100, 100] < gray[45, 45] - 40  # the stroke under the seal stays darker than the paper around it
    assert gray[10, 10] == 255 and gray[55, 100] == gray[100, 100]


@pytest.mark.ocr
def test_the_ocr_engine_logs_nothing_on_stderr_unless_verbose(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXTRACTOR_")}
    scan = ROOT / "corpora/bench/scan_200/docs/scan_200_000.pdf"
    quiet = subprocess.run([sys.executable, "-m", "extractor", "extract", str(scan)], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert quiet.returncode == 0 and "[INFO]" not in quiet.stderr, quiet.stderr[:500]
    assert "template:  2021" in quiet.stdout or "template:  2019" in quiet.stdout

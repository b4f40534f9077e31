"""The OCR stage end to end on a bench scan (rapidocr, bundled PP-OCR weights, no network)."""

from __future__ import annotations

import json

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
    assert "extractor[paddle]" in e.value.message

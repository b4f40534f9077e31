"""The OCR engine runs with the parameters chosen by measurement (models/ocr/rapidocr.yaml: none today, the
measurements that did not pay are written there)."""

from __future__ import annotations

import pytest

from extractor.ocr import rapid


def test_tuned_parameters_are_data_and_reach_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rapid, "tuned_params", lambda: {"Det.limit_side_len": 1600})
    seen: dict = {}

    class Fake:
        def __init__(self, params: dict) -> None:
            seen.update(params)

    import rapidocr

    monkeypatch.setattr(rapidocr, "RapidOCR", Fake)
    rapid.RapidOcrEngine(threads=1)
    assert seen["Det.limit_side_len"] == 1600 and seen["EngineConfig.onnxruntime.intra_op_num_threads"] == 1


def test_the_parameter_file_is_read_from_the_models_folder(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("EXTRACTOR_MODELS_DIR", str(tmp_path))
    assert rapid.tuned_params() == {}  # no file: the engine's defaults
    (tmp_path / "ocr").mkdir()
    (tmp_path / "ocr" / "rapidocr.yaml").write_text("# measured\nDet.limit_side_len: 1280\n", encoding="utf-8")
    assert rapid.tuned_params() == {"Det.limit_side_len": 1280}
    (tmp_path / "ocr" / "rapidocr.yaml").write_text("{}\n", encoding="utf-8")
    assert rapid.tuned_params() == {}

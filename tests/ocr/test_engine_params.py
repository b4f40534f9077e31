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


def test_the_parameter_file_is_read() -> None:
    assert rapid.tuned_params() == {}  # the defaults: see the measurements in models/ocr/rapidocr.yaml

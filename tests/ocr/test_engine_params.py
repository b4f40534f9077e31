"""The OCR engine runs with the parameters chosen by measurement (models/ocr/rapidocr.yaml)."""

from __future__ import annotations

import pytest

from extractor.ocr import rapid


def test_tuned_parameters_are_data_and_reach_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    params = rapid.tuned_params()
    assert params["Det.limit_type"] == "max" and params["Det.limit_side_len"] == 1600
    seen: dict = {}

    class Fake:
        def __init__(self, params: dict) -> None:
            seen.update(params)

    import rapidocr

    monkeypatch.setattr(rapidocr, "RapidOCR", Fake)
    rapid.RapidOcrEngine(threads=1)
    assert seen["Det.limit_side_len"] == 1600 and seen["EngineConfig.onnxruntime.intra_op_num_threads"] == 1

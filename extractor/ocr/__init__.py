"""OCR behind one engine interface.

Every engine turns a page image into :class:`~extractor.datamodel.Word` records (text, box in the image's
pixels, confidence, page, engine name), so later stages never branch on the engine. Engines are registered
by name and loaded lazily; the engine is chosen by ``Options.ocr_engine`` or ``EXTRACTOR_OCR_ENGINE``.

* ``rapidocr`` (default): PaddleOCR's PP-OCR detection, orientation and recognition models run by
  onnxruntime; the weights ship inside the ``rapidocr`` wheel, nothing is downloaded at run time.
  Uses the GPU when ``onnxruntime-gpu`` provides the CUDA execution provider.
* ``paddleocr``: PaddleOCR itself, when paddleocr + paddlepaddle are installed and model folders are given
  (``EXTRACTOR_PADDLE_MODEL_DIR``).
"""

from __future__ import annotations

import importlib
import threading
from typing import Any, Protocol

import numpy as np

from ..datamodel import Word
from ..errors import OptionsError


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: np.ndarray, page: int) -> list[Word]:
        """Words of one RGB page image (H×W×3 uint8); boxes in that image's pixels."""
        ...


ENGINES: dict[str, str] = {
    "rapidocr": "extractor.ocr.rapid:RapidOcrEngine",
    "paddleocr": "extractor.ocr.paddle:PaddleOcrEngine",
}

_cache: dict[str, OcrEngine] = {}
_lock = threading.Lock()


def register(name: str, target: str) -> None:
    ENGINES[name] = target


def get_engine(name: str, **kwargs: Any) -> OcrEngine:
    """The engine of that name, built once per process (model loading costs a second or more)."""
    if name not in ENGINES:
        raise OptionsError(f"unknown OCR engine {name!r}; known: {', '.join(sorted(ENGINES))}")
    with _lock:
        if name not in _cache:
            mod, cls = ENGINES[name].split(":")
            _cache[name] = getattr(importlib.import_module(mod), cls)(**kwargs)
        return _cache[name]


__all__ = ["ENGINES", "OcrEngine", "get_engine", "register"]

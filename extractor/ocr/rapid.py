"""The default engine: PP-OCR (detection, orientation, recognition) through rapidocr + onnxruntime, with
the PP-OCRv6 ONNX weights bundled in the ``rapidocr`` wheel (pinned: another version bundles other models
and would try to download the missing ones)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import yaml

from ..datamodel import Provenance, Word
from ..errors import EngineError, MissingDependencyError
from ..settings import settings
from ..templates import models_dir

INSTALL_HINT = "OCR needs the 'ocr' extra: pip install 'zfxxgk-extractor[ocr]' (rapidocr==3.10.0 and onnxruntime)"
# Two intra-op threads: measured 2.6 s/page at 200 dpi on 2 cores vs 4.7 s with one (tooling notes §4).
DEFAULT_THREADS = 2


def tuned_params() -> dict[str, Any]:
    """The engine parameters chosen for this job by measurement (models/ocr/rapidocr.yaml, with the numbers)."""
    path = models_dir() / "ocr" / "rapidocr.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(data)


def _use_gpu() -> bool:
    try:
        import onnxruntime as ort
    except ImportError:
        return False
    return "CUDAExecutionProvider" in ort.get_available_providers()


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, threads: int | None = None) -> None:
        try:
            import onnxruntime  # noqa: F401  (rapidocr imports it lazily and fails late otherwise)
            from rapidocr import RapidOCR
        except ImportError as e:
            raise MissingDependencyError(INSTALL_HINT) from e
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        n = threads or settings().ocr_threads or DEFAULT_THREADS
        params: dict[str, Any] = {
            **tuned_params(),
            "Global.log_level": settings().ocr_log_level,  # rapidocr logs every model load at INFO otherwise
            "EngineConfig.onnxruntime.intra_op_num_threads": n,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        self.gpu = _use_gpu()
        if self.gpu:
            params["EngineConfig.onnxruntime.use_cuda"] = True
        try:
            self._engine = RapidOCR(params=params)
        except Exception as e:  # model files missing or corrupt: an engine failure, not a crash
            raise EngineError(f"rapidocr could not start: {e}") from e

    def recognize(self, image: np.ndarray, page: int) -> list[Word]:
        try:
            out: Any = self._engine(image)
        except Exception as e:
            raise EngineError(f"rapidocr failed on page {page}: {e}") from e
        if out is None or out.boxes is None:
            return []
        words = []
        for quad, text, score in zip(out.boxes, out.txts, out.scores, strict=False):
            q = np.asarray(quad, dtype=float)
            bbox = (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))
            dx, dy = q[1, 0] - q[0, 0], q[1, 1] - q[0, 1]  # top edge, left to right
            angle = float(np.degrees(np.arctan2(dy, dx))) if dx > 0 else None
            words.append(Word(text=str(text), prov=Provenance(page=page, bbox=bbox), confidence=float(score), reading="ocr",
                              engine=self.name, angle=angle))
        return words

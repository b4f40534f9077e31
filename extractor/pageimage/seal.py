"""Red seals on page images: where they lie, and the page with their ink taken out before OCR.

Contract: ``stamp_mask(image) -> mask | None`` (a coarse boolean grid of red blocks), ``drop_seal_ink(image)``
(the page as its red channel), ``seal_cover(mask, factor) -> SealCover`` (the mask as the data model
carries it) and ``under_stamp(words, mask)`` (words on a seal: its lettering dropped, digits at half
confidence).
"""

from __future__ import annotations

import numpy as np

from ..datamodel import SealCover, Word

# A red seal: pixels clearly red (R high, G and B well below). Measured on the bench's stamped scans: seal
# ink has R−G and R−B above 80; black text, grey noise and uneven lighting stay under 30.
RED_MARGIN = 60
RED_MIN_R = 120
# The mask is kept on a coarse grid of this many pixels; a block counts when this share of it is red.
MASK_BLOCK = 8
MASK_SHARE = 0.04
# An empty cell within this many blocks of seal ink counts as covered (thin rim strokes fade at q30).
SEAL_REACH = 3
# Seal lettering read into a value cell under a seal has at most this many characters.
SEAL_TEXT_MAX = 4


def stamp_mask(img: np.ndarray) -> np.ndarray | None:
    """Coarse boolean grid of red-seal blocks (None when the page has no seal)."""
    r, g, b = (img[..., i].astype(np.int16) for i in range(3))
    red = (r >= RED_MIN_R) & (r - g >= RED_MARGIN) & (r - b >= RED_MARGIN)
    if red.mean() < 0.0005:
        return None
    h, w = red.shape
    hb, wb = h // MASK_BLOCK, w // MASK_BLOCK
    blocks = red[: hb * MASK_BLOCK, : wb * MASK_BLOCK].reshape(hb, MASK_BLOCK, wb, MASK_BLOCK).mean(axis=(1, 3))
    mask: np.ndarray = blocks >= MASK_SHARE
    return mask


def drop_seal_ink(img: np.ndarray) -> np.ndarray:
    """The page as its red channel, grey: red seal ink turns near white there while black print under it
    stays dark, so OCR reads the digits a seal is stamped over (bench heavy scans: 97.0% -> 99.2% of cells,
    mostly cells under the seal). Print in other colours is dark in every channel and is kept."""
    red = np.ascontiguousarray(img[..., 0])
    return np.stack([red, red, red], axis=-1)


def seal_cover(mask: np.ndarray, factor: float) -> SealCover:
    """A page's seal mask as the data model carries it (``SealCover.hidden(x, y)`` in page units;
    ``factor`` page units per pixel)."""
    rows, cols = np.nonzero(mask)
    return SealCover(block=MASK_BLOCK, reach=SEAL_REACH, factor=factor,
                     blocks=[(int(i), int(j)) for i, j in zip(rows, cols, strict=True)])


def under_stamp(words: list[Word], mask: np.ndarray | None) -> list[Word]:
    """Words overlapping a seal lose half their confidence (seal strokes read as digits, digits lost); short
    text with no digit there is the seal's own lettering (the body's name around its rim) and is dropped."""
    if mask is None:
        return words
    out = []
    for w in words:
        x0, y0, x1, y1 = (int(v) // MASK_BLOCK for v in w.prov.bbox) if w.prov.bbox else (0, 0, -1, -1)
        hit = mask[max(0, y0): y1 + 1, max(0, x0): x1 + 1].any() if x1 >= 0 else False
        if hit and len(w.text.strip()) <= SEAL_TEXT_MAX and not any(ch.isdigit() for ch in w.text):
            continue
        out.append(w.model_copy(update={"confidence": w.confidence * 0.5, "reading": "ocr_under_seal"}) if hit else w)
    return out


__all__ = ["SEAL_TEXT_MAX", "drop_seal_ink", "seal_cover", "stamp_mask", "under_stamp"]

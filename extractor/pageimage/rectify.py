"""Photographed pages: find the sheet of paper in the photo and warp it flat before OCR.

Contract: ``page_quad(image) -> Quad | None`` finds the page's four corners in a photo (None for a scan,
whose paper fills the image, or when no clear sheet is seen); ``rectify(image, quad) -> Rectified``
warps the sheet to an upright rectangle and keeps the homography, so that every box found on the flat
page maps back to the photo (``Rectified.box_back``): provenance always points into the file the user has.

Why: a phone photo of a printed page is a perspective view of it. Rows of a table then slope differently
at the top and the bottom of the page and the columns fan out, so neither one deskew angle nor straight
ruling lines fit (bench pdf pages photographed with corners moved by 2-6% of the page width: 92.5% of
cells right without this step).

How: the paper is the largest bright region (Otsu threshold on a blurred, downscaled grey image, closed
so print does not cut it), its outline simplified to four corners. It counts as a photographed sheet when
it covers MIN_AREA of the image, has its four corners inside the image, clear of the border by MIN_MARGIN
(the paper of a scan runs to the border), and is brighter than what surrounds it by MIN_CONTRAST.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..datamodel import BBox, homography_box, homography_point
from ..errors import MissingDependencyError

# The sheet's outline is found on the image scaled so its longer side is this many pixels.
WORK_SIDE = 1000
# The sheet covers at least this share of the photo ...
MIN_AREA = 0.25
# ... lies inside it: all four corners at least this share of the image's longer side from its border. A
# scan's paper runs to the border all round; uneven light on a scan makes bright regions bounded by the
# border and one diagonal (bench heavy scans: three corners on the border). A photo whose sheet is cut by
# the image edge is left as it is.
MIN_MARGIN = 0.01
# ... and its paper is this many grey levels brighter than the background around it.
MIN_CONTRAST = 25.0
# Outline simplification (share of the perimeter) tried in turn until the outline has four corners ...
APPROX_STEPS = (0.01, 0.02, 0.03, 0.05, 0.08)
# ... which must cover the paper's outline closely (areas within this ratio either way) ...
MIN_FIT = 0.96  # outline / quad area: bench photos 1.001-1.003; a sheet with a box beside it 0.93
# ... and make a convex quad with every angle in this range (degrees): a sheet, seen at a slant.
CORNER_ANGLES = (55.0, 125.0)
# A sheet turned further than this (its top edge against the horizontal) is left as it is: which side is
# up is no longer clear from the outline.
MAX_TURN_DEG = 30.0

Quad = np.ndarray  # 4 x 2 float32, corners clockwise from the top left, in image pixels


def _cv2() -> Any:
    try:
        import cv2
    except ImportError as e:  # pragma: no cover - opencv is in the ocr extra
        raise MissingDependencyError("photographed pages need OpenCV: pip install 'zfxxgk-extractor[ocr]'") from e
    return cv2


def _ordered(pts: np.ndarray) -> Quad | None:
    """Corners clockwise (image y down) by angle around their centre, starting from the one nearest the
    image's top-left; None unless they are four distinct corners of a convex quad whose angles are all
    within CORNER_ANGLES (a sheet seen at a slant, not a sliver)."""
    pts = pts.reshape(4, 2).astype(np.float32)
    c = pts.mean(axis=0)
    pts = pts[np.argsort(np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0]))]
    pts = np.roll(pts, -int(np.argmin(pts.sum(axis=1))), axis=0)
    lo, hi = CORNER_ANGLES
    for i in range(4):
        a, b = pts[i - 1] - pts[i], pts[(i + 1) % 4] - pts[i]
        na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
        if na < 1 or nb < 1:
            return None
        angle = np.degrees(np.arccos(np.clip(float(a @ b) / (na * nb), -1.0, 1.0)))
        if not lo <= angle <= hi:
            return None
    return pts


def _four_corners(contour: np.ndarray) -> np.ndarray | None:
    cv2 = _cv2()
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for eps in APPROX_STEPS:
        approx = cv2.approxPolyDP(hull, eps * perimeter, True)
        if len(approx) == 4:
            return approx
        if len(approx) < 4:
            return None
    return None


def page_quad(img: np.ndarray) -> Quad | None:
    """The photographed sheet's corners in image pixels, or None (a scan, two sheets, or no sheet clear
    enough: an outline that four corners do not fit)."""
    cv2 = _cv2()
    h, w = img.shape[:2]
    scale = WORK_SIDE / max(h, w)
    grey = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY) if img.ndim == 3 else img
    small = cv2.resize(grey, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    _, paper = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    k = max(3, round(WORK_SIDE / 100))
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contours = sorted(contours, key=cv2.contourArea, reverse=True)
    biggest = contours[0]
    sh, sw = small.shape[:2]
    area = cv2.contourArea(biggest)
    if area < MIN_AREA * sh * sw:
        return None
    if len(contours) > 1 and cv2.contourArea(contours[1]) >= MIN_AREA * sh * sw:
        return None  # two sheets in one photo: flattening one would drop the other
    corners = _four_corners(biggest)
    quad = _ordered(corners) if corners is not None else None
    if quad is None:
        return None
    top = quad[1] - quad[0]
    if abs(np.degrees(np.arctan2(top[1], top[0]))) > MAX_TURN_DEG:
        return None
    if not MIN_FIT <= area / max(1.0, float(cv2.contourArea(quad))) <= 1 / MIN_FIT:
        return None  # the outline is no quadrilateral (a bright object beside the sheet, a torn page)
    margin = MIN_MARGIN * max(sh, sw)
    if (quad.min() < margin or (quad[:, 0] > sw - 1 - margin).any() or (quad[:, 1] > sh - 1 - margin).any()):
        return None  # the paper runs to the image border: a scan, or a sheet the photo cuts
    inside = np.zeros_like(small)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    ring = cv2.dilate(inside, np.ones((3 * k, 3 * k), np.uint8)) & ~inside
    if not ring.any() or float(blur[inside > 0].mean()) - float(blur[ring > 0].mean()) < MIN_CONTRAST:
        return None
    return (quad / scale).astype(np.float32)


@dataclass
class Rectified:
    image: np.ndarray
    quad: Quad
    to_photo: np.ndarray  # 3 x 3 homography: flat page pixels -> photo pixels
    photo_size: tuple[int, int]  # (width, height) of the photo

    @property
    def homography(self) -> list[float]:
        """``to_photo`` row major, as ``ScanPage.to_photo`` carries it."""
        return [float(v) for v in self.to_photo.ravel()]

    def point_back(self, x: float, y: float) -> tuple[float, float]:
        return homography_point(self.homography, x, y)

    def box_back(self, box: BBox, factor: float = 1.0) -> BBox:
        """A box on the flat page (page units, ``factor`` units per pixel) as the upright box around its
        four corners in the photo, clipped to the photo (the same mapping as ``ScanPage.box_to_photo``)."""
        return homography_box(self.homography, self.photo_size, box, factor)

    def describe(self) -> str:
        c = ", ".join(f"({x:.0f},{y:.0f})" for x, y in self.quad)
        return f"photographed sheet rectified: corners {c} px warped to {self.image.shape[1]}x{self.image.shape[0]} px"


def rectify(img: np.ndarray, quad: Quad) -> Rectified:
    """The sheet inside ``quad`` warped to an upright rectangle (its sides as long as the quad's longer
    opposite sides, so the print keeps its resolution)."""
    cv2 = _cv2()
    tl, tr, br, bl = quad
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    flat = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    forward = cv2.getPerspectiveTransform(quad, flat)
    warped = cv2.warpPerspective(img, forward, (width, height), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_REPLICATE)
    return Rectified(image=np.ascontiguousarray(warped), quad=quad, to_photo=np.linalg.inv(forward),
                     photo_size=(img.shape[1], img.shape[0]))


__all__ = ["Quad", "Rectified", "page_quad", "rectify"]

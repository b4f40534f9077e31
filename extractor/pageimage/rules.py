"""Ruling lines of tables on page images: the grids a page's rules make, found in its pixels.

Contract: ``find_grids(image, unit, angle, sealed) -> (grids, frame)``. ``image`` is the page as RGB (after
``seal.drop_seal_ink`` when the page has a seal); ``unit`` is the print's scale (a text box height in
pixels, ``text_unit``), ``angle`` the text lines' skew (``skew_angle``), both measured on the page's OCR
boxes; ``sealed(x, y)`` says whether an image pixel lies under a seal. The grids (``PageGrid``) are in the
upright ``frame`` (``PageFrame``), top to bottom; ``tables.ruling`` puts the OCR words into their cells.

1. Deskew: the page is turned by the angle of the OCR text lines plus the angle the long horizontal rules
   still show then (measured on the page at half size; OCR boxes give the angle to a few tenths of a
   degree only, which is 10 px across a table). All geometry is in this upright frame.
2. Lines: ink from a mean-based adaptive threshold, opened with long thin kernels (``LINE_LEN`` box
   heights across, ``SHORT_LEN`` up: longer than a stroke of a character). A horizontal rule piece is
   followed along the faint ink (darker than the paper around it) where it fades beside dark text.
   A vertical piece is a rule when it starts at a horizontal rule and is long, runs across one to a third,
   or continues such a rule: a stroke of a character in a tight band can touch both rules of its band.
   Under a seal, a piece must be long and end at rules, or continue a rule seen outside the seal (the
   seal's rim is upright for a few box heights where it is leftmost or rightmost).
3. Grids: collinear pieces make rules; horizontal and vertical rules that cross form one table; their
   positions cut it into elementary cells, and two neighbouring elementary cells with no rule between
   them are one (merged) cell.

A vertical rule across one band only that continues no other rule is not seen: the cells on both sides
read as one.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median
from typing import Any

import numpy as np

from .._unionfind import DisjointSets
from ..datamodel import PageFrame, PageGrid, Word
from ..values.parse import is_number

# Boxes at least this many times wider than tall give a reliable text-line angle.
ANGLE_MIN_ASPECT = 3.0
# Skews beyond this are not scans of upright pages (photos at an angle need a perspective fix instead).
MAX_SKEW_DEG = 10.0

# Kernel length of the opening that keeps rules and drops text, in median OCR box heights: a character's
# longest stroke is under one box height. Horizontal rules of the template tables run across a column at
# least (2.5 box heights); vertical ones can be as short as two bands (the 第二十条第（五）项 sub-table:
# about two box heights), so vertical pieces are kept from SHORT_LEN on when they run from one horizontal
# rule to another (a stroke of a character touches neither), from LINE_LEN on when one end is at a rule.
LINE_LEN = 2.0
SHORT_LEN = 0.8
# ... an end of such a piece lies at most this many pixels past the middle of the horizontal rule it
# starts from (the crossing pixels are ink of both rules; a stroke stops a gap short of the rule).
END_REACH = 1.0
# A rule is thinner than this share of a box height (thicker runs are filled areas).
MAX_THICKNESS = 0.5
# Faint ink: pixels this many grey levels darker than the paper around them (the brightest pixel within
# PAPER_WIN box heights). Faint rules of q30 JPEG scans beside dark text are 35+ levels under the paper;
# the mean-based adaptive threshold loses them there (the text darkens the mean).
INK_DARKNESS = 30
PAPER_WIN = 0.6
# ... and a rule piece is lengthened along it across gaps of up to this many pixels.
FAINT_GAP = 2
# Adaptive threshold: neighbourhood of this many box heights, and how much darker than its mean a pixel
# must be (grey levels).
THRESH_BLOCK = 1.0
THRESH_C = 12
# Rule pieces at one position within this many box heights are one rule; pieces of a rule with a gap
# below GAP_JOIN box heights are one span (noise breaks a rule; a merged cell leaves a gap of a whole cell).
POS_TOL = 0.25
GAP_JOIN = 0.5
# A one-band vertical piece continues a rule at most this many box heights above or below it.
CONTINUE_GAP = 3.0
# The rules' own lean is corrected when it is more than this (degrees) after the text-line deskew.
RESIDUAL_DEG = 0.08
# A rule counts as the boundary between two elementary cells when it covers this share of their edge.
EDGE_COVER = 0.5
# Long horizontal rules (this many box heights) measure the residual skew.
SLOPE_MIN_LEN = 8.0
# A table without an outer rule on one side ends where this many rules of the other direction end.
OPEN_SIDE_RULES = 2
# A grid needs this many bands and columns to be a table.
MIN_ROWS = 2
MIN_COLS = 3
# The box height of the numbers sets the scale when a page has this many of them.
MIN_UNIT_WORDS = 5


def _cv2() -> Any:
    import cv2  # the OCR extra brings OpenCV (opencv-python-headless)

    return cv2



@dataclass
class _Rule:
    """Collinear rule pieces: position across the rule, covered intervals along it."""

    pos: float
    spans: list[tuple[float, float]]
    weight: float = 0.0

    def cover(self, lo: float, hi: float) -> float:
        if hi <= lo:
            return 0.0
        return sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in self.spans) / (hi - lo)


@dataclass
class _Piece:
    pos: float
    lo: float
    hi: float
    horizontal: bool



# ---------------------------------------------------------------- lines


def _grey(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return img
    cv2 = _cv2()
    return np.ascontiguousarray(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY))


def _masks(grey: np.ndarray, frame: PageFrame, unit: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Horizontal and vertical rule masks of the upright page (ink of a mean-based adaptive threshold,
    opened with long thin kernels), and the faint ink: pixels darker than the paper around them, which
    holds the faint stretches of rules the adaptive threshold loses beside dark text (and fat text, so it
    only ever bridges gaps between rule pieces)."""
    cv2 = _cv2()
    rect = cv2.getStructuringElement
    up = cv2.warpAffine(grey, _matrix(frame), (frame.width, frame.height), flags=cv2.INTER_LINEAR, borderValue=255)
    block = max(3, int(THRESH_BLOCK * unit)) | 1
    ink = cv2.adaptiveThreshold(up, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, THRESH_C)
    k, short = max(8, int(LINE_LEN * unit)), max(6, int(SHORT_LEN * unit))
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, rect(cv2.MORPH_RECT, (k, 1)))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, rect(cv2.MORPH_RECT, (1, short)))
    win = max(3, int(PAPER_WIN * unit))
    paper = cv2.dilate(up, rect(cv2.MORPH_RECT, (win, win)))
    faint = cv2.compare(cv2.subtract(paper, up), INK_DARKNESS, cv2.CMP_GT)
    return hor, ver, faint


def _components(mask: np.ndarray, horizontal: bool, unit: float) -> list[_Piece]:
    """Rule pieces of a mask: its blobs long and thin enough (outer contours: much faster than labelling
    the components, and the same boxes)."""
    cv2 = _cv2()
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    min_len = (LINE_LEN if horizontal else SHORT_LEN) * unit
    max_thick = max(3.0, MAX_THICKNESS * unit)
    pieces: list[_Piece] = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        thick, length = (h, w) if horizontal else (w, h)
        if length < min_len or thick > max_thick:
            continue
        if horizontal:
            pieces.append(_Piece(y + h / 2, x, x + w, True))
        else:
            pieces.append(_Piece(x + w / 2, y, y + h, False))
    return pieces


def _residual(grey: np.ndarray, angle: float, unit: float) -> float:
    """The skew (degrees) the long horizontal rules still have in the frame turned by ``angle``: the median
    direction of their outlines, measured on the page at half size (cheap, and precise enough: a rule
    spans hundreds of pixels)."""
    cv2 = _cv2()
    half = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    frame = PageFrame.of(half.shape, angle)
    up = cv2.warpAffine(half, _matrix(frame), (frame.width, frame.height), flags=cv2.INTER_LINEAR, borderValue=255)
    block = max(3, int(THRESH_BLOCK * unit / 2)) | 1
    ink = cv2.adaptiveThreshold(up, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, THRESH_C)
    k = max(8, int(LINE_LEN * unit / 2))
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    contours, _ = cv2.findContours(hor, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    slopes = []
    for c in contours:
        _, _, w, h = cv2.boundingRect(c)
        if w >= SLOPE_MIN_LEN * unit / 2 and h < w / 8:
            vx, vy = (float(v) for v in cv2.fitLine(c, cv2.DIST_L2, 0, 0.01, 0.01)[:2, 0])
            slopes.append(math.degrees(math.atan2(vy, vx)) if vx > 0 else math.degrees(math.atan2(-vy, -vx)))
    return median(slopes) if len(slopes) >= 2 else 0.0


def _rules(pieces: list[_Piece], unit: float, faint: np.ndarray | None = None) -> list[_Rule]:
    """Pieces at one position (within POS_TOL box heights) make one rule. With the faint ink given, each
    piece is first followed along it as far as it runs (a rule fades beside dark text) and two pieces
    become one span when the gap between them is short (GAP_JOIN)."""
    tol = POS_TOL * unit
    rules: list[_Rule] = []
    for p in sorted(pieces, key=lambda p: p.pos):
        if rules and p.pos - rules[-1].pos <= tol:
            r = rules[-1]
            wt = p.hi - p.lo
            r.pos = (r.pos * r.weight + p.pos * wt) / (r.weight + wt)
            r.weight += wt
            r.spans.append((p.lo, p.hi))
        else:
            rules.append(_Rule(p.pos, [(p.lo, p.hi)], p.hi - p.lo))
    horizontal = bool(pieces) and pieces[0].horizontal
    for r in rules:
        if faint is not None:
            runs = _faint_run(faint, r.pos, horizontal)
            r.spans = [_follow(runs, a, b) for a, b in r.spans]
        spans: list[tuple[float, float]] = []
        for a, b in sorted(r.spans):
            if spans and a - spans[-1][1] <= GAP_JOIN * unit:
                spans[-1] = (spans[-1][0], max(spans[-1][1], b))
            else:
                spans.append((a, b))
        r.spans = spans
    return rules


def _faint_run(faint: np.ndarray, pos: float, horizontal: bool) -> np.ndarray:
    """Along a rule's position: the stretches of faint ink (within a pixel across the rule, across gaps
    of up to FAINT_GAP pixels), as rows of [start, end]."""
    p = round(pos)
    band = faint[max(0, p - 1): p + 2, :] if horizontal else faint[:, max(0, p - 1): p + 2].T
    ink = np.flatnonzero(band.any(axis=0))
    if not len(ink):
        return np.zeros((0, 2), dtype=np.int64)
    cut = np.flatnonzero(np.diff(ink) > FAINT_GAP + 1)
    return np.stack([ink[np.r_[0, cut + 1]], ink[np.r_[cut, len(ink) - 1]]], axis=1)


def _follow(runs: np.ndarray, a: float, b: float) -> tuple[float, float]:
    """A rule piece [a, b] lengthened along the stretches of faint ink it touches."""
    if not len(runs):
        return a, b
    i = int(np.searchsorted(runs[:, 1], a - 1))  # first stretch ending at or after a
    j = int(np.searchsorted(runs[:, 0], b + 1, side="right"))  # stretches starting up to b
    if i >= j:
        return a, b
    return float(min(a, runs[i, 0])), float(max(b, runs[j - 1, 1] + 1))


def _meets(x: float, lo: float, hi: float, hor: list[_Rule], keys: list[float], tol: float) -> int:
    """How many horizontal rules positioned within [lo, hi] run through x (``keys``: their positions,
    sorted)."""
    return sum(any(a - tol <= x <= b + tol for a, b in r.spans) for r in hor[bisect_left(keys, lo): bisect_right(keys, hi)])


def _verticals(pieces: list[_Piece], hor: list[_Rule], unit: float,
               sealed: Callable[[float, float], bool] | None) -> list[_Piece]:
    """The vertical pieces that are rules. An end of a rule reaches into the horizontal rule it starts
    from (the pixels where rules cross are ink of both) where a stroke of a character stops short of it.
    A piece is a rule when it is long and starts or ends at a rule (noise breaks rules), or runs from a
    rule across another to a third. A piece across one band only, from rule to rule, can be a stroke of a
    character in a tight band (第二十条第（五）项: the brackets): it is a rule where it continues one of
    those (at most CONTINUE_GAP box heights away). Under a seal (its rim is upright for a few box heights where it is leftmost or rightmost) a
    piece must be long and end at rules on both sides, or continue a rule."""
    tol = POS_TOL * unit + 2
    hor = sorted(hor, key=lambda r: r.pos)
    keys = [r.pos for r in hor]
    strong: list[_Piece] = []
    weak: list[_Piece] = []
    for p in pieces:
        ends = int(_meets(p.pos, p.lo - END_REACH, p.lo + tol, hor, keys, tol) > 0) \
            + int(_meets(p.pos, p.hi - tol, p.hi + END_REACH, hor, keys, tol) > 0)
        long = p.hi - p.lo >= LINE_LEN * unit
        across = ends == 2 and _meets(p.pos, p.lo + tol, p.hi - tol, hor, keys, tol) > 0
        if ends == 0 or (ends == 1 and not long):
            continue
        if sealed is not None and sealed(p.pos, (p.lo + p.hi) / 2):
            (strong if ends == 2 and long else weak).append(p)
        else:
            (strong if across or long else weak).append(p)
    near = CONTINUE_GAP * unit
    return strong + [p for p in weak if any(abs(p.pos - q.pos) <= tol and q.lo - near <= p.hi and p.lo <= q.hi + near
                                            for q in strong)]


# ---------------------------------------------------------------- grids


def _tables(hor: list[_Rule], ver: list[_Rule], unit: float) -> list[tuple[list[_Piece], list[_Piece]]]:
    """Rule spans that cross each other, grouped into tables (connected components of crossings)."""
    tol = POS_TOL * unit + 2
    hs = [_Piece(r.pos, a, b, True) for r in hor for a, b in r.spans]
    vs = [_Piece(r.pos, a, b, False) for r in ver for a, b in r.spans]
    sets = DisjointSets(len(hs) + len(vs))
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.lo - tol <= v.pos <= h.hi + tol and v.lo - tol <= h.pos <= v.hi + tol:
                sets.union(i, len(hs) + j)
    groups: dict[int, tuple[list[_Piece], list[_Piece]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(sets.find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(sets.find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if g[0] and g[1]]


def _positions(pieces: list[_Piece], across: list[_Piece], unit: float) -> list[float]:
    """Distinct rule positions of a table (``pieces``), with an end of the table added where it has no
    outer rule on that side: where rules of the other direction (``across``) run on past the last rule of
    this one (two of them at least: one can be a seal's rim grown onto a rule)."""
    tol = POS_TOL * unit + 2
    pos: list[list[float]] = []
    for p in sorted(pieces, key=lambda p: p.pos):
        if pos and p.pos - pos[-1][-1] <= tol:
            pos[-1].append(p.pos)
        else:
            pos.append([p.pos])
    out = [sum(c) / len(c) for c in pos]
    if not out:
        return out
    before = [p.lo for p in across if out[0] - p.lo > unit]
    after = [p.hi for p in across if p.hi - out[-1] > unit]
    if len(before) >= OPEN_SIDE_RULES:
        out.insert(0, median(before))
    if len(after) >= OPEN_SIDE_RULES:
        out.append(median(after))
    return out


def _build_grid(hs: list[_Piece], vs: list[_Piece], unit: float) -> PageGrid | None:
    ys, xs = _positions(hs, vs, unit), _positions(vs, hs, unit)
    if len(ys) - 1 < MIN_ROWS or len(xs) - 1 < MIN_COLS:
        return None
    tol = POS_TOL * unit + 2
    hrules = [_Rule(y, [(p.lo, p.hi) for p in hs if abs(p.pos - y) <= tol]) for y in ys]
    vrules = [_Rule(x, [(p.lo, p.hi) for p in vs if abs(p.pos - x) <= tol]) for x in xs]
    nr, nc = len(ys) - 1, len(xs) - 1
    sets = DisjointSets(nr * nc)
    for i in range(nr):
        for j in range(nc):
            if j + 1 < nc and vrules[j + 1].cover(ys[i], ys[i + 1]) < EDGE_COVER:
                sets.union(i * nc + j, i * nc + j + 1)
            if i + 1 < nr and hrules[i + 1].cover(xs[j], xs[j + 1]) < EDGE_COVER:
                sets.union(i * nc + j, (i + 1) * nc + j)
    return _merged(ys, xs, [sets.find(k) for k in range(nr * nc)])


def _merged(ys: list[float], xs: list[float], roots: list[int]) -> PageGrid:
    nr, nc = len(ys) - 1, len(xs) - 1
    index: dict[int, int] = {}
    spans: list[list[int]] = []
    owner = [[0] * nc for _ in range(nr)]
    for k, root in enumerate(roots):
        i, j = divmod(k, nc)
        if root not in index:
            index[root] = len(spans)
            spans.append([i, i + 1, j, j + 1])
        s = spans[index[root]]
        s[0], s[1], s[2], s[3] = min(s[0], i), max(s[1], i + 1), min(s[2], j), max(s[3], j + 1)
        owner[i][j] = index[root]
    return PageGrid(ys=ys, xs=xs, cells=[(a, b, c, d) for a, b, c, d in spans], owner=owner)


def find_grids(img: np.ndarray, unit: float, angle: float = 0.0,
               sealed: Callable[[float, float], bool] | None = None) -> tuple[list[PageGrid], PageFrame]:
    """The ruled tables of a page image (``unit``: a text box height in pixels; ``angle``: the text lines'
    skew in degrees; ``sealed(x, y)``: whether a pixel of the image lies under a seal), in the upright
    frame returned with them, top to bottom."""
    grey = _grey(img)
    residual = _residual(grey, angle, unit)
    frame = PageFrame.of(grey.shape, angle + residual if abs(residual) > RESIDUAL_DEG else angle)
    hmask, vmask, faint = _masks(grey, frame, unit)
    hor = _rules(_components(hmask, True, unit), unit, faint)
    vp = _components(vmask, False, unit)
    up_sealed = None
    if sealed is not None:
        def up_sealed(x: float, y: float) -> bool:
            return sealed(*frame.back(x, y))
    vp = _verticals(vp, hor, unit, up_sealed)
    grids = []
    for hs, vs in _tables(hor, _rules(vp, unit), unit):
        g = _build_grid(hs, vs, unit)
        if g is not None:
            grids.append(g)
    grids.sort(key=lambda g: g.ys[0])
    return grids, frame



def _matrix(frame: PageFrame) -> np.ndarray:
    c, s = math.cos(math.radians(-frame.angle)), math.sin(math.radians(-frame.angle))
    return np.array([[c, -s, frame.tx], [s, c, frame.ty]], dtype=np.float64)


def text_unit(words: list[Word], factor: float) -> float:
    """The scale of the page's table print in pixels: the median box height of its numbers (a large title
    would stretch a median over all words), or of all words where there are few numbers."""
    nums = [w for w in words if is_number(w.text)]
    pool = nums if len(nums) >= MIN_UNIT_WORDS else words
    return median((w.prov.bbox[3] - w.prov.bbox[1]) / factor for w in pool if w.prov.bbox)


def skew_angle(words: list[Word]) -> float:
    """Median angle (degrees) of the long text boxes; 0 when there are none."""
    angles = []
    for w in words:
        if w.angle is None or w.prov.bbox is None:
            continue
        x0, y0, x1, y1 = w.prov.bbox
        if (x1 - x0) >= ANGLE_MIN_ASPECT * max(1.0, (y1 - y0) - abs(math.tan(math.radians(w.angle))) * (x1 - x0)):
            angles.append(w.angle)
    if not angles:
        return 0.0
    a = median(angles)
    return a if abs(a) <= MAX_SKEW_DEG else 0.0


__all__ = ["find_grids", "skew_angle", "text_unit"]

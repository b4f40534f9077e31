"""Photographed pages (extractor.pageimage.rectify): the sheet is found in the photo, flattened before OCR,
and every box found on the flat page is given back in the photo's own coordinates."""

from __future__ import annotations

import json
import random

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from benchmarks.score import score_document
from corpora.synthetic.pdfs import PhotoDamage, photo_page
from extractor import extract
from extractor.pageimage.rectify import page_quad, rectify
from tests.conftest import ROOT

BENCH = ROOT / "corpora" / "bench"
PAGE_W, PAGE_H = 1240, 1754  # A4 at 150 dpi
MARK = (300, 500, 340, 540)  # a black square on the page, page pixels


def _page() -> Image.Image:
    """A printed page: a ruled table, some lines of 'text', one black square to find again."""
    img = Image.new("RGB", (PAGE_W, PAGE_H), "white")
    d = ImageDraw.Draw(img)
    for i in range(12):
        d.line([(150, 700 + 40 * i), (1090, 700 + 40 * i)], fill="black", width=2)
    for x in (150, 450, 770, 1090):
        d.line([(x, 700), (x, 700 + 40 * 11)], fill="black", width=2)
    for i in range(8):
        d.rectangle([150, 200 + 30 * i, 150 + 600 + 30 * (i % 3), 212 + 30 * i], fill=(40, 40, 40))
    d.rectangle(MARK, fill="black")
    return img


def _photo(keystone: float, turn: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    dmg = PhotoDamage(dpi=150, border=0.08, keystone=keystone, jitter=0.01, turn_deg=turn, light=0.2, blur=0.6,
                      noise=0.02, jpeg_quality=80, background=(92, 70, 52))
    shot, corners = photo_page(_page(), dmg, random.Random(seed))
    return np.asarray(shot.convert("RGB")), np.array(corners, np.float32)


@pytest.mark.parametrize(("keystone", "turn"), [(0.02, 0.0), (0.06, 3.0), (0.08, -4.0)])
def test_the_sheet_is_found_and_flattened(keystone: float, turn: float) -> None:
    photo, corners = _photo(keystone, turn)
    quad = page_quad(photo)
    assert quad is not None
    assert np.abs(quad - corners).max() < 0.01 * PAGE_W  # within a few pixels of where the sheet's corners are
    flat = rectify(photo, quad)
    h, w = flat.image.shape[:2]
    assert abs(w / h - PAGE_W / PAGE_H) < 0.02  # the sheet's proportions come back
    # the square printed on the page is where it was, in the flat page's scale
    dark = flat.image.min(axis=2) < 80
    sx, sy = w / PAGE_W, h / PAGE_H
    x0, y0, x1, y1 = (round(v) for v in (MARK[0] * sx, MARK[1] * sy, MARK[2] * sx, MARK[3] * sy))
    assert dark[y0 + 4:y1 - 4, x0 + 4:x1 - 4].mean() > 0.95
    # the flat page's top rule of the table runs level: the same row of pixels is dark at both ends
    row = round(700 * sy)
    band = dark[row - 4:row + 5]
    assert band[:, round(160 * sx)].any() and band[:, round(1080 * sx)].any()


def test_boxes_on_the_flat_page_map_back_into_the_photo() -> None:
    photo, corners = _photo(0.06, 3.0)
    quad = page_quad(photo)
    assert quad is not None
    flat = rectify(photo, quad)
    h, w = flat.image.shape[:2]
    for (x, y), true in zip([(0, 0), (w - 1, 0), (w - 1, h - 1), (0, h - 1)], quad, strict=True):
        assert np.allclose(flat.point_back(x, y), true, atol=1.5)
    sx, sy = w / PAGE_W, h / PAGE_H
    box = flat.box_back((MARK[0] * sx, MARK[1] * sy, MARK[2] * sx, MARK[3] * sy))
    dark = photo.min(axis=2) < 80
    x0, y0, x1, y1 = (round(v) for v in box)
    assert dark[y0:y1, x0:x1].mean() > 0.6  # the square, seen in perspective, fills most of its upright box
    # in PDF points (factor: points per pixel) the same box scales with the factor
    pts = flat.box_back((MARK[0] * sx * 0.36, MARK[1] * sy * 0.36, MARK[2] * sx * 0.36, MARK[3] * sy * 0.36), 0.36)
    assert np.allclose(pts, [v * 0.36 for v in box], atol=1e-6)


def _pages(path: str) -> list[np.ndarray]:
    pdf = pdfium.PdfDocument(str(BENCH / path))
    try:
        return [np.asarray(pdf[i].render(scale=200 / 72).to_pil().convert("RGB")) for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.mark.parametrize("path", ["scan_200/docs/scan_200_000.pdf", "scan_heavy/docs/scan_heavy_001.pdf",
                                  "scan_heavy/docs/scan_heavy_004.pdf"])
def test_scans_are_left_as_they_are(path: str) -> None:
    """A scan's paper runs to the image border; uneven light on the heavy scans makes bright regions cut
    by a diagonal (scan_heavy_001, _004), which are not a sheet either."""
    assert [page_quad(img) for img in _pages(path)] == [None] * len(_pages(path))


def test_a_plain_background_without_a_sheet_is_left_as_it_is() -> None:
    assert page_quad(np.full((800, 600, 3), 90, np.uint8)) is None


@pytest.mark.ocr
def test_bench_photo_matches_gold_with_boxes_in_the_photo() -> None:
    stem = "photo_004"
    gold = json.loads((BENCH / "photo" / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    rep = extract(BENCH / "photo" / "docs" / f"{stem}.pdf")
    s = score_document(gold, rep.model_dump(), stem)
    assert s.right == s.total, s.wrong
    assert sum(w.code == "photo_rectified" and "photographed sheet rectified" in w.message for w in rep.warnings) == gold["pages"]
    # each read cell's box lies on the photographed sheet (the generator's corners, photo pixels -> points)
    shot = gold["damage"]["photo"]  # the PDF holds each photo at shot["dpi"]: points = pixels * 72 / dpi
    for key, cell in rep.cells.items():
        if cell.source != "read" or cell.prov.bbox is None:
            continue
        page = cell.prov.page
        assert page is not None
        sheet = np.array(shot["corners"][page - 1], np.float32) * 72 / shot["dpi"]
        x0, y0, x1, y1 = cell.prov.bbox
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        assert _inside((cx, cy), sheet), (key, cell.prov.bbox)


def _inside(p: tuple[float, float], poly: np.ndarray) -> bool:
    import cv2

    return cv2.pointPolygonTest(poly.reshape(-1, 1, 2), p, False) >= 0


def test_a_phone_photo_is_read_the_way_it_is_shown(tmp_path) -> None:
    """JPEGs from phones store the sensor's orientation in EXIF (6: turned 90° clockwise to show): the page
    is read, and drawn for review, upright."""
    import io

    from extractor import ingest
    from extractor.inspect import page_images
    from extractor.options import Options
    from extractor.textlayer.scan import _image_pages

    stored = _page().rotate(90, expand=True)  # what the sensor wrote: the page lying on its side
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    stored.save(buf, "JPEG", exif=exif)
    (page,) = list(_image_pages(ingest.load(buf.getvalue(), Options().limits, name="photo.jpg"), Options()))
    assert page.shape[:2] == (PAGE_H, PAGE_W)  # upright: taller than wide
    dark = page.min(axis=2) < 80
    assert dark[MARK[1] + 4:MARK[3] - 4, MARK[0] + 4:MARK[2] - 4].mean() > 0.95  # the square where it was printed
    (_, shown, _) = page_images(buf.getvalue(), "image")[0]
    assert shown.size == (PAGE_W, PAGE_H)


def _desk(*sheets: tuple[int, int, int, int], turn: float = 0.0) -> np.ndarray:
    """Bright rectangles on a dark desk, the whole picture turned by ``turn`` degrees."""
    img = Image.new("RGB", (1600, 1600), (70, 60, 50))
    d = ImageDraw.Draw(img)
    for box in sheets:
        d.rectangle(box, fill=(235, 235, 230))
    return np.asarray(img.rotate(turn, fillcolor=(70, 60, 50)))


@pytest.mark.parametrize(("picture", "why"), [
    (_desk((200, 200, 760, 1400), (840, 200, 1400, 1400)), "two sheets: flattening one would drop the other"),
    (_desk((300, 200, 1200, 1400), (1200, 1100, 1500, 1400)), "a bright box beside the sheet: not four corners"),
    (_desk((400, 200, 1200, 1300), turn=45), "turned 45 degrees: which side is up is not clear"),
])
def test_outlines_that_are_not_one_sheet_are_left_alone(picture: np.ndarray, why: str) -> None:
    assert page_quad(picture) is None, why


def test_one_sheet_on_a_desk_is_found() -> None:
    quad = page_quad(_desk((300, 200, 1200, 1400), turn=8))
    assert quad is not None and quad.shape == (4, 2)

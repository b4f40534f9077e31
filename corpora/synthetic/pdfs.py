"""DOCX -> PDF with LibreOffice (one call for many files), PDF facts for the gold file, and scans:
PDF pages rendered with pypdfium2, damaged with Pillow (skew, blur, noise, uneven light, a red round
stamp, JPEG) or photographed (the sheet in perspective on a desk, shaded), written back as image-only
PDFs. Noise comes from the document's own ``random.Random``,
so scans are reproducible too."""

from __future__ import annotations

import glob
import hashlib
import io
import math
import random
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FIXED_PDF_TIME = time.gmtime(1577836800)  # 2020-01-01, for the image-only PDFs' info dictionary
LIBREOFFICE_TIMEOUT_S = 1200


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx_files: list[Path], outdir: Path, profile: Path) -> None:
    """Convert all files in one LibreOffice run (≈0.25 s a file instead of ≈1 s cold per call)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice not found: run `make corpus` (it installs libreoffice-writer fonts-noto-cjk)")
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [exe, f"-env:UserInstallation=file://{profile.resolve()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(outdir), *map(str, docx_files)]
    subprocess.run(cmd, check=True, timeout=LIBREOFFICE_TIMEOUT_S, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    missing = [p.name for p in docx_files if not (outdir / (p.stem + ".pdf")).exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not convert: {missing}")


def normalize_pdf(data: bytes, key: str, date: tuple[int, int, int]) -> bytes:
    """LibreOffice stamps each PDF with the time of conversion and a random /ID: replace both with
    values derived from the document (same lengths, so the xref offsets stay right)."""
    yy, mm, dd = date
    data = re.sub(rb"/CreationDate\(D:\d{14}", f"/CreationDate(D:{yy:04d}{mm:02d}{dd:02d}090000".encode(), data)
    doc_id = hashlib.md5(key.encode()).hexdigest().upper().encode()
    data = re.sub(rb"/DocChecksum /[0-9A-F]{32}", b"/DocChecksum /" + doc_id, data)
    return re.sub(rb"(/ID \[ <)[0-9A-F]{32}(>\s*<)[0-9A-F]{32}>", lambda m: m.group(1) + doc_id + m.group(2) + doc_id + b">",
                  data)


def _page_text(page: Any) -> str:
    tp = page.get_textpage()
    return "".join(tp.get_text_range().split())


def pdf_facts(path: Path) -> dict[str, Any]:
    """Pages, and on which pages the apply table starts and ends (a split table spans two)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        texts = [_page_text(doc[i]) for i in range(len(doc))]
    finally:
        doc.close()
    first = next((i + 1 for i, t in enumerate(texts) if "本年新收政府信息公开申请数量" in t), None)
    last = next((i + 1 for i, t in enumerate(texts) if "结转下年度继续办理" in t), None)
    return {"pages": len(texts), "apply_table_pages": [first, last], "apply_table_split": first != last}


# --- scans ------------------------------------------------------------------------------------------


@dataclass
class Damage:
    dpi: int
    mode: str  # L | RGB
    skew_deg: float
    blur: float
    noise: float
    jpeg_quality: int
    light: float = 0.0  # darkest corner factor is 1 - light
    stamp: bool = False


def moderate(rng: random.Random) -> Damage:
    return Damage(200, "L", round(rng.uniform(-1, 1), 2), round(rng.uniform(0.3, 0.8), 2),
                  round(rng.uniform(0.02, 0.05), 3), rng.randint(70, 90))


def heavy(rng: random.Random) -> Damage:
    return Damage(150, "RGB", round(rng.choice([-1, 1]) * rng.uniform(1.0, 3.0), 2), round(rng.uniform(0.7, 1.2), 2),
                  round(rng.uniform(0.06, 0.1), 3), 30, round(rng.uniform(0.2, 0.35), 2), True)


def _cjk_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for pattern in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/**/*CJK*.tt[cf]",
                    "/usr/share/fonts/**/wqy*.tt[cf]"):
        files = sorted(glob.glob(pattern, recursive=True))
        if files:
            return ImageFont.truetype(files[0], size)
    return ImageFont.load_default()


def draw_stamp(img: Image.Image, cx: int, cy: int, r: int, text: str, rng: random.Random) -> Image.Image:
    """A red round office seal: ring, star, the organ's name along the upper arc; a little worn."""
    size = 2 * r + 8
    ink = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(ink)
    c = size // 2
    d.ellipse([c - r, c - r, c + r, c + r], outline=255, width=max(3, r // 18))
    star = [(c + r * 0.28 * math.cos(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.4),
             c + r * 0.28 * math.sin(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.4)) for k in range(10)]
    d.polygon(star, fill=255)
    font = _cjk_font(max(10, r // 4))
    chars = list(text[:14])
    span = 220.0
    for k, ch in enumerate(chars):
        ang = -90 - span / 2 + span * (k + 0.5) / len(chars)
        glyph = Image.new("L", (r // 3, r // 3), 0)
        ImageDraw.Draw(glyph).text((0, 0), ch, fill=255, font=font)
        glyph = glyph.rotate(-(ang + 90), resample=Image.Resampling.BICUBIC, expand=True)
        gx = c + (r * 0.72) * math.cos(math.radians(ang)) - glyph.width / 2
        gy = c + (r * 0.72) * math.sin(math.radians(ang)) - glyph.height / 2
        ink.paste(255, (int(gx), int(gy)), glyph)
    wear = Image.frombytes("L", (size, size), rng.randbytes(size * size)).filter(ImageFilter.GaussianBlur(2))
    ink = ImageChops.multiply(ink, wear.point(lambda v: 255 if v > 110 else 120))
    ink = ink.point(lambda v: int(v * 0.8)).filter(ImageFilter.GaussianBlur(0.8))
    red = Image.new("RGB", (size, size), (205, 30, 40))
    out = img.convert("RGB")
    out.paste(red, (cx - c, cy - c), ink)
    return out


def _noise(img: Image.Image, amount: float, rng: random.Random) -> Image.Image:
    w, h = img.size
    n = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    if img.mode == "RGB":
        n = Image.merge("RGB", (n, n, n))
    return Image.blend(img, n, amount)


def _light(img: Image.Image, light: float, rng: random.Random) -> Image.Image:
    grad = Image.linear_gradient("L").rotate(rng.uniform(0, 360), resample=Image.Resampling.BICUBIC, expand=False, fillcolor=128)
    grad = grad.resize(img.size, Image.Resampling.BILINEAR).point(lambda v: int(255 * (1 - light * (1 - v / 255))))
    if img.mode == "RGB":
        grad = Image.merge("RGB", (grad, grad, grad))
    return ImageChops.multiply(img, grad)


def _stamp_spot(page: Any, scale: float) -> tuple[int, int] | None:
    tp = page.get_textpage()
    for needle in ("（七）总计", "结转下年度", "无法提供", "不予处理"):
        found = tp.search(needle).get_next()
        if found:
            left, bottom, _right, top = tp.get_charbox(found[0])
            height = page.get_size()[1]
            return int((left + 150) * scale), int((height - (top + bottom) / 2) * scale)
    return None


def write_image_pdf(pages: list[Image.Image], dst: Path, dpi: int, quality: int, producer: str) -> None:
    """Page images as an image-only PDF of JPEGs, with a fixed info dictionary (reproducible bytes)."""
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), quality=quality,
                  creationDate=FIXED_PDF_TIME, modDate=FIXED_PDF_TIME, title=dst.stem, producer=producer)
    dst.write_bytes(buf.getvalue())


def scan_pdf(src: Path, dst: Path, dmg: Damage, rng: random.Random, stamp_text: str) -> dict[str, Any]:
    doc = pdfium.PdfDocument(str(src))
    pages: list[Image.Image] = []
    stamped_page = None
    try:
        for i in range(len(doc)):
            page = doc[i]
            scale = dmg.dpi / 72
            img = page.render(scale=scale, grayscale=dmg.mode == "L").to_pil().convert(dmg.mode)
            if dmg.stamp and stamped_page is None:
                spot = _stamp_spot(page, scale)
                if spot:
                    r = int(dmg.dpi * 0.8)  # a 4 cm seal
                    img = draw_stamp(img, spot[0] + rng.randint(-30, 60), spot[1] + rng.randint(-40, 40), r, stamp_text, rng)
                    stamped_page = i + 1
            img = img.rotate(dmg.skew_deg + rng.uniform(-0.15, 0.15), resample=Image.Resampling.BICUBIC, expand=False,
                             fillcolor=255 if dmg.mode == "L" else (255, 255, 255))
            if dmg.light:
                img = _light(img, dmg.light, rng)
            img = img.filter(ImageFilter.GaussianBlur(dmg.blur))
            img = _noise(img, dmg.noise, rng)
            pages.append(img)
    finally:
        doc.close()
    write_image_pdf(pages, dst, dmg.dpi, dmg.jpeg_quality, "scan")
    out = asdict(dmg)
    out["stamp_page"] = stamped_page
    return out


@dataclass
class PhotoDamage:
    """A phone photo of a printed page lying on a desk: the sheet seen in perspective on a background."""

    dpi: int  # resolution of the print in the photo (pixels per inch of paper, before perspective)
    border: float  # background around the sheet, share of the page width on each side
    keystone: float  # the sheet's top edge is this share of the page width narrower than the bottom
    jitter: float  # each corner moved up to this share of the page width besides
    turn_deg: float  # the sheet turned in the picture
    light: float
    blur: float
    noise: float
    jpeg_quality: int
    background: tuple[int, int, int]


def photo(rng: random.Random) -> PhotoDamage:
    return PhotoDamage(rng.choice([150, 180, 200]), round(rng.uniform(0.05, 0.12), 3),
                       round(rng.uniform(0.02, 0.08), 3), round(rng.uniform(0.005, 0.025), 3),
                       round(rng.uniform(-4.0, 4.0), 2), round(rng.uniform(0.15, 0.3), 2),
                       round(rng.uniform(0.5, 1.0), 2), round(rng.uniform(0.02, 0.05), 3), rng.randint(60, 85),
                       rng.choice([(92, 70, 52), (60, 62, 66), (120, 104, 88), (40, 44, 52)]))


def _perspective_coeffs(out_pts: list[tuple[float, float]], in_pts: list[tuple[float, float]]) -> list[float]:
    """Pillow's PERSPECTIVE data mapping each output point to its input point."""
    rows: list[list[float]] = []
    rhs: list[float] = []
    for (x, y), (u, v) in zip(out_pts, in_pts, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return [float(c) for c in np.linalg.solve(np.array(rows, float), np.array(rhs, float))]


def photo_page(img: Image.Image, dmg: PhotoDamage, rng: random.Random) -> tuple[Image.Image, list[list[int]]]:
    """The page as photographed; returns the photo and where the sheet's corners landed in it."""
    w, h = img.size
    bw = int(w * dmg.border)
    cw, ch = w + 2 * bw, h + 2 * bw
    cx, cy = cw / 2, ch / 2
    k = dmg.keystone * w / 2
    corners = [(bw + k, bw), (bw + w - k, bw), (bw + w, bw + h), (bw, bw + h)]
    a = math.radians(dmg.turn_deg)
    moved = []
    for x, y in corners:
        x += rng.uniform(-1, 1) * dmg.jitter * w
        y += rng.uniform(-1, 1) * dmg.jitter * w
        dx, dy = x - cx, y - cy
        moved.append((cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a)))
    coeffs = _perspective_coeffs(moved, [(0, 0), (w, 0), (w, h), (0, h)])
    sheet = img.convert("RGB").transform((cw, ch), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    mask = Image.new("L", (w, h), 255).transform((cw, ch), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
    desk = Image.new("RGB", (cw, ch), dmg.background)
    desk = _noise(desk, 0.08, rng).filter(ImageFilter.GaussianBlur(2))
    desk.paste(sheet, (0, 0), mask)
    out = _light(desk, dmg.light, rng).filter(ImageFilter.GaussianBlur(dmg.blur))
    return _noise(out, dmg.noise, rng), [[round(x), round(y)] for x, y in moved]


def photo_pdf(src: Path, dst: Path, dmg: PhotoDamage, rng: random.Random) -> dict[str, Any]:
    """Each page of ``src`` photographed (``photo_page``), the photos put in an image-only PDF as JPEGs."""
    doc = pdfium.PdfDocument(str(src))
    pages: list[Image.Image] = []
    corners = []
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=dmg.dpi / 72).to_pil()
            shot, where = photo_page(img, dmg, rng)
            pages.append(shot)
            corners.append(where)
    finally:
        doc.close()
    write_image_pdf(pages, dst, dmg.dpi, dmg.jpeg_quality, "photo")
    out = asdict(dmg)
    out["corners"] = corners
    return out

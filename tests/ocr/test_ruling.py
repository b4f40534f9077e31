"""Ruled tables on page images: grids from the ruling lines (extractor.pageimage.rules), OCR words put in
their cells (extractor.tables.ruling, tables.scan_layout). The pages are drawn here (PIL) with OCR-like words placed in the cells, so no OCR runs except
in the one end-to-end test on a bench scan."""

from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from benchmarks.score import score_document
from extractor import ingest
from extractor.datamodel import Provenance, Word
from extractor.options import Options
from extractor.pageimage import seal as seals
from extractor.pageimage.rules import find_grids, skew_angle, text_unit
from extractor.pipeline import build_report
from extractor.tables import lay_out_scan
from extractor.tables.geometry import BLANK_CONFIDENCE, HIDDEN_CONFIDENCE
from extractor.tables.ruling import ruled_page
from extractor.textlayer import scan, to_document
from tests.conftest import ROOT

H = 24  # OCR box height, pixels
BAND = 36  # band height
X0, Y0 = 80, 160  # the table's top left corner (upright frame)
# columns: two label columns, then seven value columns
COLS = [X0, X0 + 110, X0 + 380] + [X0 + 380 + 90 * (i + 1) for i in range(7)]
ROWS = [Y0 + BAND * i for i in range(9)]  # 8 bands
LABELS = {
    3: "一、本年新收政府信息公开申请数量",
    4: "二、上年结转政府信息公开申请数量",
    5: "（一）予以公开",
    6: "（二）部分公开",
    7: "（三）不予公开",
}
# value cells (band, value column) left blank / covered by the seal with nothing read
BLANKS = {(4, 1), (4, 5), (6, 0), (6, 1), (6, 2)}
SEALED = {(7, 4), (7, 5)}
SEAL_CENTRE = (COLS[6] + 110, ROWS[7] + 10)  # upright frame


def merged_cells() -> list[tuple[int, int, int, int, str]]:
    """(r0, r1, c0, c1, text) of every cell: bands r0..r1-1, columns c0..c1-1."""
    cells = [(0, 3, 0, 2, "（本列数据的勾稽关系）"), (0, 1, 2, 9, "申请人情况"),
             (1, 3, 2, 3, "自然人"), (1, 2, 3, 8, "法人或其他组织"), (1, 3, 8, 9, "总计")]
    cells += [(2, 3, 3 + i, 4 + i, t) for i, t in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"])]
    cells += [(3, 4, 0, 2, LABELS[3]), (4, 5, 0, 2, LABELS[4]), (5, 8, 0, 1, "三、本年度办理结果")]
    cells += [(r, r + 1, 1, 2, LABELS[r]) for r in (5, 6, 7)]
    for r in range(3, 8):
        cells += [(r, r + 1, 2 + v, 3 + v, "" if (r, v) in BLANKS | SEALED else str(r + v))
                  for v in range(7)]
    return cells


def _rotate(x: float, y: float, angle: float) -> tuple[float, float]:
    a = math.radians(angle)
    return x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)


def word(text: str, cx: float, cy: float, angle: float) -> Word:
    """An OCR box around an upright-frame centre, on the page turned by ``angle`` about the origin."""
    w = H * 0.55 * len(text) if text.isdigit() else H * 0.95 * len(text)
    x, y = _rotate(cx, cy, angle)
    a = math.radians(angle)
    ex = abs(w / 2 * math.cos(a)) + abs(H / 2 * math.sin(a))
    ey = abs(w / 2 * math.sin(a)) + abs(H / 2 * math.cos(a))
    return Word(text=text, prov=Provenance(page=1, bbox=(x - ex, y - ey, x + ex, y + ey)), angle=angle,
                confidence=0.97, engine="test", reading="ocr")


def page(angle: float = 2.0, seal: bool = True, rules: bool = True,
         lost_rule: bool = False) -> tuple[np.ndarray, list[Word]]:
    """A page with the table drawn upright, then turned by ``angle`` (the OCR angle convention: a text
    line going down to the right is positive), a red seal stamped over part of it, and the words OCR
    would give (title and prose above and below the table included). ``lost_rule``: the rule between the
    value cells of bands 3 and 4 is not drawn."""
    img = Image.new("L", (1400, 800), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=20)
    words: list[Word] = []
    for r0, r1, c0, c1, text in merged_cells():
        x0, y0, x1, y1 = COLS[c0], ROWS[r0], COLS[c1], ROWS[r1]
        if rules and lost_rule and r0 in (3, 4) and c0 >= 2:
            d.rectangle((x0, ROWS[3], x1, ROWS[5]), outline=0, width=2)
        elif rules:
            d.rectangle((x0, y0, x1, y1), outline=0, width=2)
        if not text:
            continue
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if text.isdigit():
            d.text((cx, cy), text, fill=40, font=font, anchor="mm")
        else:  # glyph-like strokes: bars as tall as the text, and short horizontal ones
            n = min(len(text), int((x1 - x0 - 8) / (H * 0.95)))
            for k in range(n):
                gx = cx + (k - (n - 1) / 2) * H * 0.95
                d.line((gx, cy - H * 0.4, gx, cy + H * 0.4), fill=40, width=2)
                d.line((gx - H * 0.35, cy, gx + H * 0.35, cy), fill=40, width=2)
        words.append(word(text, cx, cy, angle))
    words.append(word("瑞亭街道2022年政府信息公开工作年度报告", 600, 60, angle))
    words.append(word("二、收到和处理政府信息公开申请情况", 400, 120, angle))
    words.append(word("本年度共收到申请45件。", 300, 520, angle))
    rgb = np.asarray(img.rotate(-angle, center=(0, 0), fillcolor=255).convert("RGB")).copy()
    if seal:  # seal ink over the print: black stays black (the darker of the two in each channel)
        sx, sy = _rotate(*SEAL_CENTRE, angle)
        stamp = Image.new("RGB", (rgb.shape[1], rgb.shape[0]), (255, 255, 255))
        ImageDraw.Draw(stamp).ellipse((sx - 70, sy - 70, sx + 70, sy + 70), outline=(215, 35, 35), width=6)
        ImageDraw.Draw(stamp).regular_polygon((sx, sy, 22), 5, fill=(215, 35, 35))
        rgb = np.minimum(rgb, np.asarray(stamp))
    return rgb, words


def read(angle: float = 2.0, seal: bool = True, rules: bool = True, lost_rule: bool = False):
    img, words = page(angle, seal, rules, lost_rule)
    mask = seals.stamp_mask(img)
    hidden = None
    if mask is not None:
        img = seals.drop_seal_ink(img)
        hidden = seals.seal_cover(mask, 1.0).hidden
    grids, frame = find_grids(img, text_unit(words, 1.0), skew_angle(words),
                              None if hidden is None else (lambda x, y: hidden(x, y)))
    return ruled_page(grids, frame, words, 1, 1.0, hidden)


def texts(rows) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in rows]


def expected_values(r: int) -> list[str]:
    return ["" if (r, v) in BLANKS | SEALED else str(r + v) for v in range(7)]


@pytest.mark.parametrize("angle", [0.0, 2.0, -2.5])
def test_grid_rows_keep_merged_cells_and_blanks_in_place(angle: float) -> None:
    ruled = read(angle, seal=False)
    assert ruled.usable and len(ruled.tables) == 1 and ruled.tables[0].shape == (8, 9)
    rows = texts(ruled.tables[0].rows)
    assert rows[0] == ["（本列数据的勾稽关系）", "申请人情况"]  # merged over three bands / seven columns
    assert rows[1] == ["自然人", "法人或其他组织", "总计"]
    assert rows[2] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert rows[3] == [LABELS[3], *expected_values(3)]
    assert rows[4] == [LABELS[4], "4", "", "6", "7", "8", "", "10"]
    assert rows[5] == ["三、本年度办理结果", LABELS[5], *expected_values(5)]  # the row-spanning label: top band
    assert rows[6] == [LABELS[6], "", "", "", "9", "10", "11", "12"]
    assert rows[7] == [LABELS[7], *expected_values(7)]
    blanks = [c for c in ruled.tables[0].rows[4].cells if not c.text]
    assert [c.confidence for c in blanks] == [BLANK_CONFIDENCE] * 2
    assert {c.reading for c in blanks} == {"blank_on_scan"}
    assert all(c.prov.page == 1 and c.prov.bbox is not None for c in blanks)  # the empty cell's box


def test_seal_over_the_grid_empty_cells_under_it_are_hidden_not_blank() -> None:
    ruled = read(2.0, seal=True)
    assert ruled.usable and ruled.tables[0].shape == (8, 9)  # the seal's rim adds no rule
    rows = ruled.tables[0].rows
    assert texts(rows)[7] == [LABELS[7], *expected_values(7)]
    conf = [c.confidence for c in rows[7].cells[1:]]
    assert conf[4] == conf[5] == HIDDEN_CONFIDENCE
    assert rows[7].cells[5].reading == rows[7].cells[6].reading == "hidden_by_seal"
    assert conf[0] > 0.9 and conf[6] > 0.9
    assert [c.confidence for c in rows[4].cells if not c.text] == [BLANK_CONFIDENCE] * 2  # away from the seal


def test_words_outside_the_grid_are_left_for_line_clustering() -> None:
    ruled = read(1.0, seal=False)
    assert sorted(w.text for w in ruled.outside) == sorted(
        ["瑞亭街道2022年政府信息公开工作年度报告", "二、收到和处理政府信息公开申请情况", "本年度共收到申请45件。"])
    assert ruled.numbers == ruled.numbers_inside and ruled.cover == 1.0
    x0, top, x1, bottom = ruled.tables[0].bbox  # page units: the turned table's extent
    assert x0 < COLS[0] + 5 and x1 > COLS[-1] - 5 and top < ROWS[0] + 5 and bottom > ROWS[-1]


def test_page_without_rules_is_not_read_by_a_grid() -> None:
    ruled = read(1.0, seal=False, rules=False)
    assert not ruled.tables and not ruled.usable


def test_grid_that_puts_two_rows_numbers_in_one_cell_is_not_used() -> None:
    ruled = read(1.0, seal=False, lost_rule=True)
    assert ruled.tables and ruled.cover == 1.0
    assert ruled.stacked == 5 and not ruled.usable  # the five value cells of band 3 that hold a number


class _Engine:
    name = "fake"

    def __init__(self, words: list[Word]) -> None:
        self.words = words

    def recognize(self, image: np.ndarray, page: int) -> list[Word]:
        return self.words


def test_scan_pages_give_grid_tables_between_stream_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    img, words = page(2.0, seal=True)
    monkeypatch.setattr(scan, "get_engine", lambda name: _Engine(words))
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    read_doc = scan.load_image(ingest.load(buf.getvalue(), Options().limits, name="page.png"), Options())
    assert read_doc.tables == [] and read_doc.scan_pages[0].grids  # the reader finds the rules, makes no table
    doc = lay_out_scan(read_doc)
    assert [t.kind for t in doc.tables] == ["stream", "grid", "stream"]  # title, table, prose
    assert [t.prov.table for t in doc.tables] == [0, 1, 2]
    assert doc.lines[0].text.startswith("瑞亭街道2022年") and doc.lines[-1].text == "本年度共收到申请45件。"
    assert len(doc.words) == len(words)
    grid = doc.tables[1]
    assert [c.text for c in grid.rows[3].cells] == [LABELS[3], *expected_values(3)]


def test_unruled_scan_page_stays_a_stream_table(monkeypatch: pytest.MonkeyPatch) -> None:
    img, words = page(1.0, seal=False, rules=False)
    monkeypatch.setattr(scan, "get_engine", lambda name: _Engine(words))
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="PNG")
    doc = lay_out_scan(scan.load_image(ingest.load(buf.getvalue(), Options().limits, name="page.png"), Options()))
    assert [t.kind for t in doc.tables] == ["stream"]


@pytest.mark.ocr
def test_bench_scan_is_read_by_its_grid_and_matches_gold() -> None:
    stem = "scan_200_000"
    base = ROOT / "corpora" / "bench" / "scan_200"
    gold = json.loads((base / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    opts = Options()
    doc = lay_out_scan(to_document(ingest.load(base / "docs" / f"{stem}.pdf", opts.limits), opts))
    grids = [t for t in doc.tables if t.kind == "grid"]
    assert len(grids) >= 3  # 主动公开, the apply table on both pages, 行政复议/诉讼
    s = score_document(gold, build_report(doc, opts).model_dump(), stem)
    assert s.right == s.total, s.wrong

"""The HTML review page: its content for real documents, and what headless Chromium really draws."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor import extract
from extractor.cli import app
from extractor.datamodel import Report
from extractor.review import KINDS, render_review_html
from tests.conftest import REAL

CHROMIUM = "/usr/bin/chromium"
PDF_FAILED = REAL / "docs" / "hzq2023_working.pdf"  # gold lists two review-group identities that fail
PDF_REVIEW = REAL / "docs" / "hzq2024_working.pdf"  # one cell flagged by a failed narrative check
TEXT = REAL / "docs" / "001_1feac183b5673ebd.txt"


@cache
def _report(path: Path) -> Report:
    return extract(path)


def _tree(html: str):  # type: ignore[no-untyped-def]
    import lxml.html

    return lxml.html.fromstring(html)


def _q(node, tag: str = "*", cls: str = "", **attrs: str) -> list:  # type: ignore[no-untyped-def]
    """Elements below ``node`` by tag, classes (space-separated, all required) and attribute values."""
    conds = [f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')" for c in cls.split()]
    conds += [f'@{k.replace("_", "-")}="{v}"' for k, v in attrs.items()]
    return node.xpath(f".//{tag}" + "".join(f"[{c}]" for c in conds))


def _rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(x) for x in re.findall(r"\d+", css))
    return r, g, b


# ------------------------------------------------------------------------------------------ content

def test_review_page_of_a_pdf_with_failed_identities() -> None:
    rep = _report(PDF_FAILED)
    html = render_review_html(PDF_FAILED, rep)
    doc = _tree(html)
    fails = [c for c in rep.checks if c.kind == "identity" and c.status == "fail"]
    assert {c.id for c in fails} == {"review.group_total.review", "review.group_total.suit_after_review"}
    failed_keys = {k for c in fails for k in c.lhs_keys + c.rhs_keys}

    tds = {td.get("data-key"): td for td in _q(doc, "td", "cell")}
    assert set(tds) == set(rep.all_cells)  # every cell is in the tables (a hybrid row's own cells too)
    boxes = {b.get("data-key"): b for b in _q(doc, "div", "box")}
    assert set(boxes) == {k for k, c in rep.all_cells.items() if c.prov.bbox is not None and c.prov.page is not None}
    for key, cell in rep.all_cells.items():
        td = tds[key]
        classes = td.get("class").split()
        if key in failed_keys:
            assert "c-fail" in classes and "c-fail" in boxes[key].get("class").split()
        elif cell.review:
            assert "c-review" in classes
        elif cell.source in ("inferred", "repaired"):
            assert "c-inferred" in classes, key
        else:
            assert "c-ok" in classes
        # the click handler reads the provenance from these attributes
        assert td.get("data-page") == str(cell.prov.page)
        assert td.get("data-bbox") == ",".join(f"{x:.1f}" for x in cell.prov.bbox)
        assert td.get("data-raw") == (cell.raw or "")
        assert td.get("data-source") == cell.source
        assert float(td.get("data-confidence")) == pytest.approx(cell.confidence, abs=0.005)
        assert td.get("data-reason") == (cell.reason or "")
    # the review flags of the failed identities are visible: 10 cells in red, 21 inferred in purple
    assert len(_q(doc, "td", "cell c-fail")) == len(failed_keys) == 10
    assert len(_q(doc, "td", "cell c-inferred")) == sum(c.source == "inferred" for c in rep.cells.values())
    # failed checks listed, with links to their cells; the narrative checks with their sentences
    items = _q(doc, "li", "chk fail")
    assert {li.get("data-check") for li in items} == {c.id for c in fails}
    assert any("2023年全区受理政府信息公开申请21件" in li.text_content() for li in _q(doc, "li", "chk"))
    # legend names every highlight
    legend = _q(doc, cls="legend")[0]
    assert all(_q(legend, cls=f"sw {k}") for k in KINDS)
    # page images embedded: only pages that hold something, as PNG; no outside resource anywhere
    pages = _q(doc, "div", "page")
    assert [p.get("data-page") for p in pages] == ["1", "2", "3", "4"]
    imgs = [p.xpath(".//img")[0] for p in pages]
    from PIL import Image

    png = Image.open(io.BytesIO(base64.b64decode(imgs[3].get("src").split(",", 1)[1])))
    assert png.format == "PNG" and png.size == (int(imgs[3].get("width")), int(imgs[3].get("height")))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    assert "addEventListener('click'" in html


def test_review_page_of_a_text_document_has_tables_and_no_image() -> None:
    rep = _report(TEXT)
    doc = _tree(render_review_html(TEXT, rep))
    assert not doc.xpath(".//img") and not _q(doc, "div", "box")
    assert "No page image" in doc.get_element_by_id("side").text_content()
    tds = _q(doc, "td", "cell")
    assert len(tds) == len(rep.cells) > 190
    line = rep.cells["apply.new_received.total"].prov.line
    td = _q(doc, "td", "cell", data_key="apply.new_received.total")[0]
    assert line is not None and td.get("data-line") == str(line) and td.get("data-bbox") == ""


def test_untrusted_text_is_escaped() -> None:
    rep = _report(TEXT).model_copy(deep=True)
    key = "apply.new_received.total"
    rep.cells[key].raw = '"><script>alert(1)</script>'
    rep.cells[key].review = True
    rep.source = "<img src=x onerror=alert(2)>.txt"
    html = render_review_html(None, rep)
    assert "<script>alert" not in html and "<img src=x" not in html
    td = _q(_tree(html), "td", "cell", data_key=key)[0]
    assert td.get("data-raw") == '"><script>alert(1)</script>' and "c-review" in td.get("class")


def test_inspect_html_command(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "review.html"
    res = CliRunner().invoke(app, ["inspect", str(PDF_REVIEW), "--html", str(out)])
    assert res.exit_code == 0, res.output
    doc = _tree(out.read_text(encoding="utf-8"))
    assert _q(doc, "td", "cell c-review", data_key="apply.new_received.total")
    assert len(_q(doc, "div", "page")) >= 2
    res = CliRunner().invoke(app, ["inspect", str(TEXT)])
    assert res.exit_code == 2  # neither --png nor --html


# ------------------------------------------------------------------------------------------ Chromium

def _chromium(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.fail("headless Chromium is needed for the review-page tests: apt-get install chromium "
                    "(or `make sysdeps`)")
    exe = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--hide-scrollbars", f"--user-data-dir={tmp / 'chromium-profile'}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)


def _screenshot(tmp: Path, html: str, name: str, fragment: str) -> object:
    import numpy as np
    from PIL import Image

    page = tmp / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    png = tmp / f"{name}.png"
    res = _chromium(tmp, page.as_uri() + fragment, f"--screenshot={png}", "--window-size=1400,1000")
    assert png.exists(), f"chromium wrote no screenshot (rc {res.returncode}): {res.stderr[-2000:]}"
    return np.asarray(Image.open(png).convert("RGB")).astype(int)


def _count(img: object, rgb: tuple[int, int, int], tol: int = 24) -> int:
    import numpy as np

    a = np.asarray(img)
    # the page-image half of the window, below the header (the legend's swatches are not counted)
    region = a[120:, : a.shape[1] // 2]
    return int((np.abs(region - np.array(rgb)).max(axis=2) <= tol).sum())


def _unflagged(rep: Report) -> Report:
    """The same report with every flag removed: the control that must show no highlight."""
    clean = rep.model_copy(deep=True)
    for c in clean.cells.values():
        c.review = False
        c.source = "read" if c.source in ("inferred", "repaired") else c.source
    for ch in clean.checks:
        ch.status = "pass" if ch.status == "fail" else ch.status
    return clean


@pytest.mark.parametrize(("path", "key", "kind"), [
    (PDF_FAILED, "review.review.total", "c-fail"),
    (PDF_REVIEW, "apply.new_received.total", "c-review"),
])
def test_screenshot_shows_the_flagged_cells(tmp_path: Path, path: Path, key: str, kind: str) -> None:
    rep = _report(path)
    frag = f"#cell={key}"
    shot = _screenshot(tmp_path, render_review_html(path, rep), "flagged", frag)
    control = _screenshot(tmp_path, render_review_html(path, _unflagged(rep)), "control", frag)
    color = _rgb(KINDS[kind][0])
    flagged_px, control_px = _count(shot, color), _count(control, color)
    # each flagged box is a 2px border of that colour around a cell tens of pixels wide
    assert flagged_px > 150, f"{kind} colour {color}: {flagged_px} pixels on the page image"
    assert control_px * 10 < flagged_px, (flagged_px, control_px)
    # the fragment selected the cell: its box carries the selection ring
    assert _count(shot, _rgb("rgb(0, 200, 255)")) > 100


def test_clicking_a_cell_shows_its_provenance(tmp_path: Path) -> None:
    """The page's own script, run by Chromium: selecting a cell (as a click does) outlines its box and
    fills the provenance panel."""
    rep = _report(PDF_FAILED)
    key = "review.suit_after_review.upheld"
    page = tmp_path / "page.html"
    page.write_text(render_review_html(PDF_FAILED, rep), encoding="utf-8")
    res = _chromium(tmp_path, page.as_uri() + f"#cell={key}", "--dump-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    doc = _tree(res.stdout)
    prov = doc.get_element_by_id("prov").text_content()
    cell = rep.cells[key]
    assert key in prov and f"{cell.prov.bbox[0]:.1f}" in prov and "in failed check" in prov
    assert f"page{cell.prov.page}" in prov.replace(" ", "")
    sel = _q(doc, cls="selected")
    assert {e.get("data-key") for e in sel} == {key} and {e.tag for e in sel} == {"td", "div"}

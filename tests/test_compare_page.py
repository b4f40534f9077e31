"""The comparison page of two real consecutive reports (洪泽区 2023 -> 2024, PDFs), written by
``extractor compare A B --html``, in headless Chromium: the screenshot shows the flagged rows, every value
links to a review page that exists, and following a link opens that review page on the cell it names."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from extractor.compare import Comparison, compare, render_compare_html
from extractor.compare.html import FLAG_BG, RULE_BG
from tests.conftest import REAL, ROOT

CHROMIUM = "/usr/bin/chromium"
HZQ = (REAL / "docs" / "hzq2023_working.pdf", REAL / "docs" / "hzq2024_working.pdf")
FLAGGED = "active.licensing.decisions"  # 550 -> 9487: factor_change


def _chromium(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        pytest.fail("headless Chromium is needed for the comparison-page tests: apt-get install chromium")
    exe = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--hide-scrollbars", f"--user-data-dir={tmp / 'chromium-profile'}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)


def _tree(html: str):  # type: ignore[no-untyped-def]
    import lxml.html

    return lxml.html.fromstring(html)


def _rgb(css: str) -> tuple[int, int, int]:
    h = css.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _count(png: Path, rgb: tuple[int, int, int], tol: int = 6) -> int:
    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(png).convert("RGB")).astype(int)
    return int((np.abs(a - np.array(rgb)).max(axis=2) <= tol).sum())


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("compare-page")
    page = folder / "hzq.html"
    res = subprocess.run([sys.executable, "-m", "extractor", "compare", str(HZQ[1]), str(HZQ[0]), "--html", str(page)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    return page


def test_the_command_writes_the_page_and_both_review_pages(written: Path) -> None:
    assert sorted(p.name for p in written.parent.glob("*.html")) == sorted([
        "hzq.hzq2023_working.review.html", "hzq.hzq2024_working.review.html", "hzq.html"])


def test_every_value_links_to_a_review_page_cell(tmp_path: Path, written: Path) -> None:
    res = _chromium(tmp_path, written.as_uri(), "--dump-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    doc = _tree(res.stdout)
    links = doc.xpath('//a[contains(concat(" ", @class, " "), " v ")]')
    assert len(links) > 2 * 200  # both values of every key, the carry-over and the failed identities
    reviews = {name: (written.parent / name).read_text(encoding="utf-8") for name in
               {a.get("href").split("#")[0] for a in links}}
    assert sorted(reviews) == ["hzq.hzq2023_working.review.html", "hzq.hzq2024_working.review.html"]
    for a in links:
        href = a.get("href")
        m = re.fullmatch(r"([^#]+)#cell=(.+)", href)
        assert m, href
        assert f'data-key="{unquote(m.group(2))}"' in reviews[m.group(1)], href
    # the earlier year's values go to the earlier report's page, the later year's to the later one's
    row = doc.get_element_by_id(f"k-{FLAGGED}")
    before, after = row.xpath('.//a[contains(concat(" ", @class, " "), " v ")]')
    assert before.get("href") == f"hzq.hzq2023_working.review.html#cell={FLAGGED}" and before.text_content() == "550"
    assert after.get("href") == f"hzq.hzq2024_working.review.html#cell={FLAGGED}" and after.text_content() == "9487"
    assert "factor_change" in row.text_content() and "flagged" in row.get("class")
    assert "page 2" in before.get("title")  # provenance: page and box


@pytest.mark.parametrize("side", [0, 1])
def test_following_a_link_opens_the_review_page_on_that_cell(tmp_path: Path, written: Path, side: int) -> None:
    html = written.read_text(encoding="utf-8")
    hrefs = re.findall(r'<tr id="k-' + re.escape(FLAGGED) + r'".*?</tr>', html)[0]
    href = re.findall(r'href="([^"]+)"', hrefs)[side]
    page, frag = href.split("#")
    res = _chromium(tmp_path, (written.parent / page).as_uri() + "#" + frag, "--dump-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    doc = _tree(res.stdout)
    selected = doc.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " selected ")]')
    assert selected and {e.get("data-key") for e in selected} == {FLAGGED}


def _unflagged(cmp: Comparison) -> Comparison:
    clean = cmp.model_copy(deep=True)
    clean.flags = []
    for c in clean.changes:
        c.flags = []
    return clean


def test_screenshot_shows_the_flagged_rows(tmp_path: Path) -> None:
    import extractor

    cmp = compare(extractor.extract(HZQ[0]), extractor.extract(HZQ[1]), reviews=("a.html", "b.html"))
    shots = {}
    for name, c in (("flagged", cmp), ("control", _unflagged(cmp))):
        page = tmp_path / f"{name}.html"
        page.write_text(render_compare_html(c), encoding="utf-8")
        png = tmp_path / f"{name}.png"
        # the top of the page: the flags, the carry-over, the largest changes and the first rows of the
        # active table (a fragment's scroll is not painted reliably in a headless screenshot)
        res = _chromium(tmp_path, page.as_uri(), f"--screenshot={png}", "--window-size=1400,1400")
        assert png.exists(), f"chromium wrote no screenshot (rc {res.returncode}): {res.stderr[-2000:]}"
        shots[name] = png
    tint, badge = _rgb(FLAG_BG), _rgb(RULE_BG)
    flagged, control = _count(shots["flagged"], tint), _count(shots["control"], tint)
    # the flagged row (行政许可 550 -> 9487) is tinted across the table's width
    assert flagged > 5000, flagged
    assert control * 10 < flagged, (flagged, control)
    # each flag's rule is named on a badge, in the list at the top and on the row
    assert _count(shots["flagged"], badge) > 10 * max(1, _count(shots["control"], badge))

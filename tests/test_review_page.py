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


# ------------------------------------------------------------------------------------------ item 6 of #16

APPLY_TITLE = "三、收到和处理政府信息公开申请情况"
HEADINGS = {"2019": ["三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理"],
            "2021": ["三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"]}


def _apply_table(doc):  # type: ignore[no-untyped-def]
    h3 = next(h for h in doc.iter("h3") if h.text_content() == APPLY_TITLE)
    return h3.getnext()


def _run(tmp: Path, html: str, script: str = "", fragment: str = "", name: str = "run") -> object:
    """The page's DOM after its own script ran in Chromium, and then ``script`` (run on ``load``, after the
    page's handler: it clicks the page's buttons as a person would)."""
    page = tmp / f"{name}.html"
    inject = f"<script>window.addEventListener('load',function(){{{script}}});</script>" if script else ""
    page.write_text(html.replace("</body>", inject + "</body>"), encoding="utf-8")
    res = _chromium(tmp, page.as_uri() + fragment, "--dump-dom", "--window-size=1400,1000")
    assert res.returncode == 0 and "<html" in res.stdout, res.stderr[-2000:]
    return _tree(res.stdout)


@pytest.mark.parametrize("path", [TEXT, PDF_FAILED], ids=["2019-text", "2021-pdf"])
def test_apply_sub_rows_sit_under_their_group_headings(path: Path) -> None:
    rep = _report(path)
    assert rep.template is not None
    table = _apply_table(_tree(render_review_html(path, rep)))
    heads = [tr for tr in table.iter("tr") if "grp" in (tr.get("class") or "").split()]
    assert [tr.text_content() for tr in heads] == HEADINGS[rep.template]
    ncols = len(table.xpath(".//thead/tr/th"))
    assert all(tr.xpath("./th")[0].get("colspan") == str(ncols) and not tr.xpath("./td") for tr in heads)
    # every numbered sub-row (1. 2. 3. …) follows the heading of its nest, one level deeper than it
    current: dict[int, str] = {}
    n_sub = 0
    for tr in table.xpath("./tbody/tr"):
        depth = int(tr.get("data-depth") or 0)
        if "grp" in (tr.get("class") or ""):
            current = {d: g for d, g in current.items() if d < depth} | {depth: tr.get("data-group")}
            continue
        keys = {td.get("data-key").rsplit(".", 1)[0] for td in tr.xpath("./td[@data-key]")}
        (row_key,) = keys
        nest = row_key.removeprefix("apply.").rsplit(".", 1)[0] if row_key.count(".") > 1 else ""
        if nest:  # (the 2021 merged row （六）其他处理 sits under its own heading, beside the sub-rows it replaces)
            assert current.get(depth - 1) in (nest, row_key.removeprefix("apply.")), (row_key, current)
            assert f"sub d{depth}" in tr.get("class")
        if row_key.count(".") == 3:  # apply.result.withheld.state_secret: a numbered sub-row
            n_sub += 1
            assert depth == 2 and tr.xpath("./th")[0].text_content()[:2] in {f"{i}." for i in range(1, 9)}
    assert n_sub == (16 if rep.template == "2019" else 19)


def test_group_headings_come_from_the_template_data() -> None:
    """Renaming a heading in the template data renames it on the page; a nest whose heading the data does
    not give is headed by its key (no label is written in the page's code)."""
    import dataclasses

    from extractor.review.tables import section_lines
    from extractor.templates import load_template

    t = load_template("2021")
    groups = [("三、本年度办理结果（改）",) if g[0].startswith("三、") else g for g in t.groups
              if not g[0].startswith("（四）")]
    lines = section_lines(dataclasses.replace(t, groups=groups), "apply", _report(PDF_FAILED))
    heads = {nest: label for what, label, _, nest in lines if what == "group"}
    assert heads == {"result": "三、本年度办理结果（改）", "result.withheld": "（三）不予公开",
                     "result.unavailable": "result.unavailable", "result.not_processed": "（五）不予处理",
                     "result.other": "（六）其他处理"}


def test_group_headings_span_the_table_and_sub_rows_are_indented(tmp_path: Path) -> None:
    rep = _report(PDF_FAILED)
    script = """
      var t=[...document.querySelectorAll('h3')].find(h=>h.textContent==='""" + APPLY_TITLE + """').nextElementSibling;
      var g=t.querySelector('tr.grp.d1 th.gh'), sub=t.querySelector('tr.sub.d2 th.rl'), top=t.querySelector('tbody tr:not(.sub):not(.grp) th.rl');
      function pad(e){return parseFloat(getComputedStyle(e).paddingLeft);}
      document.body.dataset.m=JSON.stringify({table:t.getBoundingClientRect().width, head:g.getBoundingClientRect().width,
        sub:pad(sub), top:pad(top), headpad:pad(g)});"""
    doc = _run(tmp_path, render_review_html(PDF_FAILED, rep), script)
    import json

    m = json.loads(doc.xpath("//body")[0].get("data-m"))
    assert m["head"] == pytest.approx(m["table"], abs=2)  # the heading row spans the table
    assert m["sub"] > m["headpad"] > m["top"]  # the heading indented under 三、, its sub-rows further


def test_screenshot_shows_the_group_headings(tmp_path: Path) -> None:
    rep = _report(TEXT)
    html = render_review_html(TEXT, rep)
    shot = _screenshot(tmp_path, html, "groups", "#cell=apply.result.withheld.state_secret.total")
    plain = _screenshot(tmp_path, html.replace('class="grp ', 'class="nogrp '), "nogroups",
                        "#cell=apply.result.withheld.state_secret.total")
    import numpy as np

    def heading_px(img: object) -> int:
        a = np.asarray(img)
        return int((np.abs(a - np.array((0xe8, 0xee, 0xf8))).max(axis=2) <= 3).sum())

    # the heading rows' tint, a table wide (~600 px) and a row high, several of them on screen
    assert heading_px(shot) > 3 * 8000, heading_px(shot)
    assert heading_px(plain) * 20 < heading_px(shot)


def test_zoom_buttons_scale_the_image_and_its_boxes_together(tmp_path: Path) -> None:
    rep = _report(PDF_FAILED)
    key = "review.review.upheld"
    script = """
      function m(){var b=document.querySelector('.box.selected'), i=b.closest('.pimg').querySelector('img');
        var rb=b.getBoundingClientRect(), ri=i.getBoundingClientRect();
        return {img:ri.width, box:rb.width, boxh:rb.height, left:rb.left-ri.left, top:rb.top-ri.top,
                zoom:document.body.dataset.zoom, label:document.getElementById('zoomlevel').textContent,
                hash:location.hash};}
      var out=[m()], zin=document.getElementById('zoomin'), zout=document.getElementById('zoomout');
      zin.click(); zin.click(); out.push(m());
      zout.click(); out.push(m());
      document.getElementById('zoomfit').click(); out.push(m());
      for(var i=0;i<12;i++) zin.click(); out.push(m());
      document.body.dataset.m=JSON.stringify(out);"""
    doc = _run(tmp_path, render_review_html(PDF_FAILED, rep), script, f"#cell={key}")
    import json

    base, z150, z125, fit, top = json.loads(doc.xpath("//body")[0].get("data-m"))
    assert (base["zoom"], base["label"]) == ("1", "100%")
    for state, z in ((z150, 1.5), (z125, 1.25), (fit, 1.0), (top, 4.0)):
        assert float(state["zoom"]) == z and state["label"] == f"{round(z * 100)}%"
        for dim in ("img", "box", "boxh", "left", "top"):  # the box stays on the same spot of the image
            assert state[dim] == pytest.approx(base[dim] * z, rel=0.03, abs=1.5), (z, dim, state, base)
    assert z150["hash"] == f"#cell={key}&zoom=1.5" and fit["hash"] == f"#cell={key}"
    body = doc.xpath("//body")[0]  # the last state stays in the DOM: the largest zoom, its button disabled
    assert body.get("data-zoom") == "4" and doc.get_element_by_id("zoomin").get("disabled") is not None
    assert {e.get("data-key") for e in _q(doc, cls="selected")} == {key}  # zooming keeps the selection


def test_screenshot_shows_the_zoom(tmp_path: Path) -> None:
    """#zoom=2 on load: the page image drawn twice as large, the selected cell's ring around a box twice as
    wide (the ring's width stays 3 px, so its pixels double with its perimeter)."""
    rep = _report(PDF_FAILED)
    html = render_review_html(PDF_FAILED, rep)
    frag = "#cell=review.review.upheld"
    one = _screenshot(tmp_path, html, "zoom1", frag)
    two = _screenshot(tmp_path, html, "zoom2", frag + "&zoom=2")
    import numpy as np

    ring = _rgb("rgb(0, 200, 255)")
    r1, r2 = _count(one, ring), _count(two, ring)
    assert r1 > 100 and 1.6 * r1 < r2 < 2.6 * r1, (r1, r2)
    half = np.asarray(one).shape[1] // 2
    diff = np.abs(np.asarray(one)[120:, :half] - np.asarray(two)[120:, :half]).max(axis=2) > 40
    assert diff.mean() > 0.05  # the page image itself changed, not only the ring
    # the zoom state shows in the DOM too
    res = _chromium(tmp_path, (tmp_path / "zoom2.html").as_uri() + frag + "&zoom=2", "--dump-dom")
    doc = _tree(res.stdout)
    assert doc.xpath("//body")[0].get("data-zoom") == "2" and doc.get_element_by_id("zoomlevel").text == "200%"


def _queue_keys(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [li.get("data-target") for li in _q(doc, "li", "qi")]


@pytest.mark.parametrize("path", [PDF_FAILED, PDF_REVIEW, TEXT], ids=["failed", "review", "text"])
def test_review_list_holds_the_cells_to_review_in_table_order(path: Path) -> None:
    rep = _report(path)
    doc = _tree(render_review_html(path, rep))
    table_order = [td.get("data-key") for td in _q(doc, "td", "cell")]
    flagged = [k for k in table_order if {"c-fail", "c-review"} & set(_q(doc, "td", "cell", data_key=k)[0].get("class").split())]
    assert _queue_keys(doc) == flagged
    assert doc.get_element_by_id("queue").get("data-count") == str(len(flagged))
    if path == PDF_FAILED:
        fails = {k for c in rep.checks if c.kind == "identity" and c.status == "fail" for k in c.lhs_keys + c.rhs_keys}
        assert set(flagged) == fails and len(flagged) == 10
        li = _q(doc, "li", "qi", data_target="review.suit_after_review.upheld")[0]
        assert "failed review.group_total.suit_after_review" in li.text_content()
    elif path == PDF_REVIEW:
        assert flagged == ["apply.new_received.total"]
    else:
        assert flagged == [] and "No cell to review" in doc.get_element_by_id("queue").text_content()


def test_next_and_previous_move_the_selection(tmp_path: Path) -> None:
    rep = _report(PDF_FAILED)
    html = render_review_html(PDF_FAILED, rep)
    items = _queue_keys(_tree(html))
    script = """
      function m(){var s=document.querySelector('td.cell.selected'), c=document.querySelector('li.qi.current');
        return {td:s&&s.dataset.key, li:c&&c.dataset.target, pos:document.getElementById('qpos').textContent,
                prev:document.getElementById('qprev').disabled, next:document.getElementById('qnext').disabled,
                boxes:[...document.querySelectorAll('.box.selected')].map(b=>b.dataset.key),
                prov:document.getElementById('prov').textContent, hash:location.hash};}
      var n=document.getElementById('qnext'), p=document.getElementById('qprev'), out=[m()];
      n.click(); n.click(); n.click(); out.push(m()); p.click(); out.push(m());
      for(var i=0;i<20;i++) n.click(); out.push(m());
      document.body.dataset.m=JSON.stringify(out);"""
    import json

    doc = _run(tmp_path, html, script)
    first, third, second, last = json.loads(doc.xpath("//body")[0].get("data-m"))
    assert first["td"] == first["li"] == items[0] and first["pos"] == f"1 / {len(items)}" and first["prev"]
    for state, i in ((third, 3), (second, 2), (last, len(items) - 1)):
        key = items[i]
        assert state["td"] == state["li"] == key and state["boxes"] == [key] and state["pos"] == f"{i + 1} / {len(items)}"
        cell = rep.all_cells[key]  # the provenance shown, as a click shows it
        assert key in state["prov"] and f"{cell.prov.bbox[0]:.1f}" in state["prov"] and state["hash"] == f"#cell={key}"
    assert last["next"] and not last["prev"]
    # from a cell outside the list, next goes to the first listed cell after it in table order
    start = "apply.new_received.total"
    doc = _run(tmp_path, html, "document.getElementById('qnext').click();", f"#cell={start}", name="from")
    order = [td.get("data-key") for td in _q(doc, "td", "cell")]
    want = next(k for k in order[order.index(start):] if k in items)
    assert {e.get("data-key") for e in _q(doc, cls="selected")} == {want}


def test_screenshot_shows_the_review_list(tmp_path: Path) -> None:
    """The list on screen with its current item marked; next moves the ring on the page image to the next
    cell of the same printed row (to the right)."""
    import numpy as np

    rep = _report(PDF_FAILED)
    html = render_review_html(PDF_FAILED, rep)
    shot = _screenshot(tmp_path, html, "queue", "")
    moved = _screenshot(tmp_path, html.replace("</body>", "<script>reviewNext();reviewNext();</script></body>"),
                        "queue-next", "")
    a = np.asarray(shot)
    current = (np.abs(a[:, a.shape[1] // 2:] - np.array((0xd9, 0xf5, 0xff))).max(axis=2) <= 3).sum()
    assert current > 2000, current  # the current item's tint, a list line wide
    listed = (np.abs(a[:, a.shape[1] // 2:] - np.array((0xf3, 0xf7, 0xff))).max(axis=2) <= 3).sum()
    assert listed > 20000, listed  # the list's panel

    def ring_x(img: object) -> float:
        b = np.asarray(img)[120:, : a.shape[1] // 2]
        _, xs = np.nonzero(np.abs(b - np.array(_rgb("rgb(0, 200, 255)"))).max(axis=2) <= 24)
        return float(xs.mean())

    assert ring_x(moved) > ring_x(shot) + 40


@pytest.mark.parametrize("path", [PDF_FAILED, PDF_REVIEW, TEXT], ids=["failed", "review", "text"])
def test_legend_counts_match_the_header(path: Path) -> None:
    rep = _report(path)
    doc = _tree(render_review_html(path, rep))
    header = doc.xpath("//header")[0]
    said = {s.get("data-kind"): int(s.xpath("./b")[0].text) for s in _q(header, "span", "cnt")}
    legend = {s.get("data-kind"): int(s.xpath("./b")[0].text) for s in _q(header, "span", "lg")}
    assert set(legend) == set(KINDS) and set(said) == set(KINDS) - {"c-ok"} | {"all", "identities"}
    for kind in KINDS:
        n = len(_q(doc, "td", f"cell {kind}"))
        assert legend[kind] == n and (kind == "c-ok" or said[kind] == n), (kind, legend, said)
        assert f"({n})" in _q(header, "span", "lg", data_kind=kind)[0].text_content().replace(" ", "")
    assert said["all"] == sum(legend.values()) == len(rep.all_cells)
    assert said["identities"] == sum(c.kind == "identity" and c.status == "fail" for c in rep.checks)
    assert int(doc.get_element_by_id("queue").get("data-count")) == legend["c-fail"] + legend["c-review"]
    # a cell both flagged and in a failed identity is counted once, as failed, in all three places
    if path == PDF_FAILED:
        assert any(c.review for k, c in rep.all_cells.items() if "c-fail" in _q(doc, "td", data_key=k)[0].get("class"))
        assert legend["c-fail"] == 10


def test_text_cells_show_their_source_line(tmp_path: Path) -> None:
    """Tab rows (label and numbers on one line): each cell carries its line's text beside its number, in
    the tooltip and in the provenance panel, with the lines around it; the same from the document's bytes."""
    from tests.conftest import load_gold
    from tests.render import render

    text = render(load_gold("001_1feac183b5673ebd"), sep="\t")
    src = tmp_path / "tabrows.txt"
    src.write_text(text, encoding="utf-8")
    rep = extract(src)
    lines = text.split("\n")
    key = "apply.new_received.total"
    n = rep.cells[key].prov.line
    assert n is not None and lines[n - 1].startswith("一、本年新收政府信息公开申请数量\t")
    for source in (src, src.read_bytes()):
        td = _q(_tree(render_review_html(source, rep)), "td", "cell", data_key=key)[0]
        assert td.get("data-linetext") == lines[n - 1].strip()
        assert td.get("title") == f"{key}\nline {n}: {lines[n - 1].strip()}"
    doc = _run(tmp_path, render_review_html(src, rep), fragment=f"#cell={key}")
    prov = doc.get_element_by_id("prov")
    row = next(tr for tr in prov.iter("tr") if tr.xpath("./td")[0].text_content() == "line")
    assert row.xpath("./td")[1].text_content() == f"{n} {lines[n - 1].strip()}"
    ctx = [d.text_content() for d in _q(prov, "div", "ln")]
    assert any(f"{n - 1} │ {lines[n - 2]}" in c for c in ctx) and any("▶" in c and lines[n - 1] in c for c in ctx)
    # not the report's document (another text): no line is shown rather than a wrong one
    other = render_review_html(TEXT, rep)
    assert _q(_tree(other), "td", "cell", data_key=key)[0].get("data-linetext") == ""


def test_one_cell_per_line_text_shows_the_row_label_line_too(tmp_path: Path) -> None:
    rep = _report(TEXT)
    key = "apply.result.withheld.state_secret.total"
    lines = TEXT.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
    td = _q(_tree(render_review_html(TEXT, rep)), "td", "cell", data_key=key)[0]
    n, m = int(td.get("data-line")), int(td.get("data-rowline"))
    assert td.get("data-linetext") == lines[n - 1].strip() == rep.cells[key].raw
    # the label printed over two lines: both, as written
    assert m < n and td.get("data-rowtext") == f"{lines[m - 1].strip()} ⏎ {lines[m].strip()}"
    assert "（三）不予公开" in lines[m - 1] and "1.属于国家秘密" in lines[m]
    prov = _run(tmp_path, render_review_html(TEXT, rep), fragment=f"#cell={key}").get_element_by_id("prov")
    assert f"row label line{m} {td.get('data-rowtext')}" in prov.text_content()


def test_source_lines_are_escaped(tmp_path: Path) -> None:
    from tests.conftest import load_gold
    from tests.render import render

    bad = {"apply.new_received.total": ("一、本年新收政府信息公开申请数量", '"><script>alert(1)</script>'),
           "apply.carried_over.total": ("二、上年结转政府信息公开申请数量", "'><svg onload=alert(2)>")}
    text = render(load_gold("001_1feac183b5673ebd"), sep="\t")
    for label, junk in bad.values():
        text = text.replace(label + "\t", label + junk + "\t", 1)
    src = tmp_path / "hostile.txt"
    src.write_text(text, encoding="utf-8")
    rep = extract(src)
    html = render_review_html(src, rep)
    assert "<script>alert" not in html and "<svg" not in html
    for key, (_, junk) in bad.items():
        assert rep.cells[key].prov.line is not None, key  # still read from its line
        td = _q(_tree(html), "td", "cell", data_key=key)[0]
        assert junk in td.get("data-linetext") and junk in td.get("title")
    doc = _run(tmp_path, html, fragment="#cell=apply.new_received.total")
    code = [s for s in doc.iter("script") if s.get("type") != "application/json"]
    assert not doc.xpath("//svg") and len(code) == 1 and "alert(" not in code[0].text
    assert bad["apply.new_received.total"][1] in doc.get_element_by_id("prov").text_content()
    import json  # the lines around each cell, as data the script reads: the text intact, "<" escaped

    data = doc.get_element_by_id("source-lines").text
    line = rep.cells["apply.carried_over.total"].prov.line
    assert "<svg" not in html.split('id="source-lines">', 1)[1].split("</script>", 1)[0]
    assert bad["apply.carried_over.total"][1] in json.loads(data)[str(line)]


def test_double_click_zooms_in_where_it_was_clicked(tmp_path: Path) -> None:
    """A double click on the page image zooms in one step and keeps the point clicked under the pointer;
    the keys + and - step too."""
    rep = _report(PDF_FAILED)
    script = """
      var img=document.querySelector('.pimg img'), r=img.getBoundingClientRect();
      var x=r.left+r.width*0.7, y=Math.min(r.top+r.height*0.4, window.innerHeight-50);
      var fx=(x-r.left)/r.width, fy=(y-r.top)/r.height;
      img.dispatchEvent(new MouseEvent('dblclick',{bubbles:true,clientX:x,clientY:y}));
      var r2=img.getBoundingClientRect(), z1=document.body.dataset.zoom;
      document.dispatchEvent(new KeyboardEvent('keydown',{key:'+',bubbles:true}));
      var z2=document.body.dataset.zoom;
      document.dispatchEvent(new KeyboardEvent('keydown',{key:'-',bubbles:true}));
      document.dispatchEvent(new KeyboardEvent('keydown',{key:'-',bubbles:true}));
      document.body.dataset.m=JSON.stringify({z1:z1, z2:z2, z3:document.body.dataset.zoom,
        fx:fx, fy:fy, gx:(x-r2.left)/r2.width, gy:(y-r2.top)/r2.height, w:r.width, w2:r2.width});"""
    import json

    doc = _run(tmp_path, render_review_html(PDF_FAILED, rep), script)
    m = json.loads(doc.xpath("//body")[0].get("data-m"))
    assert (m["z1"], m["z2"], m["z3"]) == ("1.25", "1.5", "1")
    assert m["w2"] == pytest.approx(1.25 * m["w"], rel=0.02)
    assert m["gx"] == pytest.approx(m["fx"], abs=0.02) and m["gy"] == pytest.approx(m["fy"], abs=0.02)


def test_html_cells_show_their_source_table_cell() -> None:
    path = REAL / "docs" / "shuyang_fgj_2023.html"
    rep = _report(path)
    key = "apply.new_received.total"
    p = rep.cells[key].prov
    td = _q(_tree(render_review_html(path, rep)), "td", "cell", data_key=key)[0]
    assert p.table is not None and td.get("data-grid") == f"table {p.table}, row {p.row}, column {p.col}"

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import extract
from extractor.errors import UnsupportedFormatError
from extractor.inspect import COLORS, render_overlays
from tests.conftest import REAL


def test_overlay_draws_cells_on_the_pages_they_came_from(tmp_path: Path) -> None:
    from PIL import Image

    pdf = REAL / "docs" / "szfgs2024.pdf"
    rep = extract(pdf)
    pages = render_overlays(pdf, rep, tmp_path, dpi=72)
    assert [p.name for p in pages] == ["page-3.png", "page-4.png", "page-5.png"]
    img = Image.open(pages[1]).convert("RGB")
    cell = rep.cells["apply.new_received.total"]
    assert cell.prov.page == 4
    x0, top, x1, bottom = cell.prov.bbox
    edge = [img.getpixel((int(x), int(top))) for x in range(int(x0) + 2, int(x1) - 2)]
    assert sum(p == COLORS["ok"] for p in edge) > len(edge) // 2  # the cell's top edge is drawn green


def test_text_documents_have_no_pages_to_draw(tmp_path: Path) -> None:
    rep = extract(REAL / "docs" / "001_1feac183b5673ebd.txt")
    with pytest.raises(UnsupportedFormatError):
        render_overlays(REAL / "docs" / "001_1feac183b5673ebd.txt", rep, tmp_path)

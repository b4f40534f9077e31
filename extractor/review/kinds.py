"""What a reviewer must do with each cell (its highlight class), and the small formatters every part of the
page shares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..datamodel import Cell

# class -> (CSS colour of the box/border, tint of the table cell, legend text)
KINDS: dict[str, tuple[str, str, str]] = {
    "c-fail": ("rgb(220, 0, 0)", "#ffd6d6", "in a failed identity (勾稽关系)"),
    "c-review": ("rgb(255, 140, 0)", "#ffe6c2", "to review (low confidence / ambiguous / narrative mismatch)"),
    "c-inferred": ("rgb(150, 40, 210)", "#efdcff", "inferred or repaired, not read"),
    "c-missing": ("rgb(140, 140, 140)", "#eeeeee", "missing"),
    "c-ok": ("rgb(0, 160, 60)", "#ffffff", "read cleanly"),
}
# the kinds a person must look at: the cells of the review list (next / previous)
TO_REVIEW = ("c-fail", "c-review")
ROW_COLOR = "rgb(40, 90, 220)"
SELECT_COLOR = "rgb(0, 200, 255)"


def cell_kind(key: str, cell: Cell, failed: set[str]) -> str:
    """The highlight class of a cell (the first that applies, in the order of ``KINDS``)."""
    if key in failed:
        return "c-fail"
    if cell.review:
        return "c-review"
    if cell.source in ("inferred", "repaired"):
        return "c-inferred"
    if cell.source == "missing":
        return "c-missing"
    return "c-ok"


def kind_counts(cells: Mapping[str, Cell], failed: set[str]) -> dict[str, int]:
    """How many cells of each kind: what the header, the legend and the review list all say."""
    counts = dict.fromkeys(KINDS, 0)
    for key, cell in cells.items():
        counts[cell_kind(key, cell, failed)] += 1
    return counts


def fmt(v: float | int | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def bbox_text(b: Iterable[float] | None) -> str:
    return "" if b is None else ",".join(f"{x:.1f}" for x in b)

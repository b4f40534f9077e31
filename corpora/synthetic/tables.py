"""The three statistics tables as grids of cells with row/column spans, laid out like the official
templates (国办公开办函〔2019〕60号 and 〔2021〕30号). Keys and labels come from the template loader;
only the printed furniture of the forms (第二十条第（x）项, 信息内容, the 勾稽 note, group labels) is
written here."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from extractor.templates import RowSpec, Template

from .values import APPLICANTS, Values, apply_rows

Role = Literal["group", "head", "label", "num", "note"]


@dataclass
class Cell:
    text: str  # printed text; '' = blank; '\n' = a line break inside the cell
    rs: int = 1
    cs: int = 1
    role: Role = "label"
    key: str | None = None  # canonical key of a value cell


@dataclass(frozen=True)
class Slot:
    """One grid position: the cell covering it and whether it is the cell's origin, a row below the
    origin in the origin's first column (``vcont``), or any other covered position (``hcont``)."""

    cell: Cell
    kind: Literal["origin", "vcont", "hcont"]


@dataclass
class Table:
    name: str  # active | apply | review
    ncols: int
    rows: list[list[Cell]]  # origin cells row by row, in reading order (the HTML table model)
    widths_cm: list[float] = field(default_factory=list)

    def grid(self) -> list[list[Slot]]:
        """Place the cells like an HTML table: each cell takes the next free column of its row."""
        grid: list[list[Slot | None]] = [[None] * self.ncols for _ in self.rows]
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while grid[r][c] is not None:
                    c += 1
                for dr in range(cell.rs):
                    for dc in range(cell.cs):
                        kind = "origin" if dr == dc == 0 else ("vcont" if dc == 0 else "hcont")
                        assert grid[r + dr][c + dc] is None, (self.name, r, c)
                        grid[r + dr][c + dc] = Slot(cell, kind)  # type: ignore[arg-type]
                c += cell.cs
        assert all(s is not None for row in grid for s in row), f"{self.name}: holes in the grid"
        return grid  # type: ignore[return-value]


# Printed furniture of the official forms.
ARTICLE = {
    "rules": "（一）", "normative_docs": "（一）", "licensing": "（五）", "other_services": "（五）",
    "penalty": "（六）", "enforcement": "（六）", "fees": "（八）", "procurement": "（九）",
}
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
RESULT_GROUP = "三、本年度办理结果"
SUB_GROUPS = {"withheld": "（三）不予公开", "unavailable": "（四）无法提供", "not_processed": "（五）不予处理", "other": "（六）其他处理"}
APPLICANT_HEAD, LEGAL_PERSONS = "申请人情况", "法人或其他组织"

# Where a narrow cell breaks its header in print (as the seeds show: "本年新\n制作数量").
HEAD_BREAKS = {
    "本年新制作数量": "本年新\n制作数量", "本年新公开数量": "本年新\n公开数量", "对外公开总数量": "对外公开\n总数量",
    "上一年项目数量": "上一年\n项目数量", "处理决定数量": "处理决定\n数量", "采购项目数量": "采购项目\n数量",
    "商业企业": "商业\n企业", "科研机构": "科研\n机构", "社会公益组织": "社会\n公益\n组织", "法律服务机构": "法律\n服务\n机构",
    "结果维持": "结果\n维持", "结果纠正": "结果\n纠正", "其他结果": "其他\n结果", "尚未审结": "尚未\n审结",
    "本年收费金额（单位：万元）": "本年收费金额\n（单位：万元）",
}


class Labels:
    """Per-document choices of printed labels (variants the template lists, header line breaks)."""

    def __init__(self, rng: random.Random, t: Template) -> None:
        self.t = t
        self.breaks = {k: v for k, v in HEAD_BREAKS.items() if rng.random() < 0.45}
        self.row_variant: dict[str, str] = {}
        nd = t.row("active.normative_docs").labels
        self.row_variant["active.normative_docs"] = nd[0] if rng.random() < 0.8 else nd[1]
        if rng.random() < 0.15:
            self.row_variant["apply.result.withheld.three_safety"] = "3.危及\"三安全一稳定\""
        self.typo: str | None = None
        if rng.random() < 0.05:  # a misprinted label, like 洪泽区's "2.其他法律行政止公开"
            self.typo = "apply.result.withheld.law_prohibited"
            self.row_variant[self.typo] = "2.其他法律行政止公开"

    def head(self, text: str) -> str:
        return self.breaks.get(text, text)

    def col(self, section: str, c: str) -> str:
        return self.head(self.t.column_labels[section][c][0])

    def row(self, spec: RowSpec) -> str:
        return self.row_variant.get(spec.full_key, spec.labels[0])


def active_table(t: Template, vals: Values, labels: Labels) -> Table:
    rows: list[list[Cell]] = []
    last = None
    for spec in t.rows_of("active"):
        span = 4 - len(spec.columns)  # the last column of a short row spans the rest of the 4
        if ARTICLE[spec.key] != last:
            last = ARTICLE[spec.key]
            rows.append([Cell(f"第二十条第{last}项", cs=4, role="group")])
            heads = [Cell(labels.col("active", c), role="head") for c in spec.columns]
            heads[-1].cs = span
            rows.append([Cell("信息内容", role="head"), *heads])
        nums = [Cell(vals.shown[k], role="num", key=k) for k in spec.cell_keys()]
        nums[-1].cs = span
        rows.append([Cell(labels.row(spec)), *nums])
    return Table("active", 4, rows, [4.6, 4.0, 4.0, 4.0])


def apply_table(t: Template, vals: Values, labels: Labels, mixed: bool) -> Table:
    specs = apply_rows(t, mixed)
    rows: list[list[Cell]] = [
        [Cell(NOTE, rs=3, cs=3, role="note"), Cell(APPLICANT_HEAD, cs=7, role="head")],
        [Cell(labels.col("apply", "natural_person"), rs=2, role="head"), Cell(LEGAL_PERSONS, cs=5, role="head"),
         Cell(labels.col("apply", "total"), rs=2, role="head")],
        [Cell(labels.col("apply", c), role="head") for c in APPLICANTS[1:]],
    ]
    results = [s for s in specs if s.key.startswith("result.")]
    for spec in specs:
        cells: list[Cell] = []
        parts = spec.key.split(".")
        if parts[0] != "result":
            cells.append(Cell(labels.row(spec), cs=3))
        else:
            if spec is results[0]:
                cells.append(Cell(RESULT_GROUP, rs=len(results), role="group"))
            if len(parts) == 3:
                members = [s for s in results if s.key.split(".")[1] == parts[1]]
                if spec is members[0]:
                    cells.append(Cell(SUB_GROUPS[parts[1]], rs=len(members), role="group"))
                cells.append(Cell(labels.row(spec)))
            else:
                cells.append(Cell(labels.row(spec), cs=2))
        cells += [Cell(vals.shown[k], role="num", key=k) for k in spec.cell_keys()]
        rows.append(cells)
    return Table("apply", 10, rows, [1.1, 2.4, 4.6] + [1.2] * 7)


def review_table(t: Template, vals: Values, labels: Labels) -> Table:
    review, suit, direct, after = t.review_header_labels[:4]
    cols = [labels.col("review", c) for c in t.review_columns]
    rows = [
        [Cell(review, cs=5, role="head"), Cell(suit, cs=10, role="head")],
        [*(Cell(x, rs=2, role="head") for x in cols), Cell(direct, cs=5, role="head"), Cell(after, cs=5, role="head")],
        [Cell(x, role="head") for _ in range(2) for x in cols],
        [Cell(vals.shown[k], role="num", key=k) for k in t.review_keys()],
    ]
    return Table("review", 15, rows, [1.1] * 15)

"""Plain-text forms of a report, each the way a scraper hands it over.

* ``text_lines``: DOCX scraped cell by cell (the seeds 000, 001, 003): one cell per line with a leading
  tab, a blank line after each table row, a vertically merged cell below its first row as an empty
  ``\\t`` line, a line break inside a cell as a new line without the tab.
* ``text_tabs``: one table row per line with cells split by tabs (seed 002), and the damage such text
  carries: empty leading cells (some dropped), labels broken over two lines with a blank line between,
  a character repeated at a line break, spaces inside words, （四）/(四) and 1./1．/1、 variants.
* ``text_glued``: an HTML page flattened to text with no cell separators (innerText of a table whose
  cells carry no tabs): each row's label and numbers run together, a blank cell is a no-break space.
"""

from __future__ import annotations

import random
import re

from .document import Report
from .site import make_chrome
from .tables import Slot, Table

NBSP = "\u00a0"


def _para_lines(rep: Report, table_fn, blank_between: bool, rng: random.Random, bookmark: bool) -> list[str]:
    out: list[str] = []
    after_table = False
    for b in rep.blocks:
        if b.table is not None:
            out.extend(table_fn(b.table))
            after_table = True
            continue
        text = b.text
        if after_table and bookmark and b.kind == "heading" and rng.random() < 0.5:
            text = "[bookmark: _GoBack]" + text
        after_table = False
        out.extend(text.split("\n"))
        if blank_between:
            out.append("")
    return out


# --- text_lines -----------------------------------------------------------------------------------------


def lines_table(table: Table) -> list[str]:
    out: list[str] = []
    for row in table.grid():
        for s in row:
            if s.kind == "origin":
                out.append("\t" + s.cell.text)
            elif s.kind == "vcont":
                out.append("\t")
        out.append("")
    out.append("")
    return out


def text_lines(rep: Report, rng: random.Random) -> tuple[str, list[str]]:
    blank = rng.random() < 0.4
    bookmark = rng.random() < 0.4
    lead = [""] * rng.choice([0, 0, 1, 2])
    lines = lead + _para_lines(rep, lines_table, blank, rng, bookmark)
    return "\n".join(lines).rstrip("\n") + "\n", (["bookmark_artifacts"] if bookmark else [])


# --- text_tabs ---------------------------------------------------------------------------------------------

_NUM_PREFIX = re.compile(r"^(\d)\.")
_PAREN_PREFIX = re.compile(r"^（([一二三四五六七八九])）")


class Mangler:
    """Per-document damage of labels in tab-split text; ``log`` says what was done."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.num_style = rng.choice(["1.", "1. ", "1．", "1、", "1."])
        self.paren_p = rng.choice([0.0, 0.0, 0.5, 1.0])
        self.space_p = rng.choice([0.0, 0.15, 0.3, 0.5])
        self.break_p = rng.choice([0.0, 0.05, 0.1])
        self.dup_p = rng.choice([0.0, 0.03, 0.06])
        self.log: set[str] = set()
        if self.num_style != "1.":
            self.log.add(f"numbering '{self.num_style}'")

    def label(self, text: str) -> str:
        text = text.replace("\n", "")
        text = _NUM_PREFIX.sub(lambda m: self.num_style.replace("1", m.group(1)), text)
        if self.rng.random() < self.paren_p and _PAREN_PREFIX.match(text):
            text = _PAREN_PREFIX.sub(lambda m: f"({m.group(1)}) ", text)
            self.log.add("half-width (四)")
        if len(text) >= 4 and self.rng.random() < self.space_p:
            for _ in range(self.rng.randint(1, max(1, len(text) // 5))):
                i = self.rng.randint(1, len(text) - 1)
                if text[i - 1] != " " and text[i] != " ":
                    text = text[:i] + " " + text[i:]
            self.log.add("spaces inside words")
        if len(text) >= 8 and self.rng.random() < self.dup_p:
            i = self.rng.randint(3, len(text) - 3)
            text = text[:i] + " " + text[i - 1 :]
            self.log.add("character repeated at a break")
        return text

    def split(self, text: str) -> tuple[str, str] | None:
        """Break a long label over two lines (the rest goes on its own line after a blank line)."""
        if len(text) >= 10 and self.rng.random() < self.break_p:
            i = self.rng.randint(len(text) // 3, 2 * len(text) // 3)
            self.log.add("label broken over two lines")
            return text[:i], text[i:]
        return None


def tabs_table(table: Table, m: Mangler, rng: random.Random, trailing: bool, collapse_h: float) -> list[str]:
    out: list[str] = []
    for row in table.grid():
        cells: list[str] = []
        kinds: list[str] = []
        for s in row:
            if s.kind == "hcont" and s.cell.role != "num" and rng.random() < collapse_h:
                continue
            text = s.cell.text if s.kind == "origin" else ""
            if text and s.cell.role != "num":
                text = m.label(text)
            cells.append(text)
            kinds.append(s.cell.role)
        while len(cells) > 1 and cells[0] == "" and kinds[0] != "num" and rng.random() < 0.2:
            cells.pop(0)
            kinds.pop(0)
        tail: list[str] | None = None
        for i, (text, role) in enumerate(zip(cells, kinds, strict=True)):
            if role in ("label", "group") and text and i + 1 < len(cells) and kinds[i + 1] == "num":
                parts = m.split(text)
                if parts:
                    cells[i] = parts[0]
                    tail = [""] * i + [parts[1]] + [""] * (len(cells) - i - 1)
                break
        out.append("\t".join(cells) + ("\t" if trailing else ""))
        if tail is not None:
            out += ["", "\t".join(tail)]
        if rng.random() < 0.05:
            out.append("")
    out.append("")
    return out


def text_tabs(rep: Report, rng: random.Random) -> tuple[str, list[str]]:
    m = Mangler(rng)
    trailing = rng.random() < 0.5
    collapse_h = rng.choice([0.0, 0.5, 1.0])
    lines = [""] * rng.choice([0, 1, 2])
    for b in rep.blocks:
        if b.table is not None:
            lines += tabs_table(b.table, m, rng, trailing, collapse_h)
        else:
            lines += b.text.split("\n") + [""]
    return "\n".join(lines).rstrip("\n") + "\n", sorted(m.log)


# --- text_glued ------------------------------------------------------------------------------------------


def glued_row(row: list[Slot]) -> str:
    parts = []
    for s in row:
        if s.kind == "origin":
            parts.append(s.cell.text.replace("\n", "") or NBSP)
    return "".join(parts)


def text_glued(rep: Report, rng: random.Random) -> tuple[str, list[str]]:
    ch = make_chrome(rng, rep)
    lines = [ch.site, "  ".join(ch.nav), "当前位置：" + " > ".join(ch.crumbs), ""]
    for b in rep.blocks:
        if b.kind == "title":
            lines.append(b.text.replace("\n", ""))
            lines.append(f"发布时间：{ch.published}　来源：{ch.source}　浏览次数：{ch.hits}　【字体：大 中 小】")
        elif b.table is not None:
            lines += [glued_row(row) for row in b.table.grid()]
        else:
            lines += b.text.split("\n")
    lines += ["", "【打印本页】　【关闭窗口】", *ch.footer]
    return "\n".join(lines) + "\n", ["cells glued without separators"]


# --- text_runon --------------------------------------------------------------------------------------------


def text_runon(rep: Report, rng: random.Random) -> tuple[str, list[str]]:
    """A crawler's dump (as pingtan.gov.cn's page.txt): a metadata header, then the article's text taken
    with no separator, so the prose and every table sit on one line. Cells run together, or (a third of the
    documents) are kept apart by one space as the page's markup had them; a blank cell is U+00A0."""
    ch = make_chrome(rng, rep)
    sep = rng.choice(["", "", " "])
    title = next((b.text.replace("\n", "") for b in rep.blocks if b.kind == "title"), "")
    head = [f"标题: {title}", f"发布时间: {ch.published}", f"发布机构: {ch.source}", "栏目: 政府信息公开年报",
            f"原文链接: https://www.example.gov.cn/zwgk/xxgknb/{ch.sid}.htm", "=" * 20 + " 正文 " + "=" * 20]
    body: list[str] = []
    for b in rep.blocks:
        if b.kind == "title":
            continue
        if b.table is not None:
            body += [sep.join(s.cell.text.replace("\n", "") or NBSP for s in row if s.kind == "origin")
                     for row in b.table.grid()]
        else:
            body.append(b.text.replace("\n", ""))
    damage = ["whole article on one line", "cells run together" if not sep else "cells split by one space"]
    return "\n".join(head) + "\n" + sep.join(body) + "\n", damage


_TOKEN = re.compile(r"[+-]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:万元|元)?")


def _splits(s: str, k: int) -> int:
    """Ways to read ``s`` as ``k`` printed values (a no-break space is one blank cell); capped at 2."""
    memo: dict[tuple[int, int], int] = {}

    def ways(pos: int, left: int) -> int:
        if left == 0:
            return int(pos == len(s))
        if (pos, left) in memo:
            return memo[pos, left]
        total = 0
        if s.startswith(NBSP, pos):
            total = ways(pos + 1, left - 1)
        else:
            for end in range(pos + 1, len(s) + 1):
                if _TOKEN.fullmatch(s, pos, end):
                    total += ways(end, left - 1)
                    if total >= 2:
                        break
        memo[pos, left] = min(total, 2)
        return memo[pos, left]

    return ways(0, k)


def glued_ambiguous_rows(rep: Report) -> list[str]:
    """Rows whose glued numbers split into the row's cells in more than one way (before identities)."""
    out = []
    for table in rep.tables():
        for row in table.rows:
            nums = [c for c in row if c.role == "num"]
            if nums and _splits("".join(c.text or NBSP for c in nums), len(nums)) > 1:
                out.append(str(nums[0].key).rsplit(".", 1)[0] if table.name != "review" else "review")
    return out

"""Tables flattened into one line: cut a run-on line back into the template's rows.

A scraper that takes an article's text with no separator (``get_text()``) turns every table of a report
into one line: ``…现行有效件数规章000行政规范性文件6233440第二十条第（五）项…``. Every row's numbers then
run into the next row's label. This module cuts such a line where rows meet, so that the line grammar
(``text_grammar``) sees one row per line, as in text flattened from HTML with line breaks kept (the bench's
``text_glued`` form), and the glued-digit reader splits each row's numbers as usual.

Contract: ``split_run_on(lines) -> lines``. Only lines of at least RUN_ON_MIN_CHARS holding the template's
tables (a TABLE_START heading, then the apply and review tables' words: TABLE_EVIDENCE) are touched, and
only between that heading and the report's next prose part (TABLE_END): the prose around the tables stays
one line, for the narrative checks. Prose mentioning 信息内容 or 规章1部 never starts a cut. Pieces keep the line
number of the line they come from.

Cuts, in the table part:

1. where a row's numbers end and the next row's label begins: a digit (then perhaps spaces: text joined
   with " ") followed by a CJK character that is not a unit (``10407条`` is prose; ``6233440第二十条`` is a
   row boundary);
2. where the numbers run into an item number (``40000042.其他法律…``, ``…2、其他…``): the last digit is the
   next label's ``2.``; template sub-lists have at most 8 items, so it is one digit;
3. before the template's numbered labels (``一、``, ``（三）``) except in ``第二十条第（五）项``;
4. before an active-table row label (``规章``, ``行政许可``…) that follows header text;
5. after a section's title (``…行政诉讼情况`` then the table's header);
6. a review-table header (3 or more of its header labels) ending in numbers: the numbers are the table's
   one value row.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..datamodel import TextLine
from ..templates import all_templates

# A line this long may hold whole tables; shorter lines are rows already.
RUN_ON_MIN_CHARS = 300
# ... and it is cut only when at least this many row boundaries (rule 1) are found in its table part.
RUN_ON_MIN_CUTS = 6
TABLE_START = re.compile(r"二、主动公开政府信息情况|第二十条第[（(][一二三四五六七八九十]+[)）]项")
# The next part of the report: 五、存在的主要问题及改进情况 / 五、政府信息公开工作存在的主要问题… / 六、其他需要报告的事项.
TABLE_END = re.compile(r"[五六七]、(?=[^。；]{0,16}(?:问题|其他需要报告|改进))")
# ... and the part between them must hold the apply table too: at least this many of these words.
TABLE_EVIDENCE = ("第二十条第", "申请人情况", "本年新收", "结转下年度继续办理", "行政复议")
MIN_EVIDENCE = 3
# Characters that follow a number in prose (counts and dates), never a row label's first character.
UNITS = frozenset("件条篇期个家次人名户万亿元年月日号项起余批份场处笔宗例类部本台套位天轮级倍%％‰")
ENUM = re.compile(r"[（(][一二三四五六七八九十]{1,2}[)）]|(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,2}、")
REVIEW_HEADER_MIN = 3
SPACES = " \t\u3000\xa0"


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "（“"


@lru_cache(maxsize=1)
def _vocab() -> tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]]:
    """Active-table row labels (one pattern, longest first), review-table header labels, section titles
    without their number ("政府信息公开行政复议、行政诉讼情况")."""
    labels: set[str] = set()
    header: set[str] = set()
    titles: set[str] = set()
    for t in all_templates():
        for r in t.rows_of("active"):
            labels.update(lb for lb in r.labels if len(lb) >= 2)
        header.update(t.review_header_labels)
        titles.update(re.sub(r"^[一二三四五六七八九十]+、", "", x) for ts in t.section_titles.values() for x in ts)
    alternation = "|".join(re.escape(lb) for lb in sorted(labels, key=len, reverse=True))
    return re.compile(alternation), tuple(sorted(header)), tuple(sorted(titles))


def _before(part: str, i: int) -> str:
    """The character before position i, skipping spaces (text joined with " " between cells)."""
    j = i - 1
    while j >= 0 and part[j] in SPACES:
        j -= 1
    return part[j] if j >= 0 else ""


def _cuts(part: str) -> tuple[set[int], int]:
    """Cut positions in a table part, and how many of them are row boundaries (rules 1 and 2)."""
    cuts: set[int] = set()
    boundaries = 0
    for i in range(1, len(part)):
        ch = part[i]
        if _cjk(ch) and ch not in UNITS and _before(part, i).isdigit():
            cuts.add(i)
            boundaries += 1
        elif (ch in ".．、" and part[i - 1].isdigit() and i + 1 < len(part) and _cjk(part[i + 1])
              and _before(part, i - 1).isdigit()):
            cuts.add(i - 1)
            boundaries += 1
    for m in ENUM.finditer(part):
        if m.start() > 0 and part[m.start() - 1] != "第":
            cuts.add(m.start())
    labels, _, titles = _vocab()
    for title in titles:  # a section's title, then its table's header
        at = part.find(title)
        while at >= 0:
            cuts.add(at + len(title))
            at = part.find(title, at + 1)
    for m in labels.finditer(part):  # longest label first: 规范性文件 inside 行政规范性文件 is not a match
        before = _before(part, m.start())
        if before and (_cjk(before) or before in "）)"):
            cuts.add(m.start())
    return cuts, boundaries


def _review_value_row(piece: str) -> list[str]:
    header = _vocab()[1]
    m = re.search(r"[\d\s\xa0]+$", piece)
    if m and m.start() > 0 and sum(h in piece for h in header) >= REVIEW_HEADER_MIN and any(c.isdigit() for c in m.group()):
        return [piece[: m.start()], m.group().strip(" ")]
    return [piece]


def split_run_on(lines: list[TextLine]) -> list[TextLine]:
    out: list[TextLine] = []
    for tl in lines:
        text = tl.text
        start = TABLE_START.search(text) if len(text) >= RUN_ON_MIN_CHARS else None
        if start is None:
            out.append(tl)
            continue
        end_m = TABLE_END.search(text, start.start())
        end = end_m.start() if end_m else len(text)
        part = text[start.start():end]
        if sum(w in part for w in TABLE_EVIDENCE) < MIN_EVIDENCE:
            out.append(tl)
            continue
        cuts, boundaries = _cuts(part)
        if boundaries < RUN_ON_MIN_CUTS:
            out.append(tl)
            continue
        pieces = [text[: start.start()]]
        edges = [0, *sorted(cuts), len(part)]
        for a, b in zip(edges, edges[1:], strict=False):
            pieces.extend(_review_value_row(part[a:b]))
        pieces.append(text[end:])
        out.extend(tl.model_copy(update={"text": p}) for p in pieces if p.strip())
    return out


__all__ = ["split_run_on"]

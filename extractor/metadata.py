"""Title, year covered and reporting body, from the first lines of a report."""

from __future__ import annotations

import re
from collections import Counter

from ._text import WS, nfkc

_TITLE = re.compile(r"(?P<organ>.*?)(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<rest>(?:政府)?信息公开.*?报告)")
_YEAR_FIRST = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?P<organ>.+?)(?P<rest>(?:政府)?信息公开.*?报告)")
_PERIOD = re.compile(r"统计(?:期|时)限.{0,6}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
_ORGAN_TRAIL = re.compile(r"(关于|的|：|:)+$")
_ORGAN_LEAD = re.compile(r"^(?:[\s\d.、:：《#*>]|关于)+")
TITLE_SCAN_LINES = 12
# A scraper's metadata header names its fields: "标题: 平潭综合实验区2024年度政府信息公开工作年度报告".
_FIELD_LABEL = re.compile(r"^(?:文章标题|标题|题目|名称|title)[:：]", re.I)


def _clean_organ(organ: str, rest: str) -> str:
    organ = _ORGAN_LEAD.sub("", _ORGAN_TRAIL.sub("", organ.strip()))
    # "齐都镇政府2019年信息公开…": 政府 belongs to the report's own words (政府信息公开), not the body
    if organ.endswith("政府") and not rest.startswith("政府") and not organ.endswith("人民政府"):
        organ = organ[: -len("政府")]
    return organ.strip()


def find_title(lines: list[str]) -> tuple[str | None, int | None, str | None]:
    """(title, year, organ) from the first lines; a title may span two lines (organ, then year + words)."""
    heads = [_FIELD_LABEL.sub("", WS.sub("", nfkc(line))) for line in lines[:200] if line.strip()][:TITLE_SCAN_LINES]
    for i, line in enumerate(heads):
        for cand in ([line] if i == 0 else [line, heads[i - 1] + line]):
            m = _YEAR_FIRST.match(cand) or _TITLE.match(cand)
            if m and len(cand) <= 60:
                organ = _clean_organ(m.group("organ"), m.group("rest"))
                if not organ and i > 0 and len(heads[i - 1]) <= 30:
                    organ = _clean_organ(heads[i - 1], m.group("rest"))
                return cand, int(m.group("year")), organ or None
    return None, None, None


def find_year(text: str) -> int | None:
    """Fallback: the statistics period, else the most frequent plausible year."""
    t = WS.sub("", nfkc(text))
    m = _PERIOD.search(t)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", t))
    return years.most_common(1)[0][0] if years else None

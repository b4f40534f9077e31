"""Narrative checks: numbers the report's prose states, compared with the table cells they speak of.

"全年共收到政府信息公开申请154件，共办结148件，结转至2026年6件", "行政复议36起，行政诉讼9起" … Sentences are
cut into clauses, each clause tokenised with jieba (the domain dictionary of models/lexicon), and a number
with a count unit (件/条/起/个/项/次) is tied to the topic its clause names — or, for "其中结果维持72件",
the topic the sentence named before. A statement of none counts as 0: "未收到政府信息公开申请",
"没有发生…行政复议案、行政诉讼案" (the negation carries over the items of a 、 list). Every statement becomes a
``Check(kind="narrative")`` with the sentence, its position, both numbers and pass/fail; a statement no
table cell speaks of (主动公开 totals) is ``unconfirmed``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from .._text import nfkc
from ..datamodel import Cell, Check, Number, Provenance, TextLine
from ..matching.matcher import tokens
from ..templates import Template

_NUMBER = re.compile(r"(?<![\d.])(\d{1,9})\s*(余|多)?\s*(件|条|起|个|项|次|人次|宗)")
_SENTENCE = re.compile(r"[^。；;!！?？\n]+[。；;!！?？]?")
_CLAUSE = re.compile(r"([，,（）()、：:])")
# "未收到…申请", "没有发生…行政复议": the clause (and the rest of its 、 list) states none.
# The negated verb must take the request or case itself as object: "逾期未收到答复的申请人", "未收到补正材料"
# speak of something else.
_NONE = re.compile(r"(?:未|没有|无)(?:收到|受理|接到|接收|发生|出现)(?!答复|回复|补正|反馈|材料|回函|通知|告知|意见)")


def _of_applicant(rest: str) -> bool:
    """The first 申请 after the negated verb is 申请人: "未收到申请人补正材料" is about the applicant."""
    at = rest.find("申请")
    return at >= 0 and rest[at + 2: at + 3] == "人"

Values = dict[str, Number | None]


@dataclass(frozen=True)
class Topic:
    id: str
    words: tuple[str, ...]  # any of these tokens (or substrings) in the clause names the topic
    readings: Callable[[Template], list[tuple[str, list[str]]]]  # (reading name, keys summed)
    needs: str = ""  # a word the clause must also contain ("申请": 收到/完成 alone say nothing of requests)
    alone: re.Pattern[str] | None = None  # the number must follow the topic's word this closely


def _apply(row: str) -> Callable[[Template], list[tuple[str, list[str]]]]:
    return lambda t: [(row, [f"apply.{row}.total"])]


def _review(col: str | None, groups: tuple[str, ...]) -> Callable[[Template], list[tuple[str, list[str]]]]:
    return lambda t: [(f"{'+'.join(groups)}.{col or 'total'}", [f"review.{g}.{col or 'total'}" for g in groups])]


NEW = Topic("new_received", ("收到", "受理", "新收", "接收", "共收"), lambda t: [
    ("new_received", ["apply.new_received.total"]),
    ("new_received+carried_over", ["apply.new_received.total", "apply.carried_over.total"])], needs="申请")
CARRIED_OVER = Topic("carried_over", ("上年结转", "上年度结转", "上一年度结转", "上年度", "上年"), _apply("carried_over"))
CARRIED_FORWARD = Topic("carried_forward", ("结转下年", "结转至", "顺延", "下年度", "结转到", "转入下"),
                        _apply("carried_forward"))
FINISHED = Topic("result_total", ("办结", "答复", "办理完毕", "已办理", "处理完毕", "予以回复"), _apply("result.total"))
# "共完成依申请信息公开4条" (seed 001): requests dealt with
COMPLETED = Topic("result_total", ("完成",), _apply("result.total"), needs="申请")
ACTIVE = Topic("active_disclosure", ("主动公开", "主动发布"), lambda t: [])
# "制发规章1件", not a category list: "规章和规范性文件1条", "法律、法规、规章和国家有关规定应当主动公开的
# 其他政府信息2条" (real pingtan report) count other things.
RULES = Topic("rules", ("规章",), lambda t: [("rules", [f"active.rules.{t.rows_of('active')[0].columns[0]}"])],
              alone=re.compile(r"(?<![、和及与])规章[^\d和及与、]{0,4}\d"))
REVIEW = ("review",)
SUITS = ("suit_direct", "suit_after_review")
# Order matters: more specific first (上年结转 before 结转下年, 行政复议/诉讼 sub-results before totals).
APPLY_TOPICS = (CARRIED_OVER, CARRIED_FORWARD, NEW, FINISHED, COMPLETED, RULES, ACTIVE)
# An outcome named in the clause makes it speak of that outcome's column, not of the cases: "未发生…被行政复议
# 纠错或行政诉讼败诉情形" says none was corrected (a case lost in court is the agency's 结果纠正), not that no
# review was filed.
SUB_RESULTS = {"结果维持": "upheld", "维持": "upheld", "结果纠正": "corrected", "纠正": "corrected",
               "纠错": "corrected", "败诉": "corrected", "其他结果": "other", "尚未审结": "pending",
               "未审结": "pending"}


def _has(clause: str, toks: frozenset[str], words: tuple[str, ...]) -> bool:
    return any(w in toks or w in clause for w in words)


def _topic(clause: str, group: tuple[str, ...] | None) -> tuple[Topic | None, tuple[str, ...] | None]:
    """The topic a clause names, and the review/suit group in force after it."""
    toks = tokens(clause)
    if "行政复议" in clause:
        group = REVIEW
    elif "行政诉讼" in clause:
        group = SUITS
    if group is not None:
        for word, col in SUB_RESULTS.items():
            if word in clause:
                return Topic(f"{group[0]}.{col}", (), _review(col, group)), group
        if "行政复议" in clause or "行政诉讼" in clause:
            return Topic(f"{group[0]}.total", (), _review(None, group)), group
    for topic in APPLY_TOPICS:
        if _has(clause, toks, topic.words) and topic.needs in clause \
                and (topic.alone is None or topic.alone.search(clause)):
            return topic, group
    return None, group


def _sum(keys: list[str], values: Values) -> Number | None:
    vals = [values.get(k) for k in keys]
    return None if None in vals else sum(vals)  # type: ignore[arg-type]


def _sentences(lines: list[TextLine]) -> list[tuple[str, Provenance]]:
    """Prose joined across line breaks (PDF text wraps sentences), each sentence with where it starts."""
    text, starts = "", []
    for ln in lines:
        t = nfkc(ln.text).strip()
        if not t or "\t" in ln.text:
            text += "\n"
            continue
        starts.append((len(text), ln.prov))
        text += re.sub(r"\s+", "", t)
    out = []
    positions = [pos for pos, _ in starts]
    for m in _SENTENCE.finditer(text):
        i = bisect.bisect_right(positions, m.start()) - 1  # the last line starting at or before it
        out.append((m.group(0), starts[i][1] if i >= 0 else Provenance()))
    return out


def narrative_checks(lines: list[TextLine], cells: dict[str, Cell], t: Template) -> list[Check]:
    values: Values = {k: c.value for k, c in cells.items()}
    checks: list[Check] = []
    for sentence, prov in _sentences(lines):
        group = None
        none = False  # a negation in force: this clause is an item of a 、 list that began with 未收到/没有发生
        parts = _CLAUSE.split(sentence)
        for i in range(0, len(parts), 2):
            clause = parts[i]
            neg = _NONE.search(clause)
            none = (neg is not None and not _of_applicant(clause[neg.end():])) \
                or (none and i > 0 and parts[i - 1] == "、")
            topic, group = _topic(clause, group)
            if topic is None:
                continue
            m = _NUMBER.search(clause)
            if m is None:
                if none:  # "未收到政府信息公开申请": stated as none
                    checks.append(_check(len(checks), topic, 0, approx=False, sentence=sentence, prov=prov,
                                         values=values, t=t))
                continue
            if re.search(r"\d{4}年$", clause[: m.start()] + "年"):
                continue
            stated = int(m.group(1))
            checks.append(_check(len(checks), topic, stated, approx=bool(m.group(2)), sentence=sentence,
                                 prov=prov, values=values, t=t))
    return checks


def _check(n: int, topic: Topic, stated: int, approx: bool, sentence: str, prov: Provenance,
           values: Values, t: Template) -> Check:
    readings = [(name, keys, _sum(keys, values)) for name, keys in topic.readings(t)]
    base = {"id": f"narrative.{n}.{topic.id}", "kind": "narrative", "lhs": stated, "lhs_keys": [],
            "sentence": sentence, "prov": prov}
    if not readings or approx:
        why = "an approximate number" if approx else "no table cell states this"
        return Check(**base, text=f"prose states {stated} ({topic.id})", rhs_keys=[], rhs=None,
                     status="unconfirmed", note=why)
    match = next(((nm, k, v) for nm, k, v in readings if v is not None and abs(v - stated) < 1e-9), None)
    name, keys, value = match or readings[0]
    if value is None:
        status, note = "unconfirmed", "the table cells are blank or missing"
    else:
        status, note = ("pass", f"matches {name}") if match else ("fail", f"table {name} = {value}")
    return Check(**base, text=f"prose states {stated} for {topic.id}", rhs_keys=keys, rhs=value,
                 status=status, note=note)

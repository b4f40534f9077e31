"""The 2021 statistics tables as printed in real reports (merged cells and all), from a gold dict, rendered
as DOCX (python-docx, merges via ``cell.merge``) and HTML (rowspan/colspan), for the text-layer tests.

A layout is a list of tables; a table is a list of rows; a row lists its *origin* cells as
``(text, rowspan, colspan)``, exactly as HTML writes them.
"""

from __future__ import annotations

import html
from pathlib import Path

Cell = tuple[str, int, int]
Table = list[list[Cell]]

APPLY_COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]
REVIEW_HEAD = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _v(x: object) -> str:
    return "" if x is None else str(x)


def _active(c: dict) -> Table:
    def head(item: str) -> list[Cell]:
        return [(f"第二十条第（{item}）项", 1, 4)]

    def one(label: str, key: str, col: str) -> list[Cell]:
        return [(label, 1, 1), (_v(c[f"active.{key}.{col}"]), 1, 3)]

    three = ["issued", "repealed", "in_force"]
    return [
        head("一"), [("信息内容", 1, 1), ("本年制发件数", 1, 1), ("本年废止件数", 1, 1), ("现行有效件数", 1, 1)],
        [("规章", 1, 1)] + [(_v(c[f"active.rules.{k}"]), 1, 1) for k in three],
        [("行政规范性文件", 1, 1)] + [(_v(c[f"active.normative_docs.{k}"]), 1, 1) for k in three],
        head("五"), [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)], one("行政许可", "licensing", "decisions"),
        head("六"), [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)], one("行政处罚", "penalty", "decisions"),
        one("行政强制", "enforcement", "decisions"),
        head("八"), [("信息内容", 1, 1), ("本年收费金额（单位：万元）", 1, 3)], one("行政事业性收费", "fees", "amount"),
    ]


_GROUPS = [  # (group label, [(row key, label)])
    ("（三）不予公开", [("withheld.state_secret", "1.属于国家秘密"), ("withheld.law_prohibited", "2.其他法律行政法规禁止公开"),
                  ("withheld.three_safety", "3.危及“三安全一稳定”"), ("withheld.third_party", "4.保护第三方合法权益"),
                  ("withheld.internal_affairs", "5.属于三类内部事务信息"), ("withheld.process_info", "6.属于四类过程性信息"),
                  ("withheld.enforcement_file", "7.属于行政执法案卷"), ("withheld.admin_query", "8.属于行政查询事项")]),
    ("（四）无法提供", [("unavailable.not_held", "1.本机关不掌握相关政府信息"),
                  ("unavailable.needs_creation", "2.没有现成信息需要另行制作"),
                  ("unavailable.unclear", "3.补正后申请内容仍不明确")]),
    ("（五）不予处理", [("not_processed.petition", "1.信访举报投诉类申请"), ("not_processed.duplicate", "2.重复申请"),
                  ("not_processed.publication", "3.要求提供公开出版物"), ("not_processed.vexatious", "4.无正当理由大量反复申请"),
                  ("not_processed.confirm_existing", "5.要求行政机关确认或重新出具已获取信息")]),
    ("（六）其他处理", [("other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                  ("other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                  ("other.misc", "3.其他")]),
]


def _apply(c: dict) -> Table:
    def vals(key: str) -> list[Cell]:
        return [(_v(c[f"apply.{key}.{col}"]), 1, 1) for col in APPLY_COLS]

    n_result = 2 + sum(len(rows) for _, rows in _GROUPS) + 1
    t: Table = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), ("申请人情况", 1, 7)],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)],
        [("一、本年新收政府信息公开申请数量", 1, 3)] + vals("new_received"),
        [("二、上年结转政府信息公开申请数量", 1, 3)] + vals("carried_over"),
        [("三、本年度办理结果", n_result, 1), ("（一）予以公开", 1, 2)] + vals("result.disclosed"),
        [("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2)] + vals("result.partial"),
    ]
    for group, rows in _GROUPS:
        for i, (key, label) in enumerate(rows):
            lead = [(group, len(rows), 1)] if i == 0 else []
            t.append(lead + [(label, 1, 1)] + vals(f"result.{key}"))
    t.append([("（七）总计", 1, 2)] + vals("result.total"))
    t.append([("四、结转下年度继续办理", 1, 3)] + vals("carried_forward"))
    return t


def _review(c: dict, review_keys: list[str]) -> Table:
    return [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [(h, 2, 1) for h in REVIEW_HEAD] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(h, 1, 1) for h in REVIEW_HEAD * 2],
        [(_v(c[k]), 1, 1) for k in review_keys],
    ]


def layout_2021(gold: dict) -> list[Table]:
    from extractor.templates import load_template

    c = gold["cells"]
    return [_active(c), _apply(c), _review(c, load_template("2021").review_keys())]


def title(gold: dict) -> str:
    return f"{gold['organ']}{gold['year']}年政府信息公开工作年度报告"


SECTIONS = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]


# ---------------------------------------------------------------- renderers


def grid_positions(table: Table) -> list[list[tuple[int, int, Cell]]]:
    """(row, col, cell) of every origin cell, columns placed around earlier rowspans (the HTML rule)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(table):
        c, placed = 0, []
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update((r + dr, c + dc) for dr in range(cell[1]) for dc in range(cell[2]))
            c += cell[2]
        out.append(placed)
    return out


def to_html(gold: dict, *, cell=lambda text: html.escape(text), encoding: str = "utf-8") -> str:
    parts = [f'<html><head><meta charset="{encoding}"><title>{title(gold)}</title></head><body>',
             "<nav><a href='/'>首页</a> 行政复议 1 2 3 4 5 6</nav>", f"<h1>{title(gold)}</h1>"]
    for sec, table in zip(SECTIONS, layout_2021(gold), strict=True):
        parts.append(f"<p>{sec}</p><table border='1'>")
        for row in table:
            tds = "".join(
                f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>{cell(text)}</td>"
                for text, rs, cs in row
            )
            parts.append(f"<tr>{tds}</tr>")
        parts.append("</table>")
    parts.append("<p>五、存在的主要问题及改进情况</p><footer>版权所有 1 2 3 4 5 6 7</footer></body></html>")
    return "\n".join(parts)


def to_docx(gold: dict, path: Path, *, merge: bool = True) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph(title(gold))
    d.add_paragraph("一、总体情况")
    for sec, table in zip(SECTIONS, layout_2021(gold), strict=True):
        d.add_paragraph(sec)
        ncols = sum(cs for _, _, cs in table[0])
        t = d.add_table(rows=len(table), cols=ncols)
        t.style = "Table Grid"
        for placed in grid_positions(table):
            for r, c, (text, rs, cs) in placed:
                target = t.cell(r, c)
                if merge and (rs > 1 or cs > 1):
                    target = target.merge(t.cell(r + rs - 1, c + cs - 1))
                target.text = text
    d.add_paragraph("五、存在的主要问题及改进情况")
    d.save(str(path))
    return path

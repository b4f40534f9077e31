"""Render a gold dict back into scraper-style text, for tests of the text path.

Only what the tests need: the glued style (HTML flattened to text, no separators between cells) and
the tab-row style. The benchmark corpus has the full generator (corpora/synthetic)."""

from __future__ import annotations

from extractor.templates import load_template

APPLY_COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]


def _fmt(v) -> str:
    return "" if v is None else str(v)


def render(gold: dict, sep: str = "", signed: tuple[str, ...] = ("change",)) -> str:
    """``sep=""`` glues every row's cells; ``sep="\\t"`` gives tab rows; ``sep="\\n"`` one cell per line."""
    t = load_template(gold["template"])
    cells = gold["cells"]
    out = [f"{gold['organ']}{gold['year']}年政府信息公开工作年度报告", "", "二、主动公开政府信息情况"]
    for row in t.rows_of("active"):
        vals = []
        for c in row.columns:
            v = cells[f"active.{row.key}.{c}"]
            vals.append(f"+{v}" if c in signed and isinstance(v, int) and v > 0 else _fmt(v))
        out.append(row.labels[0] + sep + sep.join(vals))
    out += ["三、收到和处理政府信息公开申请情况", sep.join(["申请人情况", "自然人", "法人或其他组织", "总计"])]
    for row in t.rows_of("apply"):
        if row.extra:
            continue
        vals = [_fmt(cells[f"apply.{row.key}.{c}"]) for c in APPLY_COLS]
        out.append(row.labels[0] + sep + sep.join(vals))
    out += ["四、政府信息公开行政复议、行政诉讼情况", sep.join(["行政复议", "行政诉讼"]),
            sep.join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)]
    out.append(sep.join(_fmt(cells[k]) for k in t.review_keys()))
    out.append("五、存在的主要问题及改进情况")
    if sep == " | ":  # markdown pipe table rows
        out = [f"| {ln} |" if " | " in ln else ln for ln in out]
    return "\n".join(out) + "\n"

#!/usr/bin/env python3
"""Gold JSON for real reports that reached a public repository already converted to markdown-like text
(zxj6827111-blip/KIROGOVCOMPARE test fixtures), from the hand transcription below.

Standalone (does not import `extractor`); shares fill_cells/read_doc/write_golds with hand_gold.py and the
identity check with check_identities.py. Every number below was read by hand from the document as stored
(the converted text, not the original PDF, which is not in corpora/real); rows not listed print only zeros
(seven per apply row, fifteen in the review table; checked by eye). A cell the converted text leaves empty is
null. Values are as printed: a break of an identity is kept and listed in `inconsistent`.

usage: hand_gold_extra.py            -> writes gold/<stem>.json for every stem below"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from check_identities import breaks  # noqa: E402
from hand_gold import fill_cells, read_doc, write_golds  # noqa: E402

# stem: (file, template, year, organ, active {key: value}, apply {row: 7 values}, review {group: 5 values}[, input_kind])
DOCS = {
    # 上海市科委 2024 (a PDF turned into markdown by an unknown converter): row labels and cells are torn apart;
    # the unlabeled pipe rows are in the template's row order (partial 0; 2.其他法律 0; 5.三类内部事务 1;
    # 1.本机关不掌握 4; 2.没有现成信息 6; 3.补正后 0; 4.无正当理由 0; 5.要求确认 0; （六）1.逾期不补正 8 2 .. 10;
    # （六）2.逾期未缴费 0), as the prose confirms (不予公开 2, 无法提供 10, 其他处理 14). 四、结转下年度 prints six
    # cells and an empty 总计 cell (a lone "1" stands in the label text above （六）2.): 总计 is null.
    "kewei2024_source": ("kewei2024_source.md", "2021", 2024, "上海市科委",
        {"normative_docs.issued": 13, "normative_docs.in_force": 55, "licensing.decisions": 97},
        {"new_received": [32, 2, 0, 0, 0, 0, 34], "carried_over": [2, 0, 0, 0, 0, 0, 2],
         "result.disclosed": [9, 0, 0, 0, 0, 0, 9],
         "result.withheld.internal_affairs": [1, 0, 0, 0, 0, 0, 1],
         "result.withheld.process_info": [1, 0, 0, 0, 0, 0, 1],
         "result.unavailable.not_held": [4, 0, 0, 0, 0, 0, 4],
         "result.unavailable.needs_creation": [6, 0, 0, 0, 0, 0, 6],
         "result.other.overdue_correction": [8, 2, 0, 0, 0, 0, 10],
         "result.other.misc": [4, 0, 0, 0, 0, 0, 4],
         "result.total": [33, 2, 0, 0, 0, 0, 35], "carried_forward": [1, 0, 0, 0, 0, 0, None]},
        {"review": [1, 0, 0, 0, 1]}),
    # 沭阳县人民政府 2025 (OCR'd markdown; the organ is misread 沐阳 throughout, kept as printed): the apply table is
    # split into one small table per row group with made-up headers (数据1..数据6, and a wrong header row above
    # （六）2.); every row still prints its six applicant cells and 总计 in order.
    "shuyang2025_report": ("shuyang2025_report.txt", "2021", 2025, "沐阳县人民政府",
        {"normative_docs.issued": 6, "normative_docs.repealed": 1, "normative_docs.in_force": 32,
         "licensing.decisions": 517645, "penalty.decisions": 693957, "enforcement.decisions": 2154,
         "fees.amount": 4068.208},
        {"new_received": [705, 3, 0, 0, 5, 0, 713], "carried_over": [36, 0, 0, 0, 0, 0, 36],
         "result.disclosed": [290, 1, 0, 0, 3, 0, 294], "result.partial": [99, 0, 0, 0, 2, 0, 101],
         "result.withheld.three_safety": [2, 0, 0, 0, 0, 0, 2],
         "result.withheld.third_party": [2, 0, 0, 0, 0, 0, 2],
         "result.withheld.internal_affairs": [13, 0, 0, 0, 0, 0, 13],
         "result.withheld.process_info": [2, 0, 0, 0, 0, 0, 2],
         "result.withheld.enforcement_file": [4, 0, 0, 0, 0, 0, 4],
         "result.withheld.admin_query": [9, 0, 0, 0, 0, 0, 9],
         "result.unavailable.not_held": [111, 0, 0, 0, 0, 0, 111],
         "result.unavailable.needs_creation": [2, 0, 0, 0, 0, 0, 2],
         "result.not_processed.petition": [12, 0, 0, 0, 0, 0, 12],
         "result.not_processed.duplicate": [6, 1, 0, 0, 0, 0, 7],
         "result.other.overdue_correction": [9, 0, 0, 0, 0, 0, 9],
         "result.other.unpaid_fee": [7, 0, 0, 0, 0, 0, 7],
         "result.other.misc": [142, 1, 0, 0, 0, 0, 143],
         "result.total": [710, 3, 0, 0, 5, 0, 718], "carried_forward": [31, 0, 0, 0, 0, 0, 31]},
        {"review": [27, 10, 9, 15, 61], "suit_direct": [3, 0, 0, 0, 3], "suit_after_review": [8, 0, 1, 1, 10]}),
}

# 沭阳县发展和改革局 2023 (a saved web page of shuyang.gov.cn, real <table> markup; the saver added a .meta header): every
# apply row prints only 自然人 and 总计; the five 法人或其他组织 cells are empty (<o:p> </o:p>) in every row, so they are null.
# 一 26, （一）予以公开 26, （七）总计 26, every other row 0 / 0 (prose: 共收到依申请信息公开26件). Review: 行政复议 尚未审结 1,
# 总计 1; the ten 行政诉讼 cells 0. Active: 规章 0 0 0, 规范性文件 8 0 18, 许可/处罚/强制 0, 收费 0 (万元).
_SY_ROWS = ["new_received", "carried_over", "result.disclosed", "result.partial"] + [
    "result.withheld." + x for x in ("state_secret", "law_prohibited", "three_safety", "third_party",
                                     "internal_affairs", "process_info", "enforcement_file", "admin_query")] + [
    "result.unavailable." + x for x in ("not_held", "needs_creation", "unclear")] + [
    "result.not_processed." + x for x in ("petition", "duplicate", "publication", "vexatious", "confirm_existing")] + [
    "result.other." + x for x in ("overdue_correction", "unpaid_fee", "misc")] + ["result.total", "carried_forward"]
_SY_NP = {"new_received": 26, "result.disclosed": 26, "result.total": 26}
DOCS["shuyang_fgj_2023"] = ("shuyang_fgj_2023.html", "2021", 2023, "沭阳县发展和改革局",
    {"normative_docs.issued": 8, "normative_docs.in_force": 18},
    {r: [_SY_NP.get(r, 0), None, None, None, None, None, _SY_NP.get(r, 0)] for r in _SY_ROWS},
    {"review": [0, 0, 0, 1, 1]}, "html")

R5 = ["upheld", "corrected", "other", "pending", "total"]


def build(stem, spec):
    src, t, year, organ, active, apply_, review = spec[:7]
    kind = spec[7] if len(spec) > 7 else "converted_markdown"  # input_kind
    read_doc(src)  # the document must be there
    cells = fill_cells(t, active, apply_)
    for grp, vals in review.items():
        for c, v in zip(R5, vals):
            assert f"review.{grp}.{c}" in cells, grp
            cells[f"review.{grp}.{c}"] = v
    g = {"source": src, "template": t, "year": year, "organ": organ, "cells": cells,
         "units": {"active.fees.amount": "万元"}, "glued_ambiguous_rows": [],
         "origin": "kirogovcompare", "input_kind": kind}
    g["inconsistent"] = breaks(g)
    return g


if __name__ == "__main__":
    write_golds(DOCS, build, sys.argv[1:])

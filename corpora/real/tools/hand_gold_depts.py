#!/usr/bin/env python3
"""Gold JSON for more pingtan department/片区 reports (both templates), from the hand transcription below.

Standalone (does not import `extractor`); shares keys() with hand_gold.py, the identity check with
check_identities.py and the split counter with glued.py. Every number below was read by hand from the
report's page.txt; where the text runs cells together ambiguously the cell was read from the same
report's page.html table in the archive (noted per document). Rows not listed print only zeros (seven
per apply row, fifteen in the review table; checked by eye). Values are as printed: a source that breaks
an identity keeps its numbers and the break is listed in `inconsistent`.

usage: hand_gold_depts.py            -> writes gold/<stem>.json for every stem below"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from check_identities import breaks  # noqa: E402
from glued import ROWS_2021, ambiguous_rows  # noqa: E402
from hand_gold import fill_cells, read_doc, write_golds  # noqa: E402

# Active rows of the 2019 template as page.txt prints them: (key, label, cells, next label).
ROWS_2019 = [
    ("active.rules", "规章", 3, r"规范性文件"),
    ("active.normative_docs", "规范性文件", 3, r"第二十条"),
    ("active.licensing", "行政许可", 3, r"其他对外"),
    ("active.other_services", "其他对外管理服务事项", 3, r"第二十条"),
    ("active.penalty", "行政处罚", 3, r"行政强制"),
    ("active.enforcement", "行政强制", 3, r"第二十条"),
    ("active.fees", "行政事业性收费", 2, r"第二十条"),
    ("active.procurement", "政府集中采购", 2, r"\s*三、|[^-\d. ]"),
]

# stem: (template, year, organ, active {key: value}, apply {row: 7 values}, units)
DOCS = {
    # 采购 "978407": page.html cells 9 / 78407 (no unit printed in the table).
    "pingtan_jsp_2019_page": ("2019", 2019, "平潭综合实验区君山片区管理局",
        {"normative_docs.new_made": 9, "normative_docs.new_published": 9, "normative_docs.total_published": 9,
         "procurement.items": 9, "procurement.amount": 78407},
        {}, {}),
    # page.html: 规范性文件 "2211" = 2 / 2 / 11; 行政许可 "0124" = 0 / 12 / 4; 采购 "4110669053" = 41 / 10669053.
    # Apply: 一 and （一）予以公开 print 1 (自然人) + 1 (其他) = 2, but （七）总计 and 四、结转 print all zeros (kept).
    "pingtan_jsp_2020_page": ("2019", 2020, "平潭综合实验区君山片区管理局",
        {"normative_docs.new_made": 2, "normative_docs.new_published": 2, "normative_docs.total_published": 11,
         "licensing.prev_items": 0, "licensing.change": 12, "licensing.decisions": 4,
         "enforcement.change": 3,
         "procurement.items": 41, "procurement.amount": 10669053},
        {"new_received": [1, 0, 0, 0, 0, 1, 2], "result.disclosed": [1, 0, 0, 0, 0, 1, 2]}, {}),
    # Cells spaced one per number; every identity holds.
    "pingtan_jsp_2021_page": ("2021", 2021, "平潭综合实验区君山片区管理局",
        {"normative_docs.in_force": 11, "licensing.decisions": 1},
        {"new_received": [5, 0, 0, 0, 0, 3, 8], "result.disclosed": [1, 0, 0, 0, 0, 1, 2],
         "result.unavailable.not_held": [3, 0, 0, 0, 0, 2, 5], "result.other.misc": [1, 0, 0, 0, 0, 0, 1],
         "result.total": [5, 0, 0, 0, 0, 3, 8]},
        {"active.fees.amount": "万元"}),
    # Glued, one digit per cell in every apply row (7 digits, 7 cells); 行政规范性文件 "0011" = 0 / 0 / 11 (the only
    # split). The prose says no application was received in 2022, yet 1.本机关不掌握相关政府信息 prints 3 ... 2 5
    # while 一、 and （七）总计 print zeros (kept as printed: result_sum breaks).
    "pingtan_jsp_2022_page": ("2021", 2022, "平潭综合实验区君山片区管理局",
        {"normative_docs.in_force": 11},
        {"result.unavailable.not_held": [3, 0, 0, 0, 0, 2, 5]},
        {"active.fees.amount": "万元"}),
    # Glued, one digit per cell in every apply row; 行政规范性文件 "0011" = 0 / 0 / 11 (the only split).
    "pingtan_jsp_2023_page": ("2021", 2023, "平潭综合实验区君山片区管理局",
        {"normative_docs.in_force": 11},
        {"new_received": [2, 0, 0, 0, 0, 0, 2], "result.disclosed": [2, 0, 0, 0, 0, 0, 2],
         "result.total": [2, 0, 0, 0, 0, 0, 2]},
        {"active.fees.amount": "万元"}),
    # Added 2026-12-07 (2019 template, issue: more 2019-template text): 苏平片区管理局 2019 (Sept-Dec 2019). Glued, one
    # digit per cell, except 采购 printed spaced " 9 152.2万元" (9 items, 152.2 万元); 其他对外管理服务事项 "010" = 0 / 1 / 0.
    # All apply and review cells print 0 (prose: no application).
    "pingtan_spp_2019_page": ("2019", 2019, "平潭综合实验区苏平片区管理局",
        {"other_services.change": 1, "procurement.items": 9, "procurement.amount": 152.2},
        {}, {"active.procurement.amount": "万元"}),
    # 财政金融局 2020: every cell space-separated (规范性文件 6 4 11; 行政许可 0 1 0; 采购 "2笔 984361元"); all apply and
    # review cells print 0.
    "pingtan_czj_2020_page": ("2019", 2020, "平潭综合实验区财政金融局",
        {"normative_docs.new_made": 6, "normative_docs.new_published": 4, "normative_docs.total_published": 11,
         "licensing.change": 1, "procurement.items": 2, "procurement.amount": 984361},
        {}, {"active.procurement.amount": "元"}),
    # 金井片区管理局 2022-2024: glued, one digit per cell (the only multi-cell active row, 规范性文件, prints three
    # digits for three cells). 四、结转下年度继续办理 prints six digits for seven cells; page.html shows the blank:
    # 商业企业 is an empty cell (<p>&nbsp;</p> in 2022, <br/> in 2023 and 2024), the other six cells print 0.
    # 2022: no application received (prose: 本年度收到依申请公开事项0项); 规范性文件 "107" = 1 / 0 / 7.
    "pingtan_jjp_2022_page": ("2021", 2022, "平潭综合实验区金井片区管理局",
        {"normative_docs.issued": 1, "normative_docs.in_force": 7},
        {"carried_forward": [0, None, 0, 0, 0, 0, 0]},
        {"active.fees.amount": "万元"}),
    # 2023: 规范性文件 "007" = 0 / 0 / 7; one application (自然人), 本机关不掌握相关政府信息.
    "pingtan_jjp_2023_page": ("2021", 2023, "平潭综合实验区金井片区管理局",
        {"normative_docs.in_force": 7},
        {"new_received": [1, 0, 0, 0, 0, 0, 1], "result.unavailable.not_held": [1, 0, 0, 0, 0, 0, 1],
         "result.total": [1, 0, 0, 0, 0, 0, 1], "carried_forward": [0, None, 0, 0, 0, 0, 0]},
        {"active.fees.amount": "万元"}),
    # 2024: the table has no 规章 row at all (page.txt and page.html: 第二十条第（一）项 lists only 行政规范性文件), so
    # the three active.rules cells are null (not printed); 行政规范性文件 "001" = 0 / 0 / 1 (page.html: 0, 0, 1).
    "pingtan_jjp_2024_page": ("2021", 2024, "平潭综合实验区金井片区管理局",
        {"rules.issued": None, "rules.repealed": None, "rules.in_force": None, "normative_docs.in_force": 1},
        {"new_received": [8, 0, 0, 0, 0, 0, 8], "result.disclosed": [4, 0, 0, 0, 0, 0, 4],
         "result.withheld.third_party": [1, 0, 0, 0, 0, 0, 1], "result.unavailable.not_held": [2, 0, 0, 0, 0, 0, 2],
         "result.not_processed.duplicate": [1, 0, 0, 0, 0, 0, 1], "result.total": [8, 0, 0, 0, 0, 0, 8],
         "carried_forward": [0, None, 0, 0, 0, 0, 0]},
        {"active.fees.amount": "万元"}),
}


# Apply rows that print fewer digits than cells (a blank cell leaves no mark, or only a space, in page.txt), so the
# digits fit the row in more than one way before identities are used (bench README's glued_ambiguous_rows); all
# their digits are 0, so no identity decides which cell is blank: page.html does (noted at each document above).
SHORT_APPLY_ROWS = {
    "pingtan_jjp_2022_page": ["apply.carried_forward"],  # "0 00000": 6 digits, 7 cells
    "pingtan_jjp_2023_page": ["apply.carried_forward"],  # "000000"
    "pingtan_jjp_2024_page": ["apply.carried_forward"],  # "000000"
}


def build(stem, spec):
    t, year, organ, active, apply_, units = spec
    cells = fill_cells(t, active, apply_)
    src = stem + ".txt"
    text = read_doc(src)
    sec = text[text.index("第二十条"):]
    sec = sec[:sec.index("三、收到和处理")] if "三、收到和处理" in sec else sec
    g = {"source": src, "template": t, "year": year, "organ": organ, "cells": cells, "units": units,
         "glued_ambiguous_rows": ambiguous_rows(sec + " 三、", ROWS_2021 if t == "2021" else ROWS_2019)
         + SHORT_APPLY_ROWS.get(stem, []),
         "origin": "pingtan", "input_kind": "crawler_text"}
    g["inconsistent"] = breaks(g)
    return g


if __name__ == "__main__":
    write_golds(DOCS, build, sys.argv[1:])

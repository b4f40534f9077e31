#!/usr/bin/env python3
"""More pingtan department reports: hand transcription -> gold JSON (same format and rules as
hand_gold.py, whose `build` it reuses; standalone: does not import `extractor`).

Every number below was read by hand from the report's page.txt; where the text runs cells together
ambiguously the cells were read from the table of the same report's page.html in the archive (noted per
document). Rows not listed print only zeros."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from hand_gold import build, write_golds  # noqa: E402

DOCS = {
    # 行政规范性文件 "0012" = 0 / 0 / 12 (the only split)
    "pingtan_jtj_2021_page": ("2021", 2021, "平潭综合实验区交通与建设局",
        {"normative_docs.in_force": 12, "penalty.decisions": 2},
        {"new_received": [5, 0, 0, 0, 0, 0, 5], "result.disclosed": [3, 0, 0, 0, 0, 0, 3],
         "result.partial": [1, 0, 0, 0, 0, 0, 1], "result.unavailable.not_held": [1, 0, 0, 0, 0, 0, 1],
         "result.total": [5, 0, 0, 0, 0, 0, 5]}),
    # cells spaced
    "pingtan_jtj_2022_page": ("2021", 2022, "平潭综合实验区交通与建设局",
        {"normative_docs.issued": 4, "normative_docs.in_force": 16},
        {"new_received": [11, 0, 0, 0, 0, 0, 11], "result.disclosed": [7, 0, 0, 0, 0, 0, 7],
         "result.unavailable.not_held": [4, 0, 0, 0, 0, 0, 4], "result.total": [11, 0, 0, 0, 0, 0, 11]}),
    # 行政规范性文件 "3123": page.html cells 3 / 1 / 23; apply rows checked against page.html too
    # (新收 "5800000 58" = 58 0 0 0 0 0 58; 三类内部事务 "32000003|2" = 32 .. 32; 不掌握 "10000001|0" = 10 .. 10)
    "pingtan_jtj_2024_page": ("2021", 2024, "平潭综合实验区交通与建设局",
        {"normative_docs.issued": 3, "normative_docs.repealed": 1, "normative_docs.in_force": 23},
        {"new_received": [58, 0, 0, 0, 0, 0, 58], "result.disclosed": [9, 0, 0, 0, 0, 0, 9],
         "result.partial": [3, 0, 0, 0, 0, 0, 3], "result.withheld.state_secret": [4, 0, 0, 0, 0, 0, 4],
         "result.withheld.internal_affairs": [32, 0, 0, 0, 0, 0, 32],
         "result.unavailable.not_held": [10, 0, 0, 0, 0, 0, 10], "result.total": [58, 0, 0, 0, 0, 0, 58]}),
    # 行政规范性文件 "005" = 0 / 0 / 5; 部分公开 "10 0 0 0 01" = 1 0 0 0 0 0 1 (the only 7-cell split)
    "pingtan_gaj_2024_page": ("2021", 2024, "平潭综合实验区公安局",
        {"normative_docs.in_force": 5, "licensing.decisions": 52, "penalty.decisions": 19,
         "enforcement.decisions": 7},
        {"new_received": [8, 0, 0, 0, 0, 0, 8], "result.disclosed": [3, 0, 0, 0, 0, 0, 3],
         "result.partial": [1, 0, 0, 0, 0, 0, 1], "result.unavailable.not_held": [4, 0, 0, 0, 0, 0, 4],
         "result.total": [8, 0, 0, 0, 0, 0, 8]}),
    # spaced apply rows; extra 信息处理费 table (000) is not a gold cell
    "pingtan_spp_2024_page": ("2021", 2024, "平潭综合实验区苏平片区管理局", {},
        {"new_received": [2, 0, 0, 0, 0, 0, 2], "result.unavailable.not_held": [1, 0, 0, 0, 0, 0, 1],
         "result.other.misc": [1, 0, 0, 0, 0, 0, 1], "result.total": [2, 0, 0, 0, 0, 0, 2]}),
    # 行政规范性文件 "008" = 0 / 0 / 8; fee 5949.09 万元; apply and review tables all zero
    # (apply rows "0 0 0 0 0 00", review "00 0 00 0 0 0 00 0 0 0 00" = fifteen zeros)
    "pingtan_czj_2023_page": ("2021", 2023, "平潭综合实验区财政金融局",
        {"normative_docs.in_force": 8, "licensing.decisions": 1, "fees.amount": 5949.09}, {}),
    # 行政规范性文件 "808" = 8 / 0 / 8 (the only split); fee 9116.36 万元
    "pingtan_czj_2022_page": ("2021", 2022, "平潭综合实验区财政金融局",
        {"normative_docs.issued": 8, "normative_docs.in_force": 8, "licensing.decisions": 5,
         "fees.amount": 9116.36},
        {"new_received": [1, 0, 0, 0, 0, 0, 1], "result.partial": [1, 0, 0, 0, 0, 0, 1],
         "result.total": [1, 0, 0, 0, 0, 0, 1]}),
    # 行政规范性文件 "021" = 0 / 2 / 1 (the only split); fee printed 18651.064104 万元 (kept as printed);
    # 新收 "20 0 0 0 02" and 不掌握 "10 0 0 0 01" = n 0 0 0 0 0 n (the only 7-cell splits)
    "pingtan_czj_2024_page": ("2021", 2024, "平潭综合实验区财政金融局",
        {"normative_docs.repealed": 2, "normative_docs.in_force": 1, "penalty.decisions": 1,
         "fees.amount": 18651.064104},
        {"new_received": [2, 0, 0, 0, 0, 0, 2], "result.disclosed": [1, 0, 0, 0, 0, 0, 1],
         "result.unavailable.not_held": [1, 0, 0, 0, 0, 0, 1], "result.total": [2, 0, 0, 0, 0, 0, 2]}),
    # 行政规范性文件 "101" = 1 / 0 / 1 (the only split); 新收/部分公开/总计 "10 0 0 0 01" = 1 0 0 0 0 0 1
    "pingtan_spp_2021_page": ("2021", 2021, "平潭综合实验区苏平片区管理局",
        {"normative_docs.issued": 1, "normative_docs.in_force": 1, "licensing.decisions": 3},
        {"new_received": [1, 0, 0, 0, 0, 0, 1], "result.partial": [1, 0, 0, 0, 0, 0, 1],
         "result.total": [1, 0, 0, 0, 0, 0, 1]}),
}

if __name__ == "__main__":
    write_golds(DOCS, build, sys.argv[1:])

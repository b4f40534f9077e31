#!/usr/bin/env python3
"""Write gold JSON from the hand transcription below (standalone: does not import `extractor`).

Every number below was read by hand from the report's page.txt (cells in table order) and, where the
text runs cells together ambiguously, from the table cells of the same report's page.html in the
archive (see SOURCES.md). Rows not listed are all 0 (checked by eye: every such row prints only zeros,
seven per apply row, fifteen in the review table). Keys come from models/templates/<t>.yaml."""
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
sys.path.insert(0, HERE)
from check_identities import breaks  # noqa: E402
from glued import ROWS_2021, ambiguous_rows  # noqa: E402


def keys(template):
    y = yaml.safe_load(open(os.path.join(ROOT, "models", "templates", f"{template}.yaml"), encoding="utf-8"))
    out = []
    for r in y["sections"]["active"]["rows"]:
        out += [f"active.{r['key']}.{c}" for c in r["columns"]]
    acols = list(y["sections"]["apply"]["columns"])
    for r in y["sections"]["apply"]["rows"]:
        if r.get("extra"):
            continue
        out += [f"apply.{r['key']}.{c}" for c in acols]
    for g in y["sections"]["review"]["groups_in_row"]:
        out += [f"review.{g}.{c}" for c in y["sections"]["review"]["columns"]]
    return out


A7 = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]

# stem: (template, year, organ, active {key: value}, apply {row: 7 values}, units)
DOCS = {
    "pingtan_gaj_2021_page": ("2021", 2021, "平潭综合实验区公安局",
        {"normative_docs.in_force": 2, "penalty.decisions": 141},
        {"new_received": [1, 0, 0, 0, 0, 0, 1], "result.other.misc": [1, 0, 0, 0, 0, 0, 1],
         "result.total": [1, 0, 0, 0, 0, 0, 1], "carried_forward": [1, 0, 0, 0, 0, 0, 1]}),
    "pingtan_gaj_2022_page": ("2021", 2022, "平潭综合实验区公安局",
        {"normative_docs.issued": 4, "normative_docs.repealed": 1, "normative_docs.in_force": 7,
         "penalty.decisions": 157},
        {"new_received": [1, 0, 0, 0, 0, 0, 1], "carried_over": [1, 0, 0, 0, 0, 0, 1],
         "result.partial": [1, 0, 0, 0, 0, 0, 1], "result.other.overdue_correction": [1, 0, 0, 0, 0, 0, 1],
         "result.total": [2, 0, 0, 0, 0, 0, 2]}),
    # 行政规范性文件 "5615": page.html cells 5 / 6 / 15
    "pingtan_jtj_2023_page": ("2021", 2023, "平潭综合实验区交通与建设局",
        {"normative_docs.issued": 5, "normative_docs.repealed": 6, "normative_docs.in_force": 15},
        {"new_received": [14, 0, 0, 0, 0, 0, 14], "result.partial": [7, 0, 0, 0, 0, 0, 7],
         "result.unavailable.not_held": [5, 0, 0, 0, 0, 0, 5], "result.not_processed.duplicate": [1, 0, 0, 0, 0, 0, 1],
         "result.other.overdue_correction": [1, 0, 0, 0, 0, 0, 1], "result.total": [14, 0, 0, 0, 0, 0, 14]}),
    "pingtan_spp_2022_page": ("2021", 2022, "平潭综合实验区苏平片区管理局", {},
        {"new_received": [1, 0, 0, 0, 0, 0, 1], "result.partial": [1, 0, 0, 0, 0, 0, 1],
         "result.total": [1, 0, 0, 0, 0, 0, 1]}),
    "pingtan_spp_2023_page": ("2021", 2023, "平潭综合实验区苏平片区管理局", {}, {}),
    "pingtan_jjp_2021_page": ("2021", 2021, "平潭综合实验区金井片区管理局",
        {"normative_docs.issued": 1, "normative_docs.repealed": 0, "normative_docs.in_force": 6}, {}),
}


def fill_cells(t, active, apply_):
    """Every cell of template ``t`` 0, then the hand-read non-zero active cells and apply rows."""
    cells = {k: 0 for k in keys(t)}
    for k, v in active.items():
        assert f"active.{k}" in cells, k
        cells[f"active.{k}"] = v
    for r, vals in apply_.items():
        for c, v in zip(A7, vals):
            assert f"apply.{r}.{c}" in cells, r
            cells[f"apply.{r}.{c}"] = v
    return cells


def read_doc(src):
    return open(os.path.join(HERE, "..", "docs", src), encoding="utf-8").read()


def write_golds(docs, build, only=()):
    """Write gold/<stem>.json for every document spec (or those named)."""
    for stem, spec in docs.items():
        if only and stem not in only:
            continue
        g = build(stem, spec)
        with open(os.path.join(HERE, "..", "gold", stem + ".json"), "w", encoding="utf-8") as f:
            json.dump(g, f, ensure_ascii=False, indent=1)
        print(stem, "breaks:", g["inconsistent"], "glued:", g["glued_ambiguous_rows"])


def build(stem, spec):
    t, year, organ, active, apply_ = spec[:5]
    cells = fill_cells(t, active, apply_)
    src = stem + ".txt"
    text = read_doc(src)
    sec = text[text.index("第二十条"):]
    g = {"source": src, "template": t, "year": year, "organ": organ, "cells": cells,
         "units": {"active.fees.amount": "万元"} if t == "2021" else {},
         "glued_ambiguous_rows": ambiguous_rows(sec, ROWS_2021) if t == "2021" else [],
         "origin": "pingtan", "input_kind": "crawler_text"}
    g["inconsistent"] = breaks(g)
    return g


if __name__ == "__main__":
    write_golds(DOCS, build)

"""The whole run: every form in its worker subprocess, then (not with --quick) the OCR floor and the
unflattened photos, the baselines on the PDFs, the groups and the calibration points."""

from __future__ import annotations

import importlib.util
import sys
import time
from typing import Any

from benchmarks.bench.accuracy import _read_docs, aggregate, reliability, reliability_points
from benchmarks.bench.baselines import TOOL_MODULES, TOOLS
from benchmarks.bench.corpus import Item, groups, is_photo_form, is_scan_form
from benchmarks.bench.report import pct
from benchmarks.bench.worker import in_subprocess

OCR_FLOOR_DOCS = 3  # scan documents also read by the bare OCR engine (not with --quick)


def run_all(forms: dict[str, list[Item]], quick: bool, no_ocr: bool) -> dict[str, Any]:
    env = {"EXTRACTOR_OCR": "0"} if no_ocr else {}
    res: dict[str, Any] = {"forms": {}, "baselines": {}, "ocr_floor": {}, "unflattened": {}}
    for form, items in forms.items():
        t = time.perf_counter()
        scans = is_scan_form(form, items)
        r = in_subprocess("extract", items, env=env, warm_ocr=scans and not no_ocr)
        if "run_error" in r:
            res["forms"][form] = {"run_error": r["run_error"], "items": [it.stem for it in items]}
            continue
        r["agg"] = aggregate(r["docs"])
        res["forms"][form] = r
        print(f"{form}: {len(items)} docs, {pct(r['agg']['accuracy'])}, {time.perf_counter() - t:.0f} s", file=sys.stderr)
        if scans and r["agg"]["read"] and not quick:
            floor = in_subprocess("ocr_floor", items[:OCR_FLOOR_DOCS])
            if "run_error" not in floor:
                res["ocr_floor"][form] = floor
        if is_photo_form(form, items) and r["agg"]["read"] and not quick:
            unflat = in_subprocess("extract", items, env={**env, "EXTRACTOR_RECTIFY": "0"}, warm_ocr=True, repeats=1)
            if "run_error" not in unflat:
                res["unflattened"][form] = {"agg": aggregate(unflat["docs"]), "seconds": unflat["seconds"],
                                            "ours_seconds": r["seconds"]}
        pdfs = [it for it in items if it.doc.suffix.lower() == ".pdf"]
        if pdfs and not scans:
            b = run_baselines(pdfs, quick)
            mine = [d for d in r["docs"] if d["stem"] in {it.stem for it in pdfs}]
            b["ours"] = {"agg": aggregate(mine), "seconds": sum(d["seconds"] for d in mine)}
            res["baselines"][form] = b
    res["groups"] = groups(forms)
    res["reliability"] = reliability([d for r in res["forms"].values() for d in _read_docs(r)])
    res["reliability_points"] = {"all": reliability_points([d for r in res["forms"].values() for d in _read_docs(r)]),
                                 **{f: reliability_points(_read_docs(r)) for f, r in res["forms"].items()
                                    if _read_docs(r)}}
    return res


def run_baselines(pdfs: list[Item], quick: bool) -> dict[str, Any]:
    b: dict[str, Any] = {}
    for tool in TOOLS:
        if quick and tool.startswith("camelot"):
            continue
        t = time.perf_counter()
        missing = TOOL_MODULES.get(tool)
        if missing and importlib.util.find_spec(missing[0]) is None:  # a missing tool is not a tool scoring 0
            b[tool] = {"run_error": f"not installed ({missing[1]}; `make bench` installs it)"}
            print(f"  {tool}: {b[tool]['run_error']}", file=sys.stderr)
            continue
        br = in_subprocess(tool, pdfs)
        if "run_error" not in br:
            br["agg"] = aggregate(br["docs"])
        b[tool] = br
        print(f"  {tool}: {pct(br.get('agg', {}).get('accuracy'))}, {time.perf_counter() - t:.0f} s", file=sys.stderr)
    floor = in_subprocess("floor", pdfs)
    if "run_error" not in floor:
        b["floor"] = floor
    return b

"""The markdown of benchmarks/RESULTS.md (pure): one function per section, ``render`` putting them in order,
and ``kept_sections``, the sections added by hand that a rewrite carries over."""

from __future__ import annotations

from typing import Any

from benchmarks.bench.accuracy import NOT_READ, RELIABILITY_BUCKETS, _ratio, aggregate
from benchmarks.bench.baselines import TOOL_NAMES, TOOLS
from benchmarks.bench.measure import REPEAT_BELOW_S

# Groups whose every document not fully right is listed (the bench forms list a few each).
LIST_ALL_WRONG = ("real", "converted")
HAND_MARK = "appended by hand"  # a "## " section of RESULTS.md whose heading says so is kept across runs


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def accuracy_cell(a: dict[str, Any]) -> str:
    if not a["scored"]:
        return f"**not read yet** ({NOT_READ})"
    s = f"{pct(a['accuracy'])} ({a['right']}/{a['total']})"
    return s + (f"; {a['not_read']} not read yet ({NOT_READ})" if a["not_read"] else "")


def _header(meta: dict[str, str]) -> list[str]:
    return ["# Benchmark results", "",
            f"- **run**: started {meta['when']}, total {meta['total']}",
            f"- **commit**: `{meta['commit']}`",
            f"- **command**: `{meta['command']}`",
            f"- **machine**: {meta['machine']}; load average {meta['load']} (the machine is shared: timings are "
            "medians of repeated passes where a form takes under "
            f"{REPEAT_BELOW_S:.0f} s)", "",
            "Written by `benchmarks/run.py` (`make bench`; `make bench-quick` for a subset) — do not edit by hand, "
            f"except in sections whose heading says *{HAND_MARK}* (kept at the end when the file is rewritten). "
            "Scoring: `benchmarks/score.py` (a cell is right when its value equals gold, blank = null; a wrong "
            "template scores 0 on every cell). Documents the extractor cannot read yet are shown as such and "
            "left out of accuracies; documents that fail count as zero.", ""]


def _form_row(name: str, a: dict[str, Any]) -> str:
    st = ", ".join(f"{k} {v}" for k, v in a["statuses"].items())
    exact = f"{a['exact']}/{a['scored']}" if a["scored"] else "—"
    return (f"| {name} | {a['docs']} | {st} | {accuracy_cell(a)} | {exact} | {pct(a['flagged_share'])} | "
            f"{pct(a['clean_flagged_share'])} | {pct(a['unflagged_accuracy'])} | {pct(a['wrong_flagged'])} | {pct(a['fixed_share'])} |")


def _form_rows(res: dict[str, Any]) -> list[str]:
    out = ["## Accuracy by format", "",
           "| format | docs | status | cell accuracy | docs fully right | cells flagged `review` | flagged "
           "without cause | accuracy of unflagged cells | wrong cells that are flagged | inferred or repaired |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for form, r in res["forms"].items():
        if "run_error" in r:
            out.append(f"| {form} | {len(r.get('items', []))} | **run failed**: {r['run_error']} | — | — | — | — | — | — | — |")
        else:
            out.append(_form_row(form, r["agg"]))
    for group, forms in (res.get("groups") or {}).items():
        docs = [d for f in forms for d in res["forms"].get(f, {}).get("docs", [])]
        if docs:
            out.append(_form_row(f"**{group}** (all: {' + '.join(forms)})", aggregate(docs)))
    out.append("")
    for form, r in res["forms"].items():
        a = r.get("agg")
        if a and a["undecidable"]:
            rest = _ratio(a["right"] - a["undecidable_right"], a["total"] - a["undecidable"])
            out.append(f"{form}: {a['undecidable']} cells lie in active-table rows whose glued digits split "
                       f"several ways that no identity decides (gold `glued_ambiguous_rows`); "
                       f"{a['undecidable_right']} of them are right; accuracy on the other cells {pct(rest)}.")
            out.append("")
    return out + ["*cells flagged*: share of gold cells the report marks `review`; *flagged without cause*: the "
                  "same share over documents whose gold is consistent, leaving out rows no identity can decide "
                  "(the flags a reader would not expect); *accuracy of unflagged "
                  "cells*: what a user who trusts unflagged cells gets; *wrong cells that are flagged*: of the "
                  "cells that are wrong, the share marked `review`; *inferred or repaired*: cells filled by the "
                  "mixed-form rule or (scans) repaired/inferred from identities.", ""]


def real_docs(res: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-document results of the real corpus (its split forms, or the form ``real``)."""
    forms = (res.get("groups") or {}).get("real") or [f for f in res["forms"] if f == "real"]
    return [d for f in forms for d in res["forms"].get(f, {}).get("docs", [])]


def _real_rows(res: dict[str, Any]) -> list[str]:
    docs = real_docs(res)
    if not docs:
        return []
    out = ["## Real documents by source and input kind", "",
           "The real corpus's documents (corpora/real) by where they come from (gold `origin`) and what kind of "
           "input they are (gold `input_kind`; without it, the file type).", "",
           "| documents | docs | cell accuracy | docs fully right | cells flagged `review` | accuracy of unflagged cells |",
           "|---|---|---|---|---|---|"]
    for field, label in (("origin", "origin"), ("input_kind", "kind")):
        for value in sorted({d.get(field) or "unknown" for d in docs}):
            a = aggregate([d for d in docs if (d.get(field) or "unknown") == value])
            exact = f"{a['exact']}/{a['scored']}" if a["scored"] else "—"
            out.append(f"| real · {label}={value} | {a['docs']} | {accuracy_cell(a)} | {exact} | "
                       f"{pct(a['flagged_share'])} | {pct(a['unflagged_accuracy'])} |")
    return out + [""]


def _section_rows(res: dict[str, Any]) -> list[str]:
    secs = sorted({s for r in res["forms"].values() if "agg" in r for (_, s) in r["agg"]["sections"]})
    out = ["## Accuracy by format × template × section", "",
           "| format | template | " + " | ".join(secs) + " | all |", "|---|---|" + "---|" * (len(secs) + 1)]
    for form, r in res["forms"].items():
        if "agg" not in r:
            continue
        a = r["agg"]
        if not a["scored"]:
            out.append(f"| {form} | — | " + " | ".join(["not read yet"] * (len(secs) + 1)) + " |")
            continue
        for tmpl in sorted({t for (t, _) in a["sections"]}):
            cells = [a["sections"].get((tmpl, s)) for s in secs]
            r_all, t_all = sum(c[0] for c in cells if c), sum(c[1] for c in cells if c)
            out.append(f"| {form} | {tmpl} | " + " | ".join(
                f"{pct(c[0] / c[1])} ({c[0]}/{c[1]})" if c and c[1] else "—" for c in cells)
                + f" | {pct(_ratio(r_all, t_all))} |")
    return out + [""]


def _identity_rows(res: dict[str, Any]) -> list[str]:
    out = ["## Identity failures found", "",
           "Failed identity checks (勾稽关系) reported; for documents whose gold lists deliberate inconsistencies "
           "(`inconsistent`), how many of those broken identities the extractor reported as failed (recall of "
           "real inconsistencies); and failed checks on documents whose gold is consistent (false alarms). "
           "Narrative checks compare numbers stated in the prose with the table.", "",
           "| format | docs read | failed identity checks (docs) | real inconsistencies reported / present "
           "| false alarms: failed checks on consistent docs (docs) | narrative checks pass / fail / unconfirmed |",
           "|---|---|---|---|---|---|"]
    for form, r in res["forms"].items():
        if "agg" not in r:
            continue
        a = r["agg"]
        if not a["scored"]:
            out.append(f"| {form} | 0 | not read yet | — | — | — |")
            continue
        n = a["narrative"]
        recall = f"{a['incons_found']}/{a['incons_total']} ({a['incons_docs']} docs)" if a["incons_total"] else "— (none in gold)"
        out.append(f"| {form} | {a['scored']} | {a['failed_checks']} ({a['docs_with_failed']}) | {recall} | "
                   f"{a['false_alarms']} ({a['false_alarm_docs']}/{a['consistent_docs']}) | "
                   f"{n.get('pass', 0)} / {n.get('fail', 0)} / {n.get('unconfirmed', 0)} |")
    return out + [""]


def _speed_rows(res: dict[str, Any]) -> list[str]:
    out = ["## Speed and memory", "",
           "One subprocess per format, readers and models loaded before the clock; peak RSS of that subprocess "
           "(`ru_maxrss`, including the warm-up).", "",
           "| format | docs | pages | seconds | docs/s | pages/s | median s/doc | peak RSS (MB) |",
           "|---|---|---|---|---|---|---|---|"]
    for form, r in res["forms"].items():
        if "agg" not in r:
            continue
        a, secs = r["agg"], r["seconds"]
        runs = r.get("seconds_runs") or [secs]
        note = f" (median of {len(runs)})" if len(runs) > 1 else ""
        if not a["scored"]:
            out.append(f"| {form} | {a['docs']} | {a['pages'] or '—'} | not read yet ({NOT_READ}) | — | — | — | "
                       f"{r['peak_rss_mb']:.0f} |")
            continue
        pages = f"{a['pages']}" if a["pages"] else "—"
        pps = f"{a['pages'] / secs:.2f}" if a["pages"] else "—"
        out.append(f"| {form} | {a['docs']} | {pages} | {secs:.2f}{note} | {a['docs'] / secs:.2f} | {pps} | "
                   f"{a['median_doc_s']:.3f} | {r['peak_rss_mb']:.0f} |")
    return out + ["", "Pages: PDF and scan pages (text, HTML and DOCX have none).", ""]


def _baseline_rows(res: dict[str, Any]) -> list[str]:
    if not res["baselines"]:
        return []
    out = ["## Baselines on the same PDFs", "",
           "Each tool's tables become grid rows and go through the same label matching, validation and scorer "
           "as ours (`build_report`); the text lines are only used for the title and template detection. Cell "
           "accuracy (docs fully right); *gain* = ours minus the best baseline, in percentage points.", "",
           "| format | docs | ours | " + " | ".join(TOOL_NAMES[t] for t in TOOLS) + " | gain over best baseline |",
           "|---|---|---|" + "---|" * (len(TOOLS) + 1)]
    for form, b in res["baselines"].items():
        ours = b["ours"]["agg"]

        def cell(a: dict[str, Any]) -> str:
            return f"{pct(a['accuracy'])} ({a['exact']}/{a['scored']})" if a["scored"] else accuracy_cell(a)

        accs = [b[t]["agg"]["accuracy"] for t in TOOLS if "agg" in b.get(t, {})]
        gain = (f"{100 * (ours['accuracy'] - max(accs)):+.2f} pp"
                if accs and ours["accuracy"] is not None and all(x is not None for x in accs) else "—")
        tools = [cell(b[t]["agg"]) if "agg" in b.get(t, {}) else
                 ((b[t]["run_error"] if b[t]["run_error"].startswith("not installed") else f"failed: {b[t]['run_error']}")
                  if t in b else "not run (--quick)") for t in TOOLS]
        out.append(f"| {form} | {ours['docs']} | {cell(ours)} | " + " | ".join(tools) + f" | {gain} |")
    out += ["", "Time per page on the same PDFs. The floor is bare pdfplumber `extract_text()` (no tables, no "
            "matching); *ours / floor* is what our whole pipeline costs over reading the text.", "",
            "| format | pages | ours s/page | floor s/page | ours / floor | " + " | ".join(
                f"{TOOL_NAMES[t]} s/page" for t in TOOLS) + " |", "|---|---|---|---|---|" + "---|" * len(TOOLS)]
    for form, b in res["baselines"].items():
        f = b.get("floor") or {}
        if not f.get("pages"):
            continue
        ours, floor = b["ours"]["seconds"] / f["pages"], f["seconds"] / f["pages"]
        tools = [f"{b[t]['seconds'] / f['pages']:.3f}" if "seconds" in b.get(t, {}) else "—" for t in TOOLS]
        out.append(f"| {form} | {f['pages']} | {ours:.3f} | {floor:.3f} | {ours / floor:.2f}× | " + " | ".join(tools) + " |")
    return out + [""]


def _ocr_floor_rows(res: dict[str, Any]) -> list[str]:
    if not res.get("ocr_floor"):
        return []
    out = ["Our scan pipeline against the bare OCR engine (render at 200 dpi + recognise, nothing else) on the "
           "same pages, timed document by document in one process, alternating which runs first:", "", "| format | docs | pages | ours s/page | bare OCR s/page | ours / bare |",
           "|---|---|---|---|---|---|"]
    for form, f in res["ocr_floor"].items():
        ours, bare = f["ours"] / f["pages"], f["bare"] / f["pages"]
        out.append(f"| {form} | {f['docs']} | {f['pages']} | {ours:.2f} | {bare:.2f} | {ours / bare:.2f}× |")
    return out + [""]


def _list_all_forms(res: dict[str, Any]) -> set[str]:
    """Forms whose every document not fully right is listed: the real and converted corpora's."""
    grouped = res.get("groups") or {}
    return {f for g in LIST_ALL_WRONG for f in grouped.get(g, [])} | {f for f in res["forms"] if f in LIST_ALL_WRONG}


def _wrong_rows(res: dict[str, Any], per_form: int = 6) -> list[str]:
    out = ["## Documents not fully right", "",
           f"Up to {per_form} documents per bench format, every one of the real and converted corpora, with the "
           "first wrong cells: `key: gold → extracted` (⚑ = flagged `review`; the cell's source when not simply "
           "read). Worst first in the real and converted forms.", ""]
    any_wrong = False
    list_all = _list_all_forms(res)
    for form, r in res["forms"].items():
        bad = [d for d in r.get("docs", []) if d["status"] != NOT_READ and d["right"] < d["total"]]
        if not bad:
            continue
        any_wrong = True
        out.append(f"- **{form}** ({len(bad)} of {len(r['docs'])} documents)")
        if form in list_all:
            bad = sorted(bad, key=lambda d: (d["right"] / d["total"] if d["total"] else 0.0, d["stem"]))
        for d in bad if form in list_all else bad[:per_form]:
            why = f" failed ({d['error']})" if d["error"] else ""
            if not d["error"] and d["pred_template"] != d["template"]:
                why = f" template {d['pred_template']} instead of {d['template']}"
            ws = "; ".join(f"`{k}`: {g} → {v}{' ⚑' if fl else ''}{'' if src in ('read', None) else f' ({src})'}"
                           for k, g, v, fl, src in d["wrong"][:5])
            out.append(f"  - `{d['stem']}` {d['right']}/{d['total']}{why}" + (f": {ws}" if ws else ""))
    return out + [""] if any_wrong else out + ["Every document read is fully right.", ""]


def _unflattened_rows(res: dict[str, Any]) -> list[str]:
    if not res.get("unflattened"):
        return []
    out = ["Photographed pages read as they are (`EXTRACTOR_RECTIFY=0`) against flattened first (the default: "
           "the sheet's outline found and warped to a rectangle before OCR, `extractor.pageimage.rectify`):", "",
           "| format | docs | flattened: cell accuracy | as photographed: cell accuracy | flattened s | as photographed s |",
           "|---|---|---|---|---|---|"]
    for form, u in res["unflattened"].items():
        ours = res["forms"][form]["agg"]
        out.append(f"| {form} | {ours['docs']} | {accuracy_cell(ours)} | {accuracy_cell(u['agg'])} | "
                   f"{u['ours_seconds']:.1f} | {u['seconds']:.1f} |")
    return out + [""]


def render(res: dict[str, Any], meta: dict[str, str]) -> str:
    out = _header(meta) + _form_rows(res) + _real_rows(res) + _section_rows(res) + _identity_rows(res) + _speed_rows(res)
    out += _ocr_floor_rows(res) + _unflattened_rows(res) + _baseline_rows(res)
    if res.get("reliability"):
        out += _calibration_rows(res, meta)
    out += _wrong_rows(res)
    if meta.get("plot"):
        out += ["## Plot", "", f"![accuracy by format and damage level]({meta['plot']})", ""]
    return "\n".join(out)


def _calibration_rows(res: dict[str, Any], meta: dict[str, str]) -> list[str]:
    from extractor.validate import REVIEW_CONFIDENCE

    out = ["## Calibration", "",
           f"A cell is flagged `review` when it takes part in a failed check, or when its confidence is below "
           f"`REVIEW_CONFIDENCE` = {REVIEW_CONFIDENCE} (extractor/validate) and it was read, not left blank or "
           "inferred. Confidence of every scored cell, all formats read, against observed accuracy:", "",
           "| confidence | cells | accuracy |", "|---|---|---|"]
    out += [f"| {b} | {n} | {pct(acc)} |" for b, n, acc in res["reliability"]] + [""]
    per_form = {f: pts for f, pts in (res.get("reliability_points") or {}).items() if f != "all"}
    if per_form:
        names = [name for _, name in RELIABILITY_BUCKETS]
        out += ["By format (accuracy, cells):", "", "| format | " + " | ".join(names) + " |",
                "|---|" + "---|" * len(names)]
        for f, pts in per_form.items():
            by = {p["bucket"]: p for p in pts}
            out.append(f"| {f} | " + " | ".join(f"{pct(by[n]['accuracy'])} ({by[n]['cells']})" if n in by else "—"
                                                for n in names) + " |")
        out.append("")
    if meta.get("reliability_plot"):
        out += [f"![reliability: confidence bucket against observed accuracy]({meta['reliability_plot']})", ""]
    return out


def kept_sections(previous: str) -> str:
    """The sections of an earlier results file that were added by hand (a ``## `` heading containing
    ``HAND_MARK``), to be carried over to the end of the new file."""
    out: list[str] = []
    keep = False
    for ln in previous.splitlines():
        if ln.startswith("## "):
            keep = HAND_MARK in ln
        if keep:
            out.append(ln)
    return "\n".join(out).strip() + "\n" if out else ""

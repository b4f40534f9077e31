"""Scoring (pure): one document's numbers against gold (cells right, flagged and unflagged, failed identities,
confidences), a form's numbers from its documents', and the confidence buckets of the calibration table."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Any

from benchmarks.score import same, score_document

WRONG_SHOWN = 8  # wrong cells kept per document (for the "not fully right" listing)
NOT_READ = "needs_ocr"
# Confidence buckets of the calibration table and reliability plot: (lower edge, label), highest first. The
# review threshold itself is extractor.validate.REVIEW_CONFIDENCE (shown in the table and drawn in the plot).
RELIABILITY_BUCKETS = [(0.99, "≥0.99"), (0.9, "0.9–0.99"), (0.75, "0.75–0.9"), (0.5, "0.5–0.75"), (-1.0, "<0.5")]


def doc_result(gold: dict[str, Any], rep: dict[str, Any] | None, stem: str, *, error: str | None = None,
               seconds: float = 0.0, kind: str | None = None) -> dict[str, Any]:
    """One document's numbers: score, flagged/unflagged cells against gold, failed identities, confidences.

    ``rep`` is a Report as a dict (None when extraction raised; ``error`` is then its code). ``origin`` and
    ``input_kind`` come from gold (corpora/real), else ``unknown`` and ``kind`` (the file type)."""
    s = score_document(gold, rep, stem)
    gcells: dict[str, Any] = gold.get("cells") or {}
    cells: dict[str, Any] = (rep or {}).get("cells") or {}
    flagged = flagged_right = unflagged = unflagged_right = fixed = und_total = und_right = 0
    clean = clean_flagged = 0  # cells outside undecidable rows of documents whose gold is consistent
    undecidable = undecidable_rows(gold)
    consistent = not gold.get("inconsistent")
    wrong: list[list[Any]] = []
    conf: list[tuple[float, bool]] = []
    for k, gv in gcells.items():
        c = cells.get(k)
        if c is None:
            continue
        ok = bool(s.template_ok and same(c.get("value"), gv))
        if c.get("review"):
            flagged, flagged_right = flagged + 1, flagged_right + ok
        else:
            unflagged, unflagged_right = unflagged + 1, unflagged_right + ok
        fixed += c.get("source") in ("repaired", "inferred")
        conf.append((round(float(c.get("confidence", 1.0)), 2), ok))
        if any(k.startswith(row + ".") for row in undecidable):
            und_total, und_right = und_total + 1, und_right + ok
        elif consistent:
            clean, clean_flagged = clean + 1, clean_flagged + bool(c.get("review"))
        if not ok and len(wrong) < WRONG_SHOWN:
            wrong.append([k, gv, c.get("value"), bool(c.get("review")), c.get("source")])
    checks = (rep or {}).get("checks") or []
    status = "failed" if rep is None else rep.get("status", "ok")
    return {"stem": stem, "template": gold.get("template"), "pred_template": (rep or {}).get("template"),
            "right": s.right, "total": s.total, "by_section": s.by_section, "wrong_keys": s.wrong[:20],
            "wrong": wrong, "seconds": seconds, "error": error, "status": status,
            "pages": (rep or {}).get("pages"), "inconsistent": list(gold.get("inconsistent") or []),
            "flagged": flagged, "flagged_right": flagged_right, "unflagged": unflagged,
            "unflagged_right": unflagged_right, "fixed": fixed, "undecidable": und_total,
            "undecidable_right": und_right, "clean": clean, "clean_flagged": clean_flagged,
            "failed_identities": [c["id"] for c in checks if c.get("kind", "identity") == "identity"
                                  and c["status"] == "fail"],
            "narrative": dict(Counter(c["status"] for c in checks if c.get("kind") == "narrative")),
            "conf": conf, "origin": str(gold.get("origin") or "unknown"),
            "input_kind": str(gold.get("input_kind") or kind or "unknown")}


def undecidable_rows(gold: dict[str, Any]) -> list[str]:
    """Glued text: rows whose run-together digits split more than one way even with the identities (the
    active-table rows of ``glued_ambiguous_rows``, per corpora/bench/README.md)."""
    return [r for r in gold.get("glued_ambiguous_rows") or [] if r.startswith("active.")]


def status_label(d: dict[str, Any]) -> str:
    return f"failed ({d['error']})" if d.get("error") else d["status"]


def _identities(scored: list[dict[str, Any]]) -> dict[str, Any]:
    incons = [d for d in scored if d["inconsistent"]]
    consistent = [d for d in scored if not d["inconsistent"]]
    narrative: Counter[str] = Counter()
    for d in scored:
        narrative.update(d.get("narrative") or {})
    return {"failed_checks": sum(len(d["failed_identities"]) for d in scored),
            "docs_with_failed": sum(bool(d["failed_identities"]) for d in scored),
            "incons_docs": len(incons),
            "incons_found": sum(len(set(d["inconsistent"]) & set(d["failed_identities"])) for d in incons),
            "incons_total": sum(len(set(d["inconsistent"])) for d in incons),
            "false_alarms": sum(len(d["failed_identities"]) for d in consistent),
            "false_alarm_docs": sum(bool(d["failed_identities"]) for d in consistent),
            "consistent_docs": len(consistent), "narrative": dict(narrative)}


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def aggregate(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """A form's numbers from its documents' results. Documents not read (``needs_ocr``) are counted apart and
    left out of every accuracy; a failed document counts, as zero."""
    scored = [d for d in docs if d["status"] != NOT_READ]
    right, total = sum(d["right"] for d in scored), sum(d["total"] for d in scored)
    sections: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for d in scored:
        for sec, (r, t) in d["by_section"].items():
            sections[(str(d["template"]), sec)][0] += r
            sections[(str(d["template"]), sec)][1] += t
    flagged = sum(d["flagged"] for d in scored)
    flagged_right = sum(d["flagged_right"] for d in scored)
    unflagged, unflagged_right = sum(d["unflagged"] for d in scored), sum(d["unflagged_right"] for d in scored)
    wrong = total - right
    return {"docs": len(docs), "scored": len(scored), "not_read": len(docs) - len(scored),
            "read": sum(d["status"] in ("ok", "partial") for d in docs),
            "right": right, "total": total, "accuracy": _ratio(right, total),
            "exact": sum(d["right"] == d["total"] for d in scored),
            "sections": {k: (v[0], v[1]) for k, v in sections.items()},
            "flagged_share": _ratio(flagged, total),
            "clean_flagged_share": _ratio(sum(d.get("clean_flagged", 0) for d in scored),
                                          sum(d.get("clean", 0) for d in scored)),
            "unflagged_accuracy": _ratio(unflagged_right, unflagged),
            "flagged_accuracy": _ratio(flagged_right, flagged),
            # of the wrong cells a user would get, how many carry the review flag (wrong-template cells: none)
            "wrong_flagged": _ratio(flagged - flagged_right, wrong), "wrong": wrong,
            "fixed_share": _ratio(sum(d["fixed"] for d in scored), total),
            "statuses": dict(sorted(Counter(status_label(d) for d in docs).items())),
            "pages": sum(d["pages"] for d in docs if d["pages"]) or None,
            "undecidable": sum(d.get("undecidable", 0) for d in scored),
            "undecidable_right": sum(d.get("undecidable_right", 0) for d in scored),
            "median_doc_s": statistics.median([d["seconds"] for d in docs]) if docs else None,
            **_identities(scored)}


def reliability_points(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per confidence bucket (``RELIABILITY_BUCKETS``) with cells: the bucket, its cells, their mean confidence
    and the share of them that are right — the points of a reliability diagram."""
    buckets: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # right, cells, sum of confidence
    for d in docs:
        for conf, ok in d["conf"]:
            b = next(name for lo, name in RELIABILITY_BUCKETS if conf >= lo)
            buckets[b][0] += ok
            buckets[b][1] += 1
            buckets[b][2] += conf
    return [{"bucket": name, "cells": int(buckets[name][1]), "mean_confidence": buckets[name][2] / buckets[name][1],
             "accuracy": buckets[name][0] / buckets[name][1]}
            for _, name in RELIABILITY_BUCKETS if buckets[name][1]]


def reliability(docs: list[dict[str, Any]]) -> list[tuple[str, int, float]]:
    """Confidence buckets against observed accuracy: (bucket, cells, accuracy)."""
    return [(p["bucket"], p["cells"], p["accuracy"]) for p in reliability_points(docs)]


def _read_docs(r: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in r.get("docs", []) if d["status"] in ("ok", "partial")]

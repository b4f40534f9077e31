"""Score extracted reports against gold files (format: corpora/*/gold/*.json, spec in README).

Usage::

    python benchmarks/score.py GOLD_DIR PRED_DIR [--json]

PRED_DIR holds one JSON report per document, named ``<stem>.json`` like the gold file (the output of
``extractor extract FILE --json``), or is a batch run's ``reports.jsonl``. Scoring rules (shared spec):

* cell accuracy = cells whose extracted value equals the gold value (null must be null) / cells in gold;
* a document whose template is wrong scores 0 on every cell;
* a gold document with ``template: null`` counts as one cell: right when the prediction's template is null.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOLERANCE = 1e-9


def value_of(cell: Any) -> Any:
    return cell.get("value") if isinstance(cell, dict) else cell


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < TOLERANCE
    except (TypeError, ValueError):
        return False


def section_of(key: str) -> str:
    return key.split(".", 1)[0]


@dataclass
class DocScore:
    name: str
    right: int
    total: int
    template_ok: bool
    wrong: list[str] = field(default_factory=list)
    by_section: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def exact(self) -> bool:
        return self.right == self.total


def score_document(gold: dict[str, Any], pred: dict[str, Any] | None, name: str = "") -> DocScore:
    """Score one prediction (a report dict, or None when extraction produced nothing) against gold."""
    gcells: dict[str, Any] = gold.get("cells") or {}
    if pred is None or "template" not in pred:
        if not gold.get("template"):
            return DocScore(name, 0, 1, False)
        per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for key in gcells:
            per[section_of(key)][1] += 1
        return DocScore(name, 0, len(gcells), False, list(gcells), {k: (0, v[1]) for k, v in per.items()})
    if gold.get("template") is None:
        ok = pred.get("template") in (None, "null")
        return DocScore(name, int(ok), 1, ok)
    tmpl_ok = str(pred.get("template")) == str(gold["template"])
    pcells = pred.get("cells") or {}
    right = 0
    wrong: list[str] = []
    sec: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, gv in gcells.items():
        ok = tmpl_ok and key in pcells and same(value_of(pcells[key]), gv)
        right += ok
        s = sec[section_of(key)]
        s[0] += ok
        s[1] += 1
        if not ok:
            wrong.append(key)
    return DocScore(name, right, len(gcells), tmpl_ok, wrong, {k: (v[0], v[1]) for k, v in sec.items()})


@dataclass
class Summary:
    docs: list[DocScore]

    @property
    def right(self) -> int:
        return sum(d.right for d in self.docs)

    @property
    def total(self) -> int:
        return sum(d.total for d in self.docs)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def exact(self) -> int:
        return sum(d.exact for d in self.docs)

    def by_section(self) -> dict[str, tuple[int, int]]:
        acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for d in self.docs:
            for s, (r, t) in d.by_section.items():
                acc[s][0] += r
                acc[s][1] += t
        return {k: (v[0], v[1]) for k, v in sorted(acc.items())}

    def to_dict(self) -> dict[str, Any]:
        return {
            "cells_right": self.right,
            "cells_total": self.total,
            "accuracy": self.accuracy,
            "docs": len(self.docs),
            "docs_exact": self.exact,
            "by_section": {k: {"right": r, "total": t} for k, (r, t) in self.by_section().items()},
            "by_document": [
                {"name": d.name, "right": d.right, "total": d.total, "template_ok": d.template_ok, "wrong": d.wrong[:20]}
                for d in self.docs
            ],
        }


def load_gold(gold_dir: Path) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.json"))}


def load_predictions(pred: Path) -> dict[str, dict[str, Any] | None]:
    """Predictions keyed by document stem: a folder of ``<stem>.json`` reports, or a batch ``reports.jsonl``
    (each record's ``report``, null for a failed document)."""
    pred = Path(pred)
    if pred.is_file():
        out: dict[str, dict[str, Any] | None] = {}
        for line in pred.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out[Path(rec["path"]).stem] = rec.get("report")
        return out
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(pred.glob("*.json"))}


def score_dirs(gold_dir: Path, pred: Path) -> Summary:
    """Score every gold file against its prediction (a missing prediction scores zero)."""
    return score_reports(load_gold(gold_dir), load_predictions(pred))


def score_reports(gold: dict[str, dict[str, Any]], preds: dict[str, dict[str, Any] | None]) -> Summary:
    """Score in-memory predictions keyed like ``gold`` (stem -> report dict)."""
    return Summary([score_document(g, preds.get(stem), stem) for stem, g in gold.items()])


def format_summary(s: Summary) -> str:
    lines = [f"{d.name}: {d.right}/{d.total} wrong={d.wrong[:6]}" for d in s.docs]
    for sec, (r, t) in s.by_section().items():
        lines.append(f"section {sec}: {r}/{t} = {r / t:.2%}" if t else f"section {sec}: 0/0")
    lines.append(f"cells {s.right}/{s.total} = {s.accuracy:.2%}  docs exact {s.exact}/{len(s.docs)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--min", type=float, default=0.0, help="exit 1 when accuracy is below this")
    a = ap.parse_args(argv)
    s = score_dirs(a.gold, a.pred)
    print(json.dumps(s.to_dict(), ensure_ascii=False, indent=1) if a.json else format_summary(s))
    return 0 if s.accuracy >= a.min else 1


if __name__ == "__main__":
    sys.exit(main())

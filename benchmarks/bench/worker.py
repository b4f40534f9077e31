"""The worker subprocess protocol: each job (a form's extraction, a floor, a baseline tool) runs in a fresh
interpreter, ``benchmarks/run.py --worker SPEC RESULT``; the spec and the result are JSON files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.bench import ROOT
from benchmarks.bench.baselines import run_baseline
from benchmarks.bench.corpus import Item
from benchmarks.bench.measure import REPEATS, bare_text_time, ocr_floor_time, run_form

RUNNER = ROOT / "benchmarks" / "run.py"  # re-invoked with --worker
SUBPROCESS_TIMEOUT_S = 900


def _worker(spec_path: Path, result_path: Path) -> None:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    items = [Item(d["form"], d["stem"], Path(d["doc"]), Path(d["gold"]), d.get("group", "")) for d in spec["items"]]
    kind = spec["kind"]
    if kind == "extract":
        out = run_form(items, warm_ocr=spec.get("warm_ocr", False), repeats=spec.get("repeats", REPEATS))
    elif kind == "floor":
        out = bare_text_time(items, spec.get("repeats", REPEATS))
    elif kind == "ocr_floor":
        out = ocr_floor_time(items)
    else:
        out = run_baseline(items, kind)
    result_path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


def in_subprocess(kind: str, items: list[Item], *, env: dict[str, str] | None = None,
                  timeout: float = SUBPROCESS_TIMEOUT_S, **params: Any) -> dict[str, Any]:
    """Run one job in a fresh interpreter. Returns its result, or ``{"run_error": why}``."""
    with tempfile.TemporaryDirectory() as tmp:
        spec, dst = Path(tmp) / "spec.json", Path(tmp) / "result.json"
        spec.write_text(json.dumps({"kind": kind, **params, "items": [
            {"form": it.form, "stem": it.stem, "doc": str(it.doc), "gold": str(it.gold), "group": it.group}
            for it in items]}))
        try:
            p = subprocess.run([sys.executable, str(RUNNER), "--worker", str(spec), str(dst)],
                               capture_output=True, timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})})
        except subprocess.TimeoutExpired:
            return {"run_error": f"timed out after {timeout:.0f} s"}
        if p.returncode != 0 or not dst.exists():
            tail = p.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            sys.stderr.write(p.stderr.decode("utf-8", "replace")[-2000:])
            return {"run_error": f"exit {p.returncode}: {tail[0][:200]}"}
        return json.loads(dst.read_text(encoding="utf-8"))

"""Where the time of a text document goes: docs per CPU-second and the top functions, per text form.

    python benchmarks/profile_text.py [--root CHECKOUT] [--out benchmarks/PROFILE.md] [FORM ...]

One process, warm (the imports, jieba's dictionary and the templates loaded on a real report first), then
the form's documents once each: the *first pass*, each label new to the process's caches unless an earlier
document of the pass printed it too — what a batch over an archive meets. A second pass over the same
documents is timed as well (every label cached: the floor of label matching). The profile is of the first
pass (cProfile, own time). ``--root`` profiles another checkout (a before/after comparison).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
FORMS = ["text_tabs", "text_lines", "text_glued", "text_runon"]
TOP = 12


def _rate(extract, datas: list[bytes]) -> float:  # noqa: ANN001 — the checkout's extract()
    t = time.process_time()
    for d in datas:
        extract(d)
    return len(datas) / (time.process_time() - t)


def _one(form: str, root: str) -> dict:
    """In a fresh process: warm up, then the first pass (timed, or profiled with ``PROFILE=1``) and the
    second pass (timed)."""
    sys.path.insert(0, root)
    from extractor import extract

    extract((HERE / "corpora" / "real" / "docs" / "002_0843dfdf5e1a4b6d.txt").read_bytes())  # warm
    datas = [p.read_bytes() for p in sorted((HERE / "corpora" / "bench" / form / "docs").iterdir())]
    if not os.environ.get("PROFILE"):
        return {"first_pass": _rate(extract, datas), "second_pass": _rate(extract, datas)}
    pr = cProfile.Profile()
    pr.enable()
    for d in datas:
        extract(d)
    pr.disable()
    st = pstats.Stats(pr, stream=io.StringIO())
    rows = []
    for (file, line, fn), (_cc, nc, tt, ct, _) in sorted(st.stats.items(), key=lambda kv: -kv[1][2])[:TOP]:  # type: ignore[attr-defined]
        where = f"{Path(file).name}:{line}({fn})" if file != "~" else fn
        rows.append((where, nc / len(datas), tt / len(datas) * 1000, ct / len(datas) * 1000))
    return {"docs": len(datas), "top": rows}


def _run(form: str, root: str, profile: bool) -> dict:
    env = {**os.environ, "PROFILE": "1" if profile else ""}
    out = subprocess.run([sys.executable, __file__, "--one", form, "--root", root], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("forms", nargs="*", default=FORMS)
    ap.add_argument("--root", default=str(HERE))
    ap.add_argument("--out")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(_one(a.one, a.root)))
        return
    name = "this checkout" if Path(a.root).resolve() == HERE else a.root
    lines = [f"# Text hot path profile ({name})", "",
             f"`python benchmarks/profile_text.py` on {time.strftime('%Y-%m-%d')}; one process per form, warm on a real",
             "report first; CPU time. First pass: each document once (labels new to the caches unless an earlier",
             "document printed them: what a batch over an archive meets); second pass: the same documents again",
             "(every label cached). Top functions: own time in a profiled first pass (cProfile), per document.", "",
             "| form | docs | first pass docs/CPU-s | second pass docs/CPU-s |", "|---|---|---|---|"]
    rates = {f: _run(f, a.root, False) for f in a.forms}
    profiles = {f: _run(f, a.root, True) for f in a.forms}
    for f in a.forms:
        lines.append(f"| {f} | {profiles[f]['docs']} | {rates[f]['first_pass']:.1f} | {rates[f]['second_pass']:.1f} |")
    for f in a.forms:
        lines += ["", f"## {f}: top {TOP} functions by own time (profiled first pass)", "",
                  "| function | calls/doc | own ms/doc | cumulative ms/doc |", "|---|---|---|---|"]
        for where, nc, tt, ct in profiles[f]["top"]:
            lines.append(f"| `{where}` | {nc:.0f} | {tt:.2f} | {ct:.2f} |")
    text = "\n".join(lines) + "\n"
    if a.out:
        Path(a.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""Batch throughput and the 1,000-file run (a benchmark, not a test).

    python benchmarks/batch_throughput.py throughput [--copies 4] [--ray]   # docs/s: 1 vs 2 workers (+ Ray)
    python benchmarks/batch_throughput.py thousand [--n 1000]               # 1,000 mixed files, 5% hostile

Inputs are made under a temporary folder from corpora/bench: each copy of a document gets distinct bytes
(a trailing newline for text and HTML, an unreferenced part for DOCX) so that identical-file sharing does
not skip it and every input is really extracted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.batch import run_batch  # noqa: E402

BENCH = ROOT / "corpora" / "bench"
FORMS = ["text_lines", "text_tabs", "text_glued", "docx", "html"]


def distinct_copy(src: Path, dest: Path, i: int) -> None:
    if src.suffix.lower() in (".docx",):
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                zout.writestr(item, zin.read(item.filename))
            zout.writestr("customXml/bench.xml", f"<copy n='{i}'/>")
    elif src.suffix.lower() in (".pdf", ".jpg", ".png"):
        dest.write_bytes(src.read_bytes() + b"\n%" + str(i).encode() + b"\n")  # after %%EOF: ignored by readers
    else:
        dest.write_bytes(src.read_bytes() + b"\n" * (i + 1))


def make_corpus(folder: Path, forms: list[str], copies: int) -> int:
    n = 0
    for c in range(copies):
        for form in forms:
            (folder / form).mkdir(parents=True, exist_ok=True)
            for src in sorted((BENCH / form / "docs").iterdir()):
                distinct_copy(src, folder / form / f"c{c}_{src.name}", c)
                n += 1
    return n


def throughput(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="batch-bench-"))
    try:
        n = make_corpus(tmp / "in", FORMS, args.copies)
        rows = []
        runs = [("local", 1), ("local", 2)] + ([("ray", 2)] if args.ray else [])
        for engine, workers in runs:
            out = tmp / f"out-{engine}-{workers}"
            r0, c0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            s = run_batch(tmp / "in", out, {"ocr": False}, workers=workers, engine=engine)
            wall = time.perf_counter() - t0
            r1, c1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            rows.append({"engine": engine, "workers": workers, "docs": n, "wall_s": round(wall, 2),
                         "docs_per_s_wall": round(n / wall, 2), "docs_per_s_extracting": s["docs_per_s"],
                         "supervisor_cpu_s": round(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime, 2),
                         "workers_cpu_s": round(c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime, 2),
                         "load_avg_1m": os.getloadavg()[0], "by_status": s["by_status"]})
            print(json.dumps(rows[-1]), flush=True)
            shutil.rmtree(out)
        base = rows[0]["docs_per_s_wall"]
        for r in rows[1:]:
            print(f"{r['engine']} x{r['workers']}: {r['docs_per_s_wall'] / base:.2f}x the 1-worker rate")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def thousand(args: argparse.Namespace) -> None:
    from tests.batch.faults import fault_doc
    from tests.batch.hostile import write_hostile

    tmp = Path(args.dir or tempfile.mkdtemp(prefix="batch-1000-"))
    src, out = tmp / "in", tmp / "out"
    hostile_n = args.n // 20
    forms = FORMS + ["pdf", "pdf_unruled"]
    per_copy = sum(len(list((BENCH / f / "docs").iterdir())) for f in forms)
    good_n = args.n - hostile_n
    make_corpus(src / "good", forms, -(-good_n // per_copy))
    files = sorted(p for p in (src / "good").rglob("*") if p.is_file())
    for p in files[good_n:]:
        p.unlink()
    expected: dict[str, str] = {}
    k = 0
    while len(expected) < hostile_n - 5:  # the generated set, repeated (identical bytes: extracted once)
        for name, code in write_hostile(src / "hostile" / f"set{k}").items():
            if len(expected) < hostile_n - 5:
                expected[f"hostile/set{k}/{name}"] = code
            else:
                (src / "hostile" / f"set{k}" / name).unlink()
        k += 1
    (src / "faults").mkdir()
    for kind, code in (("hang", "timeout"), ("alloc", "memory"), ("exit", "crashed"), ("kill", "crashed"),
                       ("raise", "internal")):
        (src / "faults" / f"{kind}.txt").write_text(fault_doc(kind), encoding="utf-8")
        expected[f"faults/{kind}.txt"] = code
    total = sum(1 for p in src.rglob("*") if p.is_file())
    print(f"{total} inputs ({total - len(expected)} good, {len(expected)} hostile or faulty) in {src}", flush=True)
    t0 = time.perf_counter()
    s = run_batch(src, out, {"limits": {"timeout_s": 20, "max_memory_mb": 2048}}, workers=args.workers,
                  worker_init="tests.batch.faults:install")
    wall = time.perf_counter() - t0
    recs = [json.loads(x) for x in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    by = {r["path"]: r for r in recs}
    wrong = {}
    for path, code in expected.items():
        err = (by.get(path) or {}).get("error") or {}
        if err.get("code") != code:
            wrong[path] = {"expected": code, "got": err}
    good_bad = [r["path"] for r in recs if r["path"].startswith("good/") and r["status"] not in ("ok", "partial")]
    me = os.getpid()
    left = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == me and \
                        b"spawn_main" in (d / "cmdline").read_bytes():
                    left.append(int(d.name))
            except OSError:
                pass
    print(json.dumps({"inputs": total, "records": len(recs), "unique_paths": len(by), "wall_s": round(wall, 1),
                      "docs_per_s": round(total / wall, 2), "by_status": s["by_status"],
                      "by_error_code": s["by_error_code"], "hostile_with_wrong_code": wrong,
                      "good_not_ok": good_bad[:10], "workers_left": left, "out": str(out)}, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--copies", type=int, default=4)
    t.add_argument("--ray", action="store_true")
    h = sub.add_parser("thousand")
    h.add_argument("--n", type=int, default=1000)
    h.add_argument("--workers", type=int, default=2)
    h.add_argument("--dir")
    args = ap.parse_args()
    (throughput if args.cmd == "throughput" else thousand)(args)


if __name__ == "__main__":
    main()

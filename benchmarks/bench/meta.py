"""What the results file's header says about the run: the commit, the machine, the command, the load."""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import time
from pathlib import Path

from benchmarks.bench import ROOT


def machine() -> str:
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), platform.processor() or "unknown CPU")
    except OSError:
        cpu = platform.processor() or "unknown CPU"
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = ""
    try:
        kb = int(next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")))
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"nproc {nproc} ({cpu}){mem}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def git_commit() -> str:
    """The commit the run starts from (``git rev-parse --short HEAD``), marked when the tree differs."""
    def git(*a: str) -> str:
        try:
            p = subprocess.run(["git", *a], capture_output=True, cwd=ROOT, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return p.stdout.decode().strip() if p.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    return commit


def run_meta(argv: list[str], t0: float, start: dict[str, str]) -> dict[str, str]:
    load1 = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"when": start["when"], "commit": start["commit"],
            "command": shlex.join(["python", "benchmarks/run.py", *argv]),
            "total": f"{time.perf_counter() - t0:.0f} s", "machine": machine(),
            "load": f"{start['load']} (1/5/15 min) at start, {load1} at end"}

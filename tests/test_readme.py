"""The README's commands and snippets, run as written (#16): in a folder holding a file under each name the
README uses (report.txt, report.pdf, a.pdf, b.docx, archive.zip, docs/ …, copied from the bundled corpora),
each command line of its Use, review-page and Batch blocks, each Python snippet, and the service block
against a server started by its own command. Only what cannot run here is changed, and the test says so:
the service's port (a free one instead of 8000) and ``.venv/bin/extractor`` (this interpreter's entry point).
``make run``/``make test``/``make lint`` are what CI runs, and the Compare section has its own test
(tests/test_compare.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REAL
from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SEED = REAL / "docs" / "000_811754ced70f7104.txt"
PDF = REAL / "docs" / "szfgs2024.pdf"
HTML = REAL / "docs" / "shuyang_fgj_2023.html"
DOCX = sorted((ROOT / "corpora" / "bench" / "docx" / "docs").glob("*.docx"))[0]


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def _section(title: str) -> str:
    """From the heading on (its first code block is the one the tests take)."""
    return README.split(title, 1)[1]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a file under every name the README's commands use, and .venv/bin/extractor there."""
    d = tmp_path_factory.mktemp("readme")
    shutil.copy(SEED, d / "report.txt")
    shutil.copy(PDF, d / "report.pdf")
    shutil.copy(PDF, d / "a.pdf")
    shutil.copy(DOCX, d / "b.docx")
    (d / "docs").mkdir()
    for p in (SEED, HTML):
        shutil.copy(p, d / "docs" / p.name)
    with zipfile.ZipFile(d / "archive.zip", "w") as z:
        z.write(SEED, SEED.name)
        z.write(PDF, PDF.name)
    (d / "ARCHIVE").mkdir()
    shutil.copy(SEED, d / "ARCHIVE" / SEED.name)
    bin_dir = d / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    exe = Path(sys.executable).parent / "extractor"
    assert exe.exists(), f"the extractor entry point is not installed next to {sys.executable}"
    (bin_dir / "extractor").symlink_to(exe)
    return d


def _run(cmd: str, cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PATH": f"{cwd / '.venv' / 'bin'}:{os.environ['PATH']}"})


def _command_lines(block: str) -> list[str]:
    """The block's commands: comments after two spaces dropped, continuation lines joined."""
    out: list[str] = []
    for line in block.replace("\\\n", " ").splitlines():
        line = re.split(r"\s{2,}#", line, maxsplit=1)[0].strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def test_use_block_runs_as_written(sandbox: Path) -> None:
    block = _section("## Use").split("```bash\n", 1)[1].split("```", 1)[0]
    cmds = _command_lines(block)
    assert len(cmds) == 5
    results = {c: _run(c, sandbox) for c in cmds}
    for c, r in results.items():
        assert r.returncode == 0, (c, r.stdout[-800:], r.stderr[-1500:])
    assert "apply.new_received.total" in results[cmds[1]].stdout  # --json: the Report
    lines = (sandbox / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["source"] for x in lines] == ["a.pdf", "b.docx"]
    summary = json.loads(results[cmds[3]].stdout)  # batch: the summary JSON alone on stdout
    assert summary["by_status"] and (sandbox / "OUT" / "reports.jsonl").exists()
    assert json.loads(results[cmds[4]].stdout)["title"] == "extractor Report"


def test_python_snippets_run_as_written(sandbox: Path) -> None:
    use, batch = _blocks("python")
    # the snippet's free names: the text a scraper pulled out, and the paths of a run
    prelude = f"scraped = open({str(sandbox / 'report.txt')!r}, encoding='utf-8').read()\n" \
              f"paths = [{str(sandbox / 'report.txt')!r}, {str(sandbox / 'b.docx')!r}]\n"
    res = subprocess.run([sys.executable, "-c", prelude + use + "\nprint(report.template, len(report.cells))"],
                         cwd=sandbox, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.split()[0] in ("2019", "2021")
    script = sandbox / "run_it.py"
    script.write_text(batch + "    print(summary['by_status'])\n", encoding="utf-8")
    res = subprocess.run([sys.executable, str(script)], cwd=sandbox, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr[-2000:]
    assert (sandbox / "out" / "reports.jsonl").exists() and "ok" in res.stdout


def test_review_page_block_runs_as_written(sandbox: Path) -> None:
    block = _section("### Visual check and review page").split("```bash\n", 1)[1].split("```", 1)[0]
    cmds = _command_lines(block)
    assert len(cmds) == 2
    for c in cmds:
        r = _run(c, sandbox)
        assert r.returncode == 0, (c, r.stderr[-1500:])
    assert "<html" in (sandbox / "review.html").read_text(encoding="utf-8").lower()
    assert any((sandbox / "OUTDIR").glob("page-*.png"))


def test_batch_pipe_to_jq_runs_as_written(sandbox: Path) -> None:
    block = _section("## Batch runs").split("```bash\n", 1)[1].split("```", 1)[0]
    piped = [c for c in _command_lines(block) if "| jq" in c]
    assert piped == ["extractor batch docs/ --out out/ -q | jq .by_status"]
    assert shutil.which("jq"), "jq is needed for this README line: apt-get install jq (make sysdeps)"
    r = _run(piped[0], sandbox)
    assert r.returncode == 0, r.stderr[-1500:]
    assert json.loads(r.stdout).get("ok", 0) >= 1


def test_service_block_runs_as_written(sandbox: Path) -> None:
    """The service block with a free port for 8000: the server from its own command, then each curl line."""
    assert shutil.which("curl"), "curl is needed for the README's service lines: apt-get install curl (make sysdeps)"
    port = str(free_port())
    cmds = [c.replace("8000", port) for c in _command_lines(_section("### HTTP service").split("```bash\n", 1)[1]
                                                            .split("```", 1)[0])]
    serve, curls = cmds[0], cmds[1:]
    assert serve.startswith(".venv/bin/extractor serve") and len(curls) == 7
    log = (sandbox / "serve.log").open("w")
    server = subprocess.Popen(["bash", "-c", serve], cwd=sandbox, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while _run(f"curl -sf http://127.0.0.1:{port}/healthz", sandbox).returncode != 0:
            assert time.monotonic() < deadline and server.poll() is None, \
                f"the server did not start: {(sandbox / 'serve.log').read_text()[-1500:]}"
            time.sleep(0.5)
        # one shell, as a reader pastes the block: $RID of one line is used by the next
        script = "set -e\n" + "\n".join(f"{c}\necho @@@" for c in curls)
        r = _run(script, sandbox)
        assert r.returncode == 0, r.stderr[-2000:]
        outs = r.stdout.split("@@@\n")
        assert "apply.new_received.total" in outs[0]
        assert json.loads(outs[1])["template"] == "2019"  # -F template=2019
        assert json.loads((sandbox / "report.json").read_text(encoding="utf-8"))["format"] == "pdf"
        assert "<html" in (sandbox / "review.html").read_text(encoding="utf-8").lower()  # by the id from the headers
        assert json.loads(outs[5])["status"] == "ok"
        assert "openapi" in json.loads(outs[6])
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
        log.close()

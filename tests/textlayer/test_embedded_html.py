"""HTML that is not in an .html file: a report's markup kept as a JavaScript/JSON string literal, or
``<table>`` blocks inside markdown. Sniffed by content, whatever the extension; read as tables."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.score import score_document
from extractor import extract

ROOT = Path(__file__).resolve().parents[2]
STEMS = ["html_000", "html_003"]  # a 2021 and a 2019 report of the bench
# More than the sniffer's window of script before the report: nothing in the head says HTML.
PAD = "let menu = [" + ",".join(json.dumps({"id": str(i), "name": f"栏目{i}"}) for i in range(200)) + "];\n"


def _page(stem: str) -> tuple[dict, str]:
    gold = json.loads((ROOT / "corpora/bench/html/gold" / f"{stem}.json").read_text(encoding="utf-8"))
    data = (ROOT / "corpora/bench/html/docs" / gold["source"]).read_bytes()
    try:
        html = data.decode("utf-8")
    except UnicodeDecodeError:
        html = data.decode("gb18030")
    return gold, html[html.find("<body"):]


def _check(gold: dict, text: str, stem: str, tmp_path: Path, fmt: str) -> None:
    p = tmp_path / f"{stem}.txt"
    p.write_text(text, encoding="utf-8")
    rep = extract(p)
    assert (rep.format, rep.template) == (fmt, gold["template"])
    s = score_document(gold, rep.model_dump(), stem)
    assert s.right == s.total, s.wrong


@pytest.mark.parametrize("stem", STEMS)
def test_html_in_a_js_string_with_escaped_quotes(stem: str, tmp_path: Path) -> None:
    gold, body = _page(stem)
    js = PAD + 'let content = "' + body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "") + '";\n'
    _check(gold, js, stem, tmp_path, "html")


@pytest.mark.parametrize("stem", STEMS)
def test_html_in_a_json_string(stem: str, tmp_path: Path) -> None:
    gold, body = _page(stem)
    _check(gold, PAD + "var data = " + json.dumps({"content": body}, ensure_ascii=True) + ";", stem, tmp_path, "html")


@pytest.mark.parametrize("stem", STEMS)
def test_markdown_with_html_table_blocks(stem: str, tmp_path: Path) -> None:
    gold, body = _page(stem)
    md = re.sub(r"<(?!/?(table|tr|td|th|tbody|thead)\b)[^>]+>", "\n", body)
    md = "# 年度报告\n\n" + "说明文字。" * 900 + "\n\n" + re.sub(r"\n\s*\n+", "\n\n", md)
    _check(gold, md, stem, tmp_path, "text")


def test_a_report_whose_tables_are_lost_is_never_ok_with_a_null_template() -> None:
    text = ("某某镇2023年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n（表格见附件）\n"
            "三、收到和处理政府信息公开申请情况\n（表格见附件）\n")
    rep = extract(text)
    assert rep.template is None and rep.status == "partial"
    assert any(w.code == "tables_not_found" for w in rep.warnings)


def test_a_document_that_is_no_report_stays_ok_with_a_null_template() -> None:
    rep = extract("关于召开会议的通知\n各单位：定于下周一召开会议。")
    assert rep.template is None and rep.status == "ok"


def test_batch_counts_a_report_whose_tables_are_lost(tmp_path: Path) -> None:
    from extractor import Extractor

    p = tmp_path / "lost.txt"
    p.write_text("某某镇2023年政府信息公开工作年度报告\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n",
                 encoding="utf-8")
    (rec,) = list(Extractor().iter([p]))
    assert rec.status == "failed" and rec.error is not None and rec.error.code == "tables_not_found"
    assert rec.report is not None and rec.report.template is None

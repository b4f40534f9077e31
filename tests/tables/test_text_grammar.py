from __future__ import annotations

from extractor.tables.text_grammar import lines_to_rows
from extractor.textlayer.plain import text_to_lines


def rows_of(text: str) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in lines_to_rows(text_to_lines(text))]


def test_cell_per_line_blocks_become_rows_and_wrapped_cells_join() -> None:
    text = "\t信息内容\n\t本年新\n制作数量\n\t本年新\n公开数量\n\n\t规章\n\t0\n\t0\n\t0\n"
    assert rows_of(text) == [["信息内容", "本年新制作数量", "本年新公开数量"], ["规章", "0", "0", "0"]]


def test_tab_rows_keep_empty_positions() -> None:
    assert rows_of("\t\t\t1\t2\n") == [["", "", "", "1", "2"]]


def test_prose_lines_are_single_cell_rows_with_line_numbers() -> None:
    rows = lines_to_rows(text_to_lines("标题\n\n正文一行"))
    assert [(r.cells[0].text, r.cells[0].prov.line) for r in rows] == [("标题", 1), ("正文一行", 3)]


def test_markdown_pipe_rows() -> None:
    text = "| 信息内容 | 本年制发件数 | 本年废止件数 |\n|---|:---:|---|\n| 规章 | 1 |  |\n"
    assert rows_of(text) == [["信息内容", "本年制发件数", "本年废止件数"], ["规章", "1", ""]]


def test_page_footers_inside_a_table_are_dropped() -> None:
    assert rows_of("规章 0 0 0\n- 3 -\n— 4 —\n第 5 页\n行政许可 1") == [["规章 0 0 0"], ["行政许可 1"]]


def test_html2text_pipe_rows_without_outer_pipes() -> None:
    """html2text writes table rows as ``a | b | c`` (no outer pipes, two trailing spaces) and ``---|---``."""
    text = "信息内容 | 本年制发件数 | 本年废止件数  \n---|---|---  \n规章 | 0 | 10  \n行政许可 | 0  \n"
    assert rows_of(text) == [["信息内容", "本年制发件数", "本年废止件数"], ["规章", "0", "10"], ["行政许可", "0"]]


def test_prose_with_one_pipe_is_not_a_table_row() -> None:
    assert rows_of("网站标识码|备案号") == [["网站标识码|备案号"]]


def test_html2text_pipe_rows_of_cells_without_padding() -> None:
    """html2text on a page whose cells hold no padding (a real department report) writes ``a| b| c``."""
    text = "行政许可| 0| 0| 0  \n行政事业性收费| 0|  0  \n政府集中采购| 3| 922533.2元  \n"
    assert rows_of(text) == [["行政许可", "0", "0", "0"], ["行政事业性收费", "0", "0"], ["政府集中采购", "3", "922533.2元"]]

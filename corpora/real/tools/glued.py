#!/usr/bin/env python3
"""Which active-table rows of a crawler page.txt are glued ambiguously. Standalone (no `extractor`).

A row's printed digits (as they stand in page.txt after the row label, up to the next label) split into
the row's cells in more than one way when the cells are run together. Spaces in the text separate cells;
a '-' starts a new (negative) number; a multi-digit number never starts with 0; a '.' stays inside a number."""
import re


def splits(run, n):
    """Number of ways the token list `run` (strings of digits/sign/point, space-separated in the text)
    can be cut into exactly n numbers."""
    toks = run.split()

    def ways_tok(tok, k):  # ways to cut one token into k numbers
        if k == 0:
            return 1 if tok == "" else 0
        cnt = 0
        for i in range(1, len(tok) + 1):
            head = tok[:i]
            if re.fullmatch(r"-?(0|[1-9]\d*)(\.\d+)?", head) and (i == len(tok) or tok[i] != "."):
                cnt += ways_tok(tok[i:], k - 1)
        return cnt

    def ways(idx, k):
        if idx == len(toks):
            return 1 if k == 0 else 0
        return sum(ways_tok(toks[idx], j) * ways(idx + 1, k - j) for j in range(1, k + 1))
    return ways(0, n)


def ambiguous_rows(text, rows):
    """rows: list of (key, label, n_cells, next_label_regex). Returns the keys whose digits split >1 way."""
    out = []
    for key, label, n, nxt in rows:
        m = re.search(re.escape(label) + r"\s*([-\d. ]+?)\s*(?=" + nxt + ")", text)
        if m and splits(m.group(1), n) > 1:
            out.append(key)
    return out


ROWS_2021 = [
    ("active.rules", "规章", 3, r"(行政)?规范性文件|第二十条"),
    ("active.normative_docs", "规范性文件", 3, r"第二十条"),
    ("active.licensing", "行政许可", 1, r"第二十条"),
    ("active.penalty", "行政处罚", 1, r"行政强制"),
    ("active.enforcement", "行政强制", 1, r"第二十条"),
    ("active.fees", "行政事业性收费", 1, r"\D"),
]

if __name__ == "__main__":
    import sys
    t = open(sys.argv[1], encoding="utf-8").read()
    t = t[t.index("主动公开政府信息情况第二十条") if "主动公开政府信息情况第二十条" in t else t.index("第二十条"):]
    print(ambiguous_rows(t, ROWS_2021))

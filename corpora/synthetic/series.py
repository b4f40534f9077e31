"""A multi-year series of one reporting body's reports, for the year-over-year check (issue 9).

    python -m corpora.synthetic.series --out corpora/series --seed 0      (make corpus-series)

Seven years (2019-2025) of one district government: 2019 and 2020 on the 2019 template, 2021 onwards
on the 2021 template. Each year's 上年结转 (``apply.carried_over.<column>``) is the previous year's 结转下年度继续办理
(``apply.carried_forward.<column>``), column by column. The district's name is printed a little differently
from year to year (with or without the parent city, 人民政府 / 政府 / no suffix): one body all the same.
Beside it, the same district's 人民政府办公室 for three years: a different body with its own carry-over,
which must not be merged with the district. Documents are rendered in mixed forms (text, HTML, DOCX; no
PDFs or scans: no LibreOffice needed) with the renderers and prose of the benchmark corpus.

Two variants, each a folder with ``docs/`` and ``gold/`` (gold.md format plus ``form``, ``damage``,
``series``):

* ``consistent/``: every consecutive pair agrees in every applicant column;
* ``break/``: the same documents except one year (``BREAK``), whose 上年结转 is raised in some columns (and,
  to keep that report's own identities holding, its 予以公开 and 办理结果总计 by as much). Exactly that
  pair is then a break, in exactly those columns and 总计.

``manifest.json`` and ``README.md`` state the bodies, names, forms, carry-over values and the break.
Deterministic: text, HTML, DOCX and gold bytes depend only on ``--seed``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.templates import load_template

from . import values as V
from .document import Report, make_blocks, make_title
from .tables import Labels

YEARS = tuple(range(2019, 2026))
COLUMNS = V.APPLICANTS  # the applicant columns; "total" is their sum
ALL_COLUMNS = (*COLUMNS, "total")
EXT = {"text_lines": "txt", "text_tabs": "txt", "text_glued": "txt", "html": "html", "docx": "docx"}


@dataclass(frozen=True)
class Body:
    id: str  # file-name prefix
    kind: str  # values.Organ kind
    short: str  # how its prose calls itself
    years: tuple[int, ...]
    names: Callable[[str, str], dict[int, str]]  # (city, district) -> printed name per year
    forms: dict[int, str]
    volume: tuple[int, int]  # new requests a year, all applicants


BODIES = (
    Body("district", "county_gov", "我区", YEARS,
         lambda city, dist: {2019: f"{city}{dist}人民政府", 2020: f"{dist}人民政府", 2021: f"{dist}政府",
                             2022: f"{city}{dist}政府", 2023: f"{dist}人民政府", 2024: f"{city}{dist}人民政府",
                             2025: f"{city}{dist}"},
         {2019: "text_lines", 2020: "html", 2021: "docx", 2022: "text_tabs", 2023: "html", 2024: "docx",
          2025: "text_glued"},
         (40, 160)),
    Body("office", "office", "本机关", (2021, 2022, 2023),
         lambda city, dist: dict.fromkeys((2021, 2022, 2023), f"{dist}人民政府办公室"),
         {2021: "html", 2022: "text_lines", 2023: "docx"},
         (6, 30)),
)

# The break variant: this body's report of this year states a 上年结转 higher than the year before carried
# forward, by these amounts (总计 rises by their sum).
BREAK = {"body": "district", "year": 2023, "raise": {"natural_person": 2, "commercial": 1}}


def series_rng(seed: int, body: str, year: int, part: str = "") -> random.Random:
    return random.Random(f"series/{seed}/{body}/{year}{'/' + part if part else ''}")


def place_names(seed: int) -> tuple[str, str]:
    rng = random.Random(f"series/{seed}/places")
    city = V._place(rng) + "市"
    return city, V._place(rng, city) + "区"


def _first_carried(rng: random.Random, vol: int) -> dict[str, int]:
    """上年结转 of a body's first report (nothing before it to agree with)."""
    return {c: rng.randint(1, max(1, vol // 15)) if c == "natural_person" else int(rng.random() < 0.3)
            for c in COLUMNS}


def apply_series_values(rng: random.Random, tmpl: str, vals: V.Values, carried: dict[str, int],
                        vol_range: tuple[int, int]) -> None:
    """Fill the apply table with the given 上年结转, so that every identity holds; the 结转下年度 drawn here is
    what the next year's report carries over (at least one request in most columns, to test each)."""
    t = load_template(tmpl)
    rows = V.apply_rows(t, mixed=False)
    leaves = [r.key for r in rows if r.key.startswith("result.") and r.key != "result.total"]
    weights = [V.LEAF_WEIGHTS[k] for k in leaves]
    vol = rng.randint(*vol_range)
    new = V._split(rng, vol, list(COLUMNS), [0.7, 0.12, 0.02, 0.04, 0.07, 0.05])
    table: dict[str, dict[str, int]] = {r.key: {} for r in rows}
    for c in COLUMNS:
        n = new[c] + carried[c]
        forward = rng.randint(1, max(1, n // 6)) if n and (c == "natural_person" or rng.random() < 0.6) else 0
        res = V._split(rng, n - forward, leaves, weights)
        table["new_received"][c], table["carried_over"][c], table["carried_forward"][c] = new[c], carried[c], forward
        for leaf in leaves:
            table[leaf][c] = res[leaf]
        table["result.total"][c] = n - forward
    for key, row in table.items():
        row["total"] = sum(row[c] for c in COLUMNS)
        for c, v in row.items():
            vals.set(f"apply.{key}.{c}", v)


def raise_carried_over(vals: V.Values, raise_by: dict[str, int]) -> None:
    """The break: a report states more carried over than the year before carried forward. Its own identities
    still hold (the extra requests count as disclosed)."""
    for row in ("carried_over", "result.disclosed", "result.total"):
        for c, d in raise_by.items():
            vals.set(f"apply.{row}.{c}", int(vals.cells[f"apply.{row}.{c}"] or 0) + d)
        vals.set(f"apply.{row}.total", sum(int(vals.cells[f"apply.{row}.{c}"] or 0) for c in COLUMNS))


def build_year(seed: int, body: Body, year: int, name: str, parent: str, carried: dict[str, int],
               raise_by: dict[str, int] | None = None) -> Report:
    rng = series_rng(seed, body.id, year)
    tmpl = "2019" if year <= 2020 else "2021"
    t = load_template(tmpl)
    organ = V.Organ(name, body.kind, body.short, parent)
    vals = V.Values()
    if tmpl == "2019":
        V.active_values_2019(rng, body.kind, vals, plus_sign=rng.random() < 0.85)
    else:
        V.active_values_2021(rng, body.kind, vals)
    apply_series_values(rng, tmpl, vals, carried, body.volume)
    V.review_values(rng, t, body.kind, vals)
    if raise_by:
        raise_carried_over(vals, raise_by)  # draws nothing: the rest of the document stays as it was
    prose = {"new": vals.cells["apply.new_received.total"], "carried": vals.cells["apply.carried_over.total"]}
    form = body.forms[year]
    rep = Report(f"{body.id}_{year}", form, t, year, organ, make_title(rng, name, year), False, vals,
                 pub_date=(year + 1, rng.randint(1, 3), rng.randint(1, 28)))
    rep.blocks = make_blocks(rng, rep, Labels(rng, t), prose)
    return rep


def render(rep: Report, rng: random.Random) -> tuple[bytes, dict[str, Any]]:
    """The document's bytes in its form, and the gold's extra fields."""
    if rep.form.startswith("text_"):
        from . import render_text as RT

        fn = {"text_lines": RT.text_lines, "text_tabs": RT.text_tabs, "text_glued": RT.text_glued}[rep.form]
        text, damage = fn(rep, rng)
        extra: dict[str, Any] = {"damage": damage}
        if rep.form == "text_glued":
            extra["glued_ambiguous_rows"] = RT.glued_ambiguous_rows(rep)
        return text.encode("utf-8"), extra
    if rep.form == "html":
        from .render_html import render_html

        enc = "gbk" if rep.year % 2 else "utf-8"
        data, damage = render_html(rep, rng, enc)
        return data, {"damage": damage, "encoding": enc}
    from .generate import _style_damage, docx_style
    from .render_docx import render_docx

    style = docx_style("docx", rng)
    return render_docx(rep, rng, style), {"damage": _style_damage(style)}


def _carry(rep: Report, row: str) -> dict[str, int]:
    return {c: int(rep.vals.cells[f"apply.{row}.{c}"] or 0) for c in ALL_COLUMNS}


def build_series(seed: int, brk: dict[str, Any] | None = None) -> list[Report]:
    """Every body's reports, oldest first; with ``brk`` the break variant."""
    city, dist = place_names(seed)
    out: list[Report] = []
    for body in BODIES:
        names = body.names(city, dist)
        carried: dict[str, int] | None = None
        for year in body.years:
            if carried is None:
                carried = _first_carried(series_rng(seed, body.id, year, "first"), body.volume[0])
            raise_by = brk["raise"] if brk and (brk["body"], brk["year"]) == (body.id, year) else None
            rep = build_year(seed, body, year, names[year], city, carried, raise_by)
            out.append(rep)
            forward = _carry(rep, "carried_forward")
            carried = {c: forward[c] for c in COLUMNS}
    return out


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def write_variant(out: Path, seed: int, brk: dict[str, Any] | None) -> list[Report]:
    if out.exists():
        shutil.rmtree(out)
    (out / "docs").mkdir(parents=True)
    (out / "gold").mkdir()
    reps = build_series(seed, brk)
    for rep in reps:
        data, extra = render(rep, series_rng(seed, rep.stem.split("_")[0], rep.year, "render"))
        name = f"{rep.stem}.{EXT[rep.form]}"
        body = rep.stem.split("_")[0]
        extra["series"] = {"body": body}
        if brk and (brk["body"], brk["year"]) == (body, rep.year):
            extra["series"]["break"] = {"pair": [rep.year - 1, rep.year], "raised": brk["raise"]}
        (out / "docs" / name).write_bytes(data)
        (out / "gold" / f"{rep.stem}.json").write_text(_dump(rep.gold(name, extra)), encoding="utf-8")
    return reps


def expected_breaks(consistent: list[Report], broken: list[Report]) -> list[dict[str, Any]]:
    """(body, year pair, column) where 结转下年度 of year N differs from 上年结转 of N+1 in the break variant."""
    by = {(r.stem.split("_")[0], r.year): r for r in broken}
    out = []
    for (body, year), rep in sorted(by.items()):
        nxt = by.get((body, year + 1))
        if nxt is None:
            continue
        fwd, over = _carry(rep, "carried_forward"), _carry(nxt, "carried_over")
        cols = [c for c in ALL_COLUMNS if fwd[c] != over[c]]
        if cols:
            out.append({"body": body, "year": year, "next_year": year + 1, "columns": cols,
                        "carried_forward": {c: fwd[c] for c in cols}, "next_carried_over": {c: over[c] for c in cols},
                        "source": f"{rep.stem}.{EXT[rep.form]}", "next_source": f"{nxt.stem}.{EXT[nxt.form]}"})
    return out


def manifest(seed: int, consistent: list[Report], broken: list[Report]) -> dict[str, Any]:
    bodies: dict[str, Any] = {}
    for rep in consistent:
        b = bodies.setdefault(rep.stem.split("_")[0], {"years": {}})
        b["years"][str(rep.year)] = {
            "source": f"{rep.stem}.{EXT[rep.form]}", "organ": rep.organ.name, "form": rep.form,
            "template": rep.template.id, "carried_over": _carry(rep, "carried_over"),
            "carried_forward": _carry(rep, "carried_forward")}
    for b in bodies.values():
        years = sorted(int(y) for y in b["years"])
        b["pairs"] = [[y, y + 1] for y in years if y + 1 in years]
    return {"generator": "python -m corpora.synthetic.series", "seed": seed, "bodies": bodies,
            "variants": {"consistent": "every consecutive pair agrees in every column",
                         "break": {"changed": f"{BREAK['body']}_{BREAK['year']}", "raised": BREAK["raise"],
                                   "breaks": expected_breaks(consistent, broken)}}}


def readme(m: dict[str, Any]) -> str:
    lines = [
        "# Multi-year series (generated: do not edit by hand)",
        "",
        f"Made by `python -m corpora.synthetic.series --out corpora/series --seed {m['seed']}` (`make corpus-series`); "
        "the generator is `corpora/synthetic/series.py`. Two variants, each with `docs/` and `gold/<stem>.json` "
        "(gold.md format, plus `form`, `damage` and `series`): `consistent/`, where 结转下年度继续办理 of every "
        "year reappears as 上年结转 of the next year in every applicant column, and `break/`, the same documents "
        "except one. `manifest.json` lists every document's printed organ name, form, template and carry-over "
        "values.",
        "",
        "Run the year-over-year check: `extractor batch corpora/series/consistent/docs --out OUT` and read "
        "`OUT/cross_year.jsonl`.",
        "",
    ]
    for body, b in m["bodies"].items():
        lines += [f"## `{body}`: {len(b['years'])} reports, {len(b['pairs'])} consecutive pairs", "",
                  "| year | document | organ as printed | template | 上年结转 总计 | 结转下年度 总计 |", "|---|---|---|---|---|---|"]
        lines += [f"| {y} | `{d['source']}` | {d['organ']} | {d['template']} | {d['carried_over']['total']} | "
                  f"{d['carried_forward']['total']} |" for y, d in b["years"].items()]
        lines.append("")
    brk = m["variants"]["break"]
    lines += ["## The break", "",
              f"In `break/`, `{brk['changed']}` states a higher 上年结转 than the year before carried forward "
              f"({', '.join(f'{c} +{d}' for c, d in brk['raised'].items())}; 总计 by their sum; its 予以公开 and "
              "办理结果总计 rise as much, so its own identities hold). Every other document is byte-identical to "
              "`consistent/`. Expected breaks (every other pair and column is `ok`):", ""]
    for e in brk["breaks"]:
        lines += [f"- `{e['body']}` {e['year']} → {e['next_year']} (`{e['source']}` → `{e['next_source']}`): "
                  + ", ".join(f"{c} {e['carried_forward'][c]} → {e['next_carried_over'][c]}" for c in e["columns"])]
    lines += ["", "The `office` body (the district's 人民政府办公室) is a different body from the district and "
              "must not be merged with it; its own pairs are all `ok` in both variants.", ""]
    return "\n".join(lines)


def generate(out: Path, seed: int = 0) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    consistent = write_variant(out / "consistent", seed, None)
    broken = write_variant(out / "break", seed, BREAK)
    m = manifest(seed, consistent, broken)
    (out / "manifest.json").write_text(_dump(m), encoding="utf-8")
    (out / "README.md").write_text(readme(m), encoding="utf-8")
    return m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("corpora/series"))
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    m = generate(a.out, a.seed)
    for body, b in m["bodies"].items():
        print(f"{body:9s} {len(b['years'])} reports, pairs {b['pairs']}")
    for e in m["variants"]["break"]["breaks"]:
        print(f"break: {e['body']} {e['year']}->{e['next_year']} in {', '.join(e['columns'])}")
    print(f"wrote {a.out}/consistent, {a.out}/break, manifest.json, README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Generate the synthetic benchmark corpus: report documents in several forms, each with its gold file.

    python -m corpora.synthetic.generate --out corpora/bench --seed 0
    python -m corpora.synthetic.generate --out /tmp/c --forms text_lines,html --n 3

Layout: ``OUT/<form>/docs/<form>_NNN.<ext>`` and ``OUT/<form>/gold/<form>_NNN.json`` (shared spec
gold.md, plus the extra fields ``form``, ``damage``, ``inconsistent``/``inconsistency``,
``mixed_form``/``extra_cells``/``inferred``, ``blanks``), and ``OUT/manifest.json`` with counts.

Deterministic: a document's numbers and text depend only on ``--seed``, its form and its index (so
``--n 3`` writes the same first three documents as a full run). Text, HTML, DOCX and gold files are
byte-identical between runs anywhere; PDFs and scans are byte-identical too with the same LibreOffice
and fonts (LibreOffice's conversion time and random document id are replaced by fixed values).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .document import Report, build_report

# form -> (default count, file extension)
FORMS: dict[str, tuple[int, str]] = {
    "text_lines": (24, "txt"),
    "text_tabs": (24, "txt"),
    "text_glued": (24, "txt"),
    "text_runon": (24, "txt"),
    "html": (24, "html"),
    "docx": (24, "docx"),
    "pdf": (16, "pdf"),
    "pdf_unruled": (16, "pdf"),
    "scan_200": (10, "pdf"),
    "scan_heavy": (10, "pdf"),
    "photo": (10, "pdf"),
}
TEXT_FORMS = ("text_lines", "text_tabs", "text_glued", "text_runon")
PDF_FORMS = ("pdf", "pdf_unruled", "scan_200", "scan_heavy", "photo")


@dataclass(frozen=True)
class Plan:
    template: str
    mixed: bool
    inconsistent: bool


def plan(i: int) -> Plan:
    """Document i of a form: 40 % template 2019, 60 % 2021 (a fifth of those in the mixed form),
    10 % with a deliberate inconsistency. Fixed by index so that small --n still mixes them."""
    def tmpl_of(j: int) -> str:
        return "2019" if j % 5 in (1, 3) else "2021"

    tmpl = tmpl_of(i)
    nth_2021 = sum(tmpl_of(j) == "2021" for j in range(i))
    mixed = tmpl == "2021" and nth_2021 % 5 == 2
    return Plan(tmpl, mixed, i % 10 == 4)


def doc_rng(seed: int, form: str, i: int, part: str = "") -> random.Random:
    return random.Random(f"{seed}/{form}/{i}{'/' + part if part else ''}")


def _dump(g: dict[str, Any]) -> str:
    return json.dumps(g, ensure_ascii=False, indent=1) + "\n"


class Writer:
    def __init__(self, out: Path, form: str) -> None:
        self.form = form
        self.dir = out / form
        if self.dir.exists():
            shutil.rmtree(self.dir)
        (self.dir / "docs").mkdir(parents=True)
        (self.dir / "gold").mkdir(parents=True)
        self.count = 0

    def write(self, rep: Report, data: bytes, ext: str, extra: dict[str, Any]) -> None:
        name = f"{rep.stem}.{ext}"
        (self.dir / "docs" / name).write_bytes(data)
        (self.dir / "gold" / f"{rep.stem}.json").write_text(_dump(rep.gold(name, extra)), encoding="utf-8")
        self.count += 1


def report_for(seed: int, form: str, i: int) -> Report:
    p = plan(i)
    return build_report(doc_rng(seed, form, i), f"{form}_{i:03d}", form, p.template, p.mixed, p.inconsistent)


def gen_text(out: Path, form: str, n: int, seed: int) -> Writer:
    from . import render_text as RT

    w = Writer(out, form)
    fn = {"text_lines": RT.text_lines, "text_tabs": RT.text_tabs, "text_glued": RT.text_glued,
          "text_runon": RT.text_runon}[form]
    for i in range(n):
        rep = report_for(seed, form, i)
        text, damage = fn(rep, doc_rng(seed, form, i, "render"))
        extra: dict[str, Any] = {"damage": damage}
        if form == "text_glued" or (form == "text_runon" and "cells run together" in damage):
            extra["glued_ambiguous_rows"] = RT.glued_ambiguous_rows(rep)
        w.write(rep, text.encode("utf-8"), "txt", extra)
    return w


def gen_html(out: Path, n: int, seed: int) -> Writer:
    from .render_html import render_html

    w = Writer(out, "html")
    for i in range(n):
        rep = report_for(seed, "html", i)
        enc = "gbk" if i % 2 == 0 else "utf-8"
        data, damage = render_html(rep, doc_rng(seed, "html", i, "render"), enc)
        w.write(rep, data, "html", {"damage": damage, "encoding": enc})
    return w


def docx_style(form: str, rng: random.Random) -> Any:
    from .render_docx import DocxStyle

    scan = form.startswith("scan") or form == "photo"
    return DocxStyle(
        ruled=form != "pdf_unruled" and not (form == "docx" and rng.random() < 0.15),
        footer=rng.random() < (0.5 if form == "docx" else 0.6),
        repeat_header=rng.random() < 0.2,
        page_break_before_apply=rng.random() < 0.15,
        body_pt=rng.choice([12.0, 14.0] if scan else [12.0, 14.0, 16.0]),
        table_pt=rng.choice([9.0, 10.5] if scan else [9.0, 10.5, 10.5, 12.0]),
    )


def _style_damage(style: Any) -> list[str]:
    out = ["ruled tables" if style.ruled else "tables without ruling lines"]
    if style.footer:
        out.append("page footers '- N -'")
    if style.repeat_header:
        out.append("apply header rows repeat on each page")
    if style.page_break_before_apply:
        out.append("page break before section 三")
    out.append(f"table font {style.table_pt}pt")
    return out


def gen_docx(out: Path, n: int, seed: int) -> Writer:
    from .render_docx import render_docx

    w = Writer(out, "docx")
    for i in range(n):
        rep = report_for(seed, "docx", i)
        rng = doc_rng(seed, "docx", i, "render")
        style = docx_style("docx", rng)
        w.write(rep, render_docx(rep, rng, style), "docx", {"damage": _style_damage(style)})
    return w


def gen_pdf_forms(out: Path, forms: dict[str, int], seed: int, build: Path) -> list[Writer]:
    """All PDF-based forms share one LibreOffice run."""
    from . import pdfs
    from .render_docx import render_docx

    jobs: list[tuple[str, int, Report, Any]] = []
    for form, n in forms.items():
        for i in range(n):
            rep = report_for(seed, form, i)
            rng = doc_rng(seed, form, i, "render")
            style = docx_style(form, rng)
            (build / f"{rep.stem}.docx").write_bytes(render_docx(rep, rng, style))
            jobs.append((form, i, rep, style))
    pdfs.docx_to_pdf([build / f"{r.stem}.docx" for _, _, r, _ in jobs], build / "pdf", build / "lo-profile")
    writers = {form: Writer(out, form) for form in forms}
    for form, i, rep, style in jobs:
        src = build / "pdf" / f"{rep.stem}.pdf"
        src.write_bytes(pdfs.normalize_pdf(src.read_bytes(), f"{seed}/{rep.stem}", rep.pub_date))
        facts = pdfs.pdf_facts(src)
        if form in ("pdf", "pdf_unruled"):
            writers[form].write(rep, src.read_bytes(), "pdf", {"damage": _style_damage(style), **facts})
            continue
        rng = doc_rng(seed, form, i, "scan")
        if form == "photo":
            dst = build / f"{rep.stem}.photo.pdf"
            shot = pdfs.photo_pdf(src, dst, pdfs.photo(rng), rng)
            writers[form].write(rep, dst.read_bytes(), "pdf",
                                {"damage": {"photo": shot, "source_layout": _style_damage(style)}, **facts})
            continue
        dmg = pdfs.moderate(rng) if form == "scan_200" else pdfs.heavy(rng)
        dst = build / f"{rep.stem}.scan.pdf"
        scan = pdfs.scan_pdf(src, dst, dmg, rng, rep.organ.name.removesuffix("办公室"))
        writers[form].write(rep, dst.read_bytes(), "pdf", {"damage": {"scan": scan, "source_layout": _style_damage(style)}, **facts})
    return list(writers.values())


def write_manifest(out: Path, seed: int) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for gold_dir in sorted(out.glob("*/gold")):
        golds = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.json"))]
        docs = sorted((gold_dir.parent / "docs").iterdir())
        forms[gold_dir.parent.name] = {
            "docs": len(golds),
            "bytes": sum(p.stat().st_size for p in docs),
            "templates": dict(sorted(Counter(g["template"] for g in golds).items())),
            "years": dict(sorted(Counter(str(g["year"]) for g in golds).items())),
            "mixed_form": sum(bool(g.get("mixed_form")) for g in golds),
            "inconsistent": sum(bool(g.get("inconsistent")) for g in golds),
            "with_blank_cells": sum(any(v is None for v in g["cells"].values()) for g in golds),
            "cells": sum(len(g["cells"]) for g in golds),
        }
    manifest = {"generator": "python -m corpora.synthetic.generate", "seed": seed, "forms": forms}
    (out / "manifest.json").write_text(_dump(manifest), encoding="utf-8")
    (out / "README.md").write_text(_readme(manifest), encoding="utf-8")
    return manifest


FORM_NOTES = {
    "text_lines": "scraper text, one cell per line with a leading tab, blank line after each row (seeds 000/001/003)",
    "text_tabs": "tab-split rows (seed 002): dropped leading cells, broken labels, spaces in words, (四)/1．/1、",
    "text_glued": "HTML page flattened with no cell separators; a blank cell is U+00A0; see glued_ambiguous_rows",
    "text_runon": "crawler dump: metadata header, then the whole article on one line (prose and tables, as the real "
                  "pingtan.gov.cn page.txt); cells run together (2/3) or split by one space",
    "html": "Word/TRS table markup with rowspan/colspan, digits split over <span>s, &nbsp;, site chrome; GBK and UTF-8",
    "docx": "python-docx, official layout: gridSpan/vMerge, multi-line headers, prose; a few without borders",
    "pdf": "the DOCX layout through LibreOffice: ruled tables, some split over pages, some page footers",
    "pdf_unruled": "as pdf, tables without ruling lines",
    "scan_200": "pdf pages as 200 dpi grey JPEG in an image-only PDF: skew <= 1 deg, light blur and noise, q70-90",
    "scan_heavy": "150 dpi colour JPEG q30, skew up to 3 deg, noise, uneven light, a red round seal over the apply table",
    "photo": "phone photo of each pdf page on a desk: perspective (keystone 2-8%, corners moved up to 2.5%, "
             "turned up to 4 deg), 150-200 dpi, shading, blur, noise, JPEG q60-85, in an image-only PDF",
}


def _readme(manifest: dict[str, Any]) -> str:
    rows = [f"| `{f}` | {m['docs']} | {m['templates'].get('2019', 0)}/{m['templates'].get('2021', 0)} | "
            f"{m['mixed_form']} | {m['inconsistent']} | {m['with_blank_cells']} | {FORM_NOTES.get(f, '')} |"
            for f, m in manifest["forms"].items()]
    return "\n".join([
        "# Synthetic benchmark corpus (generated: do not edit by hand)",
        "",
        f"Made by `python -m corpora.synthetic.generate --out corpora/bench --seed {manifest['seed']}` "
        "(`make corpus`); the generator is `corpora/synthetic/`. Each form has `docs/` and `gold/<stem>.json` "
        "(shared spec gold.md). Extra gold fields: `form`; `damage` (what was done to the document); "
        "`inconsistent` (identity ids the printed numbers break on purpose) with `inconsistency` (the cell, "
        "printed and consistent value); `mixed_form`, `extra_cells` (the single （六）其他处理 row, not scored) "
        "and `inferred` (sub-row zeros inferred by keys.md's rule); `blanks`; for PDFs and scans `pages`, "
        "`apply_table_pages`, `apply_table_split`; for text_glued `glued_ambiguous_rows` (rows whose run-together "
        "numbers split into the row's cells in more than one way before identities are used; the active-table "
        "rows among them cannot be decided from the text).",
        "",
        "Score a run: `python benchmarks/score.py corpora/bench/<form>/gold PRED_DIR`.",
        "",
        "| form | docs | 2019/2021 | mixed form | inconsistent | with blanks | what it is |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("corpora/bench"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--forms", default=",".join(FORMS), help=f"comma-separated, of: {', '.join(FORMS)}")
    ap.add_argument("--n", type=int, default=None, help="documents per form (default: each form's own count)")
    ap.add_argument("--keep-build", action="store_true", help="keep the DOCX/PDF build folder and print it")
    a = ap.parse_args(argv)
    forms = [f.strip() for f in a.forms.split(",") if f.strip()]
    unknown = [f for f in forms if f not in FORMS]
    if unknown:
        ap.error(f"unknown form(s) {unknown}; known: {', '.join(FORMS)}")
    count = {f: a.n if a.n is not None else FORMS[f][0] for f in forms}
    a.out.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    written: list[tuple[Writer, float]] = []
    for f in forms:
        t = time.monotonic()
        if f in TEXT_FORMS:
            written.append((gen_text(a.out, f, count[f], a.seed), time.monotonic() - t))
        elif f == "html":
            written.append((gen_html(a.out, count[f], a.seed), time.monotonic() - t))
        elif f == "docx":
            written.append((gen_docx(a.out, count[f], a.seed), time.monotonic() - t))
    pdf_forms = {f: count[f] for f in forms if f in PDF_FORMS}
    if pdf_forms:
        t = time.monotonic()
        build = Path(tempfile.mkdtemp(prefix="corpus-build-"))
        try:
            ws = gen_pdf_forms(a.out, pdf_forms, a.seed, build)
        finally:
            if a.keep_build:
                print(f"build folder kept: {build}")
            else:
                shutil.rmtree(build, ignore_errors=True)
        dt = (time.monotonic() - t) / len(ws)
        written += [(w, dt) for w in ws]
    manifest = write_manifest(a.out, a.seed)
    for w, dt in written:
        m = manifest["forms"][w.form]
        print(f"{w.form:12s} {w.count:3d} docs  {m['bytes'] / 1e6:7.2f} MB  templates {m['templates']}  "
              f"mixed {m['mixed_form']}  inconsistent {m['inconsistent']}  blanks {m['with_blank_cells']}  ({dt:.1f} s)")
    total = sum(p.stat().st_size for p in a.out.rglob("*") if p.is_file())
    print(f"wrote {sum(w.count for w, _ in written)} documents to {a.out} in {time.monotonic() - t0:.1f} s; "
          f"{a.out} now holds {total / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``converted`` bench form: documents passed through real third-party converters, as scraping
pipelines keep them (issue #14).

    python -m corpora.convert                              # -> corpora/converted (make corpus-converted)
    python -m corpora.convert --out /tmp/c --n 1 --real-n 2 --forms conv_html2text,conv_docx2txt

Sources: every document of ``corpora/real`` that has gold (its kind told by its content, not its name) and
the first ``--n`` documents by name of each bench form a converter applies to (html, docx, pdf,
pdf_unruled). Each converter form ``OUT/<form>/`` holds ``docs/<origin>__<stem>.<ext>`` and
``gold/<origin>__<stem>.json``, the source's gold with only ``source`` changed; ``<origin>`` is ``real``
or the bench form. ``OUT/manifest.json`` lists every output with its source and the source's sha256, and
what was skipped and why; ``OUT/README.md`` is written from it.

Byte for byte reproducible: sorted iteration, no timestamps, and the converters' versions are checked
against the pins of the ``convert`` extra in pyproject.toml before anything is written (a run with other
versions stops, unless ``--any-version``).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import io
import json
import re
import shutil
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = "python -m corpora.convert"
SAMPLE_N = 6  # documents per bench form (the first by name)
BENCH_FORMS = ("html", "docx", "pdf", "pdf_unruled")  # the bench forms a converter applies to


@dataclass(frozen=True)
class Converter:
    form: str
    kind: str  # the input kind it takes: pdf, docx, html
    ext: str  # the output file's extension
    dists: tuple[str, ...]  # distributions whose version decides the output (README, manifest)
    call: str  # how it is called (README)
    what: str


CONVERTERS: tuple[Converter, ...] = (
    Converter("conv_pymupdf4llm", "pdf", ".md", ("pymupdf4llm", "pymupdf", "pymupdf-layout"),
              "`pymupdf4llm.to_markdown(path, use_ocr=False)`", "PDF to markdown (pipe tables where it finds them)"),
    Converter("conv_markitdown_pdf", "pdf", ".md", ("markitdown", "pdfminer.six", "pdfplumber"),
              "`MarkItDown().convert(path).markdown`", "PDF to markdown"),
    Converter("conv_markitdown_docx", "docx", ".md", ("markitdown", "mammoth", "markdownify"),
              "`MarkItDown().convert(path).markdown`", "DOCX to markdown (mammoth -> HTML -> markdownify)"),
    Converter("conv_docx2txt", "docx", ".txt", ("docx2txt",), "`docx2txt.process(path)`",
              "DOCX to plain text, one paragraph or table cell per line"),
    Converter("conv_html2text", "html", ".md", ("html2text",), "`html2text.html2text(page)`",
              "HTML to markdown (default settings: lines wrapped at 78)"),
    Converter("conv_inscriptis", "html", ".txt", ("inscriptis", "lxml"), "`inscriptis.get_text(page)`",
              "HTML to text with a table layout"),
    Converter("conv_trafilatura", "html", ".txt", ("trafilatura", "lxml"),
              "`trafilatura.extract(page, include_tables=True)`", "main-content text, tables on"),
    Converter("conv_bs4_newline", "html", ".txt", ("beautifulsoup4",),
              "`BeautifulSoup(page, 'html.parser').get_text('\\n')`", "every text node on a line of its own"),
    Converter("conv_bs4_join", "html", ".txt", ("beautifulsoup4",),
              "`BeautifulSoup(page, 'html.parser').get_text('')`", "text nodes run together"),
)
BY_FORM = {c.form: c for c in CONVERTERS}


# ---------------------------------------------------------------- input kinds


def sniff(data: bytes) -> str:
    """The input kind from the content: pdf, docx, doc, html or text (``.txt``/``.md`` and anything else)."""
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx" if b"word/document.xml" in data else "zip"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "doc"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or re.search(rb"<(html|body|table)\b", head):
        return "html"
    return "text"


def pdf_has_text(path: Path) -> bool:
    """Whether a PDF has a text layer (an image-only PDF, a scan or photo, gives converters nothing)."""
    import pymupdf

    with pymupdf.open(path) as pdf:
        return any(page.get_text().strip() for page in pdf)


def decode_html(data: bytes) -> str:
    """A page's text as a scraper's HTTP client would give it: the declared charset, else UTF-8, else GB18030."""
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([a-zA-Z0-9_-]+)""", data[:4096], re.I)
    declared = m.group(1).decode("ascii").lower() if m else ""
    for enc in ([declared] if declared else []) + ["utf-8", "gb18030"]:
        try:
            return data.decode("gb18030" if enc in ("gbk", "gb2312") else enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


# ---------------------------------------------------------------- converters


def _markitdown(path: Path) -> str:
    from markitdown import MarkItDown

    return MarkItDown(enable_plugins=False).convert(str(path)).markdown


def _pymupdf4llm(path: Path) -> str:
    import pymupdf4llm

    # use_ocr=False: a text-layer converter (with rapidocr installed it would OCR pages it judges image-like)
    return pymupdf4llm.to_markdown(str(path), show_progress=False, use_ocr=False)


def _docx2txt(path: Path) -> str:
    import docx2txt

    return docx2txt.process(str(path))


def _html2text(page: str) -> str:
    import html2text

    return html2text.html2text(page)


def _inscriptis(page: str) -> str:
    import inscriptis

    return inscriptis.get_text(page)


def _trafilatura(page: str) -> str:
    import trafilatura

    return trafilatura.extract(page, include_tables=True) or ""


def _bs4(sep: str) -> Callable[[str], str]:
    def get_text(page: str) -> str:
        from bs4 import BeautifulSoup

        return BeautifulSoup(page, "html.parser").get_text(sep)
    return get_text


PATH_CALLS: dict[str, Callable[[Path], str]] = {
    "conv_pymupdf4llm": _pymupdf4llm, "conv_markitdown_pdf": _markitdown, "conv_markitdown_docx": _markitdown,
    "conv_docx2txt": _docx2txt}
PAGE_CALLS: dict[str, Callable[[str], str]] = {
    "conv_html2text": _html2text, "conv_inscriptis": _inscriptis, "conv_trafilatura": _trafilatura,
    "conv_bs4_newline": _bs4("\n"), "conv_bs4_join": _bs4("")}


def convert(form: str, path: Path) -> str:
    """One converter on one source document; the text as the converter returns it (line ends made \\n)."""
    if form in PATH_CALLS:
        text = PATH_CALLS[form](path)
    else:
        text = PAGE_CALLS[form](decode_html(path.read_bytes()))
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- versions


def pins(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """``name==version`` pins of the ``convert`` extra (names normalised, extras dropped)."""
    extra = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]["convert"]
    out = {}
    for req in extra:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*==\s*([^\s;]+)\s*", req)
        if m:
            out[_norm(m.group(1))] = m.group(3)
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def versions(forms: list[str]) -> dict[str, str]:
    """Installed version of every distribution the chosen converters' output depends on, sorted by name."""
    dists = sorted({_norm(d) for f in forms for d in BY_FORM[f].dists})
    out = {}
    for d in dists:
        try:
            out[d] = importlib.metadata.version(d)
        except importlib.metadata.PackageNotFoundError:
            out[d] = "not installed"
    return out


def check_versions(found: dict[str, str], pinned: dict[str, str]) -> list[str]:
    """What differs from the pins (an unpinned distribution is a difference too)."""
    return [f"{d} {v} installed, {pinned.get(d, 'no pin')} pinned" for d, v in found.items() if pinned.get(d) != v]


# ---------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    origin: str  # "real" or the bench form
    stem: str  # the gold file's stem
    doc: Path
    gold: Path
    kind: str


def _rel(p: Path) -> str:
    try:
        return p.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return p.as_posix()


def sources(real: Path | None, bench: Path | None, n: int, real_n: int | None) -> tuple[list[Source], list[dict[str, str]]]:
    """Every real document with gold, then the first ``n`` of each bench form; and what has no converter."""
    found: list[Source] = []
    skipped: list[dict[str, str]] = []
    corpora: list[tuple[str, Path, int | None]] = []
    if real is not None and (real / "gold").is_dir():
        corpora.append(("real", real, real_n))
    if bench is not None:
        corpora += [(f, bench / f, n) for f in BENCH_FORMS if (bench / f / "gold").is_dir()]
    for origin, d, limit in corpora:
        taken = 0
        for g in sorted((d / "gold").glob("*.json")):
            if limit is not None and taken >= limit:
                break
            src = json.loads(g.read_text(encoding="utf-8")).get("source") or g.stem
            doc = d / "docs" / src
            if not doc.is_file():
                continue
            taken += 1
            kind = sniff(doc.read_bytes())
            why = {"text": "text (.txt/.md): no converter applies, it is already text",
                   "doc": "DOC: would go through LibreOffice to DOCX first (not done: no DOC source yet)",
                   "zip": "a ZIP that is not a DOCX"}.get(kind)
            if kind == "pdf" and not pdf_has_text(doc):
                why = "image-only PDF (a scan or photo): no text layer for a converter to give"
            if why:
                skipped.append({"source": _rel(doc), "why": why})
            else:
                found.append(Source(origin, g.stem, doc, g, kind))
    return found, skipped


# ---------------------------------------------------------------- write


def gold_text(gold: dict[str, Any]) -> str:
    return json.dumps(gold, ensure_ascii=False, indent=1) + "\n"


def generate(out: Path, srcs: list[Source], skipped: list[dict[str, str]], forms: list[str],
             found_versions: dict[str, str], n: int) -> dict[str, Any]:
    """Write every converter form under ``out`` (each form's folder replaced whole), the manifest and the
    README. Returns the manifest."""
    manifest: dict[str, Any] = {"generator": GENERATOR, "bench_sample_per_form": n,
                                "python": f"{sys.version_info.major}.{sys.version_info.minor}",
                                "versions": found_versions, "forms": {}, "skipped": skipped}
    out.mkdir(parents=True, exist_ok=True)
    for form in forms:
        conv = BY_FORM[form]
        fdir = out / form
        if fdir.exists():
            shutil.rmtree(fdir)
        (fdir / "docs").mkdir(parents=True)
        (fdir / "gold").mkdir()
        items = []
        for s in srcs:
            if s.kind != conv.kind:
                continue
            stem = f"{s.origin}__{s.stem}"
            name = stem + conv.ext
            text = convert(form, s.doc)
            (fdir / "docs" / name).write_bytes(text.encode("utf-8"))
            gold = json.loads(s.gold.read_text(encoding="utf-8"))
            gold["source"] = name
            (fdir / "gold" / f"{stem}.json").write_bytes(gold_text(gold).encode("utf-8"))
            items.append({"doc": name, "origin": s.origin, "source": _rel(s.doc),
                          "source_sha256": hashlib.sha256(s.doc.read_bytes()).hexdigest(),
                          "bytes": len(text.encode("utf-8")), "empty": not text.strip()})
            print(f"{form}: {name} ({len(text)} chars)", file=sys.stderr)
        manifest["forms"][form] = {"input": conv.kind, "ext": conv.ext, "call": conv.call, "docs": len(items),
                                   "by_origin": _counts(it["origin"] for it in items), "items": items}
    (out / "manifest.json").write_bytes((json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    (out / "README.md").write_bytes(readme(manifest).encode("utf-8"))
    return manifest


def _counts(xs: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for x in xs:
        out[x] = out.get(x, 0) + 1
    return dict(sorted(out.items()))


def readme(m: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = buf.write
    w("# Converted corpus (generated: do not edit by hand)\n\n")
    w(f"Made by `{m['generator']}` (`make corpus-converted`, which first installs the `convert` extra); the "
      "generator is `corpora/convert/`. Every document of `corpora/real` with gold and the first "
      f"{m['bench_sample_per_form']} documents (by name) of each bench form a converter applies to "
      f"({', '.join(BENCH_FORMS)}) are passed through real converters from the package index, as scraping "
      "pipelines keep them. Each form `<converter form>/` holds `docs/<origin>__<stem>.<ext>` and "
      "`gold/<origin>__<stem>.json`: the source document's gold, unchanged but for `source` (so fields that "
      "describe the source, such as `encoding` or `pages`, still describe it). `<origin>` is `real` or the bench "
      "form. `manifest.json` lists each output with its source and the source's sha256.\n\n")
    w("Byte for byte reproducible: sorted iteration, no timestamps, and the generator refuses to run with "
      "converter versions other than the pins of the `convert` extra in pyproject.toml. Outputs are written "
      "as UTF-8 with `\\n` line ends; HTML pages are decoded first (declared charset, else UTF-8, else "
      "GB18030), as a scraper's HTTP client would.\n\n")
    w(f"## Converter versions (Python {m['python']})\n\n| distribution | version |\n|---|---|\n")
    for d, v in m["versions"].items():
        w(f"| `{d}` | {v} |\n")
    w("\n## Forms\n\n| form | input | output | docs | from | call | what it is |\n|---|---|---|---|---|---|---|\n")
    for form, f in m["forms"].items():
        origin = ", ".join(f"{k} {v}" for k, v in f["by_origin"].items()) or "—"
        empty = sum(it["empty"] for it in f["items"])
        note = f"; {empty} empty outputs" if empty else ""
        w(f"| `{form}` | {f['input']} | `{f['ext']}` | {f['docs']} | {origin}{note} | {f['call']} | "
          f"{BY_FORM[form].what} |\n")
    w(f"\nTotal: {sum(f['docs'] for f in m['forms'].values())} converted documents.\n\n")
    w("## What no converter applies to\n\n"
      "- Scans and photos (`scan_200`, `scan_heavy`, `photo`, and any image-only PDF of corpora/real): they "
      "have no text layer, so a PDF converter gives no text (pymupdf4llm on an image-only PDF gives nothing "
      "but page breaks); they need OCR, which the extractor does itself.\n"
      "- Text forms (`text_lines`, `text_tabs`, `text_glued`, `text_runon`, and the crawler, seed and "
      "markdown texts of corpora/real): they already are what a converter makes.\n"
      "- DOC (Word 97-2003): would go through LibreOffice to DOCX first, then the DOCX converters; there is "
      "no DOC source yet, so none is made.\n\n")
    if m["skipped"]:
        w("Sources skipped in this run:\n\n| source | why |\n|---|---|\n")
        for s in m["skipped"]:
            w(f"| `{s['source']}` | {s['why']} |\n")
        w("\n")
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "corpora" / "converted")
    ap.add_argument("--real", type=Path, default=ROOT / "corpora" / "real", help="real corpus (docs/, gold/)")
    ap.add_argument("--bench", type=Path, default=ROOT / "corpora" / "bench", help="bench corpus (one folder a form)")
    ap.add_argument("--n", type=int, default=SAMPLE_N, help="documents per bench form (the first by name)")
    ap.add_argument("--real-n", type=int, default=None, help="only the first N real documents with gold")
    ap.add_argument("--forms", help="comma-separated converter forms (default: all)")
    ap.add_argument("--any-version", action="store_true", help="run even with versions other than the pins")
    args = ap.parse_args(argv)
    forms = [f for f in (args.forms.split(",") if args.forms else [c.form for c in CONVERTERS]) if f]
    unknown = [f for f in forms if f not in BY_FORM]
    if unknown:
        ap.error(f"unknown forms {unknown}; known: {', '.join(BY_FORM)}")
    found = versions(forms)
    off = check_versions(found, pins())
    if off and not args.any_version:
        print("converter versions differ from the `convert` extra (pip install -e '.[convert]'):\n  "
              + "\n  ".join(off), file=sys.stderr)
        return 2
    srcs, skipped = sources(args.real, args.bench, args.n, args.real_n)
    m = generate(args.out, srcs, skipped, forms, found, args.n)
    print(f"wrote {sum(f['docs'] for f in m['forms'].values())} documents in {len(forms)} forms to {args.out}",
          file=sys.stderr)
    return 0

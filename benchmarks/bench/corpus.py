"""The benchmark's corpora: forms (a folder with ``docs/`` and ``gold/``) and their documents with gold, the
--quick subsets, the order of the forms in every table, and the groups that also get a row of their own."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

QUICK_PER_FORM = 3
QUICK_SCAN_DOCS = 1  # OCR costs 10-25 s a document on 2 shared cores: one per scan form in --quick
# The converted corpus (corpora/converted, corpora/convert): one form per third-party converter.
CONVERTED_FORMS = ["conv_pymupdf4llm", "conv_markitdown_pdf", "conv_markitdown_docx", "conv_docx2txt", "conv_html2text",
                   "conv_inscriptis", "conv_trafilatura", "conv_bs4_newline", "conv_bs4_join"]
FORM_ORDER = ["text_lines", "text_tabs", "text_glued", "text_runon", "html", "docx", "pdf", "pdf_unruled", "scan_200", "scan_heavy",
              "photo", "real", *CONVERTED_FORMS]
# Corpus folders of one sub-folder per form whose forms also get a row together (the group is the folder's name).
GROUPED_CORPORA = ("converted",)
DEFAULT_CORPORA = ("bench", "real", "converted")
KINDS = {".txt": "text", ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".html": "html", ".htm": "html",
         ".md": "markdown"}


def file_kind(path: Path) -> str:
    return KINDS.get(path.suffix.lower(), path.suffix.lower().lstrip("."))


@dataclass
class Item:
    form: str
    stem: str
    doc: Path
    gold: Path
    group: str = ""  # the corpus a split form comes from (real -> real_text, real_pdf; converted -> conv_*)


def _form_items(d: Path) -> list[Item]:
    """A folder's documents with gold. When they come in several file types (the real corpus: texts and
    PDFs), each type is a form of its own, ``<folder>_<type>``, so that every table is per format."""
    items = []
    for g in sorted((d / "gold").glob("*.json")):
        src = json.loads(g.read_text(encoding="utf-8")).get("source") or g.stem
        if (d / "docs" / src).exists():
            items.append(Item(d.name, g.stem, d / "docs" / src, g))
    kinds = {file_kind(it.doc) for it in items}
    if len(kinds) > 1:
        for it in items:
            it.group = d.name
            it.form = f"{d.name}_{file_kind(it.doc)}"
    return items


def _order(form: str) -> tuple[int, str]:
    base = next((f for f in FORM_ORDER if form == f or form.startswith(f + "_")), None)
    return (FORM_ORDER.index(base) if base else 99, form)


def collect(corpora: list[Path], quick: bool = False, only: list[str] | None = None) -> dict[str, list[Item]]:
    """Forms -> documents with gold. A corpus folder either holds ``gold/`` itself (the form is named after
    the folder, split by file type when mixed) or one sub-folder per form. ``only`` keeps the forms (or
    corpus folders) named. ``quick`` keeps ``QUICK_PER_FORM`` documents per form, every real document
    (converted forms: taken in turn from each origin, real first)."""
    forms: dict[str, list[Item]] = {}
    for corpus in corpora:
        dirs = [corpus] if (corpus / "gold").is_dir() else sorted(p for p in corpus.iterdir() if (p / "gold").is_dir())
        for d in dirs:
            for it in _form_items(d):
                if d != corpus and corpus.name in GROUPED_CORPORA:
                    it.group = corpus.name
                if not only or it.form in only or d.name in only:
                    forms.setdefault(it.form, []).append(it)
    if quick:
        forms = {f: quick_subset(f, items) for f, items in forms.items()}
    return dict(sorted(forms.items(), key=lambda kv: _order(kv[0])))


def quick_subset(form: str, items: list[Item]) -> list[Item]:
    if items[0].group == "real" or form == "real":
        return items
    if items[0].group == "converted":
        return converted_quick(items)
    if not is_scan_form(form, items):
        return items[:QUICK_PER_FORM]
    # OCR costs by the page: the shortest scans (gold "pages"), in corpus order among equals
    pages = [json.loads(it.gold.read_text(encoding="utf-8")).get("pages") or 99 for it in items]
    order = sorted(range(len(items)), key=lambda i: (pages[i], i))[:QUICK_SCAN_DOCS]
    return [items[i] for i in sorted(order)]


def origin_of(stem: str) -> str:
    """A converted document's origin, the part of its stem before ``__`` (``real``, or the bench form)."""
    return stem.split("__", 1)[0] if "__" in stem else ""


def converted_quick(items: list[Item]) -> list[Item]:
    """``QUICK_PER_FORM`` documents taken in turn from each origin (real first, then by name), so that every
    origin is in; each origin's documents by name."""
    by_origin: dict[str, list[Item]] = {}
    for it in items:
        by_origin.setdefault(origin_of(it.stem), []).append(it)
    queues = [by_origin[o] for o in sorted(by_origin, key=lambda o: (o != "real", o))]
    picked: list[Item] = []
    for i in range(max(len(q) for q in queues)):
        picked += [q[i] for q in queues if i < len(q)]
    keep = {id(it) for it in picked[:QUICK_PER_FORM]}
    return [it for it in items if id(it) in keep]


# The input kinds the issues set goals on (#9: flagged share on the text, document and scan corpora).
KIND_GROUPS = {"text": ("text_lines", "text_tabs", "text_glued", "text_runon"),
               "documents": ("html", "docx", "pdf", "pdf_unruled"),
               "scans": ("scan_200", "scan_heavy", "photo")}


def groups(forms: dict[str, list[Item]]) -> dict[str, list[str]]:
    """Corpora split into several forms (group -> its forms), then the bench's forms by input kind."""
    out: dict[str, list[str]] = {}
    for f, items in forms.items():
        if items and items[0].group:
            out.setdefault(items[0].group, []).append(f)
    for kind, members in KIND_GROUPS.items():
        present = [f for f in members if f in forms]
        if len(present) > 1:
            out[kind] = present
    return out


def _damage_kinds(items: list[Item]) -> set[str]:
    """What the form's first gold file says was done to it (``damage.scan``, ``damage.photo``)."""
    for it in items[:1]:
        damage = json.loads(it.gold.read_text(encoding="utf-8")).get("damage")
        return set(damage) if isinstance(damage, dict) else set()
    return set()


def is_scan_form(form: str, items: list[Item]) -> bool:
    """Scans: image-only documents (gold ``damage.scan`` or ``damage.photo``, or the form's name says so)."""
    return "scan" in form or form == "photo" or bool({"scan", "photo"} & _damage_kinds(items))


def is_photo_form(form: str, items: list[Item]) -> bool:
    """Photographed pages (gold ``damage.photo``): also read with the sheet left unflattened, to measure it."""
    return form == "photo" or "photo" in _damage_kinds(items)

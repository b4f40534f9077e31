"""Text layer: one backend per format turns a RawInput into a Document (lines, and tables where the
format has real structure). Backends are registered by name and imported lazily, so a missing optional
dependency only matters for the format that needs it."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import NoReturn

from ..datamodel import Document
from ..errors import MissingDependencyError, UnsupportedFormatError
from ..ingest import RawInput
from ..options import Options

Backend = Callable[[RawInput, Options], Document]

# format -> "module:function"
BACKENDS: dict[str, str] = {
    "text": "extractor.textlayer.plain:load",
    "markdown": "extractor.textlayer.plain:load",
    "pdf": "extractor.textlayer.pdf:load",
    "docx": "extractor.textlayer.docx:load",
    "html": "extractor.textlayer.html:load",
    "image": "extractor.textlayer.scan:load_image",
    "doc": "extractor.textlayer.convert:load",
    "wps": "extractor.textlayer.convert:load",
}


def register(fmt: str, target: str) -> None:
    BACKENDS[fmt] = target


def backend_for(fmt: str) -> Backend:
    target = BACKENDS.get(fmt)
    if target is None:
        known = ", ".join(sorted(BACKENDS))
        raise UnsupportedFormatError(f"no reader for format {fmt!r} yet (readers: {known})")
    mod, func = target.split(":")
    return getattr(importlib.import_module(mod), func)


# The extra that brings each optional module a reader imports, and what needs it.
_EXTRA_OF = {"pdfplumber": "docs", "pdfminer": "docs", "docx": "docs", "lxml": "docs", "PIL": "ocr",
             "pypdfium2": "ocr", "cv2": "ocr", "rapidocr": "ocr", "onnxruntime": "ocr", "numpy": "ocr"}
_NEEDS = {"pdf": "PDF files", "docx": "DOCX files", "html": "HTML pages", "image": "images", "scan": "scanned PDFs"}


def _raise_missing(e: ImportError, what: str) -> NoReturn:
    """``missing_dependency`` naming the extra that brings the module (scans: both extras); an import error
    of anything else is a bug and stays as it is."""
    module = (e.name or "").split(".")[0]
    extra = _EXTRA_OF.get(module)
    if extra is None:
        raise e
    extras = "docs,ocr" if what == "scan" else extra
    word = "extras" if "," in extras else "extra"
    raise MissingDependencyError(f"{_NEEDS.get(what, what)} need the '{extras}' {word}: pip install "
                                 f"'zfxxgk-extractor[{extras}]' ({module} is not installed)") from e


def to_document(raw: RawInput, options: Options) -> Document:
    """The format's reader; a PDF without a text layer goes on to OCR unless ``options.ocr`` is off
    (then the Document says ``needs_ocr``). Images always need OCR. A reader whose optional dependency is
    not installed is a ``missing_dependency`` error naming the extra to install."""
    if raw.format == "image" and not options.ocr:
        return Document(name=raw.name, format="image", needs_ocr=True)
    try:
        doc = backend_for(raw.format)(raw, options)
    except ImportError as e:
        _raise_missing(e, raw.format)
    if doc.needs_ocr and raw.format == "pdf" and options.ocr:
        try:
            from .scan import load_pdf_pages

            return load_pdf_pages(raw, options)
        except ImportError as e:
            _raise_missing(e, "scan")
    return doc

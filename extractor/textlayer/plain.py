"""Plain text (what a scraper already pulled out of a report): lines with their numbers."""

from __future__ import annotations

from ..datamodel import Document, Provenance, TextLine
from ..ingest import RawInput
from ..options import Options


def text_to_lines(text: str) -> list[TextLine]:
    return [TextLine(text=t, prov=Provenance(line=i + 1)) for i, t in enumerate(text.split("\n"))]


def load(raw: RawInput, options: Options) -> Document:
    text = (raw.text or "").replace("\r\n", "\n").replace("\r", "\n")
    return Document(name=raw.name, format="text", lines=text_to_lines(text))

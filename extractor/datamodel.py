"""Typed objects passed between the stages, and the Report every extraction returns.

Coordinate convention (written down once, as pdfplumber does): a ``BBox`` is ``(x0, top, x1, bottom)``
in PDF points (1/72 inch) for PDF pages and in pixels for images, origin at the top-left corner of the
page, ``x`` to the right and ``top``/``bottom`` downwards. Pages and lines are numbered from 1.

Stage contracts:

* ingest/textlayer produce a :class:`Document` (lines of text, and tables of :class:`SourceCell` when the
  format has a real table structure);
* tables/ turn a Document into :class:`RowCandidate` objects (a label and the value tokens that follow);
* matching/ maps candidates onto template rows (:class:`RowMatch`);
* values/ and validate/ produce :class:`Cell` and :class:`Check` objects, gathered in the :class:`Report`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

BBox = tuple[float, float, float, float]
Number = int | float

Format = Literal["text", "pdf", "docx", "doc", "wps", "html", "markdown", "image", "unknown"]
Status = Literal["ok", "partial", "failed", "needs_ocr"]
CellSource = Literal["read", "blank", "split", "inferred", "repaired", "missing"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Provenance(_Model):
    """Where a piece of text came from. Fields that do not apply to a format stay null."""

    line: int | None = Field(None, description="1-based line number in a text source")
    page: int | None = Field(None, description="1-based page number")
    bbox: BBox | None = Field(None, description="(x0, top, x1, bottom), see module docstring")
    table: int | None = Field(None, description="0-based index of the source table")
    row: int | None = Field(None, description="0-based row index in the source table")
    col: int | None = Field(None, description="0-based column index in the source table")


class SourceCell(_Model):
    """A cell as read from the document, before any interpretation."""

    text: str
    prov: Provenance = Field(default_factory=Provenance)
    confidence: float = Field(1.0, description="reading confidence (OCR score; 1.0 for text layers)")
    space_only: bool = Field(False, description="a line of text holding only white space: in text with one "
                             "cell per line (HTML through get_text) a cell whose content was a space")


class SourceRow(_Model):
    cells: list[SourceCell]
    prov: Provenance = Field(default_factory=Provenance)


class SourceTable(_Model):
    """Rows of cells. ``grid`` tables come from real structure (DOCX, HTML, ruled PDF) where a column
    index means a column; ``stream`` tables come from text where cells only keep their order."""

    rows: list[SourceRow]
    kind: Literal["grid", "stream"] = "stream"
    prov: Provenance = Field(default_factory=Provenance)


class TextLine(_Model):
    text: str
    prov: Provenance = Field(default_factory=Provenance)


class Word(_Model):
    """One piece of recognised or extracted text with its box — the record every OCR engine and text
    backend emits, so later stages never ask which engine ran."""

    text: str
    prov: Provenance = Field(default_factory=Provenance)
    confidence: float = 1.0
    engine: str = "text"
    angle: float | None = Field(None, description="text line angle in degrees (OCR), for deskewing")


class Document(_Model):
    """What a format backend hands to table recovery."""

    name: str | None = None
    format: Format = "text"
    pages: int | None = None
    lines: list[TextLine] = Field(default_factory=list, description="the document's text in reading order")
    tables: list[SourceTable] = Field(default_factory=list, description="tables with real structure")
    words: list[Word] = Field(default_factory=list, description="positioned words (OCR or PDF text)")
    needs_ocr: bool = False
    ocr_engine: str | None = None
    warnings: list[str] = Field(default_factory=list)
    embedded: Document | None = Field(None, description="HTML held in the page's script strings (a report kept "
                                      "as a JavaScript/JSON string), read too: the page text followed by theirs")


class ValueToken(_Model):
    """One value-like piece of text in a row, before parsing."""

    text: str
    prov: Provenance = Field(default_factory=Provenance)
    confidence: float = 1.0
    empty: bool = Field(False, description="an empty cell (a position with nothing in it)")
    glued: bool = Field(False, description="digits cut off the end of a label with no separator")
    weak: bool = Field(False, description="an empty position told only by a line of white space (empty is "
                       "true too): a blank cell when it makes the row exactly as long as its template row")


class RowCandidate(_Model):
    """A table row as recovered: the label text (joined parts) and the value tokens in order."""

    label: str
    label_parts: list[str] = Field(default_factory=list)
    values: list[ValueToken] = Field(default_factory=list)
    prov: Provenance = Field(default_factory=Provenance)
    grid: bool = Field(False, description="value positions are real columns (tab/grid source)")
    doubt: str | None = Field(None, description="why the label joined to these values may not be theirs")


class RowMatch(_Model):
    """How one recovered row was mapped onto the template. ``key`` is null for an unmapped row."""

    key: str | None
    label: str
    score: float = Field(description="label match score 0–100 (rapidfuzz + jieba, see matching/)")
    runner_up: str | None = None
    runner_up_score: float | None = None
    n_values: int = 0
    prov: Provenance = Field(default_factory=Provenance)


class Cell(_Model):
    value: Number | None
    raw: str | None = Field(None, description="the text the value was read from")
    unit: str | None = None
    source: CellSource = "read"
    confidence: float = Field(1.0, ge=0.0, le=1.0)
    reason: str | None = Field(None, description="why a value was split, inferred, repaired or is missing")
    candidates: list[list[Number | None]] | None = Field(
        None, description="for glued digits: the alternative readings of the row that also fit"
    )
    ambiguous: bool = False
    review: bool = Field(False, description="a person should look at this cell")
    prov: Provenance = Field(default_factory=Provenance)


class Check(_Model):
    """An identity of the template (``lhs`` = ``rhs``), or a number the report's prose states (``lhs``)
    compared with the table (``rhs``; ``unconfirmed`` when no table cell speaks of it)."""

    id: str
    kind: Literal["identity", "narrative"] = "identity"
    text: str
    lhs_keys: list[str]
    rhs_keys: list[str]
    lhs: Number | None
    rhs: Number | None
    status: Literal["pass", "fail", "skipped", "unconfirmed"]
    note: str | None = None
    sentence: str | None = Field(None, description="narrative checks: the sentence that states the number")
    prov: Provenance | None = Field(None, description="narrative checks: where the sentence is")


class ErrorInfo(_Model):
    code: str
    message: str
    stage: str | None = None


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    source: str | None = Field(None, description="file name or caller-given name")
    sha256: str | None = None
    format: Format = "text"
    template: Literal["2019", "2021"] | None = None
    template_evidence: dict[str, float] = Field(default_factory=dict)
    year: int | None = None
    organ: str | None = None
    title: str | None = None
    pages: int | None = None
    ocr_engine: str | None = Field(None, description="the OCR engine that read the pages, if any")
    status: Status = "ok"
    cells: dict[str, Cell] = Field(default_factory=dict)
    units: dict[str, str] = Field(default_factory=dict)
    rows: list[RowMatch] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    errors: list[ErrorInfo] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def unmapped(self) -> list[RowMatch]:
        return [r for r in self.rows if r.key is None]

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]

    def values(self) -> dict[str, Number | None]:
        """Plain ``{key: value}`` view, the shape of a gold file's ``cells``."""
        return {k: c.value for k, c in self.cells.items()}

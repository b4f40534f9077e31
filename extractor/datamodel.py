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

import math
from bisect import bisect_right
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .errors import ErrorCode

SCHEMA_VERSION = "1.2"  # 1.2: warnings are {code, message}; 1.1: Cell.reading, Report.extra_cells added; Report.errors (never filled) removed

BBox = tuple[float, float, float, float]
Number = int | float

Format = Literal["text", "pdf", "docx", "doc", "wps", "html", "markdown", "image", "unknown"]
Status = Literal["ok", "partial", "failed", "needs_ocr"]
CellSource = Literal["read", "blank", "split", "inferred", "repaired", "missing"]
# How a cell's text came to be: from a text layer; read by OCR (under a red seal: its confidence is halved
# and the seal's strokes may have been read as digits); an empty cell on a scan (nothing over it: most
# likely left blank) or under a seal (something may be printed there).
Reading = Literal["text", "ocr", "ocr_under_seal", "blank_on_scan", "hidden_by_seal"]


class _Model(BaseModel):
    # the published schema describes the JSON as written: every field with a default is always present, so
    # it is listed as required there
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


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
    reading: Reading = "text"
    space_only: bool = Field(False, description="a line of text holding only white space: in text with one "
                             "cell per line (HTML through get_text) a cell whose content was a space")
    spanned: bool = Field(False, description="a grid position covered by the cell to its left (HTML colspan, "
                          "DOCX gridSpan): no cell of its own")


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
    size: float | None = Field(None, description="font size (text-layer PDF words)")
    reading: Reading = "text"


class PageFrame(_Model):
    """A page image's upright frame (its text lines and rules level): image pixel p -> rot(-angle)·p + shift;
    ``width``/``height`` of the turned image."""

    angle: float
    tx: float
    ty: float
    width: int
    height: int

    @classmethod
    def of(cls, shape: tuple[int, ...], angle: float) -> PageFrame:
        h, w = shape[:2]
        c, s = math.cos(math.radians(-angle)), math.sin(math.radians(-angle))
        xs = [x * c - y * s for x, y in ((0, 0), (w, 0), (0, h), (w, h))]
        ys = [x * s + y * c for x, y in ((0, 0), (w, 0), (0, h), (w, h))]
        return cls(angle=angle, tx=-min(xs), ty=-min(ys), width=math.ceil(max(xs) - min(xs)),
                   height=math.ceil(max(ys) - min(ys)))

    def fwd(self, x: float, y: float) -> tuple[float, float]:
        c, s = math.cos(math.radians(-self.angle)), math.sin(math.radians(-self.angle))
        return x * c - y * s + self.tx, x * s + y * c + self.ty

    def back(self, x: float, y: float) -> tuple[float, float]:
        c, s = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        x, y = x - self.tx, y - self.ty
        return x * c - y * s, x * s + y * c


class PageGrid(_Model):
    """A ruled table found in a page image, in its upright frame (pixels): band (``ys``) and column (``xs``)
    boundaries, the merged cells as (r0, r1, c0, c1) spans of elementary cells (end exclusive), and which
    merged cell owns each elementary (band, column)."""

    ys: list[float]
    xs: list[float]
    cells: list[tuple[int, int, int, int]]
    owner: list[list[int]]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.ys) - 1, len(self.xs) - 1

    def locate(self, x: float, y: float) -> int | None:
        """The merged cell holding an upright-frame point, or None outside the grid."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        i = min(bisect_right(self.ys, y) - 1, len(self.ys) - 2)
        j = min(bisect_right(self.xs, x) - 1, len(self.xs) - 2)
        return self.owner[i][j]


class SealCover(_Model):
    """Where a red seal lies on a page: the ``block``-pixel blocks of the page image holding seal ink, and
    how far (``reach`` blocks) around them an empty cell counts as covered."""

    block: int
    reach: int
    factor: float = Field(description="page units per image pixel")
    blocks: list[tuple[int, int]] = Field(description="(row, column) of every block with seal ink")
    _set: frozenset[tuple[int, int]] | None = PrivateAttr(None)

    def hidden(self, x: float, y: float) -> bool:
        """Whether a page point (page units) lies under the seal or within ``reach`` blocks of its ink."""
        if self._set is None:
            self._set = frozenset(self.blocks)
        i, j = int(y / self.factor) // self.block, int(x / self.factor) // self.block
        r = self.reach
        return any((a, b) in self._set for a in range(i - r, i + r + 1) for b in range(j - r, j + r + 1))


class ScanPage(_Model):
    """What the scan reader found on one page image besides reading it: the words in the (flattened)
    page's units, the ruled grids and the frame they were found in, the seal, and the homography back into
    the photo when the page was a photographed sheet. Table recovery turns these into tables."""

    page: int
    factor: float = Field(description="page units per image pixel (72/dpi for PDF pages, 1 for images)")
    words: list[Word] = Field(default_factory=list)
    frame: PageFrame | None = Field(None, description="None: no grid was looked for (no words, no OpenCV)")
    grids: list[PageGrid] = Field(default_factory=list)
    seal: SealCover | None = None
    to_photo: list[float] | None = Field(None, description="3 x 3 homography, row major: flat page pixels "
                                         "-> photo pixels")
    photo_size: tuple[int, int] | None = None

    def box_to_photo(self, box: BBox) -> BBox:
        """A box on the flat page (page units) in the photo (``homography_box``); the box itself when the
        page was not warped."""
        if self.to_photo is None or self.photo_size is None:
            return box
        return homography_box(self.to_photo, self.photo_size, box, self.factor)


def homography_point(h: list[float], x: float, y: float) -> tuple[float, float]:
    """A point through a 3 x 3 homography given row major."""
    d = h[6] * x + h[7] * y + h[8]
    return (h[0] * x + h[1] * y + h[2]) / d, (h[3] * x + h[4] * y + h[5]) / d


def homography_box(h: list[float], size: tuple[int, int], box: BBox, factor: float = 1.0) -> BBox:
    """A box (page units, ``factor`` units per pixel) as the upright box around its four corners taken
    through the homography ``h``, clipped to an image of ``size`` (width, height) pixels."""
    x0, y0, x1, y1 = (v / factor for v in box)
    pts = [homography_point(h, x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))]
    xs = [min(max(p[0], 0.0), size[0]) for p in pts]
    ys = [min(max(p[1], 0.0), size[1]) for p in pts]
    return (min(xs) * factor, min(ys) * factor, max(xs) * factor, max(ys) * factor)


# What a reader of a report is told besides its cells, each with a stable code (what a program tests; the
# message is for people and may change).
WarningCode = Literal[
    "undecodable_bytes",  # bytes that did not decode were replaced (ingest)
    "html_in_text",  # HTML tables inside a text file, read as tables
    "html_in_script",  # HTML inside string literals of a text file (a script or JSON), read as HTML
    "photo_rectified",  # a photographed sheet was flattened before OCR; boxes are given in the photo
    "pages_need_ocr",  # some PDF pages have no text layer
    "needs_ocr",  # no text layer at all, OCR off or unavailable
    "no_template",  # no standard statistics table found
    "tables_not_found",  # it looks like an annual report, but no statistics table was recovered
    "mixed_form",  # a row printed in a form the template does not have (（六）其他处理 as one row)
    "readers_disagree",  # the structural and the sequence reader disagree on some cells
    "cells_repaired",  # OCR cells repaired or inferred from the identities
    "cells_missing",  # template cells not found in the document
]


class ReportWarning(_Model):
    code: WarningCode = Field(description="stable code of the warning")
    message: str = Field(description="what happened, for a person")

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def warning(code: WarningCode, message: str) -> ReportWarning:
    return ReportWarning(code=code, message=message)


class TextPage(_Model):
    """What the text-layer PDF reader found on one page: its ruled tables (native grids), the words outside
    them (unruled tables are rebuilt from these), and its text lines; table recovery lays them out. A grid
    cell's text is as the PDF has it: its lines newline-separated (table recovery joins them)."""

    page: int
    width: float
    height: float
    grids: list[SourceTable] = Field(default_factory=list)
    words: list[Word] = Field(default_factory=list)
    lines: list[TextLine] = Field(default_factory=list)


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
    warnings: list[ReportWarning] = Field(default_factory=list)
    text_pages: list[TextPage] = Field(default_factory=list, description="text-layer PDF pages as the reader "
                                       "found them (ruled grids, words, lines): tables/ makes their tables")
    scan_pages: list[ScanPage] = Field(default_factory=list, description="page images as the scan reader "
                                       "found them (words, ruled grids, seal): tables/ makes their tables")
    embedded: Document | None = Field(None, description="HTML held in the page's script strings (a report kept "
                                      "as a JavaScript/JSON string), read too: the page text followed by theirs")


class ValueToken(_Model):
    """One value-like piece of text in a row, before parsing."""

    text: str
    prov: Provenance = Field(default_factory=Provenance)
    confidence: float = 1.0
    reading: Reading = "text"
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
    reading: Reading = Field("text", description="how the cell's text came to be: text layer, OCR (under a "
                             "seal), or an empty cell on a scan (under a seal)")
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
    code: ErrorCode = Field(description="stable error code (extractor.errors.ErrorCode)")
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
    cells: dict[str, Cell] = Field(default_factory=dict, description="every key of the template, always the "
                                   "same set for one template")
    extra_cells: dict[str, Cell] = Field(default_factory=dict, description="cells of a row printed in a form "
                                         "the template does not have as such (the 2021 （六）其他处理 as one row, whose "
                                         "sub-rows in cells the mixed-form rule fills)")
    units: dict[str, str] = Field(default_factory=dict)
    rows: list[RowMatch] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    warnings: list[ReportWarning] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)

    @property
    def unmapped(self) -> list[RowMatch]:
        return [r for r in self.rows if r.key is None]

    @property
    def all_cells(self) -> dict[str, Cell]:
        """``cells`` and ``extra_cells`` together."""
        return {**self.cells, **self.extra_cells}

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if c.status == "fail"]

    def values(self) -> dict[str, Number | None]:
        """Plain ``{key: value}`` view, the shape of a gold file's ``cells``."""
        return {k: c.value for k, c in self.cells.items()}


SCHEMA_ID = f"urn:zfxxgk-extractor:report:{SCHEMA_VERSION}"  # a name, not a download address


def report_json_schema() -> dict[str, object]:
    """The published JSON Schema of a Report as the extractor writes it (schema/report.schema.json)."""
    schema = Report.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            "title": "extractor Report", **{k: v for k, v in schema.items() if k != "title"}}


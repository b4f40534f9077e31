"""Options objects (validated in the constructor; a bad field is named) and process-wide defaults from
``EXTRACTOR_*`` environment variables. Nothing here mutates global state."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import OptionsError
from .settings import settings


class Limits(BaseModel):
    """Resource limits applied to every document. Defaults suit scraped report archives: the largest
    real reports are a few MB; anything far past that is a mistake or hostile. Every limit is checked before
    the work it bounds is done (from a header, a count or a declared size where there is one) and a refusal
    is a ``LimitExceededError`` (code ``limit``) naming the limit and the number that passed it."""

    model_config = ConfigDict(extra="forbid")

    max_file_bytes: int = Field(200 * 1024 * 1024, gt=0, description="input size (bytes)")
    # 5M characters: the largest real report text is ~60k characters (corpora/real); the worst text measured
    # (a 1M-character line of label-like prose) peaks at ~0.4 GB per 1M characters, so 5M fits the
    # max_memory_mb default below with room for the rest of the pipeline (20M needed more than 8 GB).
    max_text_chars: int = Field(5_000_000, gt=0, description="decoded text size (characters)")
    # The longest real line is ~10k characters (a whole report flattened onto one line, corpora/real/
    # pingtan_*); the text grammar and the label regexes run per line.
    max_line_chars: int = Field(200_000, gt=0, description="characters of one line of text")
    max_pages: int = Field(500, gt=0, description="pages of a PDF (counted from the page tree before pages "
                                                   "are built)")
    max_image_pixels: int = Field(120_000_000, gt=0, description="pixels of one image or rendered page "
                                                                  "(decompression bombs)")
    # A statistics table is ~30 x 10 cells; a 3.9 KB HTML table of rowspan=colspan=1000 cells expands to
    # more than 10^8 positions (5.9 GB) unless the grid is counted before it is built.
    max_table_cells: int = Field(200_000, gt=0, description="grid positions of all tables of one HTML/DOCX "
                                                             "document after row/column spans are expanded")
    # Content streams of real report PDFs inflate to a few MB; the largest legitimate stream is a page image
    # at max_image_pixels in RGB (360 MB). A 1 MB flate bomb inflates to 1 GB (2.2 GB in pdfminer).
    max_inflated_bytes: int = Field(384 * 1024 * 1024, gt=0, description="bytes of one PDF stream after "
                                                                          "decompression")
    max_zip_member_bytes: int = Field(200 * 1024 * 1024, gt=0, description="uncompressed size of one zip member")
    max_zip_ratio: float = Field(200.0, gt=0, description="uncompressed/compressed ratio of a zip member")
    # Share of undecodable bytes replaced (and counted in warnings) before a text is refused as ``decode``.
    max_bad_bytes_share: float = Field(0.01, ge=0, le=1, description="share of undecodable bytes tolerated "
                                                                      "in a text")
    timeout_s: float = Field(300.0, gt=0, description="wall-clock time per document (batch workers)")
    max_memory_mb: int = Field(4096, gt=0, description="memory per worker process (batch workers)")


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template: Literal["auto", "2019", "2021"] = Field("auto", description="force a template instead of detecting")
    name: str | None = Field(None, description="document name used in the report when the source has none")
    ocr_engine: str = Field("rapidocr", description="OCR engine name (see extractor.ocr)")
    ocr: bool = Field(True, description="run OCR on pages without a text layer (else status needs_ocr)")
    ocr_dpi: int = Field(200, ge=72, le=600, description="resolution image-only PDF pages are rendered at")
    rectify: bool = Field(True, description="find a photographed sheet on a page image and flatten it before OCR")
    limits: Limits = Field(default_factory=Limits)

    @classmethod
    def coerce(cls, value: Options | dict[str, Any] | None) -> Options:
        """Accept an Options, a dict of fields, or None (defaults from the environment)."""
        if isinstance(value, Options):
            return value
        try:
            return cls(**{**from_env(), **(value or {})})
        except ValidationError as e:
            raise OptionsError(f"invalid options: {e}") from e


def from_env() -> dict[str, Any]:
    """The options the environment sets (``extractor.settings``)."""
    s = settings()
    out: dict[str, Any] = {}
    if s.template:
        out["template"] = s.template
    if s.ocr_engine:
        out["ocr_engine"] = s.ocr_engine
    if not s.ocr:
        out["ocr"] = False
    if not s.rectify:
        out["rectify"] = False
    return out

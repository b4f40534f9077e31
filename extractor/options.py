"""Options objects (validated in the constructor; a bad field is named) and process-wide defaults from
``EXTRACTOR_*`` environment variables. Nothing here mutates global state."""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import OptionsError


class Limits(BaseModel):
    """Resource limits applied to every document. Defaults suit scraped report archives: the largest
    real reports are a few MB; anything far past that is a mistake or hostile."""

    model_config = ConfigDict(extra="forbid")

    max_file_bytes: int = Field(200 * 1024 * 1024, gt=0, description="input size (bytes)")
    max_text_chars: int = Field(20_000_000, gt=0, description="decoded text size (characters)")
    max_pages: int = Field(500, gt=0, description="pages of a PDF")
    max_image_pixels: int = Field(120_000_000, gt=0, description="pixels of one image (decompression bombs)")
    max_zip_member_bytes: int = Field(200 * 1024 * 1024, gt=0, description="uncompressed size of one zip member")
    max_zip_ratio: float = Field(200.0, gt=0, description="uncompressed/compressed ratio of a zip member")
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


def from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    env = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    if env.get("EXTRACTOR_TEMPLATE"):
        out["template"] = env["EXTRACTOR_TEMPLATE"]
    if env.get("EXTRACTOR_OCR_ENGINE"):
        out["ocr_engine"] = env["EXTRACTOR_OCR_ENGINE"]
    if env.get("EXTRACTOR_OCR") in ("0", "false", "off"):
        out["ocr"] = False
    if env.get("EXTRACTOR_RECTIFY") in ("0", "false", "off"):
        out["rectify"] = False
    return out

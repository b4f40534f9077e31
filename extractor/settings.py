"""Every ``EXTRACTOR_*`` environment variable, in one place (pydantic-settings: typed, validated, listed).

Read afresh whenever the environment's ``EXTRACTOR_*`` variables change (a service or a test may change
them; an unchanged environment reuses the parsed settings: parsing costs 4 ms, a text document 5); an
empty variable counts as unset; a value of the wrong type is an ``options`` error naming the variable.

| variable | what it sets |
|---|---|
| ``EXTRACTOR_TEMPLATE`` | the template to force (``2019``, ``2021``; default: detected) |
| ``EXTRACTOR_OCR`` | ``0``/``false``/``off``: never run OCR (scans come back ``needs_ocr``) |
| ``EXTRACTOR_OCR_ENGINE`` | ``rapidocr`` (default) or ``paddleocr`` |
| ``EXTRACTOR_OCR_THREADS`` | onnxruntime threads per OCR engine |
| ``EXTRACTOR_OCR_LOG_LEVEL`` | the OCR engine's own log level (default ``warning``: no INFO lines on stderr; ``extractor -v`` sets ``info``) |
| ``EXTRACTOR_RECTIFY`` | ``0``/``false``/``off``: do not look for a photographed sheet to flatten |
| ``EXTRACTOR_PADDLE_MODEL_DIR`` | PaddleOCR inference models (det/, rec/, cls/) |
| ``EXTRACTOR_MODELS_DIR`` | the templates and lexicons folder (default: the package's) |
| ``EXTRACTOR_SOFFICE`` | the LibreOffice binary for DOC/WPS (default: ``soffice`` on the PATH) |
| ``EXTRACTOR_MAX_FILE_BYTES`` | the service's upload limit (default: ``Limits.max_file_bytes``) |
| ``EXTRACTOR_REVIEW_KEEP`` | documents the service keeps for review pages (0: none) |
| ``EXTRACTOR_REVIEW_MAX_MB`` | memory those documents may take in all |
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Literal

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import OptionsError


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EXTRACTOR_", env_ignore_empty=True, extra="ignore")

    template: str | None = None
    ocr: bool = True
    ocr_engine: str | None = None
    ocr_threads: int | None = None
    ocr_log_level: Literal["debug", "info", "warning", "error", "critical"] = "warning"
    rectify: bool = True
    paddle_model_dir: str | None = None
    models_dir: str | None = None
    soffice: str | None = None
    max_file_bytes: int | None = None
    review_keep: int = 64
    review_max_mb: int = 512


PREFIX = "EXTRACTOR_"


def settings() -> Settings:
    """The settings the environment gives now (a copy: callers may not change the shared one)."""
    env = tuple(sorted((k.upper(), v) for k, v in os.environ.items() if k.upper().startswith(PREFIX)))
    return _parsed(env).model_copy()


@lru_cache(maxsize=32)
def _parsed(env: tuple[tuple[str, str], ...]) -> Settings:
    try:
        return Settings()
    except ValidationError as e:
        bad = ", ".join(f"EXTRACTOR_{str(err['loc'][0]).upper()}" for err in e.errors())
        raise OptionsError(f"invalid environment variable {bad}: {e.errors()[0]['msg']}") from e


__all__ = ["Settings", "settings"]

"""One exception hierarchy with stable codes.

Batch records and HTTP answers classify failures by ``code`` (never by message text). Codes are part of
the public interface: do not rename them.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

# Every error code a caller meets, as types (mypy checks each place that sets one; pydantic each record):
# the library's errors (one per class below), the batch's own (batch/records.py) and the service's
# HTTP-level ones (service/errors.py).
ExtractionErrorCode = Literal["error", "input", "empty", "unsupported", "decode", "corrupt", "encrypted", "limit",
                              "outside_source", "missing_dependency", "engine", "timeout", "template", "options"]
BatchErrorCode = Literal["not_a_report", "tables_not_found", "memory", "crashed", "internal"]
# (an HTTP status the service has no name for answers ``http_<status>``, e.g. ``http_503`` from the server)
ServiceErrorCode = Literal["bad_request", "request", "not_found", "method_not_allowed", "request_timeout", "busy"]
ErrorCode = Literal[ExtractionErrorCode, BatchErrorCode, ServiceErrorCode]
ERROR_CODES: frozenset[str] = frozenset(get_args(ExtractionErrorCode) + get_args(BatchErrorCode)
                                        + get_args(ServiceErrorCode))


def error_code(text: str | None) -> ErrorCode | None:
    """A code read back from a stored record (a journal, an Arrow batch): checked to be one of ours."""
    if not text:
        return None
    if text not in ERROR_CODES:
        raise ValueError(f"unknown error code {text!r}")
    return text  # type: ignore[return-value]  # checked against ERROR_CODES above


class ExtractorError(Exception):
    """Base of every error the library raises on purpose."""

    code: ClassVar[ErrorCode] = "error"

    def __init__(self, message: str, *, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "stage": self.stage}


class InputError(ExtractorError):
    """The input document cannot be processed as given."""

    code: ClassVar[ErrorCode] = "input"


class EmptyDocumentError(InputError):
    code: ClassVar[ErrorCode] = "empty"


class UnsupportedFormatError(InputError):
    code: ClassVar[ErrorCode] = "unsupported"


class DecodeError(InputError):
    """Text whose encoding could not be determined."""

    code: ClassVar[ErrorCode] = "decode"


class CorruptDocumentError(InputError):
    code: ClassVar[ErrorCode] = "corrupt"


class EncryptedDocumentError(InputError):
    code: ClassVar[ErrorCode] = "encrypted"


class LimitExceededError(InputError):
    """A configured limit (size, pages, pixels, ...) was exceeded; see ``extractor.options.Limits``."""

    code: ClassVar[ErrorCode] = "limit"


class OutsideSourceError(InputError):
    """A link (in a folder SOURCE or an archive) that points outside the input: never opened or hashed."""

    code: ClassVar[ErrorCode] = "outside_source"


class MissingDependencyError(ExtractorError):
    """An optional component is not installed; the message names what to install."""

    code: ClassVar[ErrorCode] = "missing_dependency"


class EngineError(ExtractorError):
    """An engine (OCR, converter, PDF backend) failed."""

    code: ClassVar[ErrorCode] = "engine"


class ExtractionTimeout(ExtractorError):
    code: ClassVar[ErrorCode] = "timeout"


class TemplateError(ExtractorError):
    """The template data in models/ is malformed."""

    code: ClassVar[ErrorCode] = "template"


class OptionsError(ExtractorError):
    code: ClassVar[ErrorCode] = "options"


__all__ = [
    "ERROR_CODES",
    "BatchErrorCode",
    "ErrorCode",
    "ExtractionErrorCode",
    "ServiceErrorCode",
    "error_code",
    "CorruptDocumentError",
    "DecodeError",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "EngineError",
    "ExtractionTimeout",
    "ExtractorError",
    "InputError",
    "LimitExceededError",
    "MissingDependencyError",
    "OptionsError",
    "OutsideSourceError",
    "TemplateError",
    "UnsupportedFormatError",
]

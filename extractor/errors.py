"""One exception hierarchy with stable codes.

Batch records and HTTP answers classify failures by ``code`` (never by message text). Codes are part of
the public interface: do not rename them.
"""

from __future__ import annotations


class ExtractorError(Exception):
    """Base of every error the library raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.stage = stage

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "stage": self.stage}


class InputError(ExtractorError):
    """The input document cannot be processed as given."""

    code = "input"


class EmptyDocumentError(InputError):
    code = "empty"


class UnsupportedFormatError(InputError):
    code = "unsupported"


class DecodeError(InputError):
    """Text whose encoding could not be determined."""

    code = "decode"


class CorruptDocumentError(InputError):
    code = "corrupt"


class EncryptedDocumentError(InputError):
    code = "encrypted"


class LimitExceededError(InputError):
    """A configured limit (size, pages, pixels, ...) was exceeded; see ``extractor.options.Limits``."""

    code = "limit"


class OutsideSourceError(InputError):
    """A link (in a folder SOURCE or an archive) that points outside the input: never opened or hashed."""

    code = "outside_source"


class MissingDependencyError(ExtractorError):
    """An optional component is not installed; the message names what to install."""

    code = "missing_dependency"


class EngineError(ExtractorError):
    """An engine (OCR, converter, PDF backend) failed."""

    code = "engine"


class ExtractionTimeout(ExtractorError):
    code = "timeout"


class TemplateError(ExtractorError):
    """The template data in models/ is malformed."""

    code = "template"


class OptionsError(ExtractorError):
    code = "options"


__all__ = [
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

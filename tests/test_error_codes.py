"""Every error code is a type (extractor.errors.ErrorCode): each exception class, batch record and service
answer uses one of them, and a record with another is refused."""

from __future__ import annotations

from typing import get_args

import pytest
from pydantic import ValidationError

from extractor import errors
from extractor.batch.records import BatchRecord, failed
from extractor.datamodel import ErrorInfo


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_each_exception_class_has_a_library_code() -> None:
    classes = [errors.ExtractorError, *_subclasses(errors.ExtractorError)]
    library = set(get_args(errors.ExtractionErrorCode))
    assert {c.code for c in classes if c.__module__ == "extractor.errors"} == library  # one class per code
    assert all(c.code in errors.ERROR_CODES for c in classes)  # subclasses elsewhere (batch options) too


def test_service_codes_are_error_codes() -> None:
    from extractor.service import errors as service_errors  # the service extra: make test installs it

    assert set(service_errors.STATUS_BY_CODE) <= errors.ERROR_CODES
    assert set(service_errors.HTTP_CODES.values()) <= errors.ERROR_CODES
    assert service_errors.INVALID_REQUEST in errors.ERROR_CODES


def test_records_take_only_known_codes() -> None:
    rec = failed("a.txt", "tables_not_found", "looks like a report, no table")
    assert rec.error is not None and rec.error.code == "tables_not_found"
    with pytest.raises(ValidationError, match="code"):
        ErrorInfo(code="no_such_code", message="")
    ok = rec.model_dump()
    assert BatchRecord.model_validate(ok).error == rec.error
    with pytest.raises(ValidationError, match=r"error\.code"):
        BatchRecord.model_validate({**ok, "error": {"code": "oops", "message": ""}})


def test_codes_read_back_from_stored_records_are_checked() -> None:
    assert errors.error_code("memory") == "memory"
    assert errors.error_code("") is None
    with pytest.raises(ValueError, match="unknown error code"):
        errors.error_code("segfault")

"""Every EXTRACTOR_* variable goes through extractor.settings: typed, empty means unset, a bad value is an
``options`` error naming the variable."""

from __future__ import annotations

import pytest

from extractor import extract
from extractor.errors import OptionsError
from extractor.options import Options
from extractor.settings import settings


def test_environment_sets_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_TEMPLATE", "2019")
    monkeypatch.setenv("EXTRACTOR_OCR", "off")
    monkeypatch.setenv("EXTRACTOR_RECTIFY", "0")
    o = Options.coerce(None)
    assert (o.template, o.ocr, o.rectify) == ("2019", False, False)
    assert Options.coerce({"template": "2021"}).template == "2021"  # an explicit option wins


def test_an_empty_variable_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_TEMPLATE", "")
    monkeypatch.setenv("EXTRACTOR_REVIEW_KEEP", "")
    assert settings().template is None and settings().review_keep == 64


@pytest.mark.parametrize(("name", "value"), [("EXTRACTOR_OCR", "maybe"), ("EXTRACTOR_OCR_THREADS", "four"),
                                             ("EXTRACTOR_REVIEW_KEEP", "1.5")])
def test_a_bad_value_is_an_options_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch, name: str,
                                                             value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(OptionsError, match=name):
        settings()
    if name == "EXTRACTOR_OCR":  # ... also when it reaches an extraction
        with pytest.raises(OptionsError) as e:
            extract("规章 0 0 0")
        assert e.value.code == "options"

"""Tolerant decoding (issue 20, point 5): a few bad bytes are replaced and counted, UTF-16 without a BOM is
read, and only a text mostly undecodable is ``decode``."""

from __future__ import annotations

import pytest

from extractor import extract
from extractor.errors import DecodeError
from extractor.ingest import decode_counted, load
from extractor.options import Limits
from tests.batch.common import real_text


def test_one_bad_byte_is_replaced_and_counted() -> None:
    good = real_text(0).encode("utf-8")
    bad = good[:2000] + b"\xff" + good[2000:]
    text, n = decode_counted(bad)
    assert n >= 1 and "\ufffd" in text
    raw = load(bad, Limits())
    assert raw.format == "text" and raw.warnings and raw.warnings[0].code == "undecodable_bytes"
    assert "undecodable bytes replaced" in raw.warnings[0].message
    assert extract(bad).template == extract(good).template is not None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read(codec: str) -> None:
    text = real_text(0)
    data = text.encode(codec)
    assert decode_counted(data) == (text, 0)
    assert extract(data).cells == extract(text).cells


def test_mostly_undecodable_is_refused_with_the_share() -> None:
    with pytest.raises(DecodeError) as e:
        decode_counted(bytes(range(128, 256)) * 50)
    assert "max_bad_bytes_share" in e.value.message
    text, n = decode_counted(b"\xff" * 5 + "一".encode() * 100, max_bad_share=0.5)
    assert n == 5 and text.endswith("一")

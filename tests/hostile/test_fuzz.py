"""Fuzz each reader with mutated corpus documents (hypothesis); replay the kept crashers."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import ExtractorError
from tests.hostile.fuzzing import CRASHERS, HANG_S, READERS, deadline, examples, mutate, read, seeds

OPS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 1 << 30), st.integers(0, 1 << 16)), min_size=1,
               max_size=8)


def _check(data: bytes, reader: str = "") -> None:
    try:
        with deadline(HANG_S):
            read(data, reader)
    except (ExtractorError, MemoryError):
        return
    except BaseException:
        if os.environ.get("FUZZ_SAVE"):  # make fuzz: keep every finding (pick the smallest per cause by hand)
            CRASHERS.mkdir(exist_ok=True)
            (CRASHERS / f"{reader}-{hashlib.sha256(data).hexdigest()[:16]}.bin").write_bytes(data)
        raise


@pytest.mark.parametrize("reader", sorted(READERS))
def test_reader_gives_a_document_or_a_typed_error(reader: str) -> None:
    docs = seeds(reader)
    if not docs:
        pytest.skip(f"no corpus documents for {reader}")

    @settings(max_examples=examples(), deadline=None, database=None, derandomize=examples() <= 50,
              suppress_health_check=list(HealthCheck))
    @given(st.integers(0, len(docs) - 1), OPS)
    def run(which: int, ops: list[tuple[int, int, int]]) -> None:
        _check(mutate(docs[which], ops), reader)

    run()


@pytest.mark.parametrize("path", sorted(CRASHERS.glob("*.bin")), ids=lambda p: p.name)
def test_kept_crashers_end_typed(path: Path) -> None:
    _check(path.read_bytes(), path.name.split("-")[0] if "-" in path.name else "")

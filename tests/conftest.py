from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpora" / "real"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def load_gold(stem: str) -> dict:
    return json.loads((REAL / "gold" / f"{stem}.json").read_text(encoding="utf-8"))

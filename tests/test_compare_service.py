"""POST /v1/compare and GET /v1/compare/{id} over real HTTP (``extractor serve`` in a subprocess): two
real consecutive reports of one body, the Comparison JSON valid against its schema, the page whose values
link to both documents' review pages (../review/{id}#cell=KEY, served)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urljoin

import httpx
import pytest

from tests.conftest import REAL, ROOT
from tests.servers import served

HZQ = [REAL / "docs" / "hzq2023_working.pdf", REAL / "docs" / "hzq2024_working.pdf"]


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with served("--concurrency", "1", "--timeout", "120", cwd=ROOT) as (url, _):
        yield url


def _post(base: str, a: bytes, b: bytes, names: tuple[str, str] = ("a.pdf", "b.pdf"), **data: str) -> httpx.Response:
    return httpx.post(base + "/v1/compare", files={"a": (names[0], a), "b": (names[1], b)}, data=data, timeout=120)


def test_compare_two_uploads_and_the_page(base: str) -> None:
    import jsonschema

    r = _post(base, HZQ[1].read_bytes(), HZQ[0].read_bytes(), (HZQ[1].name, HZQ[0].name))
    assert r.status_code == 200, r.text
    doc = r.json()
    schema = json.loads((ROOT / "schema" / "compare.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["pairing"]["same_body"] and doc["pairing"]["swapped"]
    assert (doc["before"]["source"], doc["after"]["source"]) == (HZQ[0].name, HZQ[1].name)
    assert doc["carry_over_status"] == "ok" and any(f["rule"] == "factor_change" for f in doc["flags"])
    cid = r.headers["x-compare-id"]
    assert r.headers["link"] == f'</v1/compare/{cid}>; rel="compare"'
    rid_a, rid_b = r.headers["x-review-ids"].split(",")
    # the earlier report (given second) has the second review id
    assert doc["before"]["review"] == f"../review/{rid_b}" and doc["after"]["review"] == f"../review/{rid_a}"
    page_url = f"{base}/v1/compare/{cid}"
    page = httpx.get(page_url, timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    hrefs = set(re.findall(r'href="(\.\./review/[^"#]+)#cell=([^"]+)"', page.text))
    assert {h for h, _ in hrefs} == {f"../review/{rid_a}", f"../review/{rid_b}"}
    for h in {h for h, _ in hrefs}:
        review = httpx.get(urljoin(page_url, h), timeout=60)
        assert review.status_code == 200 and 'data-key="active.licensing.decisions"' in review.text


def test_compare_errors(base: str) -> None:
    pdf = HZQ[0].read_bytes()
    r = _post(base, pdf, b"   ")
    assert r.status_code == 422 and r.json()["error"]["code"] == "empty" and r.json()["error"]["message"].startswith("b (")
    r = _post(base, pdf, pdf, template="2018")
    assert r.status_code == 422 and r.json()["error"]["code"] == "options"
    r = httpx.post(base + "/v1/compare", files={"a": ("a.pdf", pdf)}, timeout=30)
    assert r.status_code == 422 and r.json()["error"]["code"] == "request"
    r = httpx.get(base + "/v1/compare/nope", timeout=10)
    assert r.status_code == 404 and r.json()["error"]["code"] == "compare_not_found"
    assert "/v1/compare" in httpx.get(base + "/openapi.json", timeout=10).json()["paths"]


def test_a_document_without_tables_is_refused(base: str) -> None:
    r = _post(base, HZQ[0].read_bytes(), b'{"not": "a report"}', ("a.pdf", "b.json"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "tables_not_found"
    assert r.json()["error"]["message"].startswith("b (b.json)")

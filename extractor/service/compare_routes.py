"""The comparison endpoints: ``POST /v1/compare`` (two files -> the Comparison JSON) and the page at
``GET /v1/compare/{id}``, whose cells link to both documents' review pages (``/v1/review/{id}#cell=KEY``)."""

import asyncio
import os
from typing import TYPE_CHECKING, Any

from ..options import Options
from .errors import _error_responses, _job_error, _json_error
from .pool import _work_pair

if TYPE_CHECKING:
    from .state import Service


def _compare(ra: dict[str, Any], rb: dict[str, Any], reviews: tuple[str | None, str | None]) -> tuple[str, str]:
    """The comparison as JSON and its page (in a thread of the service: no extraction, milliseconds)."""
    from ..compare import compare, render_compare_html
    from ..datamodel import Report

    cmp = compare(Report.model_validate(ra), Report.model_validate(rb), reviews=reviews)
    return cmp.model_dump_json(), render_compare_html(cmp)


def _install_compare(app: Any, svc: "Service") -> None:
    from fastapi import File, Form, UploadFile
    from fastapi import Path as PathParam
    from fastapi.responses import HTMLResponse, Response

    from ..compare import Comparison

    limits = svc.limits
    responses: dict[int | str, dict[str, Any]] = {
        200: {"model": Comparison, "description": "the Comparison", "headers": {
            "X-Compare-Id": {"description": "id of the comparison page: GET /v1/compare/{id}",
                             "schema": {"type": "string"}},
            "X-Review-Ids": {"description": "the review ids of a and b, comma separated",
                             "schema": {"type": "string"}},
            "Link": {"description": '</v1/compare/{id}>; rel="compare"', "schema": {"type": "string"}}}},
        **_error_responses(400, 408, 413, 415, 422, 500, 501, 503, 504),
    }

    @app.post("/v1/compare", response_model=None, responses=responses, operation_id="compare")
    async def compare_endpoint(
        a: UploadFile = File(..., description="one report of a body"),  # noqa: B008
        b: UploadFile = File(..., description="the same body's report of the year before or after"),  # noqa: B008
        template: str = Form("auto", description="auto, 2019 or 2021 (for both)",
                             json_schema_extra={"enum": ["auto", "2019", "2021"]}),
    ) -> Any:
        """Extract two documents and compare them year over year: every key's change, the carry-over check,
        the changes worth a look. The response's ``X-Compare-Id`` names its page. A document in which no
        statistics table is found is refused (422 ``tables_not_found``): there is nothing to compare."""
        if template not in ("auto", "2019", "2021"):
            return _json_error(422, "options", f"template must be auto, 2019 or 2021, not {template!r}")
        if svc.workers.busy >= svc.concurrency:
            await a.close()
            await b.close()
            return _json_error(503, "busy", f"all {svc.concurrency} workers are busy; retry later")
        files = []
        for up in (a, b):
            data = await up.read(limits.max_file_bytes + 1)
            await up.close()
            if len(data) > limits.max_file_bytes:
                return _json_error(413, "limit", f"upload larger than max_file_bytes={limits.max_file_bytes}")
            files.append((data, os.path.basename(up.filename or "") or "upload"))
        (da, na), (db, nb) = files
        opts = Options(template=template, limits=limits).model_dump(exclude={"name"})
        out = await svc.run(_work_pair, da, na, db, nb, opts)
        if "error" in out:
            return _job_error(out, 422)
        ra, rb = out["reports"]
        for field, name, rep in (("a", na, ra), ("b", nb, rb)):
            if rep.get("template") is None:  # nothing to compare: no statistics table was found
                return _json_error(422, "tables_not_found", f"{field} ({name}): no statistics tables found "
                                   "(template null); nothing to compare")
        rids = (svc.reviews.put(na, da, ra), svc.reviews.put(nb, db, rb))
        # the page lives at /v1/compare/{id}: ../review/{rid} is /v1/review/{rid}
        reviews = (f"../review/{rids[0]}" if rids[0] else None, f"../review/{rids[1]}" if rids[1] else None)
        body, page = await asyncio.to_thread(_compare, ra, rb, reviews)
        cid = svc.compares.put(f"{na} / {nb}", page.encode("utf-8"), {})
        headers = {"X-Review-Ids": ",".join(r or "" for r in rids)}
        if cid:
            headers.update({"X-Compare-Id": cid, "Link": f'</v1/compare/{cid}>; rel="compare"'})
        return Response(body, media_type="application/json", headers=headers)

    page_responses: dict[int | str, dict[str, Any]] = {
        200: {"description": "the comparison page: one self-contained HTML file",
              "content": {"text/html": {"schema": {"type": "string"}}}},
        **_error_responses(404, 422),
    }

    @app.get("/v1/compare/{compare_id}", response_class=HTMLResponse, responses=page_responses,
             operation_id="compare_page")
    async def compare_page(
        compare_id: str = PathParam(..., max_length=64, description="the X-Compare-Id of a comparison"),  # noqa: B008
    ) -> Any:
        """The page of a recent comparison; its values link to both documents' review pages."""
        item = svc.compares.get(compare_id)
        if item is None or item.data is None:
            return _json_error(404, "compare_not_found", f"no comparison {compare_id!r}: unknown, or older than "
                               f"the last {svc.compares.keep} comparisons")
        return HTMLResponse(item.data.decode("utf-8"), headers={"Cache-Control": "no-store"})

"""The extraction and review endpoints."""


import os
from typing import TYPE_CHECKING, Any

from ..options import Options
from .errors import _error_responses, _job_error, _json_error
from .pool import _render, _work

if TYPE_CHECKING:
    from .state import Service


def _install_extract(app: Any, svc: "Service") -> None:
    from fastapi import File, Form, UploadFile
    from fastapi.responses import JSONResponse

    from ..datamodel import Report

    limits = svc.limits
    responses: dict[int | str, dict[str, Any]] = {
        200: {"model": Report, "description": "the Report", "headers": {
            "X-Review-Id": {"description": "id of the review page: GET /v1/review/{id}",
                            "schema": {"type": "string"}},
            "Link": {"description": '</v1/review/{id}>; rel="review"', "schema": {"type": "string"}}},
            "links": {"review": {"operationId": "review", "description": "the review page of this extraction",
                                 "parameters": {"review_id": "$response.header.X-Review-Id"}}}},
        **_error_responses(400, 408, 413, 415, 422, 500, 501, 503, 504),
    }

    @app.post("/v1/extract", response_model=None, responses=responses, operation_id="extract")
    async def extract_endpoint(
        file: UploadFile = File(..., description="the report: text, PDF, DOCX, HTML, image"),  # noqa: B008
        template: str = Form("auto", description="auto, 2019 or 2021",
                             json_schema_extra={"enum": ["auto", "2019", "2021"]}),
    ) -> Any:
        """Extract one uploaded document into a Report. The response's ``X-Review-Id`` names its review page."""
        if template not in ("auto", "2019", "2021"):
            return _json_error(422, "options", f"template must be auto, 2019 or 2021, not {template!r}")
        # admitted (counted in svc.admitted) by the middleware before the body was read
        if svc.workers.busy >= svc.concurrency:  # a review page took the last worker meanwhile
            await file.close()
            return _json_error(503, "busy", f"all {svc.concurrency} workers are busy; retry later")
        data = await file.read(limits.max_file_bytes + 1)
        await file.close()
        if len(data) > limits.max_file_bytes:
            return _json_error(413, "limit", f"upload larger than max_file_bytes={limits.max_file_bytes}")
        name = os.path.basename(file.filename or "") or "upload"
        opts = Options(template=template, limits=limits).model_dump(exclude={"name"})
        out = await svc.run(_work, data, name, opts)
        if "error" in out:
            return _job_error(out, 422)
        rid = svc.reviews.put(name, data, out["report"])
        headers = {"X-Review-Id": rid, "Link": f'</v1/review/{rid}>; rel="review"'} if rid else None
        return JSONResponse(content=out["report"], headers=headers)


def _install_review(app: Any, svc: "Service") -> None:
    from fastapi import Path as PathParam
    from fastapi.responses import HTMLResponse

    responses: dict[int | str, dict[str, Any]] = {
        200: {"description": "the review page: one self-contained HTML file",
              "content": {"text/html": {"schema": {"type": "string"}}}},
        **_error_responses(404, 422, 500, 503, 504),
    }

    @app.get("/v1/review/{review_id}", response_class=HTMLResponse, responses=responses, operation_id="review")
    async def review_endpoint(
        review_id: str = PathParam(..., max_length=64, description="the X-Review-Id of an extraction"),  # noqa: B008
    ) -> Any:
        """The review page of a recent extraction: page images with the cells drawn, tables, failed checks."""
        item = svc.reviews.get(review_id)
        if item is None:
            return _json_error(404, "review_not_found", f"no review {review_id!r}: unknown, or older than the "
                               f"last {svc.reviews.keep} extractions")
        out = await svc.run(_render, item.data, item.report)
        if "error" in out:
            return _job_error(out, 500)
        return HTMLResponse(out["html"], headers={"Cache-Control": "no-store"})

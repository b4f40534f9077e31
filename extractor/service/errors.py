"""The service's error answers: JSON ``{"error": {"code", "message"}}`` with a stable code, and the HTTP
status of every extraction error code."""


from typing import Any

from ..errors import ErrorCode

STATUS_BY_CODE: dict[ErrorCode, int] = {"limit": 413, "unsupported": 415, "empty": 422, "decode": 422, "corrupt": 422,
                  "encrypted": 422, "input": 422, "outside_source": 422, "options": 422, "timeout": 504, "missing_dependency": 501,
                  "engine": 500, "template": 500}


_ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
}


def _error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {400: "malformed request body (code bad_request)", 404: "unknown review or comparison id",
            408: "the request body did not arrive in time (code request_timeout)", 413: "upload too large (code limit)",
            415: "unsupported format (code unsupported)",
            422: "unreadable document or invalid request (codes empty, decode, corrupt, encrypted, input, "
                 "options, request; /v1/compare: tables_not_found)",
            500: "the worker died (code crashed), ran out of memory (memory), an engine failed (engine) or a "
                 "bug (internal)", 501: "an optional component is missing",
            503: "all workers busy (code busy); retry later", 504: "the work ran past the timeout (code timeout)"}
    return {c: {"description": text[c], "content": {"application/json": {"schema": _ERROR_SCHEMA}}} for c in codes}


HTTP_CODES: dict[int, ErrorCode] = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 408: "request_timeout", 413: "limit"}


INVALID_REQUEST: ErrorCode = "request"  # a request whose fields do not validate (422)


def _json_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Any:
    from fastapi.responses import JSONResponse

    return JSONResponse(status_code=status, content={"error": {"code": code, "message": message}}, headers=headers)


def _job_error(out: dict[str, Any], default_status: int) -> Any:
    e = out["error"]
    return _json_error(e.get("status") or STATUS_BY_CODE.get(e["code"], default_status), e["code"], e["message"])


def _install_error_handlers(app: Any) -> None:
    from fastapi import Request
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> Any:
        parts = [f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()[:5]]
        return _json_error(422, INVALID_REQUEST, "invalid request: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Any:
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        return _json_error(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))

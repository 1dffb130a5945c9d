"""Translating errors once, at the boundary: Korean message + stable code."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from doum.errors import DoumError
from doum.messages import message_for
from doum.web.templating import render

logger = logging.getLogger(__name__)


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/v1/")):
        return True
    return "application/json" in request.headers.get("accept", "")


def error_response(request: Request, status: int, code: str, message: str) -> Response:
    if request.url.path.startswith("/v1/"):
        # OpenAI clients read error.message / error.type / error.code.
        return JSONResponse(
            {
                "error": {
                    "message": message,
                    "type": _openai_type(status),
                    "code": code,
                    "param": None,
                }
            },
            status_code=status,
        )
    if wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
    if status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return render(
        request,
        "error.html",
        {"code": code, "message": message, "status": status},
        status_code=status,
    )


def _openai_type(status: int) -> str:
    return {
        400: "invalid_request_error",
        401: "authentication_error",
        403: "permission_error",
        404: "not_found_error",
        413: "invalid_request_error",
        429: "rate_limit_error",
    }.get(status, "api_error")


def validation_response(request: Request, problems: Sequence[Any]) -> Response:
    """A body that is not JSON (400 ``input.malformed_json``) or does not fit the schema
    (422 ``input.invalid``, naming up to five problems in Korean)."""
    if any(p.get("type") == "json_invalid" for p in problems):
        code = "input.malformed_json"
        return error_response(request, 400, code, message_for(code))
    detail = "; ".join(_describe(p) for p in problems[:5])
    return error_response(
        request, 422, "input.invalid", message_for("input.invalid", detail=detail)
    )


def unexpected_response(request: Request) -> Response:
    logger.exception("unhandled error", extra={"path": request.url.path})
    return error_response(request, 500, "internal.error", message_for("internal.error"))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DoumError)
    async def _doum_error(request: Request, error: DoumError) -> Response:
        if error.http_status >= 500:
            logger.warning("request failed", extra={"code": error.code, "path": request.url.path})
        return error_response(request, error.http_status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        return validation_response(request, error.errors())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        code = {404: "route.not_found", 405: "route.method_not_allowed"}.get(
            error.status_code, "input.invalid"
        )
        return error_response(request, error.status_code, code, message_for(code, detail=""))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        return unexpected_response(request)


def _describe(problem: dict[str, object]) -> str:
    location = ".".join(str(p) for p in problem.get("loc", ()) if p not in ("body", "query"))  # type: ignore[union-attr]
    kind = str(problem.get("type", ""))
    labels = {
        "missing": "필수 항목이 없습니다",
        "string_too_long": "너무 깁니다",
        "string_too_short": "너무 짧습니다",
        "int_parsing": "숫자여야 합니다",
        "bool_parsing": "참/거짓이어야 합니다",
        "literal_error": "허용되지 않는 값입니다",
        "string_type": "문자열이어야 합니다",
        "list_type": "목록이어야 합니다",
        "greater_than_equal": "값이 너무 작습니다",
        "less_than_equal": "값이 너무 큽니다",
        "model_attributes_type": "객체여야 합니다",
        "dict_type": "객체여야 합니다",
        "extra_forbidden": "알 수 없는 항목입니다",
    }
    return f"{location or '요청'}: {labels.get(kind, '형식이 올바르지 않습니다')}"

"""Errors as `application/problem+json` (RFC 9457): one shape for the project's errors, FastAPI's
HTTP exceptions and request validation, so clients parse one thing."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from supportqa.errors import (
    ConfigError,
    Forbidden,
    InputError,
    InvalidField,
    NotFoundError,
    StorageError,
    SupportQAError,
    Throttled,
    Unauthenticated,
)

PROBLEM = "application/problem+json"


class Problem(BaseModel):
    """What every error answers (documented in the OpenAPI schema as the error body)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, Any]] | None = None


STATUS_OF: tuple[tuple[type[SupportQAError], int], ...] = (
    (NotFoundError, 404),
    (InvalidField, 422),
    (Unauthenticated, 401),
    (Forbidden, 403),
    (Throttled, 429),
    (InputError, 400),
    (ConfigError, 400),
    (StorageError, 503),
)


def problem(
    status: int,
    detail: str | None,
    *,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    body = Problem(title=HTTPStatus(status).phrase, status=status, detail=detail, errors=errors)
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, headers=headers, media_type=PROBLEM
    )


def status_of(exc: SupportQAError) -> int:
    return next((status for kind, status in STATUS_OF if isinstance(exc, kind)), 400)


def _headers(exc: SupportQAError) -> dict[str, str] | None:
    if isinstance(exc, Throttled):
        return {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, Unauthenticated):
        return {"WWW-Authenticate": "Bearer"}
    return None


async def _project_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SupportQAError)
    errors = None
    if isinstance(exc, InvalidField):  # a scorecard rule broken by one field of the body
        errors = [{"loc": ["body", *exc.field.split(".")], "msg": exc.reason}]
    return problem(status_of(exc), str(exc), headers=_headers(exc), errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    return problem(exc.status_code, detail, headers=dict(exc.headers or {}) or None)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    return problem(422, "the request does not match the API's schema", errors=errors)


def install(app: FastAPI) -> None:
    app.add_exception_handler(SupportQAError, _project_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_bodies(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def problem_bodies(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every error documented as what it is: FastAPI files a response `model`
    under `application/json`; errors are `application/problem+json` only."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if PROBLEM in content and "application/json" in content:
                    content[PROBLEM] = content.pop("application/json")
    return schema


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM: {}}, "description": HTTPStatus(status).phrase}
    for status in (400, 401, 403, 404, 422)
}
"""`responses=` for routers, so the schema documents the problem bodies."""

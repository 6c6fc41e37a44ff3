"""Errors on pages answer as pages: a browser that asked for HTML and is not logged in is sent to
`/login?next=<where it was>`; 403, 404 and bad filters get small HTML pages. Everyone else (the
API, scripts, `Accept: */*`) keeps the problem+json answer the API installs, so this wraps the
handlers already in place rather than replacing them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import cast
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from supportqa.api.problems import status_of
from supportqa.errors import SupportQAError, Unauthenticated

Handler = Callable[[Request, Exception], Awaitable[Response]]
NOT_PAGES = ("/api/", "/healthz", "/static/", "/vendor/")


def wants_page(request: Request) -> bool:
    """A browser navigating to a page: it accepts HTML and the path is not the API's."""
    path = request.url.path
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not path.startswith(NOT_PAGES)


def login_redirect(request: Request) -> RedirectResponse:
    """To the login form, coming back here after (a relative path on this site only)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here, safe='')}", status_code=303)


def error_page(
    templates: Jinja2Templates, request: Request, status: int, detail: str | None
) -> HTMLResponse:
    principal = getattr(request.state, "principal", None)
    return templates.TemplateResponse(
        request,
        "error.html",
        {
            "status": status,
            "title": HTTPStatus(status).phrase,
            "detail": detail,
            "principal": principal,
        },
        status_code=status,
    )


def _status_and_detail(exc: Exception) -> tuple[int, str | None]:
    if isinstance(exc, SupportQAError):
        return status_of(exc), str(exc)
    if isinstance(exc, HTTPException):
        return exc.status_code, exc.detail if isinstance(exc.detail, str) else None
    return 422, "the request's parameters are not valid"


def install(app: FastAPI, templates: Jinja2Templates) -> None:
    """Wrap the app's error handlers (install after `api.problems.install`)."""
    for kind in (SupportQAError, HTTPException, RequestValidationError):
        fallback = cast(Handler, app.exception_handlers[kind])

        def handler(fallback: Handler) -> Handler:
            async def answer(request: Request, exc: Exception) -> Response:
                if not wants_page(request):
                    return await fallback(request, exc)
                if isinstance(exc, Unauthenticated):
                    return login_redirect(request)
                status, detail = _status_and_detail(exc)
                if status == 404:
                    detail = "No such page, or not one you may see."
                return error_page(templates, request, status, detail)

            return answer

        app.add_exception_handler(kind, handler(fallback))

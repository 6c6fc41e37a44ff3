"""Pages: log in and log out (the dashboard and conversations have modules of their own).
Server-rendered with Jinja2 (autoescape on: data is always text), readable without JavaScript;
the API's auth dependencies guard them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from supportqa.api.security import (
    CSRF_FIELD,
    SESSION_COOKIE,
    address_of,
    allow,
    now_of,
    public,
    settings_of,
    workspace_of,
)
from supportqa.errors import Throttled, Unauthenticated
from supportqa.services import auth
from supportqa.services.permissions import Action, Principal
from supportqa.web import csrf

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


def secret_of(request: Request) -> str:
    """The app secret, read (or generated into the database) once per app."""
    cached: str | None = getattr(request.app.state, "secret", None)
    if cached is None:
        cached = auth.app_secret(workspace_of(request), settings_of(request))
        request.app.state.secret = cached
    return cached


def _secure(request: Request) -> bool:
    url = settings_of(request).public_url
    return bool(url) and str(url).lower().startswith("https://")


def _local(target: str | None) -> str:
    """Only a path on this site is a redirect target (no `//evil.example` or `https://…`)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _login_page(
    request: Request, *, status: int = 200, error: str | None = None, next_path: str = "/"
) -> HTMLResponse:
    token, cookie = csrf.issue(secret_of(request))
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"csrf_token": token, "error": error, "next": next_path, "csrf_field": CSRF_FIELD},
        status_code=status,
    )
    response.set_cookie(
        csrf.COOKIE, cookie, httponly=True, samesite="lax", secure=_secure(request), path="/login"
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, _: Annotated[None, Depends(public())], next: str | None = None
) -> HTMLResponse:
    return _login_page(request, next_path=_local(next))


@router.post("/login", response_model=None)
def login(
    request: Request,
    _: Annotated[None, Depends(public())],
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the form's CSRF pair, then the password; a new session id at every login (an old
    session cookie sent along is ended)."""
    target = _local(next)
    if not csrf.valid(secret_of(request), request.cookies.get(csrf.COOKIE), csrf_token):
        return _login_page(
            request, status=403, error="The form expired: please log in again.", next_path=target
        )
    try:
        started = auth.login(
            workspace_of(request),
            email,
            password,
            address=address_of(request),
            settings=settings_of(request),
            now=now_of(request),
        )
    except Throttled as exc:
        page = _login_page(request, status=429, error=str(exc), next_path=target)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except Unauthenticated as exc:
        return _login_page(request, status=401, error=str(exc), next_path=target)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:
        auth.end_session(workspace_of(request), previous, address=address_of(request))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        started.session_id,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(csrf.COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request, principal: Annotated[Principal, Depends(allow(Action.READ_ME))]
) -> RedirectResponse:
    """End the session (a POST with the CSRF token, never a GET)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if principal.via == "session" and session_id:
        auth.end_session(workspace_of(request), session_id, address=address_of(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

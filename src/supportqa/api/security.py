"""Who is asking, and whether they may: the authentication dependency and the per-route action.

A request is authenticated by a bearer token when it sends `Authorization: Bearer …` (a cookie sent
with it is ignored: token requests need no CSRF token), else by the session cookie — and then every
unsafe method (POST, PUT, PATCH, DELETE) must carry the session's CSRF token in `X-CSRF-Token` or the
form field `csrf_token`. Every route declares what it does with `Depends(allow(Action.X))`, or
`Depends(public())`; the authorisation test walks `app.routes` and fails on a route with neither.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from supportqa.errors import Forbidden, Unauthenticated
from supportqa.services import auth
from supportqa.services.permissions import Action, Principal
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings

SESSION_COOKIE = "supportqa_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ACTION_MARK = "__supportqa_action__"
"""Set on every dependency `allow`/`public` returns: the action (or "public") it declares."""
PUBLIC = "public"


def workspace_of(request: Request) -> Workspace:
    workspace: Workspace = request.app.state.workspace
    return workspace


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def now_of(request: Request) -> datetime:
    """The app's clock (tests move it; the server's is the wall clock)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def address_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthenticated("the Authorization header must be `Bearer <token>`")
    return value.strip()


async def _csrf_sent(request: Request) -> str | None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    return sent


async def authenticate(request: Request) -> Principal:
    """The request's principal (cached on the request); 401 without valid credentials, 403 for a
    session request that changes state without its CSRF token."""
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    workspace, now = workspace_of(request), now_of(request)
    token = _bearer(request)
    if token is not None:
        principal = auth.token_principal(workspace, token, now=now)
        if principal is None:
            raise Unauthenticated("the token is unknown, revoked or expired")
    else:
        session_id = request.cookies.get(SESSION_COOKIE)
        found = (
            None
            if not session_id
            else auth.session_principal(
                workspace, session_id, settings=settings_of(request), now=now
            )
        )
        if found is None:
            raise Unauthenticated("log in at /login, or send `Authorization: Bearer <token>`")
        principal, csrf = found
        if request.method not in SAFE_METHODS:
            sent = await _csrf_sent(request)
            if sent is None or not hmac.compare_digest(sent, csrf):
                raise Forbidden(
                    f"missing or wrong CSRF token: send the {CSRF_HEADER} header "
                    f"(or the form's {CSRF_FIELD} field) with a session cookie"
                )
        request.state.csrf = csrf
    request.state.principal = principal
    return principal


def allow(action: Action) -> Callable[[Request], Awaitable[Principal]]:
    """The dependency a route declares its action with: the authenticated principal, or 403 when
    the permission table (or a read-only token) does not allow `action`."""

    async def dependency(request: Request) -> Principal:
        principal = await authenticate(request)
        if not principal.may(action):
            scope = " with a read-only token" if principal.read_only else ""
            raise Forbidden(f"a {principal.role.value}{scope} may not {action.value}")
        return principal

    setattr(dependency, ACTION_MARK, action)
    return dependency


def public() -> Callable[[], None]:
    """The dependency of routes anyone may call (health, the login page)."""

    def dependency() -> None:
        return None

    setattr(dependency, ACTION_MARK, PUBLIC)
    return dependency


def declared_action(route: Any) -> Action | str | None:
    """The action a route declared (`public` for public routes), else None."""
    root = getattr(route, "dependant", None)
    stack = list(root.dependencies) if root is not None else []
    while stack:
        dependant = stack.pop()
        mark = getattr(dependant.call, ACTION_MARK, None)
        if mark is not None:
            return mark  # type: ignore[no-any-return]
        stack.extend(dependant.dependencies)
    return None


def now_utc() -> datetime:
    return datetime.now(UTC)


def served_routes(app: Any) -> list[tuple[str, str, Any]]:
    """(method, full path, route) of every route `app.routes` serves, included routers flattened
    (FastAPI keeps an included router as one entry); a Mount or a plain Starlette route comes as
    ("*", path, route)."""
    found: list[tuple[str, str, Any]] = []
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is None:
            methods = getattr(route, "methods", None) or {"*"}
            found.extend((m, route.path, route) for m in sorted(methods))
            continue
        for context in contexts():
            methods = getattr(context, "methods", None) or {"*"}
            found.extend((m, context.path, context.original_route) for m in sorted(methods))
    return found

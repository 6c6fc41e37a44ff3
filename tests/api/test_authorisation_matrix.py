"""Every route declares its action, and every role gets exactly what the permission table says.

Routes added later are covered automatically: a route without a declaration fails, and a route
without an entry in `REQUESTS` (its minimal valid request) fails too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from supportqa.api.app import OPENAPI_URL
from supportqa.api.security import PUBLIC, declared_action, served_routes
from supportqa.services import tokens
from supportqa.services.permissions import PERMISSIONS, Action, Role
from tests.api.conftest import Served
from tests.api.seed import KEY, SCORECARD


@dataclass(frozen=True)
class Call:
    """A minimal valid request; `path` may use {user_id} / {token_id} (filled per test)."""

    path: str
    json: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    ok: frozenset[int] = field(default_factory=lambda: frozenset({200, 201}))


def _new_user(role: Role) -> dict[str, Any]:
    return {"email": f"new-{role.value}@example.com", "role": "viewer", "password": "x" * 12}


def _seen(role: Role) -> frozenset[int]:
    """The matrix's agent is linked to no identity: every conversation is out of their scope."""
    return frozenset({404 if role is Role.AGENT else 200})


def _review() -> dict[str, Any]:
    return {"conversation": "jsonl/c1", "ratings": {KEY: 1}, "comment": "Friendly and exact"}


def _override() -> dict[str, Any]:
    return {"conversation": "c1", "criterion": KEY, "value": 0, "reason_code": "incorrect_score",
            "comment": "No greeting at all"}  # fmt: skip


REQUESTS: dict[tuple[str, str], Callable[[Role], Call]] = {
    ("GET", "/healthz"): lambda r: Call("/healthz"),
    ("GET", "/login"): lambda r: Call("/login"),
    ("POST", "/login"): lambda r: Call("/login", data={"email": "x@y.z", "password": "p"},
                                       ok=frozenset({403})),  # no CSRF pair: the form's own check
    ("POST", "/logout"): lambda r: Call("/logout", ok=frozenset({303})),
    ("GET", "/"): lambda r: Call("/"),
    ("GET", "/conversations"): lambda r: Call("/conversations"),
    ("GET", "/conversations/{source}/{id}"): lambda r: Call("/conversations/jsonl/none",
                                                            ok=frozenset({404})),  # no data here
    ("GET", "/vendor/plotly.min.js"): lambda r: Call("/vendor/plotly.min.js"),
    ("GET", "/vendor/plotly.css"): lambda r: Call("/vendor/plotly.css"),
    ("GET", "/api/v1/me"): lambda r: Call("/api/v1/me"),
    ("GET", "/api/v1/users"): lambda r: Call("/api/v1/users"),
    ("POST", "/api/v1/users"): lambda r: Call("/api/v1/users", json=_new_user(r)),
    ("PATCH", "/api/v1/users/{user_id}"): lambda r: Call("/api/v1/users/{user_id}",
                                                         json={"name": "Renamed"}),
    ("POST", "/api/v1/users/{user_id}/tokens"): lambda r: Call("/api/v1/users/{user_id}/tokens",
                                                               json={"name": "script"}),
    ("DELETE", "/api/v1/tokens/{token_id}"): lambda r: Call("/api/v1/tokens/{token_id}"),
    ("GET", "/api/v1/conversations"): lambda r: Call("/api/v1/conversations?q=refund"),
    ("GET", "/api/v1/conversations/{source}/{conversation_id}"): lambda r: Call(
        "/api/v1/conversations/jsonl/c1", ok=_seen(r)),
    ("POST", "/api/v1/reviews"): lambda r: Call("/api/v1/reviews", json=_review()),
    ("GET", "/api/v1/reviews"): lambda r: Call("/api/v1/reviews?kind=ai"),
    ("POST", "/api/v1/overrides"): lambda r: Call("/api/v1/overrides", json=_override()),
    ("GET", "/api/v1/scorecards"): lambda r: Call("/api/v1/scorecards"),
    ("GET", "/api/v1/scorecards/{name}/versions/{version}"): lambda r: Call(
        f"/api/v1/scorecards/{SCORECARD.name}/versions/{SCORECARD.version}"),
    ("GET", "/api/v1/analytics/{section}"): lambda r: Call("/api/v1/analytics/overview"),
    ("GET", "/api/v1/audit"): lambda r: Call("/api/v1/audit"),
    ("GET", "/api/v1/jobs"): lambda r: Call("/api/v1/jobs"),
    **{
        (method, f"/api/v1{path}"): (lambda p: lambda r: Call(p, ok=frozenset({501})))(
            f"/api/v1{path}"
        )
        for path in ("/assignments", "/calibration-sessions", "/disputes", "/coaching-sessions",
                     "/connections")
        for method in ("GET", "POST")
    },
}  # fmt: skip


def _routes(served: Served) -> list[tuple[str, str, APIRoute]]:
    return [
        (m, p, route) for m, p, route in served_routes(served.app) if isinstance(route, APIRoute)
    ]


def test_every_route_declares_an_action_or_public(served: Served) -> None:
    undeclared = []
    for method, path, route in served_routes(served.app):
        if isinstance(route, APIRoute):
            if declared_action(route) is None:
                undeclared.append(f"{method} {path}")
        elif isinstance(route, Mount) and path == "/static":
            continue  # our own CSS and scripts, public
        elif isinstance(route, Route) and path == OPENAPI_URL:
            continue  # the schema is public
        else:
            undeclared.append(f"{method} {path}")
    assert undeclared == []


def test_every_route_has_a_minimal_request_in_the_matrix(served: Served) -> None:
    routes = {(method, path) for method, path, _ in _routes(served)}
    assert routes - set(REQUESTS) == set(), "add the new routes' minimal requests to REQUESTS"


def test_every_action_is_in_the_permission_table() -> None:
    assert set(PERMISSIONS) == set(Action)


def _fill(served: Served, call: Call) -> str:
    """The path with a real user (the viewer) and a fresh token of theirs."""
    victim = served.ids[Role.VIEWER]
    token = tokens.create_token(served.workspace, victim, actor="test").info.id
    return call.path.format(user_id=victim, token_id=token)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_call_exactly_what_the_table_allows(served: Served, role: Role) -> None:
    client = served.client()
    for method, path, route in _routes(served):
        action = declared_action(route)
        call = REQUESTS[(method, path)](role)
        url = _fill(served, call)
        response = client.request(
            method, url, json=call.json, data=call.data, headers=served.bearer(role),
            follow_redirects=False,
        )  # fmt: skip
        where = f"{role.value} {method} {path}: {response.status_code} {response.text[:200]}"
        if action == PUBLIC or (isinstance(action, Action) and role in PERMISSIONS[action]):
            assert response.status_code in call.ok, where
        else:
            assert response.status_code == 403, where
            assert response.headers["content-type"] == "application/problem+json", where


def test_without_credentials_every_non_public_route_answers_401(served: Served) -> None:
    client = served.client()
    for method, path, route in _routes(served):
        if declared_action(route) == PUBLIC:
            continue
        call = REQUESTS[(method, path)](Role.ADMIN)
        response = client.request(method, _fill(served, call), json=call.json)
        assert response.status_code == 401, f"{method} {path}: {response.status_code}"


def test_a_read_only_token_reads_but_every_write_is_403(served: Served) -> None:
    token = tokens.create_token(
        served.workspace, served.ids[Role.ADMIN], actor="test", read_only=True
    ).token
    client = served.client()
    for method, path, route in _routes(served):
        action = declared_action(route)
        if not isinstance(action, Action):
            continue
        call = REQUESTS[(method, path)](Role.ADMIN)
        response = client.request(
            method, _fill(served, call), json=call.json, data=call.data,
            headers={"Authorization": f"Bearer {token}"}, follow_redirects=False,
        )  # fmt: skip
        if action.reads:
            assert response.status_code in call.ok, f"{method} {path}"
        else:
            assert response.status_code == 403, f"{method} {path}: {response.status_code}"

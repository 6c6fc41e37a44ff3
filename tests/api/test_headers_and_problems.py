"""Security headers on every response; errors as application/problem+json."""

from __future__ import annotations

import pytest

from supportqa.services.permissions import Role
from tests.api.conftest import Served


@pytest.mark.parametrize(
    "path", ["/login", "/healthz", "/api/v1/me", "/static/app.css", "/api/openapi.json", "/nope"]
)
def test_every_response_carries_the_security_headers(served: Served, path: str) -> None:
    response = served.client().get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_errors_are_problem_json_with_status_title_and_detail(served: Served) -> None:
    client = served.client()
    cases = {
        401: client.get("/api/v1/me"),
        403: client.get("/api/v1/audit", headers=served.bearer(Role.AGENT)),
        404: client.patch(
            "/api/v1/users/999", json={"name": "x"}, headers=served.bearer(Role.ADMIN)
        ),
        422: client.post("/api/v1/users", json={"email": 1}, headers=served.bearer(Role.ADMIN)),
        400: client.post(
            "/api/v1/users",
            json={"email": "not-an-email", "role": "agent"},
            headers=served.bearer(Role.ADMIN),
        ),
        501: client.get("/api/v1/disputes", headers=served.bearer(Role.LEAD)),
    }
    for status, response in cases.items():
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert cases[401].headers["www-authenticate"] == "Bearer"
    assert cases[422].json()["errors"][0]["loc"][0] == "body"


def test_the_openapi_schema_lists_the_api_and_not_the_pages(served: Served) -> None:
    paths = served.client().get("/api/openapi.json").json()["paths"]
    assert "/api/v1/users/{user_id}/tokens" in paths and "/healthz" in paths
    assert "/login" not in paths

"""Login, sessions, CSRF, tokens, throttling and no enumeration, over HTTP (TestClient)."""

from __future__ import annotations

import statistics
import time

from fastapi.testclient import TestClient

from supportqa.api.security import SESSION_COOKIE
from supportqa.services import audit, users
from supportqa.services.permissions import Role
from supportqa.settings import Settings
from supportqa.storage import Database
from tests.api.conftest import PASSWORD, Served, email_of, log_in, make_served

NEW_USER = {"email": "new@example.com", "role": "viewer", "password": "x" * 12}


def _csrf(client: TestClient) -> str:
    token = client.get("/api/v1/me").json()["csrf_token"]
    assert token
    return str(token)


def test_a_session_post_without_the_csrf_token_is_403_and_with_it_goes_through(
    served: Served,
) -> None:
    with served.client() as client:
        assert log_in(client, email_of(Role.ADMIN)).status_code == 303  # type: ignore[attr-defined]
        refused = client.post("/api/v1/users", json=NEW_USER)
        assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
        wrong = client.post("/api/v1/users", json=NEW_USER, headers={"X-CSRF-Token": "guess"})
        assert wrong.status_code == 403
        done = client.post("/api/v1/users", json=NEW_USER, headers={"X-CSRF-Token": _csrf(client)})
        assert done.status_code == 201, done.text


def test_a_bearer_request_needs_no_csrf_and_ignores_a_cookie_sent_with_it(served: Served) -> None:
    with served.client() as client:
        log_in(client, email_of(Role.ADMIN))
        viewer = client.get("/api/v1/me", headers=served.bearer(Role.VIEWER)).json()
        assert (viewer["email"], viewer["via"]) == (email_of(Role.VIEWER), "token")
        # the admin's cookie does not lend its role to the viewer's token
        refused = client.post("/api/v1/users", json=NEW_USER, headers=served.bearer(Role.VIEWER))
        assert refused.status_code == 403
        made = client.post("/api/v1/users", json=NEW_USER, headers=served.bearer(Role.ADMIN))
        assert made.status_code == 201
        bad = client.get("/api/v1/me", headers={"Authorization": "Bearer sqa_nope_nope"})
        assert bad.status_code == 401  # a bad token is not rescued by the cookie


def test_login_rotates_the_session_and_logout_ends_it(served: Served) -> None:
    with served.client() as client:
        log_in(client, email_of(Role.REVIEWER))
        first = client.cookies[SESSION_COOKIE]
        log_in(client, email_of(Role.REVIEWER))
        second = client.cookies[SESSION_COOKIE]
        assert first != second
        stale = served.client()
        stale.cookies.set(SESSION_COOKIE, first)
        assert stale.get("/api/v1/me").status_code == 401  # the old id died at the new login
        assert client.post("/logout").status_code == 403  # no CSRF token: not logged out
        out = client.post("/logout", data={"csrf_token": _csrf(client)}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
        again = served.client()
        again.cookies.set(SESSION_COOKIE, second)
        assert again.get("/api/v1/me").status_code == 401


def test_session_cookies_are_httponly_and_lax_and_secure_behind_https(db: Database) -> None:
    for public_url, secure in ((None, False), ("https://qa.example.com", True)):
        config = Settings(secret_key="s" * 32, public_url=public_url)
        served = make_served(db, config, again=secure)
        with served.client(base_url="https://testserver") as client:
            response = log_in(client, email_of(Role.AGENT))
            cookie = next(
                c
                for c in response.headers.get_list("set-cookie")
                if c.startswith(SESSION_COOKIE)  # type: ignore[attr-defined]
            )
            assert "HttpOnly" in cookie and "SameSite=lax" in cookie
            assert ("Secure" in cookie) is secure


def test_a_session_expires_when_idle_and_at_the_absolute_limit(served: Served) -> None:
    settings = Settings()
    with served.client() as client:
        log_in(client, email_of(Role.VIEWER))
        served.clock.advance(seconds=settings.session_idle_s - 60)
        assert client.get("/api/v1/me").status_code == 200
        served.clock.advance(seconds=settings.session_idle_s + 1)
        assert client.get("/api/v1/me").status_code == 401
        log_in(client, email_of(Role.VIEWER))
        step = settings.session_idle_s / 2  # used every 4 h: never idle
        alive = 0
        while client.get("/api/v1/me").status_code == 200:
            alive += 1
            served.clock.advance(seconds=step)
        assert alive == int(settings.session_absolute_s // step) + 1  # to the limit, then no more


def test_disabling_a_user_through_the_api_ends_their_sessions_and_tokens(served: Served) -> None:
    with served.client() as client:
        log_in(client, email_of(Role.REVIEWER))
        assert client.get("/api/v1/me").status_code == 200
        admin = served.client()
        changed = admin.patch(
            f"/api/v1/users/{served.ids[Role.REVIEWER]}",
            json={"disabled": True},
            headers=served.bearer(Role.ADMIN),
        )
        assert changed.status_code == 200 and changed.json()["disabled"] is True
        assert client.get("/api/v1/me").status_code == 401
        assert admin.get("/api/v1/me", headers=served.bearer(Role.REVIEWER)).status_code == 401


def test_a_revoked_token_is_refused_at_its_next_request(served: Served) -> None:
    client = served.client()
    made = client.post(
        f"/api/v1/users/{served.ids[Role.LEAD]}/tokens",
        json={"name": "script", "read_only": True},
        headers=served.bearer(Role.ADMIN),
    ).json()
    headers = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/me", headers=headers).json()["read_only"] is True
    gone = client.delete(f"/api/v1/tokens/{made['info']['id']}", headers=served.bearer(Role.ADMIN))
    assert gone.status_code == 200 and gone.json()["revoked_at"]
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_five_failed_logins_answer_429_with_retry_after_shared_by_two_apps(db: Database) -> None:
    one, two = make_served(db), make_served(db, again=True)
    with one.client() as first, two.client() as second:
        for k in range(5):
            client = first if k % 2 else second
            assert log_in(client, email_of(Role.AGENT), "wrong password").status_code == 401  # type: ignore[attr-defined]
        for client in (first, second):
            refused = log_in(client, email_of(Role.AGENT), PASSWORD)
            assert refused.status_code == 429  # type: ignore[attr-defined]
            assert int(refused.headers["retry-after"]) > 0  # type: ignore[attr-defined]
        # another e-mail from the same address is still heard (20 would be needed for that)
        assert log_in(first, email_of(Role.VIEWER)).status_code == 303  # type: ignore[attr-defined]


def test_unknown_and_known_emails_get_the_same_answer_in_the_same_time(served: Served) -> None:
    def attempt(email: str) -> tuple[int, str, float]:
        with served.client() as client:
            started = time.perf_counter()
            response = log_in(client, email, "wrong password")
            took = time.perf_counter() - started
            text = response.text.split('name="csrf_token"')[0]  # type: ignore[attr-defined]
            return response.status_code, text, took  # type: ignore[attr-defined]

    known = [attempt(email_of(Role.AGENT)) for _ in range(3)]
    unknown = [attempt(f"nobody{k}@example.com") for k in range(3)]
    assert {(s, t) for s, t, _ in known} == {(s, t) for s, t, _ in unknown}
    assert known[0][0] == 401
    median_known = statistics.median(t for *_, t in known)
    median_unknown = statistics.median(t for *_, t in unknown)
    assert abs(median_known - median_unknown) < 0.5 * max(median_known, median_unknown)


def test_a_login_form_without_its_csrf_cookie_is_refused(served: Served) -> None:
    with served.client() as client:
        page = client.get("/login")
        assert page.status_code == 200
        client.cookies.clear()
        form = {"email": email_of(Role.ADMIN), "password": PASSWORD, "csrf_token": "forged"}
        refused = client.post("/login", data=form, follow_redirects=False)
        assert refused.status_code == 403 and SESSION_COOKIE not in client.cookies


def test_login_redirects_only_to_local_paths(served: Served) -> None:
    with served.client() as client:
        for target, expected in (("/api/v1/me", "/api/v1/me"), ("//evil.example/x", "/"),
                                 ("https://evil.example/", "/")):  # fmt: skip
            response = log_in(client, email_of(Role.AGENT), next=target)
            assert response.headers["location"] == expected  # type: ignore[attr-defined]


def test_api_writes_and_logins_are_audited_with_the_authenticated_actor(served: Served) -> None:
    client = served.client()
    client.post("/api/v1/users", json=NEW_USER, headers=served.bearer(Role.ADMIN))
    with served.client() as browser:
        log_in(browser, "nobody@example.com")
    entries = audit.entries(served.workspace, limit=2)
    assert [(e.action, e.actor) for e in entries] == [
        ("login.failed", None),
        ("user.add", email_of(Role.ADMIN)),
    ]
    assert users.list_users(served.workspace)[-1].email == "viewer@example.com"

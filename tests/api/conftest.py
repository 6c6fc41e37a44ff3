"""An app over a fresh database (SQLite and PostgreSQL) seeded with three scored conversations
(`tests.api.seed`), a clock the tests move, and one user (with a bearer token) per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from supportqa.api import create_app
from supportqa.services import tokens, users
from supportqa.services.permissions import Role
from supportqa.settings import Settings
from supportqa.storage import Database, Repository
from tests.api.seed import seed

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class Served:
    app: FastAPI
    workspace: Repository
    clock: Clock
    tokens: dict[Role, str] = field(default_factory=dict)
    ids: dict[Role, int] = field(default_factory=dict)

    def client(self, **kw: object) -> TestClient:
        return TestClient(self.app, raise_server_exceptions=False, **kw)  # type: ignore[arg-type]

    def bearer(self, role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def email_of(role: Role) -> str:
    return f"{role.value}@example.com"


def make_served(db: Database, settings: Settings | None = None, *, again: bool = False) -> Served:
    """An app over `db`; `again`: another app (another server process) over the same database,
    whose users the first one made."""
    workspace, clock = Repository(db), Clock()
    app = create_app(
        settings=settings or Settings(secret_key="s" * 32), workspace=workspace, clock=clock
    )
    served = Served(app, workspace, clock)
    if again:
        return served
    seed(workspace)
    for role in Role:
        info, _ = users.add_user(
            workspace, email_of(role), role.value, actor="test", password=PASSWORD, now=T0
        )
        served.ids[role] = info.id
        served.tokens[role] = tokens.create_token(workspace, info.id, actor="test", now=T0).token
    return served


@pytest.fixture
def served(db: Database) -> Served:
    return make_served(db)


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def log_in(client: TestClient, email: str, password: str = PASSWORD, **kw: str) -> object:
    """GET the form, then POST it with its CSRF token; the POST's response."""
    page = client.get("/login")
    found = CSRF_INPUT.search(page.text)
    assert found, page.text
    form = {"email": email, "password": password, "csrf_token": found.group(1), **kw}
    return client.post("/login", data=form, follow_redirects=False)


@pytest.fixture
def browser(served: Served) -> Iterator[TestClient]:
    """A client logged in as the reviewer by session cookie."""
    with served.client() as client:
        response = log_in(client, email_of(Role.REVIEWER))
        assert response.status_code == 303  # type: ignore[attr-defined]
        yield client

"""A seeded workspace behind the app: in-process (TestClient) for the page tests, and a real
uvicorn on a loopback port for the browser tests (tests/web/browser.py)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from supportqa.api import create_app
from supportqa.services.permissions import Role
from supportqa.settings import Settings
from supportqa.storage import Database, Repository
from tests.api.conftest import log_in
from tests.conftest import postgres_schema
from tests.web.browser import Tab, Watched, chromium_or_skip, serving
from tests.web.seed import PASSWORD, add_users, email_of, seed

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def seeded(db: Database) -> Repository:
    repo = Repository(db)
    seed(repo)
    add_users(repo)
    return repo


@pytest.fixture
def app(seeded: Repository) -> FastAPI:
    return create_app(settings=Settings(secret_key="s" * 32), workspace=seeded)


def logged_in(app: FastAPI, role: Role) -> TestClient:
    client = TestClient(app, raise_server_exceptions=True, headers=HTML)
    response = log_in(client, email_of(role), PASSWORD)
    assert response.status_code == 303, getattr(response, "text", "")  # type: ignore[attr-defined]
    return client


@pytest.fixture
def reviewer(app: FastAPI) -> Iterator[TestClient]:
    with logged_in(app, Role.REVIEWER) as client:
        yield client


@pytest.fixture
def agent(app: FastAPI) -> Iterator[TestClient]:
    with logged_in(app, Role.AGENT) as client:
        yield client


# --- the browser tests ---------------------------------------------------------------------

ARTIFACTS_ENV = "SUPPORTQA_TEST_ARTIFACTS"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if report.when == "call":  # type: ignore[attr-defined]
        item.stash[FAILED] = report.failed  # type: ignore[attr-defined]
    return report


FAILED = pytest.StashKey[bool]()


def artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where failing browser tests leave a screenshot and the page's HTML: $SUPPORTQA_TEST_
    ARTIFACTS (CI uploads it), else a temporary directory (its path is printed)."""
    chosen = os.environ.get(ARTIFACTS_ENV)
    path = Path(chosen) if chosen else tmp_path_factory.mktemp("browser-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


def _live(db_url: str) -> Iterator[str]:
    database = Database.open(db_url, create=True)
    repo = Repository(database)
    seed(repo)
    add_users(repo)
    app = create_app(settings=Settings(secret_key="s" * 32), workspace=repo)
    try:
        with serving(app) as base:
            yield base
    finally:
        database.dispose()


@pytest.fixture(scope="module")
def live_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seeded app served over SQLite: its base URL."""
    yield from _live(f"sqlite:///{tmp_path_factory.mktemp('live') / 'qa.db'}")


@pytest.fixture(scope="module")
def live_postgres() -> Iterator[str]:
    with postgres_schema("web") as url:
        yield from _live(url)


@pytest.fixture
def tab(
    chromium: Any, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tab]:
    """A fresh browser context's page, watched; on failure its screenshot and HTML are kept."""
    context = chromium.new_context()
    context.set_default_timeout(10_000)
    found = Tab(context.new_page(), Watched())
    found.watched.attach(found.page)
    yield found
    tab = found.page
    if request.node.stash.get(FAILED, False):
        where = artifacts_dir(tmp_path_factory)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(where / f"{name}.png"), full_page=True)
        (where / f"{name}.html").write_text(tab.content(), encoding="utf-8")
        print(f"browser artefacts: {where / name}.png and .html")
    context.close()

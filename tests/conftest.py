"""Shared fixtures. A fresh database per test: SQLite in tmp_path, and PostgreSQL when
SUPPORTQA_TEST_POSTGRES_URL is set.

Each PostgreSQL test gets a schema of its own (dropped afterwards) through the search_path. Without
the variable those tests are skipped with the reason, except under CI=true, where they fail: a skip
there would hide a gap.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from supportqa.storage import Database, Repository

POSTGRES_ENV = "SUPPORTQA_TEST_POSTGRES_URL"


def postgres_url_or_skip() -> str:
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        reason = (
            f"PostgreSQL tests need {POSTGRES_ENV}, "
            "e.g. postgresql+psycopg://postgres@127.0.0.1:55432/postgres"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: not skipping)")
        pytest.skip(reason)
    return url


@contextmanager
def postgres_schema(prefix: str = "test") -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a schema of its own, dropped afterwards."""
    base = postgres_url_or_skip()
    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'qa.db'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url, create=True)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def repo(db: Database) -> Repository:
    return Repository(db)

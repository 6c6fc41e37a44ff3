"""procrastinate, PostgreSQL's job queue, seen from our own connection.

procrastinate keeps its jobs in the same database as ours (its schema is installed by migration
0009, in the same schema). Deferring and cancelling go through its versioned SQL functions on the
connection that writes our `jobs` row, so a job is recorded and queued in one transaction, or not at
all. The worker itself (`supportqa.jobs.postgres`) uses procrastinate's Python API.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import orjson
from sqlalchemy import Connection, text
from sqlalchemy.engine import URL, make_url

from supportqa.errors import ConfigError, MissingExtraError

PINNED_VERSION = "3.10.0"
"""The procrastinate whose schema migration 0009 installs (pyproject pins the same)."""
QUEUE = "supportqa"
TASK = "supportqa.job"
"""The one procrastinate task: it runs our job `job_id` (`supportqa.jobs.postgres`)."""


def require_pinned() -> None:
    """procrastinate must be the version whose schema the migrations install: another one would
    install, or run against, a schema of another shape."""
    try:
        installed = version("procrastinate")
    except PackageNotFoundError:
        raise MissingExtraError(
            "background jobs on PostgreSQL", "postgres", "procrastinate"
        ) from None
    if installed != PINNED_VERSION:
        raise ConfigError(
            f"procrastinate {installed} is installed, but supportqa's job queue schema is "
            f"procrastinate {PINNED_VERSION}'s: pip install 'procrastinate=={PINNED_VERSION}'"
        )


def procrastinate_schema() -> str:
    """procrastinate's schema SQL, with `%` doubled for the DB-API (no parameters are bound)."""
    require_pinned()
    schema = import_module("procrastinate.schema")
    sql: str = schema.SchemaManager.get_schema()
    return sql.replace("%", "%%")


def conninfo(url: str | URL) -> str:
    """A libpq connection string for procrastinate (psycopg) from our SQLAlchemy URL: the driver
    suffix goes, the query (e.g. `options=-csearch_path=...`) stays, so its tables are ours."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def defer(connection: Connection, job_id: int, lock: str | None) -> int:
    """Queue procrastinate's task for our job `job_id` under `lock`; procrastinate's job id."""
    row = connection.execute(
        text(
            "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, NULL, "
            "CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1]))"
        ),
        {
            "queue": QUEUE,
            "task": TASK,
            "lock": lock,
            "args": orjson.dumps({"job_id": job_id}).decode(),
        },
    ).scalar_one()
    return int(row)


def cancel(connection: Connection, external_id: int) -> bool:
    """Cancel procrastinate's job while it is still waiting; False when it already started."""
    found = connection.execute(
        text("SELECT procrastinate_cancel_job_v1(:id, false, false)"), {"id": external_id}
    ).scalar()
    return found is not None


def status(connection: Connection, external_id: int) -> str | None:
    """procrastinate's own status of a job (todo, doing, succeeded, failed, cancelled, ...)."""
    found: Any = connection.execute(
        text("SELECT status::text FROM procrastinate_jobs WHERE id = :id"), {"id": external_id}
    ).scalar()
    return None if found is None else str(found)


def not_procrastinate(name: str | None, type_: str, _parents: Any) -> bool:
    """Alembic's `include_name` hook: procrastinate's tables are its own (installed whole by
    migration 0009), not ours to compare with `tables.metadata` or autogenerate; nor is the
    full-text index (SQLite's FTS5 table `conversation_search` with its shadow tables, PostgreSQL's
    `conversation_search_gin`: migration 0013, `storage.search`), which SQLAlchemy cannot describe."""
    found = name or ""
    if type_ == "table" and found.startswith("procrastinate_"):
        return False
    return not (type_ in ("table", "index") and found.startswith("conversation_search"))

"""Opening a workspace: the database a command, request or job works on.

`Workspace` is the handle adapters pass back into services without knowing what is behind it, so the
CLI and the API never import storage themselves."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from supportqa.settings import Settings
from supportqa.storage import Database, Repository
from supportqa.storage.migrator import MigrateMode

Workspace = Repository
"""The repository of one database; adapters treat it as opaque and hand it to services."""


@contextmanager
def open_database(
    db: str | None,
    *,
    settings: Settings | None = None,
    create: bool = False,
    migrate: MigrateMode = "auto",
) -> Iterator[Database]:
    """The database at `db` (else SUPPORTQA_DB), migrated to head under the migration lock.

    Only `init`, `import` and `demo` create a missing SQLite file: a mistyped `--db` elsewhere is an
    error naming `supportqa init`, and nothing is created."""
    config = settings or Settings()
    database = Database.open(
        db or config.db,
        create=create,
        migrate=migrate,
        busy_timeout_ms=config.sqlite_busy_timeout_ms,
    )
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def open_workspace(
    db: str | None,
    *,
    settings: Settings | None = None,
    create: bool = False,
    migrate: MigrateMode = "auto",
) -> Iterator[Workspace]:
    """The workspace at `db`, for the length of a command, request or job. A long-running process
    (a worker, a server) passes `migrate="check"`: it never migrates, it asks for `supportqa migrate`."""
    with open_database(db, settings=settings, create=create, migrate=migrate) as database:
        yield Repository(database)

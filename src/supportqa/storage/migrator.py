"""Schema migrations: atomic, one process at a time, and with a copy of a SQLite file kept until
they succeed.

The whole upgrade runs in one transaction (DDL and the Alembic version row commit together; a
killed process leaves the database at the revision it had). The transaction holds the migration
lock — `BEGIN IMMEDIATE` on SQLite, `pg_advisory_xact_lock` on PostgreSQL — and reads the revision
again once it has it, because another process may have migrated while this one waited.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from supportqa.errors import StorageError

if TYPE_CHECKING:
    from supportqa.storage.database import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

MigrateMode = Literal["auto", "check", "never"]
"""What `Database.open` does about an out-of-date schema: upgrade it, refuse to start, or nothing."""

MIGRATION_LOCK = 0x73716D6967726174
"""The PostgreSQL advisory-lock key every supportqa process migrates under ("sqmigrat")."""


@dataclass(frozen=True)
class MigrationResult:
    """What an upgrade did: the revision before and after, and whether this process migrated."""

    before: str | None
    after: str | None
    migrated: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configured in code, pointing at the packaged `migrations/` directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest migration this supportqa ships."""
    head = _scripts().get_current_head()
    assert head is not None, "the packaged migrations have one head"
    return head


def revision_of(connection: Connection) -> str | None:
    """The Alembic revision the connected database is at (None when never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def _require_known(db: Database, current: str | None) -> None:
    known = {script.revision for script in _scripts().walk_revisions()}
    if current is not None and current not in known:
        raise StorageError(
            f"cannot migrate database {db.url}: its schema revision {current!r} is unknown; it may "
            "have been written by a newer supportqa — upgrade supportqa or use another database"
        )


def check_schema(db: Database) -> None:
    """For long-running processes (a server, a worker), which never migrate on start: one line
    naming `supportqa migrate` when the schema is behind."""
    current = db.current_revision()
    _require_known(db, current)
    head = head_revision()
    if current != head:
        raise StorageError(
            f"database {db.url} is at schema revision {current or 'none'}, this supportqa needs "
            f"{head}: run `supportqa migrate --db {db.url}` first (long-running processes do not "
            "migrate on start)"
        )


def upgrade(db: Database, revision: str = "head") -> MigrationResult:
    """Upgrade to `revision` (default the head) in one locked transaction; a no-op, without taking
    the lock, when the database is already there."""
    try:
        script = _scripts().get_revision(revision)
    except CommandError as exc:
        raise StorageError(f"cannot migrate database {db.url}: {exc}") from None
    if script is None:
        raise StorageError(f"cannot migrate database {db.url}: no revision {revision!r}")
    target = script.revision
    before = db.current_revision()
    _require_known(db, before)
    if before == target:
        return MigrationResult(before, before, migrated=False)
    copy: Path | None = None
    try:
        with db.write_transaction() as connection:
            if db.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
                )
            current = revision_of(connection)
            _require_known(db, current)
            if current == target:
                return MigrationResult(before, current, migrated=False)
            if db.file is not None and current is not None:
                copy = _pre_migration_copy(db, db.file, current)
            command.upgrade(alembic_config(connection), revision)
    except CommandError as exc:
        raise StorageError(
            f"cannot migrate database {db.url}: {exc}; it may have been written by a newer "
            f"supportqa — upgrade supportqa or use another database{_kept(copy)}"
        ) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StorageError(
            f"cannot migrate database {db.url}: {reason}; the database was left as it was — check "
            f"that it is writable and not a database of another application{_kept(copy)}"
        ) from None
    if copy is not None:
        copy.unlink(missing_ok=True)
    return MigrationResult(before, target, migrated=True)


def _kept(copy: Path | None) -> str:
    return "" if copy is None else f" (a copy from before the migration is kept at {copy})"


def _pre_migration_copy(db: Database, file: Path, revision: str) -> Path:
    """`VACUUM INTO` a copy beside the file, read on a second connection while the migration lock
    is held (WAL lets a reader in), so it is the state the migration starts from."""
    target = file.with_name(f"{file.name}.pre-{revision}.bak")
    n = 1
    while target.exists():
        target = file.with_name(f"{file.name}.pre-{revision}.{n}.bak")
        n += 1
    try:
        reader = sqlite3.connect(file, isolation_level=None)
        try:
            reader.execute("VACUUM INTO ?", (str(target),))
        finally:
            reader.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise StorageError(
            f"cannot migrate database {db.url}: the copy before migrating ({target}) failed: "
            f"{exc}; free some disk space or make the folder writable, then run again"
        ) from None
    return target

"""Opening a database: URL or file path, SQLite tuning, and Alembic migrations run in code.

No alembic.ini is needed at runtime: the migration scripts ship inside the package and
`Database.open` upgrades to `head` (`storage/migrator.py`: one transaction, one process at a time).
On SQLite, SQLAlchemy emits `BEGIN` itself instead of pysqlite, so DDL is transactional too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from supportqa.errors import StorageError
from supportqa.storage.crash_hook import install_kill_hook
from supportqa.storage.migrator import (
    MIGRATIONS_DIR as MIGRATIONS_DIR,
)
from supportqa.storage.migrator import (
    MigrateMode,
    MigrationResult,
    check_schema,
    revision_of,
    upgrade,
)
from supportqa.storage.migrator import (
    alembic_config as alembic_config,
)
from supportqa.storage.rows import JsonText

DEFAULT_BUSY_TIMEOUT_MS = 30_000
"""The default of the `sqlite_busy_timeout_ms` setting."""
SQLITE_IMMEDIATE = "sqlite_immediate"
"""Execution option: a SQLite transaction begun on this connection is `BEGIN IMMEDIATE`."""


def database_url(value: str | Path) -> str:
    """A SQLAlchemy URL as given, or a file path turned into `sqlite:///PATH`."""
    if isinstance(value, Path):
        return f"sqlite:///{value.expanduser()}"
    text = value.strip()
    if not text:
        raise StorageError("empty database location: pass a file path or a SQLAlchemy URL")
    if "://" in text:
        return text
    if text == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(text).expanduser()}"


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite database, else None (a server or in-memory database). Files a
    workspace keeps beside its database (trained models, scorecard versions, coaching notes) go
    next to it, or in the working directory when there is no file."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(str(parsed.database)).expanduser()
    return None


def workspace_dir(url: str | URL) -> Path:
    """The folder beside a SQLite file, else the working directory."""
    file = sqlite_file(url)
    return file.resolve().parent if file is not None else Path.cwd()


def masked(url: str | URL) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return str(url)


def _sqlite_connect(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    """pysqlite's own transaction handling is switched off (`isolation_level = None`): it leaves DDL
    outside any transaction, so a killed migration kept tables without their version row. `BEGIN`
    is emitted by `_sqlite_begin` instead (SQLAlchemy's documented recipe)."""

    def connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    return connect


def _sqlite_begin(connection: Connection) -> None:
    """`BEGIN IMMEDIATE` takes the write lock up front (waiting up to the busy timeout), so a
    transaction that reads and then writes never fails to upgrade its lock halfway through."""
    immediate = connection.get_execution_options().get(SQLITE_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgres_settings(dbapi_connection: Any, _record: Any) -> None:
    """Plan every statement with its actual values: a generic plan made while a table was nearly
    empty (the first chunks of an import) would stay a sequential scan for the whole import."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    finally:
        cursor.close()
    dbapi_connection.commit()


def _json_dumps(value: Any) -> str:
    if isinstance(value, JsonText):
        return value
    return orjson.dumps(value).decode()


def _create_engine(url: URL, *, create: bool, busy_timeout_ms: int) -> Engine:
    options: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    sqlite = url.get_backend_name() == "sqlite"
    in_memory = sqlite and url.database in (None, "", ":memory:")
    if sqlite and url.database and not in_memory:
        file = Path(url.database).expanduser()
        if create:
            file.parent.mkdir(parents=True, exist_ok=True)
        elif not file.exists():
            raise StorageError(
                f"no database at {file}: create it with `supportqa init --db {file}` "
                "(or check the --db path for a typo)"
            )
    if in_memory:
        options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **options)
    if sqlite:
        event.listen(engine, "connect", _sqlite_connect(busy_timeout_ms))
        event.listen(engine, "begin", _sqlite_begin)
    elif url.get_backend_name() == "postgresql":
        event.listen(engine, "connect", _postgres_settings)
    install_kill_hook(engine)
    return engine


class Database:
    """An engine plus the knowledge of how it was opened; pass it explicitly (no global engine)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The URL with the password masked."""
        return masked(self.engine.url)

    @property
    def url_for_display(self) -> str:
        """Same as `url`: safe to print (password masked)."""
        return self.url

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def file(self) -> Path | None:
        """The SQLite file, else None (a server or an in-memory database)."""
        return sqlite_file(self.engine.url)

    @classmethod
    def open(
        cls,
        url_or_path: str | Path,
        *,
        create: bool = False,
        migrate: MigrateMode = "auto",
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> Database:
        """Open a database and bring its schema to head.

        `create=False` refuses a SQLite file that does not exist (a mistyped path must not become
        an empty database and folders); only `init`, `import` and `demo` create. `migrate`:
        `"auto"` upgrades under the migration lock (short-lived commands), `"check"` raises a
        `StorageError` naming `supportqa migrate` when the schema is behind (long-running
        processes never migrate on start), `"never"` leaves the schema alone.
        """
        url = database_url(url_or_path)
        shown = masked(url)
        try:
            engine = _create_engine(make_url(url), create=create, busy_timeout_ms=busy_timeout_ms)
        except ArgumentError as exc:
            raise StorageError(
                f"{shown}: not a database URL ({exc}); pass a file path or a URL such as "
                "sqlite:///qa.db or postgresql+psycopg://user@host/db"
            ) from None
        except ModuleNotFoundError as exc:
            raise StorageError(
                f"{shown}: the database driver {exc.name!r} is not installed; "
                "for PostgreSQL install supportqa[postgres]"
            ) from None
        except OSError as exc:
            raise StorageError(
                f"cannot create the directory for {shown}: {exc.strerror or exc}; "
                "choose a writable location"
            ) from None
        database = cls(engine)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except SQLAlchemyError as exc:
            engine.dispose()
            raise StorageError(
                f"cannot open database {shown}: {_reason(exc)}; check that it exists, is reachable "
                "and writable, or pass another location"
            ) from None
        try:
            if migrate == "auto":
                database.migrate()
            elif migrate == "check":
                check_schema(database)
        except BaseException:
            engine.dispose()
            raise
        return database

    def migrate(self, revision: str = "head") -> MigrationResult:
        """Upgrade the schema in one transaction under the migration lock; an error (or a kill)
        leaves the database as it was. See `storage/migrator.py`."""
        return upgrade(self, revision)

    def current_revision(self) -> str | None:
        """The Alembic revision the database is at (None when never migrated)."""
        with self.engine.connect() as connection:
            return revision_of(connection)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session that commits on success and rolls back on error."""
        with Session(self.engine) as session, session.begin():
            yield session

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """A transaction that will write: `BEGIN IMMEDIATE` on SQLite, so it holds the write lock
        from its first statement (read-then-write claims cannot deadlock or fail to upgrade their
        lock; concurrent writers wait up to the busy timeout); a plain transaction on PostgreSQL,
        where row locks (`FOR UPDATE SKIP LOCKED`) do that job. Commits on success."""
        with self.engine.connect() as connection:
            connection.execution_options(**{SQLITE_IMMEDIATE: True})
            with connection.begin():
                yield connection

    def dispose(self) -> None:
        """Close every pooled connection (call when done, e.g. at the end of a CLI command)."""
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url!r})"


def _reason(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__

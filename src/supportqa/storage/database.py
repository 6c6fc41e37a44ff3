"""Opening a database: URL or file path, SQLite tuning, and Alembic migrations run in code.

No alembic.ini is needed at runtime: the migration scripts ship inside the package and
`Database.open` upgrades to `head` on the connection it has just opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from supportqa.errors import StorageError
from supportqa.storage.rows import JsonText

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


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


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configured in code, pointing at the packaged `migrations/` directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


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


def _create_engine(url: URL) -> Engine:
    options: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    sqlite = url.get_backend_name() == "sqlite"
    in_memory = sqlite and url.database in (None, "", ":memory:")
    if sqlite and url.database and not in_memory:
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if in_memory:
        options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **options)
    if sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    elif url.get_backend_name() == "postgresql":
        event.listen(engine, "connect", _postgres_settings)
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

    @classmethod
    def open(cls, url_or_path: str | Path, *, migrate: bool = True) -> Database:
        """Open (creating a SQLite file and its directories if needed) and upgrade the schema."""
        url = database_url(url_or_path)
        shown = masked(url)
        try:
            engine = _create_engine(make_url(url))
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
        if migrate:
            database.migrate()
        return database

    def migrate(self, revision: str = "head") -> None:
        """Upgrade the schema; an error leaves a clear message and the database as it was."""
        try:
            with self.engine.begin() as connection:
                command.upgrade(alembic_config(connection), revision)
        except CommandError as exc:
            self.engine.dispose()
            raise StorageError(
                f"cannot migrate database {self.url}: {exc}; it may have been written by a newer "
                "supportqa — upgrade supportqa or use another database"
            ) from None
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StorageError(
                f"cannot migrate database {self.url}: {_reason(exc)}; check that it is writable "
                "and not a database of another application"
            ) from None

    def current_revision(self) -> str | None:
        """The Alembic revision the database is at (None when never migrated)."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """An ORM session that commits on success and rolls back on error."""
        with Session(self.engine) as session, session.begin():
            yield session

    @contextmanager
    def write_transaction(self) -> Iterator[Connection]:
        """A transaction that holds the write lock from its start (see the db-lifecycle work)."""
        with self.engine.begin() as connection:
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

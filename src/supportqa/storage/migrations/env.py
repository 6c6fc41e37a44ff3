"""Alembic environment: migrate the connection `Database.migrate` passes in, or a configured URL.

`render_as_batch` is on for SQLite, whose ALTER TABLE is limited, so later migrations work on both.
DDL is transactional on both (`transactional_ddl`; on SQLite `Database` emits BEGIN itself), and
each migration commits with its version row (`transaction_per_migration`). `Database.migrate`
passes a connection already inside its locked transaction, so there the whole upgrade is one
transaction. No migration may need to run outside a transaction (no `autocommit_block`).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from supportqa.storage.database import Database
from supportqa.storage.job_queue import not_procrastinate
from supportqa.storage.tables import metadata

config = context.config


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=not_procrastinate,
        transactional_ddl=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection in config.attributes")
    # Through `Database`, so SQLite gets the same BEGIN handling (transactional DDL) as in the app.
    database = Database.open(url, create=True, migrate="never")
    try:
        with database.engine.connect() as new_connection:
            _configure(new_connection)
    finally:
        database.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Migrations create exactly the tables in `tables.metadata`, on every database we run on."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from supportqa.storage import Database
from supportqa.storage.database import alembic_config
from supportqa.storage.tables import metadata

TABLES = {"conversations", "scorecards", "reviews", "review_criteria", "scoring_runs"}


def test_migrations_create_the_tables(db: Database) -> None:
    names = set(inspect(db.engine).get_table_names())
    assert names >= TABLES
    assert names - TABLES == {"alembic_version"}


def test_migrations_match_the_table_metadata(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_downgrade_to_base_and_upgrade_again(db: Database) -> None:
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    db.migrate()
    assert set(inspect(db.engine).get_table_names()) >= TABLES

"""Opening databases: file paths vs URLs, SQLite settings, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from supportqa.errors import StorageError
from supportqa.storage import Database, database_url
from supportqa.storage.database import alembic_config

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
"""The newest migration; a database opened with migrate=True is at it."""


def test_database_url_turns_a_file_path_into_a_sqlite_url(tmp_path: Path) -> None:
    assert database_url("qa.db") == "sqlite:///qa.db"
    assert database_url(tmp_path / "qa.db") == f"sqlite:///{tmp_path}/qa.db"
    assert database_url(str(tmp_path / "x" / "qa.db")) == f"sqlite:///{tmp_path}/x/qa.db"


def test_database_url_keeps_a_url_as_given() -> None:
    pg = "postgresql+psycopg://user:pw@db.example:5432/qa"
    assert database_url(pg) == pg
    assert database_url("sqlite:////var/lib/qa.db") == "sqlite:////var/lib/qa.db"


def test_database_url_rejects_an_empty_location() -> None:
    with pytest.raises(StorageError, match="empty database location"):
        database_url("  ")


def test_open_with_a_file_path_creates_parent_directories_and_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "qa.db"
    db = Database.open(path)
    try:
        assert path.is_file()
        assert db.dialect == "sqlite"
        assert db.current_revision() == HEAD
    finally:
        db.dispose()


def test_open_with_a_url_and_with_the_same_path_reach_the_same_database(tmp_path: Path) -> None:
    path = tmp_path / "qa.db"
    first = Database.open(f"sqlite:///{path}")
    with first.engine.begin() as connection:
        connection.execute(text("CREATE TABLE marker (x INTEGER)"))
    first.dispose()
    second = Database.open(str(path))
    try:
        with second.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM marker")).scalar_one() == 0
    finally:
        second.dispose()


def test_sqlite_uses_wal_normal_sync_and_foreign_keys(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "qa.db")
    try:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar_one() == 1  # NORMAL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    finally:
        db.dispose()


def test_open_without_migrate_leaves_the_database_empty(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "qa.db", migrate=False)
    try:
        assert db.current_revision() is None
        db.migrate()
        assert db.current_revision() == HEAD
    finally:
        db.dispose()


def test_opening_twice_is_a_no_op_for_the_schema(tmp_path: Path) -> None:
    Database.open(tmp_path / "qa.db").dispose()
    db = Database.open(tmp_path / "qa.db")
    try:
        assert db.current_revision() == HEAD
    finally:
        db.dispose()


def test_unwritable_path_is_a_storage_error_naming_the_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    target = blocker / "qa.db"
    with pytest.raises(StorageError) as caught:
        Database.open(target)
    message = str(caught.value)
    assert str(target) in message
    assert "writable location" in message


def test_a_directory_in_place_of_the_file_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"cannot open database .*pass another location"):
        Database.open(tmp_path)


def test_unreachable_server_error_masks_the_password() -> None:
    url = "postgresql+psycopg://qa:s3cret@127.0.0.1:1/qa?connect_timeout=2"
    with pytest.raises(StorageError) as caught:
        Database.open(url)
    message = str(caught.value)
    assert "s3cret" not in message
    assert "qa:***@127.0.0.1:1/qa" in message


def test_not_a_url_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="not a database URL"):
        Database.open("nosuchdialect://x/y")


def test_a_database_from_a_newer_version_is_a_clear_migration_error(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "qa.db")
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    db.dispose()
    with pytest.raises(StorageError, match=r"cannot migrate database .*newer supportqa"):
        Database.open(tmp_path / "qa.db")


def test_session_commits_on_success_and_rolls_back_on_error(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "qa.db")
    try:
        with db.session() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(RuntimeError), db.session() as session:
            session.execute(text("INSERT INTO t VALUES (2)"))
            raise RuntimeError("boom")
        with db.session() as session:
            assert session.execute(text("SELECT x FROM t")).scalars().all() == [1]
    finally:
        db.dispose()


def test_alembic_config_points_at_the_packaged_migrations() -> None:
    location = Path(alembic_config().get_main_option("script_location") or "")
    assert (location / "env.py").is_file()
    assert (location / "versions" / "0001_initial.py").is_file()

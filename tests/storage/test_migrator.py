"""Migrations are atomic and one process migrates at a time; SQLite writes take their lock up front;
a SQLite file is copied before it is migrated, and the copy kept only when the migration fails."""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, inspect, text

from supportqa.errors import StorageError
from supportqa.storage import Database
from supportqa.storage import migrator as migrator_module
from supportqa.storage.migrator import MIGRATIONS_DIR, head_revision
from supportqa.storage.tables import metadata


def test_sqlite_ddl_is_rolled_back_with_its_transaction(tmp_path: Path) -> None:
    """pysqlite left DDL outside transactions: a killed migration kept tables without a version."""
    db = Database.open(tmp_path / "qa.db", create=True, migrate="never")
    try:
        with pytest.raises(RuntimeError), db.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
            raise RuntimeError("killed here")
        assert "half_done" not in inspect(db.engine).get_table_names()
    finally:
        db.dispose()


def migrate_in_children(url: str, n: int) -> list[int]:
    """Open (and so migrate) the same database from `n` forked processes at once."""
    pids = []
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                Database.open(url, create=True).dispose()
                code = 0
            finally:
                os._exit(code)
        pids.append(pid)
    return [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]


def test_processes_migrating_at_once_take_turns_and_all_succeed(db_url: str) -> None:
    assert migrate_in_children(db_url, 4) == [0, 0, 0, 0]
    db = Database.open(db_url, migrate="never")
    try:
        assert db.current_revision() == head_revision()
    finally:
        db.dispose()


def test_check_mode_refuses_an_old_schema_naming_supportqa_migrate(db_url: str) -> None:
    """A long-running process never migrates on start: it stops with one line instead."""
    old = Database.open(db_url, create=True, migrate="never")
    old.migrate("0003")
    old.dispose()
    with pytest.raises(StorageError, match=r"at schema revision 0003.*run `supportqa migrate"):
        Database.open(db_url, migrate="check")
    db = Database.open(db_url, migrate="never")
    try:
        assert db.current_revision() == "0003"
        db.migrate()
    finally:
        db.dispose()
    Database.open(db_url, migrate="check").dispose()  # at head: opens


def test_open_after_another_process_migrated_does_not_migrate_again(tmp_path: Path) -> None:
    Database.open(tmp_path / "qa.db", create=True).dispose()
    db = Database.open(tmp_path / "qa.db")
    try:
        result = db.migrate()
        head = head_revision()
        assert (result.before, result.after, result.migrated) == (head, head, False)
    finally:
        db.dispose()


def at_0003(path: Path) -> None:
    db = Database.open(path, create=True, migrate="never")
    db.migrate("0003")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO scoring_runs (scorecard_name, scorecard_version, started_at, status, "
                "n_scored, n_failed) VALUES ('default', '1', '2026-01-01', 'done', 1, 0)"
            )
        )
    db.dispose()


def test_a_failed_migration_leaves_the_file_as_it_was_and_keeps_a_named_copy(
    tmp_path: Path,
) -> None:
    path = tmp_path / "qa.db"
    at_0003(path)
    db = Database.open(path, migrate="never")
    with db.engine.begin() as connection:  # 0004 adds `ces` after `nps`: make the ALTER fail
        connection.exec_driver_sql("ALTER TABLE conversations ADD COLUMN ces FLOAT")
    db.dispose()
    copy = tmp_path / "qa.db.pre-0003.bak"
    with pytest.raises(StorageError, match=r"left as it was.*kept at .*qa\.db\.pre-0003\.bak"):
        Database.open(path)
    assert copy.is_file()
    for location in (path, copy):
        kept = Database.open(location, migrate="never")
        try:
            columns = {c["name"] for c in inspect(kept.engine).get_columns("conversations")}
            assert kept.current_revision() == "0003"
            assert "nps" not in columns  # 0004's first ALTER was rolled back with the rest
            with kept.engine.connect() as connection:
                assert connection.exec_driver_sql("SELECT count(*) FROM scoring_runs").scalar() == 1
        finally:
            kept.dispose()


def test_the_copy_is_made_before_migrating_an_old_file_and_removed_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[Path] = []
    real = migrator_module._pre_migration_copy

    def spy(db: Database, file: Path, revision: str) -> Path:
        made.append(real(db, file, revision))
        assert made[-1].is_file()
        return made[-1]

    monkeypatch.setattr(migrator_module, "_pre_migration_copy", spy)
    Database.open(tmp_path / "new.db", create=True).dispose()
    assert made == []  # nothing to keep in a brand-new file
    at_0003(tmp_path / "old.db")
    Database.open(tmp_path / "old.db").dispose()
    assert made == [tmp_path / "old.db.pre-0003.bak"]
    assert not made[0].exists()


def test_write_transactions_that_read_then_write_wait_for_each_other(tmp_path: Path) -> None:
    """With deferred transactions the second of two read-then-write claims fails at once with
    "database is locked" (a read lock cannot be upgraded); `write_transaction` queues them."""
    first = Database.open(tmp_path / "qa.db", create=True)
    second = Database.open(tmp_path / "qa.db")
    statement = text(
        "INSERT INTO scorecards (name, version, content_hash, payload, created_at) "
        "VALUES (:name, '1', 'h', '{}', '2026-01-01')"
    )
    errors: list[BaseException] = []
    inside = threading.Event()

    def claim(db: Database, name: str, hold: float) -> None:
        try:
            with db.write_transaction() as connection:
                connection.exec_driver_sql("SELECT count(*) FROM scorecards").scalar()
                inside.set()
                time.sleep(hold)
                connection.execute(statement, {"name": name})
        except BaseException as exc:  # reported below
            errors.append(exc)

    try:
        one = threading.Thread(target=claim, args=(first, "a", 0.3))
        one.start()
        inside.wait(5)
        claim(second, "b", 0.0)
        one.join()
        assert errors == []
        with first.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM scorecards").scalar() == 2
    finally:
        first.dispose()
        second.dispose()


def test_no_migration_needs_to_run_outside_a_transaction() -> None:
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = script.read_text()
        assert "autocommit_block" not in source, script.name
        assert "CONCURRENTLY" not in source.upper(), script.name


def test_sqlite_adds_columns_with_alter_never_by_recreating_a_parent_table(tmp_path: Path) -> None:
    """With foreign keys on, batch mode's copy-and-drop of `reviews` would cascade to its criteria."""
    db = Database.open(tmp_path / "qa.db", create=True, migrate="never")
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))
    try:
        db.migrate()
    finally:
        db.dispose()
    # (0008 drops and recreates an index; 0010 recreates queue_assignments, which no foreign key
    # references, to change its unique key: SQLite cannot drop a constraint in place)
    recreated = set(re.findall(r"CREATE TABLE _alembic_tmp_(\w+)", "\n".join(statements)))
    parents = {fk.column.table.name for t in metadata.tables.values() for fk in t.foreign_keys}
    assert recreated == {"queue_assignments"} and not recreated & parents
    dropped = [s for s in statements if s.lstrip().startswith("DROP TABLE")]
    assert dropped == ["\nDROP TABLE queue_assignments"]
    alters = [
        s
        for s in statements
        if s.lstrip().upper().startswith("ALTER TABLE") and "_alembic_tmp_" not in s
    ]
    assert len(alters) >= 7  # 0002: four columns of reviews; 0004: three of conversations; ...
    assert all(" ADD COLUMN " in s.upper() for s in alters), alters

"""The database's lifecycle on the command line: only `init`, `import` and `demo` create one,
`migrate` upgrades (or checks) it, and `backup` copies it while it is in use."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest
from sqlalchemy import text

from supportqa.storage import Database
from supportqa.storage.migrator import head_revision
from supportqa.synthetic import generate_conversations
from tests.cli.conftest import Runner

NOT_CREATING = [
    ["score"],
    ["iqs"],
    ["report", "--out", "report.html"],
    ["trends"],
    ["stability"],
    ["external"],
    ["drivers"],
    ["coach"],
    ["queue"],
    ["explain", "c1"],
    ["calibrate"],
    ["calibrate", "sessions"],
    ["calibrate", "drift", "--from", "1", "--to", "2"],
    ["train"],
    ["override", "list"],
    ["scorecard", "list"],
    ["judge", "probe"],
    ["migrate"],
    ["backup", "--out", "backup.db"],
]


@pytest.fixture
def conversations_file(tmp_path: Path) -> Path:
    path = tmp_path / "conversations.jsonl"
    path.write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in generate_conversations(20, 3)))
    return path


@pytest.mark.parametrize("argv", NOT_CREATING, ids=lambda argv: " ".join(argv[:2]))
def test_a_mistyped_db_is_an_error_naming_init_and_creates_nothing(
    cli: Runner, tmp_path: Path, argv: list[str]
) -> None:
    result = cli(*argv, "--db", "typo/nested/qa.db")
    assert result.code != 0
    assert "supportqa init" in result.err and "typo/nested/qa.db" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "typo").exists()


def test_score_before_any_import_does_not_create_the_default_database(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUPPORTQA_DB", raising=False)
    result = cli("score")
    assert result.code == 1 and "supportqa init" in result.err
    assert "scored" not in result.out
    assert list(tmp_path.iterdir()) == []


def test_init_and_import_create_the_database_and_its_folders(
    cli: Runner, tmp_path: Path, conversations_file: Path
) -> None:
    assert cli("init", "--db", tmp_path / "a" / "b" / "qa.db").code == 0
    assert (tmp_path / "a" / "b" / "qa.db").is_file()
    imported = cli("import", conversations_file, "--db", tmp_path / "c" / "qa.db", "--json")
    assert imported.code == 0 and imported.json()["conversations"] == 20
    assert cli("score", "--db", tmp_path / "c" / "qa.db", "--json").json()["scored"] == 20


def test_migrate_upgrades_an_old_database_once_and_check_names_the_command(
    cli: Runner, tmp_path: Path
) -> None:
    path = tmp_path / "qa.db"
    old = Database.open(path, create=True, migrate="never")
    old.migrate("0003")
    old.dispose()
    checked = cli("migrate", "--check", "--db", path)
    assert checked.code == 1 and "run `supportqa migrate" in checked.err
    first = cli("migrate", "--db", path, "--json").json()
    assert (first["before"], first["after"], first["migrated"]) == ("0003", head_revision(), True)
    assert first["head"] == head_revision()
    again = cli("migrate", "--db", path, "--json").json()
    assert (again["after"], again["migrated"]) == (head_revision(), False)
    assert cli("migrate", "--check", "--db", path).code == 0
    assert not list(tmp_path.glob("*.bak"))  # the pre-migration copy is gone after success


def count(url: str, table: str) -> int:
    database = Database.open(url, migrate="check")
    try:
        with database.engine.connect() as connection:
            return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        database.dispose()


def test_backup_of_a_sqlite_database_in_use_has_the_committed_rows(
    cli: Runner, tmp_path: Path, conversations_file: Path
) -> None:
    db = tmp_path / "qa.db"
    assert cli("import", conversations_file, "--db", db).code == 0
    database = Database.open(db)
    try:
        with database.engine.connect() as reader, database.write_transaction() as writer:
            reader.execute(text("SELECT count(*) FROM conversations")).scalar_one()  # open read
            writer.execute(text("DELETE FROM conversations"))  # not committed during the backup
            result = cli("backup", "--out", tmp_path / "backup.db", "--db", db, "--json")
            writer.rollback()
    finally:
        database.dispose()
    assert result.code == 0, result.err
    report = result.json()
    assert report["method"] == "sqlite-online-backup" and report["bytes"] > 0
    assert count(str(tmp_path / "backup.db"), "conversations") == 20
    again = cli("backup", "--out", tmp_path / "backup.db", "--db", db)
    assert again.code == 1 and "already exists" in again.err


def pg_dump_or_skip() -> str:
    program = shutil.which("pg_dump")
    if program is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pg_dump is not installed (CI=true: not skipping)")
        pytest.skip("pg_dump is not installed")
    return program


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_backup_of_postgresql_is_a_pg_dump_that_restores_the_rows(
    cli: Runner, tmp_path: Path, conversations_file: Path, db_url: str
) -> None:
    pg_dump_or_skip()
    assert cli("import", conversations_file, "--db", db_url).code == 0
    out = tmp_path / "qa.dump"
    result = cli("backup", "--out", out, "--db", db_url, "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["method"] == "pg_dump" and report["command"][0].endswith("pg_dump")
    assert "--format=custom" in report["command"]
    restored = subprocess.run(
        [str(Path(pg_dump_or_skip()).with_name("pg_restore")), "--data-only", "-f", "-", str(out)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    block = next(
        b for b in restored.split("COPY ")[1:] if b.split(" ", 1)[0].endswith("conversations")
    )
    rows = block.split("\n\\.\n", 1)[0].splitlines()[1:]
    assert len(rows) == 20

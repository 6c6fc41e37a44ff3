"""The kill matrix: a process SIGKILLed after any DDL statement of the first `init` or of any
migration leaves a database that the next `init` and `import` recover, with the clean schema.

Each kill happens in a child forked from this already-imported test process (a fresh interpreter
costs ~2 s per case), running the real CLI entry point with `SUPPORTQA_TEST_KILL_AFTER_DDL=k`; one
case also kills a real `python -m supportqa` process. For every scenario k runs from 1 until the
child finishes without being killed, so every DDL statement of it is covered.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column, event, func, insert, inspect, select, table

import supportqa
from supportqa.cli import main
from supportqa.domain.review import CxScore
from supportqa.storage import Database
from supportqa.storage.crash_hook import KILL_AFTER_DDL_ENV
from supportqa.storage.database import alembic_config
from supportqa.storage.job_queue import not_procrastinate
from supportqa.storage.migrator import head_revision
from supportqa.storage.rows import conversation_row, review_row
from supportqa.storage.tables import conversations, metadata, reviews
from supportqa.synthetic import generate_conversations
from tests.conftest import postgres_schema
from tests.storage.builders import MONDAY_W07, conversation, criterion, review

KILLED = -9
UPGRADES = [
    (str(script.down_revision), script.revision)
    for script in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
    if script.down_revision is not None
]
"""(the revision a database is at, the migration whose every DDL statement is killed): every
migration there is, so a new one is in the matrix without anyone remembering to add it."""
DATA_ONLY = frozenset({"0007"})
"""Migrations of plain UPDATEs, no DDL (0007 rewrites scorecard names): nothing here to kill them
after; their one transaction is what keeps them whole."""
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module")
def small_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "conversations.jsonl"
    path.write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in generate_conversations(3, 11)))
    return path


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        yield str(folder / "qa.db")
        return
    with postgres_schema("kill") as url:
        yield url


def cli_in_forked_child(argv: Sequence[str], kill_after: int) -> int:
    """Run `supportqa ARGV` in a forked child that kills itself after its k-th DDL statement; the
    child's exit code (-9 when killed)."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 70
        try:
            os.environ[KILL_AFTER_DDL_ENV] = str(kill_after)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            main(list(argv))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, capsys.readouterr().err


def assert_recovers(
    capsys: pytest.CaptureFixture[str], db: str, data: Path, *, seeded: bool, case: str
) -> None:
    """`init` then `import` succeed, and the schema is the clean one at head (with seeded rows and
    their backfilled columns intact)."""
    for argv in (("init", "--db", db), ("import", str(data), "--db", db, "--json")):
        code, err = run_cli(capsys, *argv)
        assert code == 0, f"{case}: {' '.join(argv[:1])} failed after the kill: {err}"
    database = Database.open(db, migrate="never")
    try:
        with database.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": not_procrastinate}
            )
            assert compare_metadata(context, metadata) == [], case
            assert context.get_current_revision() == head_revision(), case
            count = connection.execute(select(func.count()).select_from(conversations)).scalar()
            assert count == 3 + seeded, case
            if seeded:
                cx = connection.execute(select(reviews.c.cx_value)).scalar_one()
                assert cx == 3.4, f"{case}: 0002's backfill lost"
    finally:
        database.dispose()


def seed_at(db: str, revision: str) -> None:
    """A database at an old revision holding one conversation and one AI review, written with only
    the columns that revision has."""
    database = Database.open(db, create=True, migrate="never")
    try:
        database.migrate(revision)
        built = review("r1", criteria=[criterion("greeting") | {"confidence": 0.6}])
        built.cx = CxScore(
            score=3, value=3.4, subscores={}, weights={}, explanation="", review_recommended=True
        )
        with database.engine.begin() as connection:
            names = inspect(connection)
            for name, row in (
                ("conversations", conversation_row(conversation("seeded"), MONDAY_W07)),
                ("reviews", review_row(built, MONDAY_W07)),
            ):
                present = {c["name"] for c in names.get_columns(name)}
                kept = {k: v for k, v in row.items() if k in present}
                connection.execute(
                    insert(
                        table(name, *(column(k, metadata.tables[name].c[k].type) for k in kept))
                    ),
                    kept,
                )
    finally:
        database.dispose()


def prepare(backend: str, db: str, at: str | None, template: Path) -> None:
    """The database a case starts from: empty, or seeded at revision `at` (SQLite: copied from
    a template made once)."""
    if at is None:
        return
    if backend == "sqlite" and template.exists():
        shutil.copy(template, db)
        return
    seed_at(db, at)
    if backend == "sqlite":
        shutil.copy(db, template)


def ddl_statements(backend: str, folder: Path, at: str, migration: str) -> int:
    """How many DDL statements `migration` runs, counted on a database seeded at `at`."""
    seen: list[str] = []
    with fresh_database(backend, folder) as db:
        seed_at(db, at)
        database = Database.open(db, migrate="never")
        try:
            event.listen(
                database.engine,
                "after_cursor_execute",
                lambda *args: seen.append(str(args[2]).lstrip().upper()),
            )
            database.migrate(migration)
        finally:
            database.dispose()
    return sum(statement.startswith(("CREATE", "ALTER", "DROP")) for statement in seen)


def kill_case(
    capsys: pytest.CaptureFixture[str],
    backend: str,
    folder: Path,
    data: Path,
    argv: Sequence[str],
    at: str | None,
    k: int,
) -> int:
    """Run `supportqa ARGV --db DB` on a fresh database (at revision `at`) and kill it after its
    k-th DDL statement; when killed, the database must recover. The child's exit code."""
    case = f"{backend} `{' '.join(argv)}` from {at or 'empty'}, killed after DDL #{k}"
    with fresh_database(backend, folder / f"k{k}") as db:
        prepare(backend, db, at, folder / "template.db")
        code = cli_in_forked_child([*argv, "--db", db], k)
        if code != 0:
            assert code == KILLED, f"{case}: exit code {code}, not killed"
            assert_recovers(capsys, db, data, seeded=at is not None, case=case)
    return code


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_first_init_killed_after_any_ddl_statement_recovers(
    backend: str, tmp_path: Path, small_jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """k runs from 1 until `init` is no longer killed: every DDL statement of every migration run
    from empty (and of the version table) is covered."""
    k = 0
    while kill_case(capsys, backend, tmp_path, small_jsonl, ["init"], None, k + 1) == KILLED:
        k += 1
    assert k >= 20  # every table and index of 0001..head


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("at", "migration"), UPGRADES)
def test_a_migration_killed_after_any_of_its_ddl_statements_recovers(
    backend: str,
    at: str,
    migration: str,
    tmp_path: Path,
    small_jsonl: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A database at the revision before `migration` (with a conversation and a review), upgraded
    by `supportqa init` (any command migrates) and killed after each DDL statement of `migration`."""
    count = ddl_statements(backend, tmp_path / "count", at, migration)
    assert count == 0 if migration in DATA_ONLY else count >= 1
    for k in range(1, count + 1):
        code = kill_case(capsys, backend, tmp_path, small_jsonl, ["init"], at, k)
        assert code == KILLED, f"migrate from {at} was not killed at DDL #{k} of {count}"


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_real_cli_process_killed_during_its_first_init_recovers(
    backend: str, tmp_path: Path, small_jsonl: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fresh_database(backend, tmp_path) as db:
        src = str(Path(supportqa.__file__).parents[1])  # the supportqa this test imported
        env = dict(os.environ, **{KILL_AFTER_DDL_ENV: "7"})
        env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
        done = subprocess.run(
            [sys.executable, "-m", "supportqa", "init", "--db", db],
            env=env,
            capture_output=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == KILLED, done.stderr
        assert_recovers(capsys, db, small_jsonl, seeded=False, case=f"{backend} real process")

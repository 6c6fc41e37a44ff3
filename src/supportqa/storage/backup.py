"""`supportqa backup`: a consistent copy of the database while other processes keep using it.

SQLite: the online backup API (`sqlite3.Connection.backup`) in one step, which reads one snapshot
(WAL lets writers go on meanwhile). PostgreSQL: `pg_dump --format=custom`, the documented tool,
restored with `pg_restore`. Either way the copy is written under a temporary name and renamed when
complete, so a backup file is never half-written.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.engine import URL

from supportqa.errors import StorageError

if TYPE_CHECKING:
    from supportqa.storage.database import Database


@dataclass(frozen=True)
class BackupResult:
    database: str
    out: str
    bytes: int
    method: str
    command: list[str] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "out": self.out,
            "bytes": self.bytes,
            "method": self.method,
            "command": self.command,
        }


def backup(db: Database, out: Path, *, pg_dump: str = "pg_dump") -> BackupResult:
    """Copy `db` to `out` (which must not exist yet); `pg_dump` is the program used for PostgreSQL."""
    if out.exists():
        raise StorageError(f"{out} already exists: choose another name or remove it first")
    if not out.parent.is_dir():
        raise StorageError(f"cannot write {out}: the folder {out.parent} does not exist")
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if db.dialect == "sqlite":
            method, command = "sqlite-online-backup", None
            _sqlite_backup(db, partial)
        elif db.dialect == "postgresql":
            method = "pg_dump"
            command = _pg_dump(db, partial, pg_dump)
            command = [f"--file={out}" if c.startswith("--file=") else c for c in command]
        else:
            raise StorageError(f"cannot back up {db.url}: no backup method for {db.dialect}")
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(db.url, str(out), out.stat().st_size, method, command)


def _sqlite_backup(db: Database, target: Path) -> None:
    if db.file is None:
        raise StorageError(f"cannot back up {db.url}: an in-memory database has no file to copy")
    try:
        source = sqlite3.connect(db.file, isolation_level=None, timeout=30)
        try:
            copy = sqlite3.connect(target, isolation_level=None)
            try:
                source.backup(copy)  # pages=-1: all at once, from one read snapshot
            finally:
                copy.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise StorageError(f"cannot back up {db.url} to {target}: {exc}") from None


def pg_dump_command(db: Database, out: Path, pg_dump: str = "pg_dump") -> tuple[list[str], str]:
    """The `pg_dump` command line (no password in it) and the password for `PGPASSWORD`."""
    url: URL = db.engine.url
    libpq = url.set(drivername="postgresql", password=None)
    command = [
        pg_dump,
        "--format=custom",
        "--no-owner",
        f"--file={out}",
        f"--dbname={libpq.render_as_string(hide_password=False)}",
    ]
    schema = _current_schema(db)
    if schema != "public":
        command.append(f"--schema={schema}")
    return command, url.password or ""


def _current_schema(db: Database) -> str:
    with db.engine.connect() as connection:
        return str(connection.execute(text("SELECT current_schema()")).scalar_one())


def _pg_dump(db: Database, target: Path, program: str) -> list[str]:
    command, password = pg_dump_command(db, target, program)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise StorageError(
            f"cannot back up {db.url}: {program!r} was not found; install PostgreSQL's client "
            "tools (same major version as the server or newer) or set SUPPORTQA_PG_DUMP"
        ) from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise StorageError(f"cannot back up {db.url}: pg_dump failed: {reason}")
    return command

"""`migrate` and `backup`: the database's own lifecycle, apart from the data in it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    print_json,
    settings,
    styled,
)
from supportqa.services.database import backup_workspace, migrate_workspace


def migrate(
    db: DbOption = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Only check: exit 1 naming the revisions when behind"),
    ] = False,
    json: JsonOption = False,
) -> None:
    """Upgrade the database schema to this supportqa's (one process at a time, all or nothing).

    Short commands migrate on their own; a server or worker never does, and stops naming this
    command. A SQLite file is copied beside itself first (`FILE.pre-REV.bak`) and the copy removed
    once the migration has succeeded.
    """
    result = migrate_workspace(db, check=check, settings=settings())
    if json:
        print_json(result.as_dict())
        return
    if result.migrated:
        console.print(
            styled(
                "Migrated ",
                (result.db, "bold"),
                f" from {result.before or 'an empty database'} to {result.after}.",
            )
        )
    else:
        console.print(styled((result.db, "bold"), f" is up to date (revision {result.after})."))


def backup(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The backup file to write (must not exist)")
    ],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Copy the database to FILE while it stays in use: SQLite's online backup API, or `pg_dump
    --format=custom` for PostgreSQL (restore with `pg_restore`). Never migrates the database."""
    result = backup_workspace(db, out, settings=settings())
    if json:
        print_json(result.as_dict())
        return
    how = " ".join(result.command) if result.command else result.method
    console.print(
        styled(
            "Backed up ",
            (str(result.database), "bold"),
            f" to {result.out} ({result.bytes:,} bytes; {how}).",
        ),
        highlight=False,
        soft_wrap=True,
    )


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)
    app.command("backup")(backup)

"""`supportqa scorers`: the registered scorers, built-in and plugins."""

from __future__ import annotations

import typer
from rich.table import Table

from supportqa.cli.common import JsonOption, console, print_json
from supportqa.services.scorecards import list_scorers


def scorers(json: JsonOption = False) -> None:
    """List registered scorers with their version, arguments and what they rate."""
    rows = list_scorers()
    if json:
        print_json(rows)
        return
    table = Table(title="registered scorers")
    for column in ("name", "version", "family", "arguments", "what it rates"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["name"], row["version"], row["family"], ", ".join(row["args"]), row["description"]
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("scorers")(scorers)

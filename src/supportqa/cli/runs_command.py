"""`supportqa runs`: the latest scoring runs, with the killed ones shown as `interrupted`."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    open_repository,
    print_json,
    settings,
)

STATUS_STYLE = {"finished": "green", "running": "cyan", "interrupted": "yellow", "failed": "red"}


def _when(value: datetime | None) -> str:
    return "–" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")


def runs(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many runs, newest first")] = 20,
    json: JsonOption = False,
) -> None:
    """Scoring runs, newest first: status (running, finished, failed, interrupted = killed: its
    heartbeat is older than the claim lease), counts, and how much work each still claims."""
    with open_repository(db) as repo:
        found = repo.list_runs(lease_s=settings().claim_lease_s, limit=limit)
    if json:
        print_json({"runs": found})
        return
    table = Table(title="scoring runs")
    for name in ("id", "scorecard", "status", "started", "finished", "last heartbeat", "owner"):
        table.add_column(name)
    for name in ("scored", "criteria failed", "claimed"):
        table.add_column(name, justify="right")
    for run in found:
        style = STATUS_STYLE.get(run.status, "")
        table.add_row(
            str(run.id),
            escape(run.scorecard),
            f"[{style}]{run.status}[/]" if style else run.status,
            _when(run.started_at),
            _when(run.finished_at),
            _when(run.heartbeat_at),
            escape(run.owner or "–"),
            str(run.scored),
            str(run.failed),
            str(run.claimed),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("runs")(runs)

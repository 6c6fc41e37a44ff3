"""`supportqa runs`: the latest scoring runs, with the killed ones shown as `interrupted`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    open_repository,
    print_json,
    settings,
)
from supportqa.services.runs import RunInfo, list_runs

STATUS_STYLE = {"finished": "green", "running": "cyan", "interrupted": "yellow", "failed": "red"}


def _when(value: datetime | None) -> str:
    return "–" if value is None else value.strftime("%m-%d %H:%M")


def _span(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    return f"{seconds // 3600}h"


def _took(run: RunInfo) -> str:
    if run.finished_at is None:
        return "–"
    return _span((run.finished_at - run.started_at).total_seconds())


def _beat(run: RunInfo, now: datetime) -> str:
    if run.heartbeat_at is None or run.finished_at is not None:
        return "–"
    return _span((now - run.heartbeat_at).total_seconds()) + " ago"


def runs(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many runs, newest first")] = 20,
    json: JsonOption = False,
) -> None:
    """Scoring runs, newest first: status (running, finished, failed, interrupted = killed: its
    process is gone or its heartbeat is older than the claim lease), when it started, how long it
    took, its last heartbeat while running, counts, and how much work it still claims (`--json`
    adds the owner, host:pid)."""
    with open_repository(db) as repo:
        found = list_runs(repo, limit=limit, settings=settings())
    if json:
        print_json({"runs": found})
        return
    now = datetime.now(UTC)
    table = Table(title="scoring runs (UTC)")
    table.add_column("id")
    table.add_column("scorecard")
    for name in ("status", "started", "took", "beat"):
        table.add_column(name, no_wrap=True, min_width=len(name))
    for name in ("scored", "failed", "claimed"):
        table.add_column(name, justify="right", min_width=len(name))
    for run in found:
        style = STATUS_STYLE.get(run.status, "")
        table.add_row(
            str(run.id),
            run.scorecard,
            Text(run.status, style=style),
            _when(run.started_at),
            _took(run),
            _beat(run, now),
            str(run.scored),
            str(run.failed),
            str(run.claimed),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("runs")(runs)

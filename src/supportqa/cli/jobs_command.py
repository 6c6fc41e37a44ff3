"""`supportqa jobs` (list, enqueue, retry, cancel) and `supportqa worker`: background jobs."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    err_console,
    open_repository,
    print_json,
    settings,
    styled,
)
from supportqa.errors import InputError
from supportqa.jobs import kinds
from supportqa.services import jobs as job_service
from supportqa.services.jobs import STATUSES, JobInfo
from supportqa.services.workspace import Workspace, open_workspace

STATUS_STYLE = {
    "queued": "cyan",
    "running": "blue",
    "succeeded": "green",
    "failed": "red",
    "cancelled": "dim",
}

app = typer.Typer(
    name="jobs",
    invoke_without_command=True,
    no_args_is_help=False,
    help="Background jobs: list them (no subcommand), queue one, retry or cancel one.",
)


def _when(value: datetime | None) -> str:
    return "–" if value is None else value.strftime("%m-%d %H:%M:%S")


def _took(job: JobInfo) -> str:
    if job.started_at is None:
        return "–"
    end = job.finished_at if job.status != "running" and job.finished_at else datetime.now(UTC)
    return f"{max(0.0, (end - job.started_at).total_seconds()):.0f}s"


def _table(found: list[JobInfo]) -> Table:
    table = Table(title="jobs (UTC)")
    for name in ("id", "kind", "status", "attempts", "lock", "queued", "started", "took"):
        table.add_column(name, no_wrap=name != "lock")
    table.add_column("error")
    for job in found:
        table.add_row(
            str(job.id),
            job.kind,
            Text(job.status, style=STATUS_STYLE.get(job.status, "")),
            f"{job.attempts}/{job.max_attempts}",
            job.lock or "–",
            _when(job.enqueued_at),
            _when(job.started_at),
            _took(job),
            Text(job.error or ""),
        )
    return table


@app.callback()
def jobs(
    ctx: typer.Context,
    db: DbOption = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help=f"Only jobs in this state: {', '.join(STATUSES)}"),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, newest first")] = 50,
    json: JsonOption = False,
) -> None:
    """Background jobs, newest first: kind, status (queued, running, succeeded, failed,
    cancelled), attempts, lock, times and the last error. A queued job with an error is waiting
    to be retried."""
    if ctx.invoked_subcommand is not None:
        return
    with open_repository(db) as repo:
        found = job_service.list_jobs(repo, status=status, limit=limit)
    if json:
        print_json({"jobs": [job.as_dict() for job in found]})
        return
    console.print(_table(found))


def _kind_args(
    kind: str,
    scorecard: str | None,
    version: str | None,
    conversation: list[str] | None,
    rescore_stale: bool,
    target: list[str] | None,
    name: str | None,
    out: str | None,
) -> dict[str, Any]:
    """The options given, as the kind's arguments (an option the kind does not take is refused
    by its argument model)."""
    given: dict[str, Any] = {
        "scorecard": scorecard,
        "version": version,
        "conversations": conversation or None,
        "rescore_stale": rescore_stale or None,
        "targets": target or None,
        "name": name,
        "out": out,
    }
    return {key: value for key, value in given.items() if value is not None}


@app.command("enqueue")
def enqueue(
    kind: Annotated[str, typer.Argument(help=f"The job kind: {', '.join(kinds.KINDS)}")],
    db: DbOption = None,
    scorecard: Annotated[
        str | None, typer.Option("--scorecard", help="score, train, digest: a stored scorecard")
    ] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="score, train: the scorecard version")
    ] = None,
    conversation: Annotated[
        list[str] | None,
        typer.Option("--conversation", help="score: only this conversation id (repeat)"),
    ] = None,
    rescore_stale: Annotated[
        bool, typer.Option("--rescore-stale", help="score: redo reviews by older scorers")
    ] = False,
    target: Annotated[
        list[str] | None, typer.Option("--target", help="train: a criterion key or cx (repeat)")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="digest: its name (the lock)")] = None,
    out: Annotated[str | None, typer.Option("--out", help="digest: the JSON file to write")] = None,
    json: JsonOption = False,
) -> None:
    """Queue a job; `supportqa worker` runs it. Jobs with the same lock run one at a time."""
    args = _kind_args(kind, scorecard, version, conversation, rescore_stale, target, name, out)
    with open_repository(db) as repo:
        job = kinds.enqueue(repo, kind, args, settings=settings())
    if json:
        print_json(job.as_dict())
        return
    console.print(
        styled("Queued job ", (str(job.id), "bold"), f" {job.kind} (lock {job.lock or '–'}).")
    )


def _change(db: str | None, job_id: int, action: str, json: bool) -> None:
    with open_repository(db) as repo:
        change = job_service.retry if action == "retry" else job_service.cancel
        job = change(repo, job_id)
    if json:
        print_json(job.as_dict())
        return
    console.print(styled(f"Job {job.id} {job.kind}: ", (job.status, STATUS_STYLE[job.status])))


@app.command("retry")
def retry(
    job_id: Annotated[int, typer.Argument(help="The job's id (`supportqa jobs`)")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Queue a failed or cancelled job again, with a fresh set of attempts."""
    _change(db, job_id, "retry", json)


@app.command("cancel")
def cancel(
    job_id: Annotated[int, typer.Argument(help="The job's id (`supportqa jobs`)")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Cancel a queued job (one that runs is left to finish)."""
    _change(db, job_id, "cancel", json)


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM (a clean stop: the job in hand finishes first)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _echo(line: str) -> None:
    err_console.print(Text(line), highlight=False, soft_wrap=True)


def _run_sqlite_loop(repo: Workspace, burst: bool) -> None:
    from supportqa.jobs.loop import JobLoop

    loop = JobLoop(repo, settings(), echo=_echo)
    with _stop_on_signals() as stop:
        loop.run(stop, burst=burst)


def worker(
    db: DbOption = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="PostgreSQL: jobs run at once")
    ] = 1,
    burst: Annotated[
        bool, typer.Option("--burst", help="Run what is queued, then exit (e.g. from cron)")
    ] = False,
) -> None:
    """Run background jobs until stopped (Ctrl+C or SIGTERM). PostgreSQL: a procrastinate worker;
    start as many as you like. SQLite: the database's one job loop — a second worker waits until
    the first stops (or its lease lapses) and then takes over; jobs run one at a time. The worker
    never migrates: run `supportqa migrate` first."""
    with open_workspace(db, settings=settings(), migrate="check") as repo:
        if repo.db.dialect == "postgresql":
            from supportqa.jobs.postgres import run_worker

            run_worker(repo, settings(), concurrency=concurrency, burst=burst, echo=_echo)
            return
        if concurrency > 1:
            raise InputError(
                "--concurrency: SQLite runs one job at a time in one loop per database; "
                "use PostgreSQL for concurrent workers (docs/jobs.md)"
            )
        _run_sqlite_loop(repo, burst)


def register(typer_app: typer.Typer) -> None:
    typer_app.command("worker")(worker)

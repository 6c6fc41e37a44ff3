"""The `supportqa` command line: one group whose commands load when they are used.

Every command module pulls in SQLAlchemy, polars, alembic and the analytics (~1,200 modules, over a
second). `supportqa --help` lists the commands from the table below without importing any of them, and
`supportqa score ...` imports the score module alone. `main` turns every expected error into one red
line and a non-zero exit.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Entry:
    """Where a command lives and what `supportqa --help` says of it."""

    module: str
    """`supportqa.cli.<module>`: its `register(app)` adds the command, or its `app` is the group."""
    help: str
    panel: str
    group: bool = False


DATA, SCORING, ANALYSIS, PEOPLE, SETUP = (
    "Data",
    "Scoring",
    "Analysis",
    "Reviews and calibration",
    "Set-up",
)

COMMANDS: dict[str, Entry] = {
    "demo": Entry("demo_command", "Run the whole loop on synthetic data (SQLite).", SETUP),
    "init": Entry(
        "data_commands", "Create (or migrate) the database and store the scorecard.", DATA
    ),
    "import": Entry("data_commands", "Import conversations or reviews; re-imports update.", DATA),
    "generate": Entry(
        "data_commands", "Generate synthetic conversations with planted defects.", DATA
    ),
    "migrate": Entry("db_commands", "Upgrade the database schema (all or nothing).", DATA),
    "backup": Entry("db_commands", "Copy the database while it stays in use.", DATA),
    "score": Entry("score_command", "Score conversations (files or the database).", SCORING),
    "runs": Entry("runs_command", "Scoring runs: running, finished, interrupted.", SCORING),
    "iqs": Entry("iqs_command", "Internal Quality Score by agent, team, week, criterion.", SCORING),
    "explain": Entry(
        "queue_command", "How a conversation's reviews got their IQS and CX.", SCORING
    ),
    "scorers": Entry("scorers_command", "List the registered scorers.", SCORING),
    "scorecard": Entry("scorecard_commands", "Validate and inspect scorecards.", SCORING, True),
    "judge": Entry("judge_command", "The optional LLM judge: check, probe.", SCORING, True),
    "report": Entry("report_command", "Write the self-contained HTML report.", ANALYSIS),
    "trends": Entry("trends_command", "IQS, CX and CSAT per period, with real changes.", ANALYSIS),
    "stability": Entry(
        "trends_command", "CX vs CSAT: coverage and week-to-week movement.", ANALYSIS
    ),
    "external": Entry("trends_command", "IQS beside CX, CSAT, NPS and CES per team.", ANALYSIS),
    "drivers": Entry("drivers_command", "What drives CSAT, reopens, handle time.", ANALYSIS),
    "coach": Entry("coach_command", "Where each agent trails their team, with examples.", ANALYSIS),
    "agents": Entry("agents_command", "Agent identities and the people behind them.", PEOPLE, True),
    "queue": Entry("queue_command", "What people should review this week, and who.", PEOPLE),
    "override": Entry(
        "override_command", "Record a person's correction of an AI rating.", PEOPLE, True
    ),
    "calibrate": Entry(
        "calibrate_command", "AI vs human agreement, sessions, drift.", PEOPLE, True
    ),
    "train": Entry("train_command", "Learn criterion and CX models from your reviews.", PEOPLE),
    "eval": Entry("eval_command", "Agreement with people on labelled datasets.", PEOPLE),
    "dataset": Entry(
        "dataset_command", "The shared research datasets as supportqa data.", PEOPLE, True
    ),
    "schema": Entry("schema_command", "Print the JSON Schema of a data contract.", SETUP),
    "jobs": Entry("jobs_command", "Background jobs: list, queue, retry, cancel.", SETUP, True),
    "worker": Entry("jobs_command", "Run background jobs (one loop per SQLite database).", SETUP),
    "users": Entry(
        "users_command", "Users of the workspace: roles, passwords, tokens.", SETUP, True
    ),
    "serve": Entry("serve_command", "Serve the workspace: API, pages, /healthz.", SETUP),
}


def load_command(name: str) -> Any:
    """The real click command `name`, built by typer from its module (imported now)."""
    entry = COMMANDS[name]
    module = import_module(f"supportqa.cli.{entry.module}")
    holder = typer.Typer()
    if entry.group:  # as a sub-app, so a group of one command stays a group
        holder.add_typer(module.app, name=name)
    else:
        module.register(holder)
    built = typer.main.get_command(holder)
    command = built.commands[name] if isinstance(built, TyperGroup) else built
    command.name = name
    command.rich_help_panel = entry.panel  # type: ignore[attr-defined]
    return command


class LazyGroup(TyperGroup):
    """Lists commands from `COMMANDS`; loads one only when it runs or shows its own help."""

    _listing = False
    _loaded: dict[str, Any]

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        if self._listing:
            stub = TyperCommand(name=cmd_name, help=entry.help, short_help=entry.help)
            stub.rich_help_panel = entry.panel
            return stub
        loaded = self.__dict__.setdefault("_loaded", {})
        if cmd_name not in loaded:
            loaded[cmd_name] = load_command(cmd_name)
        return loaded[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _version() -> str:
    try:
        return version("supportqa")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"supportqa {_version()}")
        raise typer.Exit()


app = typer.Typer(
    name="supportqa",
    cls=LazyGroup,
    help="Score the quality of every customer-support conversation, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Score the quality of every customer-support conversation, offline."""


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `supportqa` script: expected errors are one red line and exit code 1."""
    from supportqa.errors import SupportQAError

    try:
        app(args=argv)
    except SupportQAError as exc:
        from supportqa.cli.common import err_console, styled

        err_console.print(
            styled(("error:", "bold red"), f" {exc}"), highlight=False, soft_wrap=True
        )
        sys.exit(1)
    except KeyboardInterrupt:
        from supportqa.cli.common import err_console, styled

        err_console.print(
            styled(("interrupted", "red"), " (a scoring run resumes where it stopped)")
        )
        sys.exit(130)

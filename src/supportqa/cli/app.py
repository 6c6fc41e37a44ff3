"""The typer application; `main` turns every expected error into one red line and a non-zero exit."""

from __future__ import annotations

import sys

import typer

from supportqa.cli import (
    calibrate_command,
    coach_command,
    data_commands,
    dataset_command,
    db_commands,
    demo_command,
    drivers_command,
    eval_command,
    iqs_command,
    judge_command,
    override_command,
    queue_command,
    report_command,
    runs_command,
    schema_command,
    score_command,
    scorecard_commands,
    scorers_command,
    train_command,
    trends_command,
)
from supportqa.cli.common import err_console, styled
from supportqa.errors import SupportQAError

app = typer.Typer(
    name="supportqa",
    help="Score the quality of every customer-support conversation, offline.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
data_commands.register(app)
db_commands.register(app)
score_command.register(app)
runs_command.register(app)
iqs_command.register(app)
app.add_typer(scorecard_commands.app, name="scorecard")
demo_command.register(app)
schema_command.register(app)
scorers_command.register(app)
eval_command.register(app)
app.add_typer(calibrate_command.app, name="calibrate")
train_command.register(app)
trends_command.register(app)
report_command.register(app)
app.add_typer(override_command.app, name="override")
app.add_typer(dataset_command.app, name="dataset")
drivers_command.register(app)
coach_command.register(app)
queue_command.register(app)
app.add_typer(judge_command.app, name="judge")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `supportqa` script: expected errors are one red line and exit code 1."""
    try:
        app(args=argv)
    except SupportQAError as exc:
        err_console.print(
            styled(("error:", "bold red"), f" {exc}"), highlight=False, soft_wrap=True
        )
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print(
            styled(("interrupted", "red"), " (a scoring run resumes where it stopped)")
        )
        sys.exit(130)

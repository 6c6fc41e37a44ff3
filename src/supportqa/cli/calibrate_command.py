"""`supportqa calibrate`: how far the AI agrees with the team's reviewers, and reviewers with each other.

`calibrate` alone compares AI and human reviews; `calibrate sessions` looks at blind calibration
sessions; `calibrate drift` compares two scorer versions on the same conversations.
"""

from __future__ import annotations

import typer

from supportqa.cli import sessions_command

app = typer.Typer(
    help="Agreement between the AI and human reviewers, reviewer calibration sessions, drift.",
    no_args_is_help=False,
    invoke_without_command=True,
)
sessions_command.register(app)

"""`supportqa report`: the self-contained HTML report for the weekly QA meeting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from supportqa.analytics.coaching_notes import load_notes, notes_path
from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    load_analytics,
    open_repository,
    print_json,
    settings,
)
from supportqa.errors import InputError
from supportqa.reports.html import write_report
from supportqa.reports.overview import overview, scorecard_for
from supportqa.storage.assignments import load_assignments
from supportqa.storage.database import masked


def report(
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write")] = Path(
        "report.html"
    ),
    db: DbOption = None,
    scorecard_name: Annotated[
        str | None, typer.Option("--scorecard-name", help="Only reviews of this scorecard")
    ] = None,
    title: Annotated[str, typer.Option(help="The report's title")] = "Support quality report",
    show_personal_data: Annotated[
        bool | None,
        typer.Option(
            "--show-personal-data/--redact-personal-data",
            help="Quote customers' e-mails, phones, cards, IBANs, addresses and names verbatim "
            "(default: redacted; SUPPORTQA_SHOW_PERSONAL_DATA); agents' names always show",
        ),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Write one self-contained HTML report (plotly.js embedded; opens offline, works when mailed):
    overview against the scorecard's IQS target (`targets`, default 88%), IQS and CX vs CSAT by
    week, teams and agents, criteria, what drives CSAT, CX vs CSAT stability, IQS beside
    CSAT/NPS/CES per team, who needs which coaching (with cards and example conversations) and
    what to review next. Customers' personal data in quoted text is redacted unless
    --show-personal-data."""
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out {out}: the report is HTML; name it something.html")
    with open_repository(db) as repo:
        frames = load_analytics(repo, scorecard_name)
        source = masked(repo.db.url)
        notes = load_notes(notes_path(repo))
        assignments = load_assignments(repo)
        if frames.reviews.height == 0:
            raise InputError(
                "no reviews in the database: run `supportqa score` (and import reviews) first"
            )
        show = settings().show_personal_data if show_personal_data is None else show_personal_data
        view = overview(
            frames,
            notes,
            assignments,
            repo=repo,
            show_personal_data=show,
            scorecard=scorecard_for(frames, repo, scorecard_name),
        )
    path = write_report(view, out, title=title, source=source)
    if json:
        print_json({"out": str(path), "bytes": path.stat().st_size, "headline": view.headline})
        return
    console.print(f"Report written to {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline)")


def register(app: typer.Typer) -> None:
    app.command("report")(report)

"""`supportqa report`: the self-contained HTML report for the weekly QA meeting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    console,
    open_repository,
    print_json,
    settings,
)
from supportqa.errors import InputError
from supportqa.reports.html import write_report
from supportqa.services.frames import ReportFilter
from supportqa.services.report import report as build_report


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
    config = settings()
    show = config.show_personal_data if show_personal_data is None else show_personal_data
    with open_repository(db) as repo:
        built = build_report(
            repo,
            ReportFilter(scorecard_name=scorecard_name),
            show_personal_data=show,
            settings=config,
        )
    path = write_report(built.view, out, title=title, source=built.source)
    if json:
        print_json(
            {
                "out": str(path),
                "bytes": path.stat().st_size,
                "headline": built.view.headline,
                "untrusted_criteria": built.view.untrusted,
                "left_out": built.view.left_out,
            }
        )
        return
    console.print(f"Report written to {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline)")
    if built.view.untrusted:
        console.print(
            f"Untrusted by the latest calibration: {', '.join(built.view.untrusted)}; left out of "
            f"coaching and the agent table: {', '.join(built.view.left_out) or 'none (opted in)'}.",
            highlight=False,
        )


def register(app: typer.Typer) -> None:
    app.command("report")(report)

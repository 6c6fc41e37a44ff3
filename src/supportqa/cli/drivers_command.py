"""`supportqa drivers`: which criteria move CSAT, repeat contact and handle time, and suggested weights."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from supportqa.analytics.drivers import OUTCOMES, CriterionEffect, DriverReport, percent_change
from supportqa.analytics.export import export_rows
from supportqa.cli.common import (
    DbOption,
    ExportOption,
    JsonOption,
    console,
    open_repository,
    print_json,
    settings,
    styled,
)
from supportqa.services.trends import check_outcome, outcome_drivers

UNITS = {"csat": "CSAT pts", "reopened": "pp repeat contact", "handle_time": "% handle time"}


def _effect(report: DriverReport, e: CriterionEffect) -> str:
    """The effect of +10 points of the criterion, in the outcome's own units, with its interval."""
    low, high = 10 * e.ci_low, 10 * e.ci_high
    if report.outcome == "handle_time":
        values = [percent_change(v) for v in (e.per_10, low, high)]
        return "{:+.1f}% [{:+.1f}, {:+.1f}]".format(*values)
    if report.outcome == "reopened":
        return "{:+.1f} [{:+.1f}, {:+.1f}]".format(*(100 * v for v in (e.per_10, low, high)))
    return f"{e.per_10:+.3f} [{low:+.3f}, {high:+.3f}]"


def drivers_table(report: DriverReport) -> Table:
    r2 = "–" if report.r2 is None else f"{report.r2:.3f}"
    table = Table(
        title=f"Drivers of {report.outcome}: {report.model}, n={report.n}, R²={r2}",
        caption="effect of +10 score points, 95% interval; ✓ interval excludes 0; "
        "std: standardised effect; weights as shares of 100",
    )
    table.add_column("criterion")
    table.add_column(f"effect ({UNITS[report.outcome]})", justify="right")
    for name in ("std", "", "mean", "N/A", "current", "suggested"):
        table.add_column(name, justify="right")
    for e in report.effects:
        table.add_row(
            e.key,
            _effect(report, e),
            f"{e.std_effect:+.3f}",
            "✓" if e.significant else "",
            f"{e.mean_score:.1f}",
            f"{e.na_share:.0%}",
            f"{e.current_share:.1f}",
            "–" if e.suggested_weight is None else f"{e.suggested_weight:.1f}",
        )
    return table


def drivers_command(
    outcome: Annotated[
        str, typer.Option("--outcome", help=f"One of {', '.join(OUTCOMES)}")
    ] = "csat",
    team: Annotated[
        str | None, typer.Option("--team", help="Only this team's conversations")
    ] = None,
    with_cx_inputs: Annotated[
        bool,
        typer.Option(
            "--with-cx-inputs", help="Also control for weight-0 CX inputs (never weighted)"
        ),
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
    export: ExportOption = None,
) -> None:
    """Each criterion's effect on an outcome (regression across AI-reviewed conversations) and the
    scorecard weights that would track it, beside the current ones."""
    check_outcome(outcome)
    with open_repository(db) as repo:
        report = outcome_drivers(
            repo,
            outcome=outcome,
            team=team,
            with_cx_inputs=with_cx_inputs,
            settings=settings(),
        )
    if export is not None:
        export_rows(report.flat(), export)
    if json:
        print_json(report)
        return
    console.print(drivers_table(report))
    for note in report.notes:
        console.print(styled(("note:", "yellow"), f" {note}"), highlight=False)
    if export is not None:
        console.print(f"Wrote {export}")


def register(app: typer.Typer) -> None:
    app.command("drivers")(drivers_command)

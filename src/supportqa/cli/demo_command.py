"""`supportqa demo`: the whole loop on synthetic data — generate, import, score, IQS — on SQLite."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from supportqa.cli.common import (
    JsonOption,
    console,
    open_repository,
    print_json,
    progress_bar,
    settings,
    styled,
)
from supportqa.cli.iqs_command import criteria_table, iqs_table
from supportqa.reports.html import write_report
from supportqa.services.demo import CxSummary, run_demo
from supportqa.services.frames import ReportFilter
from supportqa.services.report import report as build_report


def cx_table(summary: CxSummary) -> Table:
    """CX scores 1–5 with their share; 1–3 are flagged for human review."""
    flagged = "–" if summary.flagged_share is None else f"{summary.flagged_share:.0%}"
    table = Table(
        title=f"CX score (customer experience, never used to rank agents): mean "
        f"{summary.mean_value or 0:.2f}, flagged for review (1–3) {flagged}"
    )
    table.add_column("CX")
    table.add_column("conversations", justify="right")
    table.add_column("share", justify="right")
    for score, count in summary.distribution.items():
        share = count / summary.reviews if summary.reviews else 0
        table.add_row(str(score), str(count), f"{share:.1%}")
    for example in summary.examples:
        table.add_row(f"e.g. {example.score}", example.conversation_id, example.explanation)
    return table


def demo(
    directory: Annotated[Path, typer.Option("--dir", help="Where to put the demo files")] = Path(
        "supportqa-demo"
    ),
    n: Annotated[int, typer.Option("--n", min=10, help="Conversations to generate")] = 2000,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    json: JsonOption = False,
) -> None:
    """Run the whole loop on synthetic data in DIR: generate, import, score, IQS (AI next to human).

    Generates 2,000 conversations with simulated human reviews into DIR/supportqa.db (SQLite), scores
    them, and prints IQS by team, agent and criterion. Safe to re-run: imports update, scoring resumes.
    """
    started = time.perf_counter()
    with progress_bar(quiet=json) as bar:
        task = bar.add_task("scoring", total=n)
        result = run_demo(directory, n, seed=seed, progress=lambda k: bar.advance(task, k))
    # the report part: the report service, as `supportqa report` calls it
    config = settings()
    with open_repository(str(result.db)) as repo:
        built = build_report(
            repo,
            ReportFilter(scorecard_name=result.scorecard.name),
            show_personal_data=config.show_personal_data,
            settings=config,
        )
    report = write_report(
        built.view,
        directory / "report.html",
        title="supportqa demo: support quality report",
        source=str(result.db),
    )
    imported, run, cx = result.imported, result.scored, result.cx
    n_conv, n_rev = result.conversations, result.review_lines
    overall, by_team, by_agent = result.iqs_overall, result.iqs_by_team, result.iqs_by_agent
    seconds = time.perf_counter() - started
    if json:
        print_json(
            {
                "dir": str(directory),
                "generated": {"conversations": n_conv, "review_lines": n_rev},
                "import": imported.as_dict(),
                "score": run.as_dict(),
                "iqs": {"overall": overall, "team": by_team, "agent": by_agent},
                "cx": cx.model_dump(mode="json"),
                "report": str(report),
                "seconds": seconds,
            }
        )
        return
    console.print(
        styled(
            ("supportqa demo", "bold"),
            f" in {directory}: {n_conv:,} conversations, {n_rev:,} human review "
            f"lines; imported {imported.imported:,} new, {imported.updated:,} updated, "
            f"{imported.unchanged:,} unchanged; scored {run.scored:,}.",
        )
    )
    console.print(iqs_table(by_team, "IQS by team (AI vs human reviewers)"))
    console.print(iqs_table(by_agent, "IQS by agent"))
    console.print(criteria_table(overall, "Criteria: average score, AI vs human"))
    console.print(cx_table(cx))
    program = sys.argv[0] if sys.argv and sys.argv[0].endswith("supportqa") else "supportqa"
    console.print(
        f"Done in {seconds:.1f} s. Database: {directory / 'supportqa.db'}.\n"
        f"Report: {report} (open it in a browser; it needs no network)\nNext, try:\n"
        f"  {program} iqs --db {directory / 'supportqa.db'} --by week --kind ai\n"
        f"  {program} calibrate --db {directory / 'supportqa.db'}\n"
        f"  {program} calibrate sessions --db {directory / 'supportqa.db'}\n"
        f"  {program} train --db {directory / 'supportqa.db'}\n"
        "(IQS by week; the AI against your reviewers; harsh and lenient reviewers; learning from "
        "the reviews)"
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)

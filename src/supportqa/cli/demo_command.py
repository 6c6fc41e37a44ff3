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
from supportqa.cli.serve_command import ensure_port_free, run_server
from supportqa.reports.html import write_report
from supportqa.services.audit import cli_actor
from supportqa.services.demo import CxSummary, DemoResult, run_demo
from supportqa.services.demo_users import DemoLogin, reset_demo_users
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
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Serve the workspace when done (Ctrl+C stops); --no-serve ends after the report",
        ),
    ] = True,
    host: Annotated[str, typer.Option("--host", help="Address to serve on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to serve on")] = 8000,
    json: JsonOption = False,
) -> None:
    """Run the whole loop on synthetic data in DIR, then serve it: generate, import, score, IQS
    (AI next to human), the HTML report, one demo user per role, and the workspace at
    http://HOST:PORT/ until Ctrl+C.

    Generates 2,000 conversations with simulated human reviews into DIR/supportqa.db (SQLite), scores
    them, and prints IQS by team, agent and criterion. Safe to re-run: imports update, scoring resumes,
    and the demo users get new passwords (printed once; the old ones stop working). --no-serve stops
    after printing the logins (`supportqa serve --db DIR/supportqa.db` serves them later).
    """
    if serve:
        ensure_port_free(host, port)  # before minutes of work, not after
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
        logins = reset_demo_users(repo, actor=cli_actor())
    report = write_report(
        built.view,
        directory / "report.html",
        title="supportqa demo: support quality report",
        source=str(result.db),
    )
    url = f"http://{host}:{port}/"
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
                "untrusted_criteria": result.untrusted,
                "report": str(report),
                "users": logins,
                "url": url if serve else None,
                "seconds": seconds,
            }
        )
    else:
        _print_summary(result, report, seconds)
        console.print(logins_table(logins))
        if not serve:
            console.print(f"Serve them with: supportqa serve --db {result.db}")
    if serve:
        _serve(result.db, url, host, port, quiet=json)


def logins_table(logins: list[DemoLogin]) -> Table:
    """One login per line, whole (never wrapped: a cut password is no password)."""
    table = Table(title="Demo logins (new random passwords, shown once; a re-run resets them)")
    for column in ("role", "e-mail", "password", "sees"):
        table.add_column(column, no_wrap=column != "sees")
    for login in logins:
        table.add_row(login.role, login.email, login.password, _sees(login))
    return table


def _sees(login: DemoLogin) -> str:
    """What the role is for, in a few words (the permission table has the whole truth)."""
    if login.agents:
        return f"only the conversations of {', '.join(login.agents)}; customers masked"
    if login.teams:
        return f"every conversation; leads {', '.join(login.teams)}"
    return {
        "admin": "everything, and users, tokens, audit",
        "reviewer": "every conversation; writes reviews",
        "viewer": "read-only; customers masked",
    }.get(login.role, "")


def _serve(db: Path, url: str, host: str, port: int, *, quiet: bool) -> None:
    if not quiet:
        console.print(
            styled(
                ("Serving the demo at ", "bold"),
                (url, "bold green"),
                " — open it in a browser and log in with one of the logins above; "
                "Ctrl+C stops the server.",
            )
        )
    run_server(str(db), host=host, port=port)
    if not quiet:
        console.print(f"Stopped. `supportqa serve --db {db}` serves it again.")


def _print_summary(result: DemoResult, report: Path, seconds: float) -> None:
    directory = result.directory
    imported, run, cx = result.imported, result.scored, result.cx
    n_conv, n_rev = result.conversations, result.review_lines
    by_team, by_agent, overall = result.iqs_by_team, result.iqs_by_agent, result.iqs_overall
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
    console.print(
        criteria_table(overall, "Criteria: average score, AI vs human", untrusted=result.untrusted)
    )
    if result.untrusted:
        console.print(
            f"Calibration marks {len(result.untrusted)} criteria untrusted "
            f"({', '.join(result.untrusted)}): coaching focus, agent rankings and the report's "
            "agent tables leave them out (`use_when_untrusted: true` in the scorecard opts one in).",
            highlight=False,
        )
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

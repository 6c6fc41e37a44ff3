"""`supportqa queue` (what a person should review this week) and `supportqa explain` (how a score
was computed, in words)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from supportqa.analytics.explain import Explanation
from supportqa.analytics.export import export_rows
from supportqa.analytics.queue import MODES, RULES, QueueReport, QueueRules, Quotas
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
from supportqa.services.explain import check_kind, explain_conversation
from supportqa.services.queue import check_assign, review_queue


def _names(value: str | None) -> list[str]:
    names: list[str] = []
    for part in (value or "").split(","):
        if part.strip() and part.strip() not in names:
            names.append(part.strip())
    return names


def _queue_table(report: QueueReport) -> Table:
    table = Table(title=f"Review queue for {report.week} ({len(report.items)} conversations)")
    for col in ("#", "conversation", "agent", "team", "IQS", "CX", "reviewer", "why"):
        table.add_column(col, justify="right" if col in ("#", "IQS", "CX") else "left")
    for n, i in enumerate(report.items, start=1):
        why = Text("\n").join(styled((r.rule, "bold"), f": {r.detail}") for r in i.reasons)
        table.add_row(
            str(n),
            i.conversation_id,
            i.agent_name or i.agent or "–",
            i.team or "–",
            "–" if i.iqs is None else f"{i.iqs:.1f}",
            "–" if i.cx_score is None else str(i.cx_score),
            i.reviewer or "–",
            why,
        )
    return table


def queue_command(
    week: Annotated[
        str | None, typer.Option("--week", help="ISO week, e.g. 2026-W47 (default: the latest)")
    ] = None,
    per_agent: Annotated[
        int, typer.Option("--per-agent", help="At most this many per agent per week")
    ] = 3,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many in all")] = None,
    reviewers: Annotated[
        str | None, typer.Option("--reviewers", help="Comma-separated reviewer names")
    ] = None,
    rule: Annotated[
        list[str] | None,
        typer.Option("--rule", help=f"Only these rules (repeatable): {', '.join(RULES)}"),
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help=" or ".join(MODES))] = "balanced",
    confidence_below: Annotated[
        float, typer.Option("--confidence-below", help="Low AI confidence threshold")
    ] = 0.5,
    disagreement: Annotated[
        float, typer.Option("--disagreement", help="AI vs human IQS gap, in points")
    ] = 20.0,
    sample: Annotated[int, typer.Option("--sample", help="Calibration sample size")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample and tie-breaks")] = 0,
    assign: Annotated[
        bool, typer.Option("--assign", help="Save the assignments so no later run repeats them")
    ] = False,
    db: DbOption = None,
    json: JsonOption = False,
    export: ExportOption = None,
) -> None:
    """Which conversations a person should review this week, why, and who reviews each."""
    rules = QueueRules(
        rules=tuple(rule) if rule else RULES,
        confidence_below=confidence_below,
        disagreement_over=disagreement,
        calibration_sample=sample,
    )
    names = _names(reviewers)
    check_assign(assign, names)
    with open_repository(db) as repo:
        result = review_queue(
            repo,
            rules,
            Quotas(per_agent=per_agent, total=limit),
            names,
            seed=seed,
            week=week,
            mode=mode,
            assign=assign,
            settings=settings(),
        )
    report, saved = result.queue, result.saved
    if export is not None:
        export_rows(report.flat(), export)
    if json:
        print_json({"queue": report, "saved": saved})
        return
    console.print(_queue_table(report))
    picked = ", ".join(f"{k} {v}" for k, v in report.candidates.items())
    console.print(f"Picked by rule: {picked}")
    console.print(
        f"Skipped: {report.skipped_reviewed} already reviewed by a person, "
        f"{report.skipped_assigned} assigned earlier, {report.over_quota} over the quota or limit"
    )
    for note in report.notes:
        console.print(styled(("note:", "yellow"), f" {note}"))
    if assign:
        console.print(f"Saved {saved} assignments: a later run will not hand them out again.")
    if export is not None:
        console.print(f"Wrote {export}")


def _print_explanation(e: Explanation) -> None:
    who = e.agent_name or e.agent or "–"
    console.print(
        styled(
            (f"{e.kind.upper()} review {e.review_id}", "bold"),
            f" of {e.conversation_id} · agent {who} · "
            f"reviewer {e.reviewer or '–'} · scorecard {e.scorecard}",
        ),
        highlight=False,
    )
    table = Table()
    for col in ("criterion", "status", "rating", "score", "weight", "w×score", "crit.", "why"):
        table.add_column(col, justify="right" if col in ("rating", "score", "weight") else "left")
    for c in e.criteria:
        why = c.explanation + "".join(f"\n  {q}" for q in c.evidence)
        table.add_row(
            c.name,
            c.status,
            "–" if c.rating is None else f"{c.rating:g}" + (f" ({c.scale})" if c.scale else ""),
            "–" if c.score_pct is None else f"{c.score_pct:.0f}%",
            f"{c.weight:g}",
            "–" if c.contribution is None else f"{c.contribution:.0f}",
            "yes" if c.critical else "",
            why,
        )
    console.print(table)
    iqs = "none" if e.iqs.iqs is None else f"{e.iqs.iqs:.1f}%"
    console.print(styled((f"IQS {iqs}", "bold"), f": {e.iqs.sentence}"), highlight=False)
    if e.cx is not None:
        console.print(styled((f"CX {e.cx.score}", "bold"), f": {e.cx.sentence}"), highlight=False)
        console.print(f"  {e.cx.formula} · {e.cx.story}", highlight=False)
    for note in e.notes:
        console.print(styled(("note:", "yellow"), f" {note}"))


def explain_command(
    conversation_id: Annotated[str, typer.Argument(help="The conversation's id")],
    source: Annotated[
        str | None, typer.Option("--source", help="Its source, if the id is in several")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="ai or human (default: both)")] = None,
    db: DbOption = None,
    json: JsonOption = False,
    export: ExportOption = None,
) -> None:
    """How each review of a conversation got its IQS and CX: every criterion, weight and quote."""
    check_kind(kind)
    with open_repository(db) as repo:
        explanations = explain_conversation(repo, conversation_id, source=source, kind=kind)
    if export is not None:
        export_rows([row for e in explanations for row in e.flat()], export)
    if json:
        print_json(explanations)
        return
    for e in explanations:
        _print_explanation(e)
    if export is not None:
        console.print(f"Wrote {export}")


def register(app: typer.Typer) -> None:
    app.command("queue")(queue_command)
    app.command("explain")(explain_command)

"""`supportqa judge`: the LLM judge's own tools — check the server, probe for identity bias."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    ScorecardOption,
    console,
    open_repository,
    print_json,
    resolve_scorecard,
    settings,
)
from supportqa.cli.llm_support import (
    ConcurrencyOption,
    LlmModelOption,
    judge_summary,
    open_judge,
    print_judge_summary,
)
from supportqa.domain.scorecard import Criterion, Scorecard
from supportqa.services.judge import check_judge, probe_judge, sample_conversations
from supportqa.services.llm import judged_criteria_of

app = typer.Typer(
    help="The optional LLM judge: check the server, probe ratings for identity bias.",
    no_args_is_help=True,
)


def _judged(path: Path | None) -> tuple[Scorecard, list[Criterion]]:
    """The scorecard and the criteria the LLM judges; none is a clear error, not an empty request."""
    card = resolve_scorecard(path)
    return card, judged_criteria_of(card)


@app.command("probe")
def probe(
    sample: Annotated[int, typer.Option("--sample", min=1, help="Conversations to probe")] = 50,
    seed: Annotated[int, typer.Option("--seed")] = 7,
    scorecard: ScorecardOption = None,
    db: DbOption = None,
    llm_model: LlmModelOption = None,
    concurrency: ConcurrencyOption = None,
    json: JsonOption = False,
) -> None:
    """Re-judge a sample with names and identity cues swapped; report how often a rating flips."""
    card, criteria = _judged(scorecard)
    with open_repository(db) as repo:
        conversations = sample_conversations(repo, sample, seed)
    judge = open_judge(card, db or settings().db, model=llm_model, concurrency=concurrency)
    try:
        report = probe_judge(judge, conversations, criteria)
        summary = judge_summary(judge)
    finally:
        judge.close()
    rows: list[dict[str, Any]] = []
    for tally in report.criteria:
        interval = tally.interval()
        rows.append(
            {
                "criterion": tally.key,
                "pairs": tally.pairs,
                "flips": tally.flips,
                "flip_rate": tally.flip_rate,
                "flip_rate_ci": list(interval) if interval else None,
                "mean_shift": tally.mean_shift,
            }
        )
    data = {
        "conversations": report.conversations,
        "changed_by_swap": report.changed_text,
        "with_any_flip": report.with_any_flip,
        "redaction": settings().llm_redact,
        "criteria": rows,
        "examples": report.examples,
        "llm": summary,
    }
    if json:
        print_json(data)
        return
    table = Table(
        title=f"Fairness probe · {report.conversations} conversations, names and "
        f"identity cues swapped ({report.changed_text} changed by the swap)"
    )
    for column in ("criterion", "pairs", "flips", "flip rate (95% CI)", "mean shift"):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for row in rows:
        ci = row["flip_rate_ci"]
        rate = (
            f"{100 * row['flip_rate']:.1f}% ({100 * ci[0]:.0f}–{100 * ci[1]:.0f}%)"
            if row["flip_rate"] is not None and ci
            else "–"
        )
        shift = f"{row['mean_shift']:+.2f}" if row["mean_shift"] is not None else "–"
        table.add_row(row["criterion"], str(row["pairs"]), str(row["flips"]), rate, shift)
    console.print(table)
    console.print(
        f"{report.with_any_flip} of {report.conversations} conversations had at least one rating "
        "flip."
        + (
            " Redaction was on: names known from metadata never reached the model."
            if settings().llm_redact
            else ""
        )
    )
    print_judge_summary(summary)


@app.command("check")
def check(
    scorecard: ScorecardOption = None,
    llm_model: LlmModelOption = None,
    json: JsonOption = False,
) -> None:
    """Send one small made-up conversation (no customer data) and show how the server answered."""
    card, criteria = _judged(scorecard)
    judge = open_judge(card, settings().db, model=llm_model, concurrency=1, use_cache=False)
    try:
        scores = check_judge(judge, criteria)
        summary = judge_summary(judge)
    finally:
        judge.close()
    data = {
        "ok": summary["failed_conversations"] == 0,
        "ratings": {k: s.model_dump(mode="json", exclude={"scorer"}) for k, s in scores.items()},
        "llm": summary,
    }
    if json:
        print_json(data)
    else:
        table = Table(title="LLM judge check: one made-up conversation")
        for column in ("criterion", "status", "rating", "reason"):
            table.add_column(column)
        for key, score in scores.items():
            rating = f"{score.rating:g}" if score.rating is not None else "–"
            table.add_row(key, score.status.value, rating, score.explanation)
        console.print(table)
        print_judge_summary(summary)
    if not data["ok"]:
        raise typer.Exit(1)

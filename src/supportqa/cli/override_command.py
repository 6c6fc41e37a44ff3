"""`supportqa override add|list`: a person corrects an AI rating; the AI review stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from supportqa.cli.common import DbOption, JsonOption, console, open_repository, print_json, styled
from supportqa.domain.score import ScorerRef, Status
from supportqa.errors import InputError
from supportqa.services.reviews import (
    OverrideRequest,
    OverrideRow,
    list_overrides,
    override_rating,
)

app = typer.Typer(
    help="Human overrides of AI ratings: who, when and why; the AI review is never changed.",
    no_args_is_help=True,
)

ConversationOption = Annotated[
    str, typer.Option("--conversation", help="The conversation's id (as imported)")
]
SourceOption = Annotated[
    str | None,
    typer.Option("--source", help="The conversation's source, when its id is in several"),
]


def _when(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(at.strip())
    except ValueError:
        raise InputError(
            f"--at {at!r} is not an ISO 8601 time (e.g. 2026-03-04T10:00:00Z)"
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _rating_text(status: Status, rating: float | None, scorer: ScorerRef | None = None) -> str:
    text = f"{rating:g}" if rating is not None else "N/A" if status is Status.NA else status.value
    return text + (f" ({scorer.name} v{scorer.version})" if scorer else "")


@app.command("add")
def add(
    conversation: ConversationOption,
    criterion: Annotated[str, typer.Option("--criterion", help="The criterion key to override")],
    by: Annotated[str, typer.Option("--by", help="Who overrides (a reviewer name)")],
    why: Annotated[str, typer.Option("--why", help="Why the AI rating is wrong (required)")],
    rating: Annotated[
        float | None, typer.Option("--rating", help="The rating, on the criterion's scale")
    ] = None,
    na: Annotated[bool, typer.Option("--na", help="Mark the criterion N/A instead")] = False,
    source: SourceOption = None,
    scorecard_version: Annotated[
        str | None,
        typer.Option(
            "--scorecard-version", help="Which AI review, when several versions scored it"
        ),
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="When (ISO 8601; naive is UTC; default now)")
    ] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Override one AI rating: it becomes (or updates) BY's human review of the conversation on the
    AI review's scorecard version, with a record of the AI rating, scorer, who, when and why."""
    if (rating is None) == (not na):
        raise InputError("give either --rating R or --na")
    request = OverrideRequest(criterion, None if na else rating, by.strip(), why.strip(), _when(at))
    with open_repository(db) as repo:
        result = override_rating(
            repo, conversation, request, source=source, scorecard_version=scorecard_version
        )
    record = result.override
    if json:
        print_json(result)
        return
    console.print(
        styled(
            f"{record.by} overrode ",
            (record.criterion, "bold"),
            f" on {result.source}/{result.conversation_id}: "
            f"AI {_rating_text(record.ai_status, record.ai_rating, record.ai_scorer)} → "
            f"{_rating_text(record.status, record.rating)}. "
            f"{'New' if result.created else 'Updated'} human review {result.human_review_id} "
            f"({result.overrides} override{'s' if result.overrides != 1 else ''}); "
            "the AI review is unchanged.",
        ),
        highlight=False,
    )


def overrides_table(rows: list[OverrideRow]) -> Table:
    """One row per override (the scorer replaced is in `--json`); the source is shown only when the
    rows come from several."""
    sources = {row.source for row in rows}
    table = Table(title=f"Overrides of AI ratings ({len(rows)})")
    for name in ("date", "conversation", "criterion", "AI → human", "by"):
        table.add_column(name, no_wrap=True)
    table.add_column("why")
    for row in rows:
        table.add_row(
            row.at.strftime("%Y-%m-%d"),
            row.conversation_id if len(sources) == 1 else f"{row.source}/{row.conversation_id}",
            row.criterion,
            f"{_rating_text(row.ai_status, row.ai_rating)} → {_rating_text(row.status, row.rating)}",
            row.by,
            row.reason,
        )
    return table


@app.command("list")
def list_(
    conversation: Annotated[
        str | None, typer.Option("--conversation", help="Only this conversation")
    ] = None,
    source: SourceOption = None,
    by: Annotated[str | None, typer.Option("--by", help="Only this person's overrides")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List overrides, oldest first: the AI rating and scorer replaced, the new rating, who, when, why."""
    with open_repository(db) as repo:
        rows = list_overrides(repo, conversation_id=conversation, source=source, by=by)
    if json:
        print_json({"overrides": rows})
        return
    console.print(overrides_table(rows))

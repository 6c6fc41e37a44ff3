"""`init`, `import` and `generate`: getting conversations and reviews in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from supportqa.cli.common import (
    DbOption,
    JsonOption,
    ScorecardOption,
    console,
    open_repository,
    print_errors,
    print_json,
    progress_bar,
    resolve_scorecard,
    settings,
    styled,
)
from supportqa.services.database import init_workspace
from supportqa.services.importing import (
    bytes_to_import,
    generate_files,
    import_files,
    load_csv_mapping,
)


def init(db: DbOption = None, scorecard: ScorecardOption = None, json: JsonOption = False) -> None:
    """Create the database (or migrate it) and store the scorecard (default: the packaged one)."""
    card = resolve_scorecard(scorecard)
    result = init_workspace(db, card, settings=settings())
    if json:
        print_json(result.as_dict())
        return
    state = "stored" if result.new else "already stored"
    console.print(
        styled(
            "Database ready at ",
            (result.db, "bold"),
            f"; scorecard {card.name} v{card.version} {state}.",
        )
    )


def import_(
    files: Annotated[
        list[Path], typer.Argument(help="JSONL files of conversations, reviews or ratings")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="auto, jsonl, zendesk, intercom, freshdesk, csv or review-csv"
        ),
    ] = "auto",
    csv_mapping: Annotated[
        Path | None,
        typer.Option("--csv-mapping", help="YAML column mapping for CSV files (docs/importers.md)"),
    ] = None,
    db: DbOption = None,
    scorecard: ScorecardOption = None,
    workers: Annotated[
        int,
        typer.Option("--workers", min=0, help="Parsing processes for big JSONL (0 = one per core)"),
    ] = 0,
    show_personal_data: Annotated[
        bool | None,
        typer.Option(
            "--show-personal-data/--redact-personal-data",
            help="Error lines quote bad cells verbatim (default: customers' e-mails, phones, "
            "cards, IBANs, addresses redacted; SUPPORTQA_SHOW_PERSONAL_DATA)",
        ),
    ] = None,
    queue_scoring: Annotated[
        bool,
        typer.Option(
            "--queue-scoring",
            help="Queue a background `score` job for what this import brought in or changed "
            "(`supportqa worker` runs it; see docs/jobs.md)",
        ),
    ] = False,
    json: JsonOption = False,
) -> None:
    """Import conversations or reviews (detected per record); re-importing updates, never duplicates.

    Ratings lines (`{"conversation_id", "reviewer", "ratings": {...}}`) become human reviews on the
    scorecard. Bad records are reported with file and line; the rest are imported; exit code 1 if any failed.
    Warnings (undecodable bytes, implausible dates, an id repeated in a file) are listed and do not fail.
    """
    card = resolve_scorecard(scorecard)
    mapping = load_csv_mapping(csv_mapping) if csv_mapping else None
    with open_repository(db, create=True) as repo, progress_bar(quiet=json) as bar:
        task = bar.add_task("importing", total=bytes_to_import(files))
        report = import_files(
            repo,
            files,
            scorecard=card,
            fmt=fmt,
            csv_mapping=mapping,
            workers=workers,
            on_bytes=lambda n: bar.advance(task, n),
            show_personal_data=show_personal_data,
            settings=settings(),
        )
        queued = None
        if queue_scoring and (report.imported or report.updated):
            from supportqa.jobs import kinds  # the job handlers load the engine: only when asked

            queued = kinds.enqueue(repo, "score", {"scorecard": card.name}, settings=settings())
    if json:
        print_json({**report.as_dict(), "queued_job": None if queued is None else queued.id})
    else:
        table = Table(title="import", show_header=True)
        columns = (
            "imported",
            "updated",
            "unchanged",
            "failed",
            "warnings",
            "conversations",
            "reviews",
        )
        for column in columns:
            table.add_column(column, justify="right")
        table.add_row(
            *(
                str(v)
                for v in (
                    report.imported,
                    report.updated,
                    report.unchanged,
                    report.failed,
                    len(report.warnings),
                    report.conversations,
                    report.reviews,
                )
            )
        )
        console.print(table)
        print_errors(report.errors)
        print_errors(report.warnings, colour="yellow", label="warning: ")
        if queued is not None:
            console.print(
                f"Queued scoring as job {queued.id} (lock {queued.lock}); `supportqa worker` runs it."
            )
    if report.failed:
        raise typer.Exit(1)


def generate(
    out: Annotated[Path, typer.Option("-o", "--out", help="Conversations JSONL to write")],
    n: Annotated[int, typer.Option("--n", min=1, help="How many conversations")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same data")] = 7,
    weeks: Annotated[int, typer.Option("--weeks", min=1, help="Weeks of history")] = 12,
    reviews: Annotated[
        Path | None, typer.Option("--reviews", help="Also write simulated human reviews here")
    ] = None,
    review_share: Annotated[
        float, typer.Option("--review-share", min=0.0, max=1.0, help="Share reviewed by people")
    ] = 0.05,
    json: JsonOption = False,
) -> None:
    """Generate realistic synthetic conversations with planted defects (ground truth in metadata.truth)."""
    with progress_bar(quiet=json) as bar:
        task = bar.add_task("generating", total=n)
        result = generate_files(
            out,
            n,
            seed=seed,
            weeks=weeks,
            reviews=reviews,
            review_share=review_share,
            progress=lambda done: bar.update(task, completed=done),
        )
    if json:
        print_json(result.as_dict())
    else:
        extra = f" and {result.reviews:,} review lines to {reviews}" if reviews else ""
        console.print(f"Wrote {n:,} conversations to {out}{extra}.")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_)
    app.command("generate")(generate)

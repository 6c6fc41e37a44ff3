"""`init`, `import` and `generate`: getting conversations and reviews in."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import orjson
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
from supportqa.importers.csv_format import csv_reader
from supportqa.importers.csv_mapping import CsvMapping, load_mapping
from supportqa.importers.csv_records import CsvLimits
from supportqa.importers.review_csv import FORMAT_NAME as REVIEW_CSV
from supportqa.importers.review_csv import review_csv_reader
from supportqa.importers.service import import_files
from supportqa.synthetic import generate_conversations, simulate_reviews


def init(db: DbOption = None, scorecard: ScorecardOption = None, json: JsonOption = False) -> None:
    """Create the database (or migrate it) and store the scorecard (default: the packaged one)."""
    card = resolve_scorecard(scorecard)
    with open_repository(db, create=True) as repo:
        new = repo.save_scorecard(card)
        url = repo.db.url_for_display
    result = {"db": url, "scorecard": {"name": card.name, "version": card.version}, "new": new}
    if json:
        print_json(result)
        return
    state = "stored" if new else "already stored"
    console.print(
        styled(
            "Database ready at ",
            (url, "bold"),
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
    json: JsonOption = False,
) -> None:
    """Import conversations or reviews (detected per record); re-importing updates, never duplicates.

    Ratings lines (`{"conversation_id", "reviewer", "ratings": {...}}`) become human reviews on the
    scorecard. Bad records are reported with file and line; the rest are imported; exit code 1 if any failed.
    Warnings (undecodable bytes, implausible dates, an id repeated in a file) are listed and do not fail.
    """
    card = resolve_scorecard(scorecard)
    limits = CsvLimits.from_settings(settings())
    mapping = load_mapping(csv_mapping) if csv_mapping else CsvMapping()
    readers = {"csv": csv_reader(mapping, limits), REVIEW_CSV: review_csv_reader(limits)}
    total = sum(f.stat().st_size for f in files if f.is_file())
    with open_repository(db, create=True) as repo, progress_bar(quiet=json) as bar:
        repo.save_scorecard(card)
        task = bar.add_task("importing", total=total)
        report = import_files(
            repo,
            files,
            scorecard=card,
            fmt=fmt,
            workers=workers or (os.cpu_count() or 1),
            readers=readers,
            on_bytes=lambda n: bar.advance(task, n),
            show_personal_data=(
                settings().show_personal_data if show_personal_data is None else show_personal_data
            ),
        )
    if json:
        print_json(report.as_dict())
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
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle, progress_bar(quiet=json) as bar:
        task = bar.add_task("generating", total=n)
        for index, conversation in enumerate(generate_conversations(n, seed, weeks=weeks)):
            handle.write(orjson.dumps(conversation) + b"\n")
            if index % 500 == 0:
                bar.update(task, completed=index)
    n_reviews = 0
    if reviews is not None:
        reviews.parent.mkdir(parents=True, exist_ok=True)
        again = generate_conversations(
            n, seed, weeks=weeks
        )  # deterministic: no need to hold n in memory
        with reviews.open("wb") as handle:
            for line in simulate_reviews(again, seed, share=review_share):
                handle.write(orjson.dumps(line) + b"\n")
                n_reviews += 1
    result = {
        "conversations": n,
        "out": str(out),
        "reviews": n_reviews,
        "reviews_out": str(reviews) if reviews else None,
    }
    if json:
        print_json(result)
    else:
        extra = f" and {n_reviews:,} review lines to {reviews}" if reviews else ""
        console.print(f"Wrote {n:,} conversations to {out}{extra}.")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("import")(import_)
    app.command("generate")(generate)

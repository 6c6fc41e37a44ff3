"""`supportqa score`: a JSONL file into review JSONL, or everything in the database not yet scored."""

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
)
from supportqa.cli.llm_support import (
    ConcurrencyOption,
    LlmModelOption,
    open_judge,
    print_judge_summary,
    show_requests,
)
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.services.llm import POLICIES, LlmRun, account_llm_run, start_llm_run
from supportqa.services.score_plan import (
    choose_workers,
    count_lines,
    count_to_score,
    dry_run_conversations,
)
from supportqa.services.scoring import RunReport, score_database, score_file


def _print_report(report: RunReport, where: str, *, database: bool) -> None:
    console.print(f"scored → {where}", highlight=False)  # a title would fold a long path
    table = Table()
    fields = ["scored", "skipped", "incomplete", "criteria_failed", "failed_records"]
    if database:
        fields[1:2] = ["rescored_changed", "rescored_stale", "stale"]
    for name in fields:
        table.add_column(name.replace("_", " "), justify="right")
    table.add_row(*(str(getattr(report, name)) for name in fields))
    console.print(table)
    if report.stale:
        console.print(
            f"{report.stale} reviews were made by scorers that have changed since: "
            "`supportqa score --rescore-stale` redoes them"
        )
    if report.interrupted_runs:
        ids = ", ".join(str(i) for i in report.interrupted_runs)
        console.print(f"runs found interrupted (killed; their work was taken over): {ids}")
    print_errors(report.errors)


def score(
    file: Annotated[
        Path | None, typer.Argument(help="Conversations JSONL (default: the database)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Reviews JSONL to write (with FILE)")
    ] = None,
    scorecard: ScorecardOption = None,
    db: DbOption = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1)] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=0,
            help="Scoring processes (0 = one; one per core for 5,000+ conversations with a "
            "rules-only scorecard)",
        ),
    ] = 0,
    restart: Annotated[
        bool, typer.Option("--restart", help="With FILE: overwrite OUT instead of resuming")
    ] = False,
    llm: Annotated[
        bool,
        typer.Option(
            "--llm",
            help="Judge the model and LLM-only criteria with an OpenAI-compatible LLM "
            "(SUPPORTQA_LLM_BASE_URL, _MODEL, _API_KEY): one request per conversation",
        ),
    ] = False,
    llm_when: Annotated[
        str,
        typer.Option(
            "--llm-when",
            help="always: every conversation; low-confidence: only where local confidence is low",
        ),
    ] = "always",
    llm_model: LlmModelOption = None,
    concurrency: ConcurrencyOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="With --llm: print exactly what would be sent; send and write nothing"
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="With --dry-run: how many requests to print")
    ] = 3,
    rescore_stale: Annotated[
        bool,
        typer.Option(
            "--rescore-stale",
            help="Also redo AI reviews made by scorers the registry now has at another version",
        ),
    ] = False,
    json: JsonOption = False,
) -> None:
    """Score conversations with the scorecard's automated criteria (the rest stay `unrated`).

    Resumable: a killed run continues with what is not yet scored; nothing is scored twice. A
    conversation that changed since its review is scored again (`rescored changed`). Runs on one
    database at the same time split the work. With --llm, answers are cached beside the database,
    so a stopped run never pays twice.
    """
    card = resolve_scorecard(scorecard)
    size = batch_size or settings().batch_size
    if llm_when not in POLICIES:  # before the judge is set up: a typo costs no connection
        raise InputError(f"--llm-when {llm_when!r}: use one of {', '.join(POLICIES)}")
    if dry_run and not llm:
        raise InputError("--dry-run shows what --llm would send: add --llm")
    run: LlmRun | None = None
    if llm:
        judge = open_judge(card, db or settings().db, model=llm_model, concurrency=concurrency)
        run = start_llm_run(card, judge, llm_when)
    try:
        if run is not None and dry_run:
            if file is not None:
                found, errors = dry_run_conversations(file, None, card, run, limit)
            else:
                with open_repository(db) as repo:
                    found, errors = dry_run_conversations(None, repo, card, run, limit)
            show_requests(run.judge, run.requests(found)[:limit], json, errors)
            if errors:
                raise typer.Exit(1)
            return
        if rescore_stale and file is not None:
            raise InputError("--rescore-stale works on the database: drop FILE")
        report, where = _run(card, file, out, db, size, restart, workers, json, run, rescore_stale)
        if run is not None:
            account_llm_run(report, run, settings())
        data = {
            **report.as_dict(),
            "out": where,
            "scorecard": {"name": card.name, "version": card.version},
        }
        if json:
            print_json(data)
        else:
            _print_report(report, where, database=file is None)
            if report.llm is not None:
                print_judge_summary(report.llm)
    finally:
        if run is not None:
            run.judge.close()
    if report.failed_records:
        raise typer.Exit(1)


def _run(
    card: Scorecard,
    file: Path | None,
    out: Path | None,
    db: str | None,
    size: int,
    restart: bool,
    workers: int,
    json: bool,
    run: LlmRun | None,
    rescore_stale: bool = False,
) -> tuple[RunReport, str]:
    """A file or the database, locally or with the LLM judge (`run`, in this process)."""
    label = "scoring" if run is None else "judging"
    if file is not None:
        if out is None:
            raise InputError("with FILE, give -o/--out for the reviews JSONL")
        total = count_lines(file)
        with progress_bar(quiet=json) as bar:
            task = bar.add_task(label, total=total)
            report = score_file(
                file,
                out,
                card,
                resume=not restart,
                batch_size=size,
                workers=choose_workers(workers, total, card),
                progress=lambda n: bar.advance(task, n),
                scorer=run,
                reviewer=run.reviewer if run is not None else None,
            )
        return report, str(out)
    reviewer = run.reviewer if run is not None else None
    with open_repository(db) as repo:
        total = count_to_score(repo, card, reviewer=reviewer, rescore_stale=rescore_stale)
        options = settings()
        with progress_bar(quiet=json) as bar:
            task = bar.add_task(label, total=total)
            report = score_database(
                repo,
                card,
                batch_size=size,
                workers=choose_workers(workers, total, card),
                progress=lambda n: bar.advance(task, n),
                scorer=run,
                reviewer=reviewer,
                rescore_stale=rescore_stale,
                lease_s=options.claim_lease_s,
                heartbeat_s=options.claim_heartbeat_s,
            )
        return report, repo.db.url_for_display


def register(app: typer.Typer) -> None:
    app.command("score")(score)

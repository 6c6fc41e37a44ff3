"""`supportqa score`: a JSONL file into review JSONL, or everything in the database not yet scored."""

from __future__ import annotations

import os
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
    print_errors,
    print_json,
    progress_bar,
    resolve_scorecard,
    settings,
)
from supportqa.cli.llm_support import (
    ConcurrencyOption,
    LlmModelOption,
    judge_summary,
    open_judge,
    print_judge_summary,
    show_requests,
)
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.scoring.llm_run import POLICIES, LlmRun
from supportqa.scoring.profiles import uses_sentence_model
from supportqa.scoring.runner import (
    RunReport,
    current_scorer_versions,
    parse_line,
    score_database,
    score_file,
)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _workers(asked: int, lines: int, card: Scorecard) -> int:
    """One process per core for big rules-only runs; small runs are not worth starting processes for.
    A scorecard that uses the sentence model stays in one process: the model already uses every core,
    and each worker would load its own copy (~850 MB) and encode shared sentences again (measured:
    47 conversations/s and 1.8 GB with two workers, 72/s and 0.9 GB with one)."""
    if asked:
        return asked
    if uses_sentence_model(card):
        return 1
    return (os.cpu_count() or 1) if lines >= 5000 else 1


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
    if llm_when not in POLICIES:
        raise InputError(f"--llm-when {llm_when!r}: use one of {', '.join(POLICIES)}")
    if dry_run and not llm:
        raise InputError("--dry-run shows what --llm would send: add --llm")
    run: LlmRun | None = None
    if llm:
        judge = open_judge(card, db or settings().db, model=llm_model, concurrency=concurrency)
        run = LlmRun(card, judge, llm_when)
    try:
        if run is not None and dry_run:
            found, errors = _dry_run_conversations(file, db, card, run, limit)
            show_requests(run.judge, run.requests(found)[:limit], json, errors)
            if errors:
                raise typer.Exit(1)
            return
        if rescore_stale and file is not None:
            raise InputError("--rescore-stale works on the database: drop FILE")
        report, where = _run(card, file, out, db, size, restart, workers, json, run, rescore_stale)
        data = {
            **report.as_dict(),
            "out": where,
            "scorecard": {"name": card.name, "version": card.version},
        }
        if run is not None:
            data["llm"] = judge_summary(
                run.judge,
                policy=run.policy,
                sent_conversations=run.sent_conversations,
                kept_local=run.kept_local,
                judged_fully=run.judged_fully,
                left_pending=run.left_pending,
            )
        if json:
            print_json(data)
        else:
            _print_report(report, where, database=file is None)
            if run is not None:
                print_judge_summary(data["llm"])
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
        if not file.is_file():
            raise InputError("no such file", file=str(file))
        total = _count_lines(file)
        with progress_bar(quiet=json) as bar:
            task = bar.add_task(label, total=total)
            report = score_file(
                file,
                out,
                card,
                resume=not restart,
                batch_size=size,
                workers=_workers(workers, total, card),
                progress=lambda n: bar.advance(task, n),
                scorer=run,
                reviewer=run.reviewer if run is not None else None,
            )
        return report, str(out)
    reviewer = run.reviewer if run is not None else None
    with open_repository(db) as repo:
        ref = ScorecardRef(name=card.name, version=card.version)
        stale = repo.stale_scorer_versions(ref, current_scorer_versions()) if rescore_stale else []
        total = repo.count_unscored(ref, reviewer=reviewer, stale=stale)
        options = settings()
        with progress_bar(quiet=json) as bar:
            task = bar.add_task(label, total=total)
            report = score_database(
                repo,
                card,
                batch_size=size,
                workers=_workers(workers, total, card),
                progress=lambda n: bar.advance(task, n),
                scorer=run,
                reviewer=reviewer,
                rescore_stale=rescore_stale,
                lease_s=options.claim_lease_s,
                heartbeat_s=options.claim_heartbeat_s,
            )
        return report, repo.db.url_for_display


def _dry_run_conversations(
    file: Path | None, db: str | None, card: Scorecard, run: LlmRun, limit: int
) -> tuple[list[Conversation], list[dict[str, Any]]]:
    """The first conversations the run would send (in --llm-when low-confidence, after the local
    pass picks them), and the bad lines met on the way (file, line, reason), as a real run reports
    them."""
    errors: list[dict[str, Any]] = []
    if file is not None:
        if not file.is_file():
            raise InputError("no such file", file=str(file))
        found: list[Conversation] = []
        with file.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                parsed = parse_line(str(file), number, raw)
                if isinstance(parsed, Conversation):
                    found.append(parsed)
                else:
                    errors.append(parsed)
                if len(found) >= limit * 20:
                    break
    else:
        with open_repository(db) as repo:
            ref = ScorecardRef(name=card.name, version=card.version)
            batches = repo.iter_unscored(ref, batch_size=limit * 20, reviewer=run.reviewer)
            found = next(iter(batches), [])
    if run.policy == "low-confidence":
        local = run.local_engine.score(found)
        found = run.uncertain_conversations(found, local)
    return found[:limit], errors


def register(app: typer.Typer) -> None:
    app.command("score")(score)

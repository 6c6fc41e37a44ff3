"""Scoring runs: a JSONL file into review JSONL, or the database in place. Both resume after a crash.

File runs append one batch at a time and skip conversations whose review is already in the output; a
half-written last line (the process was killed mid-write) is cut off first. Database runs score only what
has no AI review for this scorecard version yet, committing per batch.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import orjson

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.importers.jsonl import read_jsonl
from supportqa.importers.records import parse_record
from supportqa.scoring.engine import ScoringEngine, ai_review_id
from supportqa.storage import Repository

Progress = Callable[[int], None]


@dataclass
class RunReport:
    scored: int = 0
    skipped: int = 0
    failed_records: int = 0
    incomplete: int = 0
    criteria_failed: int = 0
    dropped_quotes: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def count(self, reviews: list[Review]) -> None:
        self.scored += len(reviews)
        self.incomplete += sum(r.incomplete for r in reviews)
        self.criteria_failed += sum(r.counts.failed for r in reviews)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def review_line(review: Review) -> bytes:
    return orjson.dumps(review.model_dump(mode="json", exclude_none=False)) + b"\n"


def _existing_review_ids(out: Path) -> set[str]:
    """Review ids already written; truncates a torn last line left by a killed run."""
    ids: set[str] = set()
    if not out.exists():
        return ids
    good_end = 0
    with out.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                break
            try:
                ids.add(str(orjson.loads(raw)["review_id"]))
            except (orjson.JSONDecodeError, KeyError, TypeError):
                break
            good_end += len(raw)
    if good_end != out.stat().st_size:
        with out.open("rb+") as handle:
            handle.truncate(good_end)
    return ids


def _conversation_batches(
    source: Path, report: RunReport, batch_size: int
) -> Iterator[list[Conversation]]:
    batch: list[Conversation] = []
    for record in read_jsonl(source):
        if isinstance(record, InputError):
            report.failed_records += 1
            report.errors.append({"file": record.file, "line": record.line, "reason": record.reason})
            continue
        try:
            parsed = parse_record(record.data)
            if not isinstance(parsed, Conversation):
                raise InputError("expected a conversation (with 'messages')")
        except InputError as exc:
            report.failed_records += 1
            report.errors.append({"file": record.file, "line": record.line, "reason": exc.reason})
            continue
        batch.append(parsed)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def score_file(
    source: str | Path,
    out: str | Path,
    scorecard: Scorecard,
    *,
    resume: bool = True,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> RunReport:
    """Score a conversations JSONL file into a reviews JSONL file, without a database."""
    source, out = Path(source), Path(out)
    if not source.exists():
        raise InputError("no such file", file=str(source))
    engine = ScoringEngine(scorecard)
    report = RunReport()
    done = _existing_review_ids(out) if resume else set()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("ab" if resume else "wb") as handle:
        for batch in _conversation_batches(source, report, batch_size):
            todo = [c for c in batch if ai_review_id(c, scorecard) not in done]
            report.skipped += len(batch) - len(todo)
            reviews = engine.score(todo) if todo else []
            handle.write(b"".join(review_line(r) for r in reviews))
            handle.flush()
            os.fsync(handle.fileno())
            done.update(r.review_id for r in reviews)
            report.count(reviews)
            if progress:
                progress(len(batch))
    report.dropped_quotes = engine.stats.dropped_quotes
    return report


def score_database(
    repo: Repository,
    scorecard: Scorecard,
    *,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> RunReport:
    """Score every stored conversation that has no AI review for this scorecard version yet."""
    engine = ScoringEngine(scorecard)
    repo.save_scorecard(scorecard)
    ref = ScorecardRef(name=scorecard.name, version=scorecard.version)
    run_id = repo.start_run(ref)
    report = RunReport()
    status = "failed"
    try:
        for batch in repo.iter_unscored(ref, batch_size=batch_size):
            reviews = engine.score(batch)
            repo.upsert_reviews(reviews)
            report.count(reviews)
            if progress:
                progress(len(batch))
        status = "finished"
    finally:
        repo.finish_run(run_id, status, report.scored, report.criteria_failed)
    report.dropped_quotes = engine.stats.dropped_quotes
    return report

"""Import files into the database: conversations, reviews and ratings lines, detected per record.

A bad record is reported with its file and line and the rest goes on; upserts make re-imports idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine, Review
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.importers.formats import reader_for
from supportqa.importers.records import parse_record
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Repository, UpsertCounts

BATCH_SIZE = 1000


@dataclass
class ImportReport:
    """What an import did; `errors` lists every bad record with file, line and reason."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    conversations: int = 0
    reviews: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, counts: UpsertCounts) -> None:
        self.imported += counts.imported
        self.updated += counts.updated
        self.unchanged += counts.unchanged

    def fail(self, error: InputError) -> None:
        self.failed += 1
        self.errors.append(error.location())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Batches:
    """Buffers records per kind and flushes them; a repeated key flushes first so the last one wins."""

    def __init__(self, repo: Repository, report: ImportReport) -> None:
        self.repo = repo
        self.report = report
        self.conversations: dict[tuple[str, str], Conversation] = {}
        self.reviews: dict[str, Review] = {}

    def add_conversation(self, conversation: Conversation) -> None:
        if conversation.key in self.conversations:
            self.flush()
        self.conversations[conversation.key] = conversation
        self.report.conversations += 1
        if len(self.conversations) >= BATCH_SIZE:
            self.flush()

    def add_review(self, review: Review) -> None:
        if review.review_id in self.reviews:
            self.flush()
        self.reviews[review.review_id] = review
        self.report.reviews += 1
        if len(self.reviews) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if self.conversations:
            self.report.add(self.repo.upsert_conversations(list(self.conversations.values())))
            self.conversations.clear()
        if self.reviews:
            self.report.add(self.repo.upsert_reviews(list(self.reviews.values())))
            self.reviews.clear()


def import_files(
    repo: Repository,
    paths: Iterable[str | Path],
    *,
    scorecard: Scorecard,
    fmt: str = "auto",
    on_bytes: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import every record of every file; ratings lines are turned into reviews with `scorecard`."""
    report = ImportReport()
    batches = _Batches(repo, report)
    for path in paths:
        file = Path(path)
        try:
            reader = reader_for(file, fmt)
            for record in reader(file, on_bytes):
                if isinstance(record, InputError):
                    report.fail(record)
                    continue
                try:
                    parsed = parse_record(record.data)
                    if isinstance(parsed, Conversation):
                        batches.add_conversation(parsed)
                    elif isinstance(parsed, RatingsLine):
                        batches.add_review(review_from_ratings(parsed, scorecard))
                    else:
                        batches.add_review(parsed)
                except InputError as exc:
                    report.fail(
                        InputError(
                            exc.reason, file=record.file, line=record.line, index=record.index
                        )
                    )
        except InputError as exc:
            report.fail(
                InputError(exc.reason, file=exc.file or str(file), line=exc.line, index=exc.index)
            )
    batches.flush()
    return report

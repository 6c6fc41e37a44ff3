"""IQS summaries from a file of reviews/ratings or from the database, in one typed shape.

The CLI, the demo and later the reports read these; the maths lives in `iqs.py` (files) and in SQL
(`storage`), and a test checks that both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from supportqa.domain.aggregates import CriterionSummary, IqsSummary
from supportqa.domain.review import RatingsLine, Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.importers.records import parse_record
from supportqa.jsonl import read_objects
from supportqa.scoring.iqs import aggregate_criteria, aggregate_iqs
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Repository

KINDS = ("ai", "human")


@dataclass
class IqsReport:
    """IQS per group and per criterion; `by` always ends with "kind" unless a kind was chosen."""

    by: list[str]
    rows: list[IqsSummary]
    criteria: list[CriterionSummary]
    errors: list[dict[str, object]] = field(default_factory=list)
    untrusted_criteria: list[str] = field(default_factory=list)
    """Criteria the latest calibration marks untrusted (labelled; the stored IQS still counts them)."""


def _group_keys(by: Sequence[str], kind: str | None) -> list[str]:
    keys = [g for g in by if g not in ("criterion", "kind")]
    return keys if kind else [*keys, "kind"]


def _criterion_keys(by: Sequence[str], kind: str | None) -> list[str]:
    """Per-criterion averages are split by the other groups only when `criterion` is asked for."""
    if "criterion" in by:
        return _group_keys(by, kind)
    return [] if kind else ["kind"]


def reviews_from_file(
    path: Path, scorecard: Scorecard, errors: list[dict[str, object]]
) -> Iterator[Review]:
    """Reviews as they are; ratings lines scored with `scorecard`; bad lines reported, not fatal."""
    for record in read_objects(path):  # an undecodable byte is read as U+FFFD
        if isinstance(record, InputError):
            errors.append({"file": record.file, "line": record.line, "reason": record.reason})
            continue
        try:
            parsed = parse_record(record.data)
            if isinstance(parsed, RatingsLine):
                yield review_from_ratings(parsed, scorecard)
            elif isinstance(parsed, Review):
                yield parsed
            else:
                raise InputError("expected a review or ratings line, got a conversation")
        except InputError as exc:
            errors.append({"file": record.file, "line": record.line, "reason": exc.reason})


def iqs_from_file(
    path: Path, scorecard: Scorecard, *, kind: str | None, by: Sequence[str]
) -> IqsReport:
    errors: list[dict[str, object]] = []
    reviews = [
        r
        for r in reviews_from_file(path, scorecard, errors)
        if kind is None or r.kind.value == kind
    ]
    keys = _group_keys(by, kind)
    criteria = aggregate_criteria(reviews, _criterion_keys(by, kind))
    return IqsReport(keys, aggregate_iqs(reviews, keys), criteria, errors)


def iqs_from_database(
    repo: Repository, scorecard: ScorecardRef | None, *, kind: str | None, by: Sequence[str]
) -> IqsReport:
    keys = _group_keys(by, kind)
    criterion_keys = _criterion_keys(by, kind)
    name = scorecard.name if scorecard else None
    version = scorecard.version if scorecard else None
    rows = repo.iqs_by(keys, kind=kind, scorecard_name=name, scorecard_version=version)
    criteria = repo.criterion_averages(
        kind=kind, scorecard_name=name, scorecard_version=version, group_by=criterion_keys
    )
    return IqsReport(keys, rows, criteria)

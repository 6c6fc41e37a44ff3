"""What the humans said about each conversation: one reference per conversation for AI-vs-human work.

Several people may review one conversation (a calibration session, 19 annotators in a research set).
The reference is their consensus: one review per person (their latest), then per criterion the mean
of the ratings given (N/A drops out; a
criterion everybody marked N/A is ``None``; one nobody rated is absent), and the mean of their CX
judgements and IQS. Calibration compares the AI with this consensus, and `train` learns from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from supportqa.domain.review import Review, ReviewKind
from supportqa.domain.score import Status

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ConversationKey = tuple[str, str]
"""(source, conversation id): how reviews find their conversation."""


@dataclass
class HumanReference:
    """The reviewers' consensus on one conversation."""

    source: str
    conversation_id: str
    reviewers: list[str] = field(default_factory=list)
    ratings: dict[str, float | None] = field(default_factory=dict)
    """Mean rating per criterion; ``None`` = every reviewer said N/A."""
    cx: float | None = None
    iqs: float | None = None
    per_reviewer: dict[str, dict[str, float | None]] = field(default_factory=dict)
    """Each reviewer's own ratings (their latest review), for reviewer-level work."""

    @property
    def key(self) -> ConversationKey:
        return (self.source, self.conversation_id)


def _mean(values: list[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def review_ratings(review: Review) -> dict[str, float | None]:
    """Rated criteria with their rating and N/A ones as ``None``; unrated and failed ones are left out."""
    out: dict[str, float | None] = {}
    for result in review.criteria:
        if result.status is Status.RATED and result.rating is not None:
            out[result.key] = float(result.rating)
        elif result.status is Status.NA:
            out[result.key] = None
    return out


def human_references(
    reviews: Iterable[Review], *, include_sessions: bool = True
) -> dict[ConversationKey, HumanReference]:
    """One consensus per conversation from its human reviews (AI reviews are ignored).

    ``include_sessions=False`` leaves out calibration-session reviews, for when the sessions were
    scored blind on purpose and should not move the everyday reference.
    """
    grouped: dict[ConversationKey, list[Review]] = {}
    for review in reviews:
        if review.kind is not ReviewKind.HUMAN:
            continue
        if review.session_id and not include_sessions:
            continue
        grouped.setdefault((review.source, review.conversation_id), []).append(review)
    return {key: _consensus(key, items) for key, items in grouped.items()}


def _latest_per_reviewer(items: list[Review]) -> dict[str, Review]:
    """One review per person: their latest (a reviewer who rated a conversation both day-to-day and
    in a calibration session counts once, with their most recent opinion)."""
    latest: dict[str, Review] = {}
    for index, review in enumerate(items):
        name = review.reviewer or f"reviewer-{index + 1}"
        current = latest.get(name)
        if current is None or (review.reviewed_at or _EPOCH) >= (current.reviewed_at or _EPOCH):
            latest[name] = review
    return latest


def _consensus(key: ConversationKey, items: list[Review]) -> HumanReference:
    ref = HumanReference(source=key[0], conversation_id=key[1])
    rated: dict[str, list[float]] = {}
    na: set[str] = set()
    cx: list[float] = []
    iqs: list[float] = []
    for name, review in _latest_per_reviewer(items).items():
        ref.reviewers.append(name)
        ratings = review_ratings(review)
        ref.per_reviewer[name] = ratings
        for criterion, value in ratings.items():
            if value is None:
                na.add(criterion)
            else:
                rated.setdefault(criterion, []).append(value)
        if review.cx is not None:
            cx.append(review.cx.value)
        if review.iqs is not None:
            iqs.append(review.iqs)
    for criterion in sorted(na | set(rated)):
        ref.ratings[criterion] = _mean(rated.get(criterion, []))
    ref.cx = _mean(cx)
    ref.iqs = _mean(iqs)
    return ref

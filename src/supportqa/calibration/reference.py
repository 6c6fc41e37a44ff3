"""What the humans said about each conversation: one reference per conversation for AI-vs-human work.

Several people may review one conversation (a calibration session, 19 annotators in a research set).
The reference is their consensus: one review per person (their latest), then per criterion the mean
of the ratings given (N/A drops out; a
criterion everybody marked N/A is ``None``; one nobody rated is absent), and the mean of their CX
judgements and IQS. Calibration compares the AI with this consensus, and `train` learns from it.

A review judges one reviewee (bot → agent A → agent B: three AI reviews), and the AI side of this
work is the review of whoever held the conversation at the end, which carries the conversation-level
criteria and the CX. So given `reviewees` (that review's reviewee per conversation), a
conversation's consensus is made of the people's reviews of that reviewee only (and of reviews that
name nobody, whose default is that last agent): a review of A never moves the reference B's review
is compared with, and one person's reviews of A and B are not taken for one opinion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from supportqa.domain.review import Review, ReviewKind
from supportqa.domain.score import Status

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ConversationKey = tuple[str, str]
"""(source, conversation id): how reviews find their conversation."""
Reviewee = tuple[bool, str | None]
"""(is bot, reviewee id), as `Review.reviewee_key` ends."""


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


def review_ratings(review: Review, *, tentative: bool = False) -> dict[str, float | None]:
    """Rated criteria with their rating and N/A ones as ``None``; unrated and failed ones are left out.
    `unsure` ones (the AI abstained) too, unless `tentative`: then they count at their tentative
    answer — what training learns from, since the scorer did answer."""
    out: dict[str, float | None] = {}
    for result in review.criteria:
        if tentative and result.status is Status.UNSURE:
            out[result.key] = None if result.rating is None else float(result.rating)
        elif result.status is Status.RATED and result.rating is not None:
            out[result.key] = float(result.rating)
        elif result.status is Status.NA:
            out[result.key] = None
    return out


def human_references(
    reviews: Iterable[Review],
    *,
    include_sessions: bool = True,
    reviewees: Mapping[ConversationKey, Reviewee] | None = None,
) -> dict[ConversationKey, HumanReference]:
    """One consensus per conversation from its human reviews (AI reviews are ignored).

    ``include_sessions=False`` leaves out calibration-session reviews, for when the sessions were
    scored blind on purpose and should not move the everyday reference. With `reviewees`, only the
    reviews of the conversation's given reviewee count (a conversation it does not name keeps all).
    """
    grouped: dict[ConversationKey, list[Review]] = {}
    for review in reviews:
        if review.kind is not ReviewKind.HUMAN:
            continue
        if review.session_id and not include_sessions:
            continue
        key = (review.source, review.conversation_id)
        wanted = None if reviewees is None else reviewees.get(key)
        # by id: a person's review of the bot often does not say `agent_is_bot`
        if wanted is not None and review.reviewee.id not in (None, wanted[1]):
            continue
        grouped.setdefault(key, []).append(review)
    return {key: _consensus(key, items) for key, items in grouped.items()}


def holders(ai_reviews: Iterable[Review]) -> dict[ConversationKey, Reviewee]:
    """Per conversation, the reviewee of its AI review that held it at the end: the `reviewees` the
    AI-vs-human comparison and `train` build people's references for."""
    return {
        (r.source, r.conversation_id): (r.reviewee.is_bot, r.reviewee.id)
        for r in ai_reviews
        if r.kind is ReviewKind.AI and r.holder
    }


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

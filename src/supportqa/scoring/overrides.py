"""Human overrides of AI ratings: the AI review stays as the scorer left it, and the person's rating goes
on that person's human review of the conversation, with a record of what it replaced.

Keeping the two apart means re-scoring can never erase a person's judgement and a person can never
silently rewrite what the scorer said; calibration sees both. Pure functions: the CLI fetches and stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

from supportqa.domain.review import (
    CriterionResult,
    Override,
    OverrideReason,
    RatingsLine,
    Review,
    ReviewKind,
)
from supportqa.domain.score import Score, ScorerRef, Status
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError, InvalidField
from supportqa.scoring.iqs import build_review
from supportqa.scoring.ratings import human_review_id


@dataclass(frozen=True)
class OverrideRequest:
    """One person's rating of one criterion (`rating` None = N/A), with when and why."""

    criterion: str
    rating: float | None
    by: str
    reason: str
    at: datetime
    reason_code: OverrideReason | None = None


class OverrideRow(BaseModel):
    """An override as `override list` shows it: where it sits and what it replaced."""

    model_config = ConfigDict(frozen=True)

    source: str
    conversation_id: str
    human_review_id: str
    scorecard: str
    criterion: str
    ai_review_id: str
    ai_status: Status
    ai_rating: float | None
    ai_scorer: ScorerRef | None
    status: Status
    rating: float | None
    by: str
    at: datetime
    reason: str
    reason_code: OverrideReason | None = None


def override_review_id(ai_review: Review, by: str) -> str:
    """The id a ratings line by `by` (no session) would get: an override and an imported review by the
    same person for the same conversation and scorecard are one review."""
    line = RatingsLine(
        conversation_id=ai_review.conversation_id,
        source=ai_review.source,
        reviewer=by,
        ratings={},
    )
    return human_review_id(line, ai_review.scorecard.name)


def person_review(candidates: Sequence[Review], ai_review: Review, by: str) -> Review | None:
    """`by`'s own review of the version of the conversation `ai_review` judged, which an override
    updates; a review they made of an earlier version stays as it is (the override starts a new
    review, stored beside it)."""
    base = override_review_id(ai_review, by)
    version = ai_review.conversation_version
    for review in candidates:
        if review.kind is not ReviewKind.HUMAN or not review.review_id.startswith(base):
            continue
        if version is None or review.conversation_version in (None, version):
            return review
    return None


def new_review_id(candidates: Sequence[Review], ai_review: Review, by: str) -> str:
    """The id of a new override review: the person's usual one, or — when that is taken by their
    review of an earlier version — the same with the version, as storage would store it."""
    base = override_review_id(ai_review, by)
    version = ai_review.conversation_version
    if version is None or not any(r.review_id == base for r in candidates):
        return base
    return f"{base}-v{version[:12]}"


def pick_ai_review(candidates: Sequence[Review], scorecard_version: str | None = None) -> Review:
    """The AI review to override among one conversation's reviews: the given scorecard version, else
    the most recently reviewed (the last stored on a tie)."""
    ai = [r for r in candidates if r.kind is ReviewKind.AI]
    if scorecard_version is not None:
        versions = ", ".join(sorted({r.scorecard.version for r in ai})) or "none"
        ai = [r for r in ai if r.scorecard.version == scorecard_version]
        if not ai:
            raise InputError(
                f"no AI review on scorecard version {scorecard_version} (AI reviews: {versions})"
            )
    if not ai:
        raise InputError("no AI review to override: run `supportqa score` first")
    sources = sorted({r.source for r in ai})
    if len(sources) > 1:
        raise InputError(
            f"conversation {ai[0].conversation_id} has AI reviews in sources {', '.join(sources)}: "
            "pass --source"
        )
    never = datetime.min.replace(tzinfo=UTC)
    latest = max(range(len(ai)), key=lambda n: (ai[n].reviewed_at or never, n))
    return ai[latest]


def _check_request(scorecard: Scorecard, request: OverrideRequest) -> None:
    if not request.by.strip():
        raise InputError("--by is empty: name who overrides the rating")
    if not request.reason.strip():
        raise InputError("--why is empty: say why the AI rating is wrong")
    if request.criterion not in scorecard.keys:
        raise InvalidField(
            f"unknown criterion {request.criterion!r} for scorecard {scorecard.name} "
            f"v{scorecard.version} (known: {', '.join(scorecard.keys)})",
            field="criterion",
        )
    criterion = scorecard.criterion(request.criterion)
    if request.rating is None and not criterion.allow_na:
        raise InvalidField(
            f"{criterion.key} does not allow N/A in scorecard {scorecard.name}", field="value"
        )
    if request.rating is not None and not criterion.scale.contains(request.rating):
        raise InvalidField(
            f"rating {request.rating:g} for {criterion.key} is outside its scale "
            f"{criterion.scale.min:g}..{criterion.scale.max:g}",
            field="value",
        )


def _check_pair(ai_review: Review, existing: Review | None, scorecard: Scorecard) -> None:
    if ai_review.kind is not ReviewKind.AI:
        raise InputError(f"review {ai_review.review_id} is not an AI review")
    if (ai_review.scorecard.name, ai_review.scorecard.version) != (
        scorecard.name,
        scorecard.version,
    ):
        raise InputError(
            f"the AI review is on scorecard {ai_review.scorecard.name} "
            f"v{ai_review.scorecard.version}, not {scorecard.name} v{scorecard.version}"
        )
    if existing is not None and existing.scorecard.version != scorecard.version:
        raise InputError(
            f"{existing.reviewer}'s review of {ai_review.conversation_id} is on scorecard "
            f"{existing.scorecard.name} v{existing.scorecard.version} but the AI review is on "
            f"v{scorecard.version}: re-import that review on v{scorecard.version} first"
        )


def _as_score(result: CriterionResult) -> Score | None:
    """A human review's criterion back as the score it was built from (unrated ones are left out)."""
    if result.status is Status.RATED and result.rating is not None:
        return Score.rated(result.rating, result.explanation, result.evidence, result.confidence)
    if result.status is Status.NA:
        return Score.not_applicable(result.explanation, result.evidence)
    return None


def apply_override(
    ai_review: Review, existing: Review | None, scorecard: Scorecard, request: OverrideRequest
) -> Review:
    """`existing` (that person's human review, or a new one) with `request` applied and recorded.

    The human review takes the AI review's scorecard version, reviewee, channel and conversation time
    when new; every other rating it holds is kept, and an earlier override of the same criterion is
    replaced by this one. The AI review is only read.
    """
    _check_pair(ai_review, existing, scorecard)
    _check_request(scorecard, request)
    ai_result = ai_review.criterion(request.criterion)
    scores: dict[str, Score] = {}
    for result in existing.criteria if existing else []:
        score = _as_score(result)
        if score is not None:
            scores[result.key] = score
    if request.rating is None:
        scores[request.criterion] = Score.not_applicable(
            f"N/A, overriding the AI: {request.reason}"
        )
    else:
        scores[request.criterion] = Score.rated(
            request.rating, f"overrides the AI rating: {request.reason}"
        )
    record = Override(
        criterion=request.criterion,
        ai_review_id=ai_review.review_id,
        ai_status=ai_result.status if ai_result else Status.UNRATED,
        ai_rating=ai_result.rating if ai_result else None,
        ai_scorer=ai_result.scorer if ai_result else None,
        status=Status.NA if request.rating is None else Status.RATED,
        rating=request.rating,
        by=request.by,
        at=request.at,
        reason=request.reason,
        reason_code=request.reason_code,
    )
    review = build_review(
        review_id=existing.review_id if existing else override_review_id(ai_review, request.by),
        kind=ReviewKind.HUMAN,
        conversation=None,
        conversation_id=ai_review.conversation_id,
        source=ai_review.source,
        scorecard=scorecard,
        scores=scores,
        reviewer=request.by,
        reviewed_at=existing.reviewed_at if existing and existing.reviewed_at else request.at,
        session_id=existing.session_id if existing else None,
    )
    kept = [o for o in (existing.overrides if existing else []) if o.criterion != request.criterion]
    return review.model_copy(
        update={
            "reviewee": existing.reviewee
            if existing and existing.reviewee.id
            else ai_review.reviewee,
            "conversation_created_at": (existing and existing.conversation_created_at)
            or ai_review.conversation_created_at,
            "channel": (existing and existing.channel) or ai_review.channel,
            "cx": existing.cx if existing else None,
            "overrides": [*kept, record],
            "conversation_version": ai_review.conversation_version,
        }
    )


def override_rows(
    reviews: Iterable[Review],
    *,
    conversation_id: str | None = None,
    source: str | None = None,
    by: str | None = None,
) -> list[OverrideRow]:
    """Every override on the human reviews given, filtered, oldest first."""
    rows = [
        OverrideRow(
            source=review.source,
            conversation_id=review.conversation_id,
            human_review_id=review.review_id,
            scorecard=f"{review.scorecard.name} v{review.scorecard.version}",
            **record.model_dump(),
        )
        for review in reviews
        if review.kind is ReviewKind.HUMAN
        and (conversation_id is None or review.conversation_id == conversation_id)
        and (source is None or review.source == source)
        for record in review.overrides
        if by is None or record.by == by
    ]
    return sorted(rows, key=lambda r: (r.at, r.source, r.conversation_id, r.criterion))

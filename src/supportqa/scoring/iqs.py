"""Internal Quality Score maths, exactly as the leading QA tools compute it. Pure functions.

- criterion score = (rating − min) / (max − min) × 100
- review score = Σ(score × weight) / Σ(weight) over `rated` criteria only (N/A, unsure, failed, unrated
  excluded; an `unsure` criterion keeps its tentative rating but no score, and cannot auto-fail)
- a `rated` critical criterion below 50% sets the review to 0 (auto-fail); this wins over incompleteness,
  since the outcome is already decided
- otherwise a critical criterion whose scorer `failed` makes the review incomplete: `iqs` null, left out of
  aggregates and counted
- a review with nothing rated (or only zero-weight criteria rated) has `iqs` null
- the IQS of a set of reviews is the mean of their review scores
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from supportqa.domain.aggregates import CriterionSummary, IqsSummary
from supportqa.domain.conversation import Conversation, Reviewee
from supportqa.domain.periods import iso_month, iso_week
from supportqa.domain.review import (
    Counts,
    CriterionResult,
    Review,
    ReviewKind,
    ScorecardRef,
)
from supportqa.domain.score import Score, Status
from supportqa.domain.scorecard import Criterion, Scale, Scorecard
from supportqa.domain.versions import conversation_version
from supportqa.errors import InputError

CRITICAL_THRESHOLD_PCT = 50.0


def criterion_score_pct(rating: float, scale: Scale) -> float:
    """Position of `rating` on its scale, 0–100."""
    return scale.position(rating) * 100.0


@dataclass(frozen=True)
class ReviewOutcome:
    iqs: float | None
    critical_failed: bool
    incomplete: bool


def review_outcome(results: Sequence[CriterionResult]) -> ReviewOutcome:
    """Combine weighted criterion scores into the review's IQS, applying the critical rules."""
    critical_failed = any(
        r.critical and r.status is Status.RATED and (r.score_pct or 0.0) < CRITICAL_THRESHOLD_PCT
        for r in results
    )
    if critical_failed:
        return ReviewOutcome(iqs=0.0, critical_failed=True, incomplete=False)
    if any(r.critical and r.status is Status.FAILED for r in results):
        return ReviewOutcome(iqs=None, critical_failed=False, incomplete=True)
    rated = [r for r in results if r.status is Status.RATED and r.score_pct is not None]
    total_weight = sum(r.weight for r in rated)
    if total_weight <= 0:
        return ReviewOutcome(iqs=None, critical_failed=False, incomplete=False)
    weighted = sum((r.score_pct or 0.0) * r.weight for r in rated)
    return ReviewOutcome(iqs=weighted / total_weight, critical_failed=False, incomplete=False)


def criterion_result(criterion: Criterion, score: Score) -> CriterionResult:
    """A scorer's (or person's) score placed on the scorecard: weight, critical flag, score_pct."""
    pct = None
    if score.status is Status.RATED and score.rating is not None:
        pct = criterion_score_pct(score.rating, criterion.scale)
    return CriterionResult(
        key=criterion.key,
        group=criterion.group,
        status=score.status,
        rating=score.rating if score.status in (Status.RATED, Status.UNSURE) else None,
        score_pct=pct,
        weight=criterion.weight,
        critical=criterion.critical,
        explanation=score.explanation,
        evidence=score.evidence,
        confidence=score.confidence,
        scorer=score.scorer,
        verified=score.verified,
    )


def counts_of(results: Iterable[CriterionResult]) -> Counts:
    counts = Counts()
    for r in results:
        setattr(counts, r.status.value, getattr(counts, r.status.value) + 1)
    return counts


def build_review(
    *,
    review_id: str,
    kind: ReviewKind,
    conversation: Conversation | None,
    scorecard: Scorecard,
    scores: Mapping[str, Score],
    reviewer: str | None,
    reviewed_at: datetime | None,
    session_id: str | None = None,
    conversation_id: str | None = None,
    source: str | None = None,
) -> Review:
    """Assemble a complete review; criteria missing from `scores` are `unrated`."""
    results = [
        criterion_result(c, scores.get(c.key) or Score.unrated()) for c in scorecard.criteria
    ]
    outcome = review_outcome(results)
    return Review(
        review_id=review_id,
        kind=kind,
        conversation_id=conversation.id if conversation else (conversation_id or ""),
        source=conversation.source if conversation else (source or "jsonl"),
        reviewer=reviewer,
        reviewee=conversation.reviewee() if conversation else Reviewee(),
        reviewed_at=reviewed_at,
        conversation_created_at=conversation.started_at if conversation else None,
        channel=conversation.channel if conversation else None,
        scorecard=ScorecardRef(name=scorecard.name, version=scorecard.version),
        session_id=session_id,
        iqs=outcome.iqs,
        critical_failed=outcome.critical_failed,
        incomplete=outcome.incomplete,
        counts=counts_of(results),
        criteria=results,
        conversation_version=conversation_version(conversation) if conversation else None,
    )


# ---- aggregation over sets of reviews -------------------------------------------------------------

GROUPS: dict[str, Callable[[Review], str | None]] = {
    "agent": lambda r: r.reviewee.id,
    "team": lambda r: r.reviewee.team,
    "reviewer": lambda r: r.reviewer,
    "channel": lambda r: r.channel,
    "kind": lambda r: r.kind.value,
    "week": lambda r: iso_week(r.period_at),
    "month": lambda r: iso_month(r.period_at),
}


@dataclass
class _Acc:
    total: float = 0.0
    scored: int = 0
    reviews: int = 0
    incomplete: int = 0
    critical_failed: int = 0
    names: set[str] = field(default_factory=set)


def aggregate_iqs(reviews: Iterable[Review], by: Sequence[str] = ()) -> list[IqsSummary]:
    """The IQS of each group: the mean of its reviews' scores (null scores excluded, counted)."""
    _check_groups(by)
    accs: dict[tuple[str | None, ...], _Acc] = defaultdict(_Acc)
    for review in reviews:
        acc = accs[tuple(GROUPS[g](review) for g in by)]
        acc.reviews += 1
        acc.incomplete += review.incomplete
        acc.critical_failed += review.critical_failed
        if review.reviewee.name:
            acc.names.add(review.reviewee.name)
        if review.iqs is not None:
            acc.total += review.iqs
            acc.scored += 1
    rows = [
        IqsSummary(
            group=dict(zip(by, key, strict=True)),
            iqs=acc.total / acc.scored if acc.scored else None,
            reviews=acc.reviews,
            scored=acc.scored,
            incomplete=acc.incomplete,
            critical_failed=acc.critical_failed,
            agent_name=min(acc.names) if "agent" in by and acc.names else None,
        )
        for key, acc in accs.items()
    ]
    return sorted(rows, key=lambda r: tuple("" if v is None else v for v in r.group.values()))


def aggregate_criteria(reviews: Iterable[Review], by: Sequence[str] = ()) -> list[CriterionSummary]:
    """Per-criterion average score (rated only) and how often each criterion was N/A, failed, unrated."""
    _check_groups(by)
    order: dict[str, int] = {}
    sums: dict[tuple[str, tuple[str | None, ...]], list[float]] = defaultdict(list)
    stats: dict[tuple[str, tuple[str | None, ...]], CriterionSummary] = {}
    for review in reviews:
        key_groups = tuple(GROUPS[g](review) for g in by)
        for result in review.criteria:
            order.setdefault(result.key, len(order))
            slot = (result.key, key_groups)
            summary = stats.get(slot)
            if summary is None:
                summary = CriterionSummary(result.key, dict(zip(by, key_groups, strict=True)), None)
                stats[slot] = summary
            setattr(summary, result.status.value, getattr(summary, result.status.value) + 1)
            if result.status is Status.RATED and result.score_pct is not None:
                sums[slot].append(result.score_pct)
    for slot, summary in stats.items():
        values = sums.get(slot)
        summary.avg_score_pct = sum(values) / len(values) if values else None
    return sorted(
        stats.values(),
        key=lambda s: (
            tuple("" if v is None else v for v in s.group.values()),
            order[s.key],
        ),
    )


def _check_groups(by: Sequence[str]) -> None:
    unknown = [g for g in by if g not in GROUPS]
    if unknown:
        raise InputError(f"cannot group by {', '.join(unknown)} (use {', '.join(GROUPS)})")

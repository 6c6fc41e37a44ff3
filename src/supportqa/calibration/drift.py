"""Drift: what changes when a scorecard, scorer or model version changes, measured before switching.

Two AI scorings of the same conversations (two stored versions, or a stored one and a candidate scored
in memory) are paired by (source, conversation id). Per criterion: the mean rating before and after and
the shift (after − before, over conversations rated by both, with a bootstrap interval over
conversations), how often the outcome changed at all, exact agreement and Cohen's kappa, and the N/A,
failure and unrated counts on each side; then the same shift for IQS and for the CX score.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from random import Random
from typing import Any

import numpy as np

from supportqa.calibration.agreement import cohen_kappa, exact_agreement
from supportqa.calibration.resampling import (
    FloatArray,
    bootstrap_column_means,
    percentile_interval,
)
from supportqa.domain.review import Review, ReviewKind
from supportqa.domain.score import STATUSES, Status
from supportqa.domain.scorecard import Criterion, Scorecard
from supportqa.errors import InputError

MISSING = "missing"
"""Status of a criterion the review does not have (the scorecard version does not list it)."""


@dataclass(frozen=True)
class StatusCounts:
    rated: int = 0
    na: int = 0
    failed: int = 0
    unrated: int = 0
    missing: int = 0
    unsure: int = 0


@dataclass(frozen=True)
class CriterionDrift:
    key: str
    name: str
    scale_min: float
    scale_max: float
    scorer_before: list[dict[str, Any]]
    scorer_after: list[dict[str, Any]]
    scorer_changed: bool
    n: int
    """Conversations rated by both scorings (the base of the means, shift, agreement and kappa)."""
    mean_before: float | None
    mean_after: float | None
    shift: float | None
    shift_low: float | None
    shift_high: float | None
    normalised_shift: float | None
    """Shift divided by the scale's range, comparable across binary and n-point criteria."""
    changed: float | None
    """Share of the paired conversations whose outcome (status or rating) differs."""
    changed_count: int
    exact_agreement: float | None
    kappa: float | None
    before: StatusCounts
    after: StatusCounts


@dataclass(frozen=True)
class ScoreShift:
    """A per-conversation score (IQS, CX) before and after, over conversations that have both."""

    n: int
    mean_before: float | None
    mean_after: float | None
    shift: float | None
    shift_low: float | None
    shift_high: float | None


@dataclass(frozen=True)
class CxShift(ScoreShift):
    moved: float | None = None
    """Share whose 1–5 CX score moved by at least one point."""
    moved_count: int = 0
    flag_changed: float | None = None
    """Share whose 'review recommended' flag flipped."""
    flag_changed_count: int = 0
    flagged_before: int = 0
    flagged_after: int = 0


@dataclass(frozen=True)
class DriftReport:
    before: str
    after: str
    conversations: int
    """Conversations paired (the criteria pair each reviewee's reviews: several per conversation)."""
    only_before: int
    """Conversations scored by the `before` side only (and `only_after`, by the `after` side)."""
    only_after: int
    confidence: float
    resamples: int
    criteria: list[CriterionDrift]
    iqs: ScoreShift
    cx: CxShift
    notes: list[str] = field(default_factory=list)


Pair = tuple[Review, Review]


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _by_conversation(reviews: Iterable[Review]) -> dict[tuple[str, str, bool, str | None], Review]:
    """AI reviews by conversation and reviewee: a conversation has one per participant."""
    return {r.reviewee_key: r for r in reviews if r.kind is ReviewKind.AI}


def sample_reviews(reviews: Iterable[Review], k: int, seed: int) -> list[Review]:
    """A seeded uniform sample of ``k`` conversations, with all their reviews (one per reviewee), in
    one pass (reservoir sampling over conversations as first met), in input order. With one review
    per conversation this is the same sample as reservoir sampling the reviews."""
    if k < 1:
        raise InputError(f"the sample size must be at least 1, not {k}")
    rng = Random(seed)
    slots: list[tuple[str, str]] = []
    kept: dict[tuple[str, str], list[tuple[int, Review]]] = {}
    seen: set[tuple[str, str]] = set()
    for index, review in enumerate(reviews):
        key = (review.source, review.conversation_id)
        if key in kept:
            kept[key].append((index, review))
            continue
        if key in seen:
            continue
        met = len(seen)
        seen.add(key)
        if met < k:
            slots.append(key)
        else:
            slot = rng.randrange(met + 1)
            if slot >= k:
                continue
            del kept[slots[slot]]
            slots[slot] = key
        kept[key] = [(index, review)]
    chosen = sorted((item for items in kept.values() for item in items), key=lambda i: i[0])
    return [review for _, review in chosen]


def _outcome(review: Review, key: str) -> tuple[str, float | None]:
    found = review.criterion(key)
    if found is None:
        return MISSING, None
    rating = found.rating if found.status is Status.RATED else None
    return str(found.status), rating


def _counts(outcomes: Sequence[tuple[str, float | None]]) -> StatusCounts:
    tally = {s: 0 for s in (*STATUSES, MISSING)}
    for status, _ in outcomes:
        tally[status] += 1
    return StatusCounts(**tally)


def _criteria(
    before: Scorecard, after: Scorecard
) -> list[tuple[Criterion | None, Criterion | None]]:
    keys = [*before.keys, *(k for k in after.keys if k not in before.keys)]
    old = {c.key: c for c in before.criteria}
    new = {c.key: c for c in after.criteria}
    return [(old.get(k), new.get(k)) for k in keys]


def _specs(criterion: Criterion | None) -> list[dict[str, Any]]:
    return [] if criterion is None else [s.to_yaml() for s in criterion.scorers]


def criterion_drift(
    pairs: Sequence[Pair], old: Criterion | None, new: Criterion | None
) -> tuple[CriterionDrift, list[float]]:
    """One criterion's drift without its interval, and the per-pair shifts (``nan`` where not both
    rated) that the interval is resampled from."""
    chosen = new or old
    assert chosen is not None
    key, scale = chosen.key, chosen.scale
    outcomes = [(_outcome(b, key), _outcome(a, key)) for b, a in pairs]
    both = [(ob[1], oa[1]) for ob, oa in outcomes if ob[1] is not None and oa[1] is not None]
    shifts = [
        oa[1] - ob[1] if ob[1] is not None and oa[1] is not None else math.nan
        for ob, oa in outcomes
    ]
    mean_before = _mean([b for b, _ in both])
    mean_after = _mean([a for _, a in both])
    shift = _mean([a - b for b, a in both])
    changed = sum(1 for ob, oa in outcomes if ob != oa)
    drift = CriterionDrift(
        key=key,
        name=chosen.name,
        scale_min=scale.min,
        scale_max=scale.max,
        scorer_before=_specs(old),
        scorer_after=_specs(new),
        scorer_changed=_specs(old) != _specs(new),
        n=len(both),
        mean_before=mean_before,
        mean_after=mean_after,
        shift=shift,
        shift_low=None,
        shift_high=None,
        normalised_shift=None if shift is None else shift / (scale.max - scale.min),
        changed=changed / len(pairs) if pairs else None,
        changed_count=changed,
        exact_agreement=_clean(exact_agreement([b for b, _ in both], [a for _, a in both])),
        kappa=_clean(cohen_kappa([b for b, _ in both], [a for _, a in both])),
        before=_counts([ob for ob, _ in outcomes]),
        after=_counts([oa for _, oa in outcomes]),
    )
    return drift, shifts


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else value


def _score_shift(
    values: Sequence[tuple[float | None, float | None]],
) -> tuple[ScoreShift, list[float]]:
    both = [(b, a) for b, a in values if b is not None and a is not None]
    shifts = [a - b if b is not None and a is not None else math.nan for b, a in values]
    shift = ScoreShift(
        n=len(both),
        mean_before=_mean([b for b, _ in both]),
        mean_after=_mean([a for _, a in both]),
        shift=_mean([a - b for b, a in both]),
        shift_low=None,
        shift_high=None,
    )
    return shift, shifts


def _cx_shift(pairs: Sequence[Pair]) -> tuple[CxShift, list[float]]:
    values = [(b.cx.value if b.cx else None, a.cx.value if a.cx else None) for b, a in pairs]
    base, shifts = _score_shift(values)
    both = [(b.cx, a.cx) for b, a in pairs if b.cx is not None and a.cx is not None]
    moved = sum(1 for b, a in both if abs(a.score - b.score) >= 1)
    flipped = sum(1 for b, a in both if a.review_recommended != b.review_recommended)
    return (
        CxShift(
            **vars(base),
            moved=moved / len(both) if both else None,
            moved_count=moved,
            flag_changed=flipped / len(both) if both else None,
            flag_changed_count=flipped,
            flagged_before=sum(1 for b, _ in both if b.review_recommended),
            flagged_after=sum(1 for _, a in both if a.review_recommended),
        ),
        shifts,
    )


def _interval(
    replicates: FloatArray | None, j: int, n: int, confidence: float
) -> tuple[float | None, float | None]:
    if replicates is None or n == 0:
        return None, None
    return percentile_interval(replicates[:, j], confidence)


def compare_scorings(
    before: Iterable[Review],
    after: Iterable[Review],
    *,
    before_card: Scorecard,
    after_card: Scorecard,
    before_label: str | None = None,
    after_label: str | None = None,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> DriftReport:
    """Pair two AI scorings by conversation and report the shift per criterion, in IQS and in CX.

    Raises `InputError` when the two share no conversation.
    """
    old, new = _by_conversation(before), _by_conversation(after)
    common = [key for key in old if key in new]
    label_before = before_label or f"{before_card.name} v{before_card.version}"
    label_after = after_label or f"{after_card.name} v{after_card.version}"
    if not common:
        raise InputError(
            f"{label_before} ({len(old)} AI reviews) and {label_after} ({len(new)}) share no "
            "conversation: score the same conversations with both versions first"
        )
    pairs = [(old[key], new[key]) for key in common]
    drifts, columns = [], []
    for c_old, c_new in _criteria(before_card, after_card):
        drift, shifts = criterion_drift(pairs, c_old, c_new)
        drifts.append(drift)
        columns.append(shifts)
    iqs, iqs_shifts = _score_shift([(b.iqs, a.iqs) for b, a in pairs])
    cx, cx_shifts = _cx_shift(pairs)
    columns += [iqs_shifts, cx_shifts]
    reps = (
        bootstrap_column_means(
            np.array(columns, dtype=np.float64).T, n_resamples=n_resamples, seed=seed
        )
        if n_resamples > 0
        else None
    )
    criteria = []
    for j, drift in enumerate(drifts):
        low, high = _interval(reps, j, drift.n, confidence)
        criteria.append(replace(drift, shift_low=low, shift_high=high))
    iqs_low, iqs_high = _interval(reps, len(drifts), iqs.n, confidence)
    cx_low, cx_high = _interval(reps, len(drifts) + 1, cx.n, confidence)
    paired = {(r.source, r.conversation_id) for r, _ in pairs}  # several reviewees each
    return DriftReport(
        before=label_before,
        after=label_after,
        conversations=len(paired),
        only_before=len({(r.source, r.conversation_id) for r in old.values()} - paired),
        only_after=len({(r.source, r.conversation_id) for r in new.values()} - paired),
        confidence=confidence,
        resamples=n_resamples,
        criteria=criteria,
        iqs=replace(iqs, shift_low=iqs_low, shift_high=iqs_high),
        cx=replace(cx, shift_low=cx_low, shift_high=cx_high),
        notes=_notes(before_card, after_card),
    )


def _notes(before: Scorecard, after: Scorecard) -> list[str]:
    notes = []
    for c_old, c_new in _criteria(before, after):
        if c_old is None and c_new is not None:
            notes.append(f"{c_new.key} is only in the after scorecard")
        elif c_new is None and c_old is not None:
            notes.append(f"{c_old.key} is only in the before scorecard")
        elif c_old is not None and c_new is not None and c_old.scale != c_new.scale:
            notes.append(f"{c_new.key} changed scale: its shift mixes two scales")
        elif c_old is not None and c_new is not None and c_old.weight != c_new.weight:
            notes.append(
                f"{c_new.key} changed weight {c_old.weight:g} → {c_new.weight:g} (moves IQS)"
            )
    return notes

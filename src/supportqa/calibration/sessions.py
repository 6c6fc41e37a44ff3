"""Reviewer calibration sessions: the same conversations rated blind by several reviewers (and the AI).

A *unit* is one conversation in one session; each reviewer's last review of it counts. Per criterion the
session's reviewers are raters of the units (Krippendorff's ordinal alpha, pairwise exact agreement).
Per reviewer × criterion the deviation is measured against a reference: the leave-one-out consensus
(the mean of the *other human* reviewers of that unit) or a benchmark reviewer's rating (the final
calibrator). Bias is reviewer − reference, so negative is harsh and positive lenient; it is also
normalised by the scale's range so binary and 4-point criteria share one heat map. See
docs/calibration.md (sessions and drift) for the maths and the edge cases.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations

import numpy as np

from supportqa.calibration.agreement import krippendorff_alpha, weighted_alignment
from supportqa.calibration.reference import review_ratings
from supportqa.calibration.resampling import (
    FloatArray,
    bootstrap_column_means,
    ordinal_alpha_replicates,
    percentile_interval,
)
from supportqa.domain.review import Review, ReviewKind
from supportqa.domain.scorecard import Criterion, Scorecard
from supportqa.errors import InputError

AI_REVIEWER = "ai"
DEFAULT_THRESHOLD = 0.08
"""|weighted normalised bias| beyond which a reviewer is harsh or lenient (8% of the scale range)."""
HARSH, LENIENT, IN_LINE, TOO_FEW = "harsh", "lenient", "in line", "too few"

Ratings = dict[str, float | None]


@dataclass(frozen=True)
class SessionOptions:
    """What to analyse and how; the defaults are the CLI's."""

    session: str | None = None
    since: datetime | None = None
    benchmark: str | None = None
    threshold: float = DEFAULT_THRESHOLD
    confidence: float = 0.95
    n_resamples: int = 1000
    seed: int = 0
    min_conversations: int = 5


@dataclass(frozen=True)
class SessionSummary:
    session_id: str
    conversations: int
    reviews: int
    reviewers: list[str]
    first_review_at: datetime | None
    last_review_at: datetime | None
    exact_agreement: float | None
    """Share of agreeing pairs among all pairs of reviewers rating a criterion of a conversation."""


@dataclass(frozen=True)
class CriterionAgreement:
    key: str
    name: str
    weight: float
    scale_min: float
    scale_max: float
    conversations: int
    """Units rated by at least two reviewers (the only ones alpha and agreement can use)."""
    raters: int
    alpha: float | None
    alpha_low: float | None
    alpha_high: float | None
    exact_agreement: float | None
    pairs: int


@dataclass(frozen=True)
class Deviation:
    """One heat-map cell: a reviewer's ratings of a criterion against the reference."""

    reviewer: str
    criterion: str
    n: int
    bias: float | None
    bias_low: float | None
    bias_high: float | None
    normalised_bias: float | None
    mae: float | None


@dataclass(frozen=True)
class ReviewerSummary:
    reviewer: str
    conversations: int
    ratings: int
    normalised_bias: float | None
    """Scorecard-weighted mean of the per-criterion normalised biases."""
    low: float | None
    high: float | None
    alignment: float | None
    label: str


@dataclass(frozen=True)
class HeatMap:
    reviewers: list[str]
    criteria: list[str]
    normalised_bias: list[list[float | None]]
    bias: list[list[float | None]]
    n: list[list[int]]


@dataclass(frozen=True)
class SessionsReport:
    scorecard: str
    reference: str
    benchmark: str | None
    session: str | None
    since: datetime | None
    include_ai: bool
    threshold: float
    confidence: float
    resamples: int
    conversations: int
    sessions: list[SessionSummary]
    criteria: list[CriterionAgreement]
    reviewers: list[ReviewerSummary]
    deviations: list[Deviation]
    heatmap: HeatMap
    notes: list[str] = field(default_factory=list)


@dataclass
class Unit:
    """One conversation in one session: each reviewer's ratings (``None`` = N/A)."""

    session_id: str
    source: str
    conversation_id: str
    ratings: dict[str, Ratings] = field(default_factory=dict)


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else value


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _when(review: Review) -> datetime | None:
    return review.reviewed_at or review.conversation_created_at


def select_session_reviews(reviews: Iterable[Review], options: SessionOptions) -> list[Review]:
    """Human reviews with a session id, reviewed on or after `since` (undated ones drop out then)."""
    kept = []
    for review in reviews:
        if review.kind is not ReviewKind.HUMAN or not review.session_id:
            continue
        if options.since is not None:
            when = _when(review)
            if when is None or when < options.since:
                continue
        kept.append(review)
    return kept


def build_units(human: Sequence[Review], ai: Iterable[Review] = ()) -> list[Unit]:
    """Units from session reviews, the last review per reviewer winning; the AI review of each
    conversation (the last one given) joins every unit of that conversation as reviewer ``ai``."""
    units: dict[tuple[str, str, str], Unit] = {}
    ordered = sorted(human, key=lambda r: (_when(r) is not None, _when(r) or datetime.min))
    for review in ordered:
        name = review.reviewer or review.review_id
        if name == AI_REVIEWER:
            raise InputError(
                f"human review {review.review_id} names its reviewer {AI_REVIEWER!r}, the name "
                "the AI takes with --include-ai; rename the reviewer or leave out --include-ai"
            )
        key = (str(review.session_id), review.source, review.conversation_id)
        unit = units.setdefault(key, Unit(*key))
        unit.ratings[name] = review_ratings(review)
    ai_by_conversation = {  # the holder's AI review: what a person's review judges by default
        (r.source, r.conversation_id): r for r in ai if r.kind is ReviewKind.AI and r.holder
    }
    if ai_by_conversation:
        for unit in units.values():
            found = ai_by_conversation.get((unit.source, unit.conversation_id))
            if found is not None:
                unit.ratings[AI_REVIEWER] = review_ratings(found)
    return list(units.values())


def _present(unit: Unit, reviewers: Sequence[str], key: str) -> list[float]:
    values = (unit.ratings.get(r, {}).get(key) for r in reviewers)
    return [v for v in values if v is not None]


def _pairwise_exact(
    units: Sequence[Unit], reviewers: Sequence[str], keys: Sequence[str]
) -> tuple[int, int]:
    agree = pairs = 0
    for unit in units:
        for key in keys:
            for a, b in combinations(_present(unit, reviewers, key), 2):
                pairs += 1
                agree += a == b
    return agree, pairs


def summarise_sessions(
    reviews: Sequence[Review], units: Sequence[Unit], keys: Sequence[str]
) -> list[SessionSummary]:
    """One line per session: size, who took part, when, and how often reviewers agreed."""
    out = []
    for session_id in sorted({u.session_id for u in units}):
        mine = [u for u in units if u.session_id == session_id]
        dated = [w for r in reviews if r.session_id == session_id and (w := _when(r)) is not None]
        reviewers = sorted({name for u in mine for name in u.ratings})
        agree, pairs = _pairwise_exact(mine, reviewers, keys)
        out.append(
            SessionSummary(
                session_id=session_id,
                conversations=len(mine),
                reviews=sum(1 for r in reviews if r.session_id == session_id),
                reviewers=reviewers,
                first_review_at=min(dated, default=None),
                last_review_at=max(dated, default=None),
                exact_agreement=agree / pairs if pairs else None,
            )
        )
    return out


def criterion_agreement(
    units: Sequence[Unit], reviewers: Sequence[str], criterion: Criterion, options: SessionOptions
) -> CriterionAgreement:
    """Ordinal alpha with a bootstrap interval over units, and pairwise exact agreement."""
    key = criterion.key
    rated = [u for u in units if len(_present(u, reviewers, key)) >= 2]
    data = [[u.ratings.get(r, {}).get(key) for u in rated] for r in reviewers]
    alpha = _clean(krippendorff_alpha(data, level="ordinal")) if rated else None
    low = high = None
    if len(rated) >= 2 and options.n_resamples > 0:
        _, replicates = ordinal_alpha_replicates(
            [_present(u, reviewers, key) for u in rated],
            n_resamples=options.n_resamples,
            seed=options.seed,
        )
        low, high = percentile_interval(replicates, options.confidence)
    agree, pairs = _pairwise_exact(units, reviewers, [key])
    raters = {r for u in units for r in reviewers if u.ratings.get(r, {}).get(key) is not None}
    return CriterionAgreement(
        key=key,
        name=criterion.name,
        weight=criterion.weight,
        scale_min=criterion.scale.min,
        scale_max=criterion.scale.max,
        conversations=len(rated),
        raters=len(raters),
        alpha=alpha,
        alpha_low=low,
        alpha_high=high,
        exact_agreement=agree / pairs if pairs else None,
        pairs=pairs,
    )


def reference_rating(unit: Unit, reviewer: str, key: str, benchmark: str | None) -> float | None:
    """The benchmark's rating, else the mean of the other human reviewers' ratings (leave-one-out)."""
    if benchmark is not None:
        return unit.ratings.get(benchmark, {}).get(key)
    others = [
        v
        for name, ratings in unit.ratings.items()
        if name not in (reviewer, AI_REVIEWER) and (v := ratings.get(key)) is not None
    ]
    return _mean(others)


@dataclass
class _Pairs:
    """A reviewer's ratings beside the reference: units × criteria, ``nan`` where there is no pair."""

    mine: FloatArray
    reference: FloatArray

    @property
    def diffs(self) -> FloatArray:
        return self.mine - self.reference


def _pairs(
    units: Sequence[Unit], reviewer: str, keys: Sequence[str], benchmark: str | None
) -> _Pairs:
    mine = np.full((len(units), len(keys)), np.nan)
    reference = np.full((len(units), len(keys)), np.nan)
    for i, unit in enumerate(units):
        own = unit.ratings.get(reviewer)
        if own is None:
            continue
        for j, key in enumerate(keys):
            value = own.get(key)
            ref = None if value is None else reference_rating(unit, reviewer, key, benchmark)
            if value is not None and ref is not None:
                mine[i, j], reference[i, j] = value, ref
    rows = ~np.all(np.isnan(mine), axis=1)
    return _Pairs(mine[rows], reference[rows])


def _weighted(normalised: FloatArray, weights: FloatArray) -> FloatArray:
    """Row-wise weighted mean over the columns present (weights renormalised, as N/A in IQS)."""
    present = ~np.isnan(normalised) & (weights > 0)
    total = np.where(present, weights, 0.0).sum(axis=-1)
    summed = np.where(present, np.nan_to_num(normalised) * weights, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, summed / np.maximum(total, 1e-300), np.nan)


def _label(
    summary_bias: float | None,
    low: float | None,
    high: float | None,
    conversations: int,
    resampled: bool,
    options: SessionOptions,
) -> str:
    if summary_bias is None or conversations < options.min_conversations:
        return TOO_FEW
    if resampled and (low is None or high is None):
        return IN_LINE
    if summary_bias <= -options.threshold and (not resampled or (high is not None and high < 0)):
        return HARSH
    if summary_bias >= options.threshold and (not resampled or (low is not None and low > 0)):
        return LENIENT
    return IN_LINE


def reviewer_deviation(
    units: Sequence[Unit], reviewer: str, criteria: Sequence[Criterion], options: SessionOptions
) -> tuple[ReviewerSummary, list[Deviation]]:
    """One reviewer's heat-map row and overall verdict."""
    keys = [c.key for c in criteria]
    ranges = np.array([c.scale.max - c.scale.min for c in criteria], dtype=np.float64)
    weights = np.array([c.weight for c in criteria], dtype=np.float64)
    pairs = _pairs(units, reviewer, keys, options.benchmark)
    diffs = pairs.diffs
    resampled = options.n_resamples > 0 and diffs.shape[0] > 0
    reps = (
        bootstrap_column_means(diffs, n_resamples=options.n_resamples, seed=options.seed)
        if resampled
        else np.full((0, len(keys)), np.nan)
    )
    cells = []
    for j, key in enumerate(keys):
        column = diffs[:, j][~np.isnan(diffs[:, j])]
        bias = float(column.mean()) if column.size else None
        low, high = (
            percentile_interval(reps[:, j], options.confidence) if resampled else (None, None)
        )
        cells.append(
            Deviation(
                reviewer=reviewer,
                criterion=key,
                n=int(column.size),
                bias=bias,
                bias_low=low,
                bias_high=high,
                normalised_bias=None if bias is None else bias / float(ranges[j]),
                mae=float(np.abs(column).mean()) if column.size else None,
            )
        )
    column_bias = np.array([np.nan if c.bias is None else c.bias for c in cells], dtype=np.float64)
    overall = _clean(float(_weighted(column_bias / ranges, weights))) if keys else None
    low = high = None
    if resampled:
        low, high = percentile_interval(_weighted(reps / ranges, weights), options.confidence)
    per_criterion = {
        c.key: (
            [_clean(float(v)) for v in pairs.mine[:, j]],
            [_clean(float(v)) for v in pairs.reference[:, j]],
            c.scale.min,
            c.scale.max,
        )
        for j, c in enumerate(criteria)
    }
    align = _clean(weighted_alignment(per_criterion, {c.key: c.weight for c in criteria}))
    conversations = int(diffs.shape[0])
    summary = ReviewerSummary(
        reviewer=reviewer,
        conversations=conversations,
        ratings=int((~np.isnan(diffs)).sum()),
        normalised_bias=overall,
        low=low,
        high=high,
        alignment=align,
        label=_label(overall, low, high, conversations, resampled, options),
    )
    return summary, cells


def analyse_sessions(
    reviews: Iterable[Review],
    scorecard: Scorecard,
    *,
    ai_reviews: Iterable[Review] | None = None,
    options: SessionOptions = SessionOptions(),
) -> SessionsReport:
    """The whole calibration picture for the selected sessions; `ai_reviews` given = AI joins as ``ai``.

    Raises `InputError` when there is no session review, the session or the benchmark is unknown.
    """
    selected = select_session_reviews(reviews, options)
    if not selected:
        since = f" since {options.since:%Y-%m-%d}" if options.since else ""
        raise InputError(
            f"no calibration-session reviews{since}: import human reviews or ratings lines with a "
            "session_id (e.g. supportqa generate --reviews) first"
        )
    include_ai = ai_reviews is not None
    all_units = build_units(selected, ai_reviews or ())
    known = {c.key for c in scorecard.criteria}
    seen = {
        key
        for u in all_units
        for name, ratings in u.ratings.items()
        if name != AI_REVIEWER
        for key in ratings
    }
    criteria = [c for c in scorecard.criteria if c.key in seen & known]
    keys = [c.key for c in criteria]
    _check_scales(all_units, criteria, scorecard)
    sessions = summarise_sessions(selected, all_units, keys)
    units = all_units
    if options.session is not None:
        units = [u for u in all_units if u.session_id == options.session]
        if not units:
            names = ", ".join(s.session_id for s in sessions[-10:])
            raise InputError(f"no session {options.session!r} (latest sessions: {names})")
        sessions = [s for s in sessions if s.session_id == options.session]
    reviewers = sorted({name for u in units for name in u.ratings} - {AI_REVIEWER})
    if include_ai and any(AI_REVIEWER in u.ratings for u in units):
        reviewers.append(AI_REVIEWER)
    if options.benchmark is not None and options.benchmark not in reviewers:
        raise InputError(
            f"benchmark reviewer {options.benchmark!r} did not review the selected sessions "
            f"(reviewers: {', '.join(reviewers)})"
        )
    agreement = [criterion_agreement(units, reviewers, c, options) for c in criteria]
    compared = [r for r in reviewers if r != options.benchmark]
    summaries: list[ReviewerSummary] = []
    cells: list[Deviation] = []
    for reviewer in compared:
        summary, row = reviewer_deviation(units, reviewer, criteria, options)
        summaries.append(summary)
        cells.extend(row)
    return SessionsReport(
        scorecard=f"{scorecard.name} v{scorecard.version}",
        reference="benchmark" if options.benchmark else "consensus",
        benchmark=options.benchmark,
        session=options.session,
        since=options.since,
        include_ai=include_ai,
        threshold=options.threshold,
        confidence=options.confidence,
        resamples=options.n_resamples,
        conversations=len(units),
        sessions=sessions,
        criteria=agreement,
        reviewers=summaries,
        deviations=cells,
        heatmap=heat_map(compared, keys, cells),
        notes=_notes(units, reviewers, include_ai),
    )


def _check_scales(units: Sequence[Unit], criteria: Sequence[Criterion], card: Scorecard) -> None:
    """Ratings made on another scorecard version may not fit this one's scales: say so, not guess."""
    for unit in units:
        for reviewer, ratings in unit.ratings.items():
            for c in criteria:
                value = ratings.get(c.key)
                if value is not None and not c.scale.contains(value):
                    raise InputError(
                        f"{reviewer} rated {c.key} {value:g} on conversation {unit.conversation_id}"
                        f", outside its scale {c.scale.min:g}..{c.scale.max:g} in {card.name} "
                        f"v{card.version}; analyse sessions of one scorecard version (--since)"
                    )


def heat_map(reviewers: Sequence[str], keys: Sequence[str], cells: Sequence[Deviation]) -> HeatMap:
    """Reviewer × criterion matrices of normalised bias, bias in points and n."""
    at = {(c.reviewer, c.criterion): c for c in cells}
    rows = [[at.get((r, k)) for k in keys] for r in reviewers]
    return HeatMap(
        reviewers=list(reviewers),
        criteria=list(keys),
        normalised_bias=[[c.normalised_bias if c else None for c in row] for row in rows],
        bias=[[c.bias if c else None for c in row] for row in rows],
        n=[[c.n if c else 0 for c in row] for row in rows],
    )


def _notes(
    units: Sequence[Unit],
    reviewers: Sequence[str],
    include_ai: bool,
) -> list[str]:
    notes = []
    if not any(len(u.ratings) >= 2 for u in units):
        notes.append(
            "no conversation was reviewed by two or more reviewers: without a second opinion there "
            "is no agreement and no consensus to compare with"
        )
    if include_ai and AI_REVIEWER not in reviewers:
        notes.append("no AI review of the session conversations was found; the AI is left out")
    return notes

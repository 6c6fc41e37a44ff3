"""AI vs human: per criterion, IQS and CX, how far the AI agrees with the reviewers' consensus.

Each AI review (one per conversation, one scorecard version) is paired with the human consensus of the
same conversation (`calibration.reference`). A criterion pair exists where the AI rated it and at least
one person rated it; N/A on either side is counted apart, never as a rating. Statistics that need
discrete labels (exact, within-one, Cohen's kappa, Krippendorff's alpha, the confusion matrix) use the
human mean rounded half up to the nearest scale point; the others (Spearman, MAE, bias, alignment) use
the mean itself. Each criterion gets a trust verdict: its verdict metric against a threshold, given
enough pairs. Figures come from `calibration.agreement`; their 95% intervals from the vectorised
paired bootstrap in `calibration.pair_bootstrap`. See docs/calibration.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from supportqa.calibration.agreement import (
    alignment,
    cohen_kappa,
    confusion_matrix,
    exact_agreement,
    krippendorff_alpha,
    mean_absolute_error,
    signed_bias,
    spearman,
    weighted_alignment,
    within_one_agreement,
)
from supportqa.calibration.ai_vs_human_report import (
    DEFAULT_THRESHOLDS,
    METRICS,
    CalibrationReport,
    CompareOptions,
    Counts,
    CriterionAgreement,
    CxAgreement,
    CxReference,
    Disagreement,
    Estimate,
    IqsAgreement,
    Metric,
    NaAgreement,
    Verdict,
    VerdictRule,
)
from supportqa.calibration.pair_bootstrap import (
    Bootstrap,
    Statistic,
    kappa_statistic,
    mean_statistic,
    ordinal_alpha_statistic,
    spearman_statistic,
    weighted_means_statistic,
)
from supportqa.calibration.reference import ConversationKey, HumanReference
from supportqa.domain.review import CriterionResult, Review, ScorecardRef
from supportqa.domain.score import Status
from supportqa.domain.scorecard import Criterion, Scorecard
from supportqa.errors import InputError

BIAS_TOLERANCE = 0.05
"""A mean difference within 5% of the scale range is called "in line"."""
FLAGGED_AT_OR_BELOW = 3.0
"""CX 1–3 is flagged for review; a reference at or below 3 means the humans rated it low too."""

__all__ = [
    "BIAS_TOLERANCE",
    "DEFAULT_THRESHOLDS",
    "METRICS",
    "CalibrationReport",
    "CompareOptions",
    "CriterionAgreement",
    "CxAgreement",
    "Disagreement",
    "Estimate",
    "IqsAgreement",
    "NaAgreement",
    "bias_word",
    "check_overlap",
    "compare_ai_human",
    "csat_on_five",
    "round_to_point",
    "scale_points",
]


# ---- small pure helpers ---------------------------------------------------------------------


def _opt(value: float) -> float | None:
    return None if math.isnan(value) else value


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def scale_points(low: float, high: float) -> list[float]:
    """The scale's points: unit steps from the minimum (binary 0, 1; 3-point 1, 2, 3)."""
    return [low + k for k in range(math.floor(high - low + 1e-9) + 1)]


def round_to_point(value: float, low: float, high: float) -> float:
    """Round half up to the nearest scale point (2.5 → 3, 0.5 → 1), kept inside the scale."""
    return min(high, max(low, low + math.floor(value - low + 0.5)))


def bias_word(bias: float | None, span: float) -> str:
    """`lenient` (AI higher), `harsh` (AI lower) or `in line` (within 5% of the scale range)."""
    if bias is None:
        return "–"
    if abs(bias) <= BIAS_TOLERANCE * span:
        return "in line"
    return "lenient" if bias > 0 else "harsh"


def csat_on_five(csat: float, scale: int) -> float:
    """A CSAT answer on 1..scale mapped linearly onto 1–5 (the CX scale), clipped."""
    if scale < 2:
        raise ValueError(f"csat_scale must be at least 2, not {scale}")
    return min(5.0, max(1.0, 1.0 + 4.0 * (csat - 1.0) / (scale - 1.0)))


def _closeness(
    a: Sequence[float | None], b: Sequence[float | None], span: float
) -> list[float | None]:
    """Per pair 1 − |a − b| / span (what alignment averages); ``None`` where either is missing."""
    return [
        None if x is None or y is None else 1.0 - abs(x - y) / span
        for x, y in zip(a, b, strict=True)
    ]


def check_overlap(ref: ScorecardRef, counts: Counts) -> None:
    """Refuse to compare nothing: say what is missing and which command supplies it."""
    card = f"scorecard {ref.name} v{ref.version}"
    humans = f"{counts.human_reviews} human reviews of {counts.human_conversations} conversations"
    if counts.ai_conversations == 0:
        raise InputError(
            f"no AI reviews of {card} ({humans} are stored): score the conversations first "
            f"(`supportqa score`, with that scorecard), or pick another --version"
        )
    if counts.human_reviews == 0:
        raise InputError(
            f"no human reviews stored ({counts.ai_conversations} conversations have an AI review "
            f"of {card}): import your reviewers' ratings (`supportqa import REVIEWS.jsonl`)"
        )
    if counts.overlapping == 0:
        raise InputError(
            f"no conversation has both an AI review of {card} ({counts.ai_conversations} "
            f"conversations) and a human review ({humans}): score the conversations people "
            "reviewed (`supportqa import` them, then `supportqa score`), and check that source "
            "and conversation_id match"
        )


# ---- what is compared -----------------------------------------------------------------------


@dataclass
class _Data:
    """The paired conversations, with each AI review's criteria indexed by key."""

    ai: dict[ConversationKey, Review]
    refs: Mapping[ConversationKey, HumanReference]
    keys: list[ConversationKey]
    rule: VerdictRule
    boot: Bootstrap | None
    results: dict[ConversationKey, dict[str, CriterionResult]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.results = {k: {c.key: c for c in self.ai[k].criteria} for k in self.keys}

    def ai_state(self, conv: ConversationKey, key: str) -> float | str:
        """The AI's rating, ``"na"``, or ``"none"`` (failed, unrated or absent)."""
        result = self.results[conv].get(key)
        if result is not None and result.status is Status.RATED and result.rating is not None:
            return float(result.rating)
        if result is not None and result.status is Status.NA:
            return "na"
        return "none"

    def human_state(self, conv: ConversationKey, key: str) -> float | str:
        """The consensus rating, ``"na"`` (everybody said N/A) or ``"none"`` (nobody rated)."""
        ratings = self.refs[conv].ratings
        if key not in ratings:
            return "none"
        value = ratings[key]
        return "na" if value is None else float(value)

    def estimate(self, value: float, statistic: Callable[[], Statistic], n: int) -> Estimate:
        """The figure from the `agreement` function, with the bootstrap interval."""
        found = _opt(value)
        if self.boot is None or found is None:
            return Estimate(value=found)
        low, high = self.boot.interval(statistic(), n)
        return Estimate(value=found, low=low, high=high)


@dataclass
class _Pairs:
    """Aligned lists for one criterion, plus where each pair came from."""

    ai: list[float] = field(default_factory=list)
    human: list[float] = field(default_factory=list)
    ai_points: list[float] = field(default_factory=list)
    """The AI ratings on scale points (they already are, unless a scorer gives fractions)."""
    rounded: list[float] = field(default_factory=list)
    """The human means rounded half up to scale points."""
    keys: list[ConversationKey] = field(default_factory=list)


def _collect(criterion: Criterion, data: _Data) -> tuple[_Pairs, NaAgreement, int]:
    low, high = criterion.scale.min, criterion.scale.max
    pairs = _Pairs()
    na = NaAgreement()
    out_of_scale = 0
    for conv in data.keys:
        a = data.ai_state(conv, criterion.key)
        h = data.human_state(conv, criterion.key)
        if isinstance(a, float) and isinstance(h, float):
            if not low <= min(a, h) <= max(a, h) <= high:
                out_of_scale += 1
                continue
            pairs.ai.append(a)
            pairs.human.append(h)
            pairs.ai_points.append(round_to_point(a, low, high))
            pairs.rounded.append(round_to_point(h, low, high))
            pairs.keys.append(conv)
        elif a == "na" and h == "na":
            na.both_na += 1
        elif a == "na" and h != "none":
            na.ai_na_human_rated += 1
        elif h == "na" and a != "none":
            na.human_na_ai_rated += 1
    na.both_rated = len(pairs.ai)
    na.judged = na.both_rated + na.both_na + na.ai_na_human_rated + na.human_na_ai_rated
    if na.judged:
        na.agreement = (na.both_rated + na.both_na) / na.judged
        na.ai_na_human_rated_share = na.ai_na_human_rated / na.judged
        na.human_na_ai_rated_share = na.human_na_ai_rated / na.judged
    return pairs, na, out_of_scale


# ---- per criterion --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figure:
    """A verdict metric: its value on the pairs, and its bootstrap statistic."""

    value: Callable[[_Pairs], float]
    replicate: Callable[[_Pairs], Statistic]


def _figures(points: list[float], low: float, high: float) -> dict[Metric, _Figure]:
    """Kappa, alpha and exact on scale points (AI rating vs rounded human mean); alignment and
    Spearman on the human mean itself."""
    k = len(points)
    weights: Literal["quadratic"] | None = "quadratic" if k >= 3 else None

    def codes(values: list[float]) -> list[int]:
        return [round(v - low) for v in values]

    return {
        "kappa": _Figure(
            lambda p: cohen_kappa(p.ai_points, p.rounded, weights=weights, labels=points),
            lambda p: kappa_statistic(
                codes(p.ai_points), codes(p.rounded), k, quadratic=weights is not None
            ),
        ),
        "alpha": _Figure(
            lambda p: krippendorff_alpha([p.ai_points, p.rounded], level="ordinal", values=points),
            lambda p: ordinal_alpha_statistic(codes(p.ai_points), codes(p.rounded), k),
        ),
        "alignment": _Figure(
            lambda p: alignment(p.ai, p.human, scale_min=low, scale_max=high),
            lambda p: mean_statistic(_closeness(p.ai, p.human, high - low)),
        ),
        "spearman": _Figure(
            lambda p: spearman(p.ai, p.human), lambda p: spearman_statistic(p.ai, p.human)
        ),
        "exact": _Figure(
            lambda p: exact_agreement(p.ai_points, p.rounded),
            lambda p: mean_statistic(
                [float(x == y) for x, y in zip(p.ai_points, p.rounded, strict=True)]
            ),
        ),
    }


def _verdict(
    criterion: Criterion, n: int, value: float | None, rule: VerdictRule
) -> tuple[Verdict, str]:
    if criterion.human_only:
        return "human-only", "no scorer: people rate it"
    if n < rule.min_pairs:
        return "insufficient", f"{n} pairs < {rule.min_pairs} needed"
    if value is None:
        return "insufficient", f"{rule.metric} undefined on {n} pairs (a side is constant)"
    if value >= rule.threshold:
        return "trusted", f"{rule.metric} {value:.3f} ≥ {rule.threshold:g} ({n} pairs)"
    return "untrusted", f"{rule.metric} {value:.3f} < {rule.threshold:g} ({n} pairs)"


def _disagreements(
    criterion: Criterion, pairs: _Pairs, data: _Data, top: int
) -> list[Disagreement]:
    order = sorted(
        (i for i in range(len(pairs.ai)) if pairs.ai[i] != pairs.human[i]),
        key=lambda i: (-abs(pairs.ai[i] - pairs.human[i]), pairs.keys[i]),
    )
    out: list[Disagreement] = []
    for i in order[:top]:
        conv = pairs.keys[i]
        result = data.results[conv][criterion.key]
        quote = next((e for e in result.evidence if e.quote), None)
        ref = data.refs[conv]
        out.append(
            Disagreement(
                source=conv[0],
                conversation_id=conv[1],
                ai_rating=pairs.ai[i],
                human_mean=pairs.human[i],
                difference=pairs.ai[i] - pairs.human[i],
                reviewers=list(ref.reviewers),
                human_ratings={
                    name: ratings[criterion.key]
                    for name, ratings in ref.per_reviewer.items()
                    if criterion.key in ratings
                },
                explanation=result.explanation,
                evidence_quote=quote.quote if quote else None,
                evidence_message_index=quote.message_index if quote else None,
            )
        )
    return out


def _criterion(criterion: Criterion, data: _Data, top: int) -> CriterionAgreement:
    low, high = criterion.scale.min, criterion.scale.max
    points = scale_points(low, high)
    pairs, na, out_of_scale = _collect(criterion, data)
    a: list[float | None] = list(pairs.ai)
    h: list[float | None] = list(pairs.human)
    ap: list[float | None] = list(pairs.ai_points)
    r: list[float | None] = list(pairs.rounded)
    figures = _figures(points, low, high)
    chosen, aligned = figures[data.rule.metric], figures["alignment"]
    n = len(pairs.ai)
    metric = data.estimate(chosen.value(pairs), lambda: chosen.replicate(pairs), n)
    bias = _opt(signed_bias(a, h))
    verdict, reason = _verdict(criterion, n, metric.value, data.rule)
    return CriterionAgreement(
        key=criterion.key,
        name=criterion.name,
        group=criterion.group,
        weight=criterion.weight,
        scale_min=low,
        scale_max=high,
        human_only=criterion.human_only,
        n_pairs=n,
        ai_mean=_mean(pairs.ai),
        human_mean=_mean(pairs.human),
        exact=_opt(exact_agreement(ap, r)),
        within_one=_opt(within_one_agreement(ap, r)),
        kappa=_opt(figures["kappa"].value(pairs)),
        kappa_weights="quadratic" if len(points) >= 3 else "unweighted",
        alpha=_opt(figures["alpha"].value(pairs)),
        spearman=_opt(spearman(a, h)),
        mae=_opt(mean_absolute_error(a, h)),
        bias=bias,
        bias_word=bias_word(bias, high - low),
        verdict_metric=metric,
        alignment=data.estimate(aligned.value(pairs), lambda: aligned.replicate(pairs), n),
        na=na,
        out_of_scale=out_of_scale,
        confusion=confusion_matrix(ap, r, points) if n else [],
        verdict=verdict,
        verdict_reason=reason,
        disagreements=_disagreements(criterion, pairs, data, top),
    )


# ---- IQS, CX, the whole scorecard -----------------------------------------------------------


@dataclass(frozen=True)
class _Continuous:
    spearman: Estimate
    alignment: Estimate
    mae: float | None
    bias: float | None


def _continuous(
    a: list[float], b: list[float], low: float, high: float, data: _Data
) -> _Continuous:
    """Spearman and alignment (with intervals), MAE and bias of two aligned lists of scores."""
    x: list[float | None] = list(a)
    y: list[float | None] = list(b)
    n = len(a)
    return _Continuous(
        spearman=data.estimate(spearman(x, y), lambda: spearman_statistic(a, b), n),
        alignment=data.estimate(
            alignment(x, y, scale_min=low, scale_max=high),
            lambda: mean_statistic(_closeness(x, y, high - low)),
            n,
        ),
        mae=_opt(mean_absolute_error(x, y)),
        bias=_opt(signed_bias(x, y)),
    )


def _iqs(data: _Data) -> IqsAgreement:
    a: list[float] = []
    h: list[float] = []
    for conv in data.keys:
        ai_iqs, human_iqs = data.ai[conv].iqs, data.refs[conv].iqs
        if ai_iqs is not None and human_iqs is not None:
            a.append(ai_iqs)
            h.append(human_iqs)
    figures = _continuous(a, h, 0.0, 100.0, data)
    return IqsAgreement(
        n=len(a),
        ai_mean=_mean(a),
        human_mean=_mean(h),
        spearman=figures.spearman,
        mae=figures.mae,
        bias=figures.bias,
        bias_word=bias_word(figures.bias, 100.0),
        alignment=figures.alignment,
    )


def _cx(data: _Data, csat: Mapping[ConversationKey, float]) -> CxAgreement:
    """AI CX value vs the human CX consensus where people gave one, else the CSAT on 1–5."""
    a: list[float] = []
    ref: list[float] = []
    n_human = n_csat = flagged = also_low = 0
    for conv in data.keys:
        cx = data.ai[conv].cx
        human = data.refs[conv].cx
        reference = human if human is not None else csat.get(conv)
        if cx is None or reference is None:
            continue
        n_human += human is not None
        n_csat += human is None
        a.append(cx.value)
        ref.append(reference)
        if cx.review_recommended:
            flagged += 1
            also_low += reference <= FLAGGED_AT_OR_BELOW
    used: dict[tuple[bool, bool], CxReference] = {
        (True, False): "human",
        (False, True): "csat",
        (True, True): "human+csat",
    }
    figures = _continuous(a, ref, 1.0, 5.0, data)
    return CxAgreement(
        n=len(a),
        reference=used.get((n_human > 0, n_csat > 0), "none"),
        n_human=n_human,
        n_csat=n_csat,
        ai_mean=_mean(a),
        reference_mean=_mean(ref),
        spearman=figures.spearman,
        mae=figures.mae,
        bias=figures.bias,
        bias_word=bias_word(figures.bias, 4.0),
        alignment=figures.alignment,
        flagged=flagged,
        flagged_also_low=also_low,
        flagged_also_low_share=also_low / flagged if flagged else None,
    )


def _scorecard_alignment(card: Scorecard, data: _Data) -> Estimate:
    """`weighted_alignment` over the AI-rated criteria, bootstrapped over conversations (all
    criteria of a conversation drawn together)."""
    rated = [c for c in card.criteria if not c.human_only]
    if not rated:
        return Estimate(value=None)
    per: dict[str, tuple[list[float | None], list[float | None], float, float]] = {}
    for criterion in rated:
        low, high = criterion.scale.min, criterion.scale.max
        ai_col: list[float | None] = []
        human_col: list[float | None] = []
        for conv in data.keys:
            a = data.ai_state(conv, criterion.key)
            h = data.human_state(conv, criterion.key)
            both = isinstance(a, float) and isinstance(h, float)
            inside = both and low <= min(float(a), float(h)) <= max(float(a), float(h)) <= high
            ai_col.append(float(a) if inside else None)
            human_col.append(float(h) if inside else None)
        per[criterion.key] = (ai_col, human_col, low, high)

    def statistic() -> Statistic:
        columns = [_closeness(a, h, high - low) for a, h, low, high in per.values()]
        matrix = np.array(
            [[np.nan if v is None else v for v in column] for column in columns], dtype=np.float64
        ).T
        return weighted_means_statistic(matrix, [c.weight for c in rated])

    value = weighted_alignment(per, {c.key: c.weight for c in rated})
    return data.estimate(value, statistic, len(data.keys))


def _summary(criteria: list[CriterionAgreement], rule: VerdictRule, overall: Estimate) -> str:
    by: dict[str, list[str]] = {}
    for c in criteria:
        by.setdefault(c.verdict, []).append(c.key)
    scored = len(criteria) - len(by.get("human-only", []))
    parts = [
        f"{len(by.get('trusted', []))} of {scored} AI-rated criteria trusted "
        f"({rule.metric} ≥ {rule.threshold:g}, ≥ {rule.min_pairs} pairs)"
    ]
    for verdict in ("untrusted", "insufficient"):
        if by.get(verdict):
            parts.append(f"{verdict}: {', '.join(by[verdict])}")
    if by.get("human-only"):
        parts.append(f"{len(by['human-only'])} human-only")
    if overall.value is not None:
        parts.append(f"scorecard alignment {overall.value:.1%}")
    return "; ".join(parts) + "."


def compare_ai_human(
    card: Scorecard,
    ai_reviews: Iterable[Review],
    references: Mapping[ConversationKey, HumanReference],
    *,
    human_reviews: int,
    csat: Mapping[ConversationKey, float] | None = None,
    options: CompareOptions | None = None,
) -> CalibrationReport:
    """Compare the AI reviews of `card` with the human consensus; `InputError` when nothing overlaps.

    `csat` maps a conversation to its CSAT already on 1–5 (`csat_on_five`); `human_reviews` is how
    many human reviews the references were built from (for the counts and error messages). People's
    references are per conversation, so they meet the AI review of the participant who held it (the
    default reviewee of a person's review); when that has several, the last one wins.
    """
    options = options or CompareOptions()
    rule = options.rule()
    ref = ScorecardRef(name=card.name, version=card.version)
    ai = {(review.source, review.conversation_id): review for review in ai_reviews if review.holder}
    keys = sorted(set(ai) & set(references))
    counts = Counts(
        ai_conversations=len(ai),
        human_reviews=human_reviews,
        human_conversations=len(references),
        overlapping=len(keys),
    )
    check_overlap(ref, counts)
    boot = (
        Bootstrap(rule.bootstrap, seed=rule.seed, confidence=rule.confidence)
        if rule.bootstrap
        else None
    )
    data = _Data(ai=ai, refs=references, keys=keys, rule=rule, boot=boot)
    criteria = [_criterion(c, data, options.top) for c in card.criteria]
    overall = _scorecard_alignment(card, data)
    return CalibrationReport(
        scorecard=ref,
        rule=rule,
        counts=counts,
        criteria=criteria,
        iqs=_iqs(data),
        cx=_cx(data, csat or {}),
        scorecard_alignment=overall,
        summary=_summary(criteria, rule, overall),
    )

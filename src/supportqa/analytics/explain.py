"""Transparency: how one review's IQS and CX were computed, in words an agent understands.

Works from the stored Review alone (each criterion keeps its rating, score, weight, critical flag,
explanation and evidence), with the scorecard for criterion names, rating scales and the CX cuts
that band the CX value into its 1–5 score and flag. The IQS is
re-derived step by step (Σ weight × score / Σ weight over rated criteria; a critical criterion below
50% sets it to 0), so the words shown are the arithmetic that produced the stored number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from supportqa.domain.detectors import FLAG_AT_OR_BELOW, CxConfig
from supportqa.domain.review import CriterionResult, Review, ReviewKind
from supportqa.domain.score import EvidenceKind, Status
from supportqa.domain.scorecard import Scorecard

CRITICAL_BELOW_PCT = 50.0
CX_NAMES = {
    "resolution": "was the problem solved",
    "sentiment": "how the customer felt by the end",
    "service_quality": "speed, effort and the agent's manner",
}


@dataclass(frozen=True)
class CriterionLine:
    key: str
    name: str
    group: str | None
    status: str
    rating: float | None
    scale: str | None
    score_pct: float | None
    weight: float
    critical: bool
    counted: bool
    """Whether it is in the IQS average (rated, weight > 0)."""
    contribution: float | None
    """weight × score, the criterion's share of the numerator."""
    explanation: str
    evidence: list[str]
    confidence: float | None
    scorer: str | None
    sentence: str


@dataclass(frozen=True)
class IqsArithmetic:
    weighted_sum: float
    total_weight: float
    iqs: float | None
    stored_iqs: float | None
    critical_failed: list[str]
    incomplete_by: list[str]
    formula: str
    sentence: str


@dataclass(frozen=True)
class CxMapping:
    """How the CX value became its 1–5 score: the scorecard's cuts and the band the value fell in."""

    cuts: list[float]
    fitted: bool
    """False: the scorecard sets no cuts, so the value is rounded half up."""
    band_low: float | None
    """The band's lower cut (None: band 1 starts at the bottom of the scale)."""
    band_high: float | None
    """The band's upper cut, not included (None: band 5 runs to the top)."""
    score: int
    flag_below: float
    """Values below this (the third cut) score 1–3 and are flagged for review."""
    flagged: bool
    sentence: str


@dataclass(frozen=True)
class CxExplanation:
    score: int
    value: float
    subscores: dict[str, float | None]
    weights: dict[str, float]
    formula: str
    story: str
    review_recommended: bool
    sentence: str
    mapping: CxMapping | None = None
    """AI reviews explained with their scorecard; a reviewer's own CX has none."""


@dataclass(frozen=True)
class Explanation:
    review_id: str
    kind: str
    source: str
    conversation_id: str
    agent: str | None
    agent_name: str | None
    reviewer: str | None
    scorecard: str
    criteria: list[CriterionLine]
    iqs: IqsArithmetic
    cx: CxExplanation | None
    notes: list[str] = field(default_factory=list)
    conversation_version: str | None = None
    """The version of the conversation the review judged."""
    earlier_version: bool = False
    """The conversation has changed since: the review judged text that is no longer current."""

    def flat(self) -> list[dict[str, Any]]:
        """One row per criterion, for `--export`."""
        head = {
            "review_id": self.review_id,
            "kind": self.kind,
            "conversation_id": self.conversation_id,
        }
        return [
            {**head, **{k: v for k, v in c.__dict__.items() if k != "evidence"}}
            | {"evidence": " | ".join(c.evidence)}
            for c in self.criteria
        ]


def _num(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _evidence(result: CriterionResult) -> list[str]:
    lines = []
    for e in result.evidence:
        where = "" if e.message_index is None else f"message {e.message_index}: "
        quote = f'"{e.quote}"' if e.quote else ""
        if e.kind is EvidenceKind.ABSENCE:
            quote = f"{quote} (judged on what is missing)".strip()
        elif e.kind is EvidenceKind.TIMING:
            quote = f"{quote} (judged on timing)".strip()
        if quote:
            lines.append(where + quote)
    return lines


def _sentence(result: CriterionResult, name: str, scale: str | None) -> str:
    critical = " It is critical: below 50% sets the whole score to 0." if result.critical else ""
    if result.status is Status.RATED and result.score_pct is not None:
        rated = f"rated {_num(result.rating or 0)}" + (f" on {scale}" if scale else "")
        counts = (
            f", worth {result.weight:g} points of weight"
            if result.weight > 0
            else ", weight 0 so it does not count"
        )
        return f"{name}: {rated} = {result.score_pct:.0f}%{counts}.{critical}"
    if result.status is Status.NA:
        return f"{name}: not applicable here, so left out of the score ({result.explanation})."
    if result.status is Status.UNSURE:
        confidence = "" if result.confidence is None else f" (confidence {result.confidence:.2f})"
        return (
            f"{name}: the AI is unsure{confidence}, so it is left out of the score and a person"
            f" should rate it. {result.explanation}"
        )
    if result.status is Status.FAILED:
        return (
            f"{name}: could not be scored ({result.explanation}); left out of the score.{critical}"
        )
    return f"{name}: not rated in this review ({result.explanation or 'unrated'}); left out."


def _line(result: CriterionResult, scorecard: Scorecard | None) -> CriterionLine:
    known = {c.key: c for c in scorecard.criteria} if scorecard else {}
    criterion = known.get(result.key)
    name = criterion.name if criterion else result.key
    scale = f"{criterion.scale.min:g}–{criterion.scale.max:g}" if criterion else None
    counted = result.status is Status.RATED and result.score_pct is not None and result.weight > 0
    return CriterionLine(
        key=result.key,
        name=name,
        group=result.group,
        status=result.status.value,
        rating=result.rating,
        scale=scale,
        score_pct=result.score_pct,
        weight=result.weight,
        critical=result.critical,
        counted=counted,
        contribution=result.weight * (result.score_pct or 0.0) if counted else None,
        explanation=result.explanation,
        evidence=_evidence(result),
        confidence=result.confidence,
        scorer=None if result.scorer is None else f"{result.scorer.name} v{result.scorer.version}",
        sentence=_sentence(result, name, scale),
    )


def iqs_arithmetic(review: Review) -> IqsArithmetic:
    """The IQS rules applied step by step to the stored criteria."""
    rated = [c for c in review.criteria if c.status is Status.RATED and c.score_pct is not None]
    failed_critical = [
        c.key for c in rated if c.critical and (c.score_pct or 0.0) < CRITICAL_BELOW_PCT
    ]
    incomplete_by = [c.key for c in review.criteria if c.critical and c.status is Status.FAILED]
    weighted = sum(c.weight * (c.score_pct or 0.0) for c in rated)
    weight = sum(c.weight for c in rated)
    terms = " + ".join(f"{c.weight:g}×{c.score_pct:.0f}" for c in rated if c.weight > 0)
    formula = (
        f"({terms}) / {weight:g} = {weighted:g} / {weight:g}" if weight > 0 else "nothing rated"
    )
    if failed_critical:
        iqs: float | None = 0.0
        sentence = (
            f"Critical criterion {', '.join(failed_critical)} scored below 50%, so the score is 0 "
            f"whatever the rest (the rest would have given {weighted / weight:.1f}%)."
            if weight > 0
            else f"Critical criterion {', '.join(failed_critical)} scored below 50%: score 0."
        )
    elif incomplete_by:
        iqs = None
        sentence = (
            f"The AI could not score critical criterion {', '.join(incomplete_by)}, so this review "
            "has no score until a person rates it."
        )
    elif weight <= 0:
        iqs = None
        sentence = "Nothing with a weight was rated, so there is no score."
    else:
        iqs = weighted / weight
        sentence = (
            f"Each rated criterion's score is weighed by its weight: {formula} = {iqs:.1f}%. "
            "Not-applicable, unscored and people-only criteria are left out, not counted as 0."
        )
    return IqsArithmetic(
        weighted, weight, iqs, review.iqs, failed_critical, incomplete_by, formula, sentence
    )


def cx_mapping(value: float, config: CxConfig) -> CxMapping:
    """The cuts, the band `value` falls in, its score and whether it is flagged, in words."""
    cuts = list(config.score_cuts)
    score = config.band(value)
    low = cuts[score - 2] if score > 1 else None
    high = cuts[score - 1] if score < 5 else None
    flagged = score <= FLAG_AT_OR_BELOW
    bounds = (
        f"{'' if low is None else f'{low:g} ≤ '}{value:.2f}{'' if high is None else f' < {high:g}'}"
    )
    how = "the scorecard's cuts" if config.cuts else "rounding half up (the scorecard sets no cuts)"
    sentence = (
        f"CX {score} because {bounds} with {how} ({' | '.join(f'{c:g}' for c in cuts)}); "
        + (
            f"below {cuts[2]:g}, so CX 1–3 flags it for review."
            if flagged
            else f"at or above {cuts[2]:g}, so it is not flagged."
        )
    )
    return CxMapping(cuts, config.cuts is not None, low, high, score, cuts[2], flagged, sentence)


def _cx(review: Review, scorecard: Scorecard | None = None) -> CxExplanation | None:
    cx = review.cx
    if cx is None:
        return None
    mapping = (
        cx_mapping(cx.value, scorecard.cx)
        if scorecard is not None and review.kind is ReviewKind.AI
        else None
    )
    used = {k: w for k, w in cx.weights.items() if w > 0 and cx.subscores.get(k) is not None}
    terms = " + ".join(f"{w:g}×{cx.subscores[k] or 0:.2f}" for k, w in used.items())
    formula = f"1 + 4 × ({terms}) = {cx.value:.2f} → {cx.score}"
    if mapping is not None:
        low = "[1" if mapping.band_low is None else f"[{mapping.band_low:g}"
        high = "5]" if mapping.band_high is None else f"{mapping.band_high:g})"
        formula = f"1 + 4 × ({terms}) = {cx.value:.2f} → band {low}, {high} → {cx.score}"
    parts = [
        f"{k.replace('_', ' ')} ({CX_NAMES.get(k, k)}) {100 * (cx.subscores[k] or 0):.0f}% "
        f"× weight {w:.0%}"
        for k, w in used.items()
    ]
    missing = [k.replace("_", " ") for k, v in cx.subscores.items() if v is None]
    sentence = f"CX {cx.score} of 5 from " + "; ".join(parts) + "."
    if missing:
        sentence += f" Not measurable here: {', '.join(missing)} (its weight shared out)."
    if mapping is not None:
        sentence += f" {mapping.sentence}"
        if mapping.score != cx.score:
            sentence += (
                f" (The stored CX {cx.score} was banded otherwise: re-score with this scorecard.)"
            )
    elif cx.review_recommended:
        sentence += " CX 1–3 puts the conversation in the review queue."
    sentence += " CX describes the customer's experience; it is never used to rank agents."
    return CxExplanation(
        cx.score,
        cx.value,
        dict(cx.subscores),
        dict(cx.weights),
        formula,
        cx.explanation,
        cx.review_recommended,
        sentence,
        mapping,
    )


def explain(
    review: Review, scorecard: Scorecard | None = None, current_version: str | None = None
) -> Explanation:
    """Every criterion in words, then the IQS arithmetic and the CX sub-scores; with the
    conversation's `current_version`, whether the review was made on an earlier version."""
    arithmetic = iqs_arithmetic(review)
    notes = []
    earlier = (
        current_version is not None
        and review.conversation_version is not None
        and review.conversation_version != current_version
    )
    if earlier:
        notes.append(
            "made on an earlier version of the conversation (it has changed since): "
            "the ratings and quotes are about the transcript as it was then"
        )
    stored, derived = review.iqs, arithmetic.iqs
    if (stored is None) != (derived is None) or (
        stored is not None and derived is not None and abs(stored - derived) > 1e-6
    ):
        notes.append(
            f"stored IQS {stored} differs from the arithmetic ({derived}): the review was "
            "edited after scoring or scored with other rules; re-score it"
        )
    return Explanation(
        review_id=review.review_id,
        kind=review.kind.value,
        source=review.source,
        conversation_id=review.conversation_id,
        agent=review.reviewee.id,
        agent_name=review.reviewee.name,
        reviewer=review.reviewer,
        scorecard=f"{review.scorecard.name} v{review.scorecard.version}",
        criteria=[_line(c, scorecard) for c in review.criteria],
        iqs=arithmetic,
        cx=_cx(review, scorecard),
        notes=notes,
        conversation_version=review.conversation_version,
        earlier_version=earlier,
    )

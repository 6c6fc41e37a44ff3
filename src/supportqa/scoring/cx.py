"""The CX score: a 1–5 picture of the customer's experience, for every conversation, bot or human.

Three sub-scores in [0, 1] — resolution, customer sentiment (end state and trajectory) and service
quality (responsiveness, effort, agent behaviour) — are weighted (weights from the scorecard, summing
to 1; a missing sub-score's weight is shared out over the others) into `value = 1 + 4 × Σ wᵢ·sᵢ`.
`score` is the value's band between the scorecard's `cx.cuts` (rounded half up when it sets none;
the default scorecard's cuts are fitted on STC-3 dev, see docs/calibration.md); 1–3 are recommended
for human review. `value` never changes with the cuts, so a refit re-bands stored values. CX describes the
customer's experience and is never used to rank agents: IQS does that.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from supportqa.domain.detectors import FLAG_AT_OR_BELOW, CxConfig
from supportqa.domain.review import CxScore, ResolutionOutcome
from supportqa.domain.score import Score, Status
from supportqa.models.outcome import Outcome
from supportqa.signals.analysis import Analysis
from supportqa.signals.text import agent_message_indices
from supportqa.signals.timing import response_times

REVIEW_AT_OR_BELOW = FLAG_AT_OR_BELOW


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def combine(
    subscores: Mapping[str, float | None], config: CxConfig
) -> tuple[float, dict[str, float]]:
    """`1 + 4 × Σ wᵢ·sᵢ` over the present sub-scores, with missing ones' weight shared out
    proportionally; returns the value and the weights actually used."""
    present = {k: w for k, w in config.weights.items() if subscores.get(k) is not None and w > 0}
    total = sum(present.values())
    if total <= 0:
        return 3.0, {k: 0.0 for k in config.weights}
    used = {k: (present.get(k, 0.0) / total) for k in config.weights}
    value = 1 + 4 * sum(used[k] * float(subscores[k] or 0.0) for k in present)
    return min(5.0, max(1.0, value)), used


def _rating_fraction(score: Score | None, low: float, high: float) -> float | None:
    """An `unsure` rating still counts here: CX describes the customer's experience from every
    signal there is, and abstaining on an agent's grade must not change it."""
    if score is None or score.status not in (Status.RATED, Status.UNSURE) or score.rating is None:
        return None
    return (score.rating - low) / (high - low)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


CX_INPUTS = ("responsiveness", "tone")
"""The criteria whose ratings feed service quality (when the scorecard has them)."""


def input_fractions(
    rated: Sequence[tuple[Mapping[str, Score], int]],
    scales: Mapping[str, tuple[float, float]],
) -> dict[str, float | None]:
    """Each of `CX_INPUTS` as a fraction of its scale. `rated` is the whole conversation's ratings,
    or on a conversation handed between staff members each participant's with their reply count:
    their mean weighted by replies, so CX reads every staff member and asks no judge twice."""
    fractions: dict[str, float | None] = {}
    for key in CX_INPUTS:
        if key not in scales:
            fractions[key] = None
            continue
        parts = [
            (fraction, weight)
            for scores, weight in rated
            if (fraction := _rating_fraction(scores.get(key), *scales[key])) is not None
        ]
        total = sum(weight for _, weight in parts)
        if len(parts) == 1:
            fractions[key] = parts[0][0]
        elif parts and total > 0:
            fractions[key] = sum(f * w for f, w in parts) / total
        else:
            fractions[key] = None
    return fractions


def service_quality(
    item: Analysis, result: Outcome, fractions: Mapping[str, float | None]
) -> tuple[float | None, list[str]]:
    """Mean of responsiveness (when timed), effort and agent behaviour (tone), each in [0, 1]."""
    parts: list[float] = []
    notes: list[str] = []
    responsiveness = fractions.get("responsiveness")
    if responsiveness is not None:
        parts.append(responsiveness)
    first = item.signal(response_times).first
    if first is not None:
        notes.append(f"first reply in {_duration(first.seconds)}")
    parts.append(result.effort.value)
    tone = fractions.get("tone")
    if tone is not None:
        parts.append(tone)
    return (sum(parts) / len(parts) if parts else None), notes


def _story(item: Analysis, result: Outcome, notes: list[str]) -> str:
    res = result.resolution
    agent_replies = len(agent_message_indices(item.conversation))
    head = {
        "resolved": "Resolved",
        "partial": "Partly resolved",
        "unresolved": "Unresolved",
    }[res.status]
    if agent_replies:
        head += f" after {agent_replies} repl{'y' if agent_replies == 1 else 'ies'}"
    parts = [head]
    mood = result.mood
    if result.end.confirms >= 0.5:
        parts.append("customer confirmed it worked")
    elif result.end.thanks >= 0.5:
        parts.append("customer thanked the agent")
    elif mood.end_index is not None:
        feeling = (
            "positive" if mood.value >= 0.6 else "negative" if mood.value <= 0.4 else "neutral"
        )
        parts.append(f"customer ended {feeling}")
    if result.effort.value < 0.6 and result.effort.reasons:
        parts.append(result.effort.reasons[0])
    parts.extend(notes)
    return "; ".join(parts) + "."


def cx_score(
    item: Analysis, result: Outcome, fractions: Mapping[str, float | None], config: CxConfig
) -> CxScore:
    """`fractions`: the service-quality inputs (`input_fractions`)."""
    quality, notes = service_quality(item, result, fractions)
    subscores: dict[str, float | None] = {
        "resolution": round(result.resolution.expected, 4),
        "sentiment": round(result.mood.value, 4) if result.mood.end_index is not None else None,
        "service_quality": None if quality is None else round(quality, 4),
    }
    value, weights = combine(subscores, config)
    value = round(value, 4)
    score = config.band(value)
    return CxScore(
        score=score,
        value=value,
        subscores=subscores,
        weights={k: round(w, 4) for k, w in weights.items()},
        explanation=_story(item, result, notes),
        review_recommended=score <= REVIEW_AT_OR_BELOW,
    )


def resolution_outcome(result: Outcome) -> ResolutionOutcome:
    return ResolutionOutcome(
        status=result.resolution.status, probability=round(result.resolution.probability, 4)
    )

"""Run the scorer exactly as `score` does and keep what evaluation compares with people.

Predictions come from the same ScoringEngine and default scorecard users run, so an `eval` figure
describes the shipped scorer, not a research variant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import Status
from supportqa.domain.scorecard import Scorecard
from supportqa.models.outcome import confirmation_index, outcome
from supportqa.scoring.engine import ScoringEngine
from supportqa.signals.analysis import Analysis


@dataclass
class Prediction:
    """One conversation's scores as evaluation reads them."""

    cx_value: float
    cx_score: int
    review_recommended: bool
    p_resolved: float
    resolution_confidence: float
    resolution_expected: float
    effort: float
    misunderstood: float
    """Best similarity of a customer sentence to "you misunderstood me"."""
    distress: float
    """Best similarity of a customer sentence to the distress exemplars."""
    ratings: dict[str, float | None] = field(default_factory=dict)
    confidences: dict[str, float | None] = field(default_factory=dict)
    solution_strength: dict[int, float] = field(default_factory=dict)
    """Per agent message index: similarity of its best sentence to the solution exemplars."""
    confirm_strength: dict[int, float] = field(default_factory=dict)
    """Per customer message index: the confirmation index ("that solved it")."""


def predict(
    conversations: Sequence[Conversation],
    scorecard: Scorecard,
    *,
    batch_size: int = 128,
    on_batch: Callable[[int], None] | None = None,
    on_items: Callable[[list[Analysis]], None] | None = None,
) -> list[Prediction]:
    """Score in batches; `on_items` sees each batch's analyses after scoring (features for cv5
    reuse the signals and embeddings scoring computed)."""
    engine = ScoringEngine(scorecard)
    out: list[Prediction] = []
    for start in range(0, len(conversations), batch_size):
        chunk = conversations[start : start + batch_size]
        items = [Analysis(c, engine.detectors) for c in chunk]
        # the review of the participant who held the conversation: its CX and resolution
        reviews = [group[-1] for group in engine.review_groups(items)]
        for item, review in zip(items, reviews, strict=True):
            result = outcome(item)
            assert review.cx is not None
            # every answer the scorer gave: an `unsure` one at its tentative rating (abstention is
            # measured apart, on the regression corpus)
            ratings = {
                c.key: c.rating if c.status in (Status.RATED, Status.UNSURE) else None
                for c in review.criteria
            }
            confidences = {c.key: c.confidence for c in review.criteria}
            out.append(
                Prediction(
                    cx_value=review.cx.value,
                    cx_score=review.cx.score,
                    review_recommended=review.cx.review_recommended,
                    p_resolved=result.resolution.p_resolved,
                    resolution_confidence=result.resolution.confidence,
                    resolution_expected=result.resolution.expected,
                    effort=result.effort.value,
                    misunderstood=result.markers.strength("customer_misunderstood"),
                    distress=result.markers.strength("customer_distress"),
                    ratings=ratings,
                    confidences=confidences,
                    solution_strength=dict(result.markers.best.get("solution_stated", {})),
                    confirm_strength={
                        point.message_index: confirmation_index(
                            result.markers, result.sentiment, point.message_index
                        )
                        for point in result.sentiment.points
                    },
                )
            )
        if on_items:
            on_items(items)
        if on_batch:
            on_batch(len(chunk))
    return out

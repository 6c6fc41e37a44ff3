"""`trained`: a criterion model fitted on the team's own reviews (`supportqa train`), over a base scorer.

The base (zero-shot) scorer still runs: its rating is the model's first feature, its N/A stands (a
model does not invent an applicability it was never taught) and its evidence is kept, so every trained
rating still points at the message it rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from supportqa.domain.score import Score, Status
from supportqa.domain.scorecard import Criterion, ScorerSpec
from supportqa.errors import ConfigError
from supportqa.models.artefacts import load_artefact
from supportqa.models.features import conversation_features
from supportqa.models.trained import base_columns, predict_with
from supportqa.scorers.registry import BatchScoreFn, bind, scorer
from supportqa.signals.analysis import Analysis


def _round_to_scale(value: float, low: float, high: float) -> float:
    return float(min(high, max(low, int(value - low + 0.5) + low)))


@scorer(name="trained", version="1", batch=True, family="model", scope="either")
def trained(model: str, sha256: str | None = None, base: Any = None) -> BatchScoreFn:
    """A model trained on the team's reviews, on top of the base scorer it learned to correct."""
    artefact = load_artefact(model, sha256)
    specs = ScorerSpec.parse_many(base)
    if not specs:
        raise ConfigError(f"trained model {model} needs its base scorer (`base:`)")
    base_scorer = bind(specs[0])

    def score_batch(
        items: Sequence[Analysis], criteria: Sequence[Criterion]
    ) -> list[dict[str, Score]]:
        wrong = [c.key for c in criteria if c.key != artefact.target]
        if wrong:
            raise ConfigError(f"model {artefact.file_name} rates {artefact.target}, not {wrong}")
        base_scores = base_scorer.score_batch(items, criteria)
        features = conversation_features(items)
        out: list[dict[str, Score]] = [{} for _ in items]
        for criterion in criteria:
            low, high = criterion.scale.min, criterion.scale.max
            given = [scores.get(criterion.key) for scores in base_scores]
            values = [
                s.rating if s is not None and s.status is Status.RATED else None for s in given
            ]
            predicted = predict_with(artefact, base_columns(values, low, high), features)
            for index, (score, value) in enumerate(zip(given, predicted, strict=True)):
                out[index][criterion.key] = _trained_score(score, float(value), low, high, artefact)
        return out

    return score_batch


def _trained_score(
    base: Score | None, value: float, low: float, high: float, artefact: Any
) -> Score:
    if base is None:
        return Score.failure("the base scorer returned nothing")
    if base.status is not Status.RATED:
        return base
    rating = _round_to_scale(value, low, high)
    explanation = (
        f"Learned from {artefact.n_reviews} of the team's reviews (model v{artefact.version}): "
        f"{value:.2f} on {low:g}–{high:g}, where the base scorer said {base.rating:g}. "
        f"{base.explanation}"
    )
    confidence = 1.0 - min(1.0, abs(value - rating))
    return Score.rated(rating, explanation.strip(), base.evidence, confidence)

"""Replace the hand-weighted CX value with a model trained on the team's reviews, when one is named."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from supportqa.domain.detectors import CxConfig
from supportqa.domain.review import Review
from supportqa.models.artefacts import load_artefact
from supportqa.models.features import conversation_features
from supportqa.models.trained import predict_with
from supportqa.scoring.cx import REVIEW_AT_OR_BELOW
from supportqa.signals.analysis import Analysis


def apply_trained_cx(
    items: Sequence[Analysis], reviews: Sequence[Review], config: CxConfig
) -> None:
    """The sub-scores stay (they explain); value, score and the review flag come from the model."""
    if not config.model:
        return
    artefact = load_artefact(config.model, config.model_sha256)
    scored = [(item, review) for item, review in zip(items, reviews, strict=True) if review.cx]
    if not scored:
        return
    base = np.array([review.cx.value for _, review in scored if review.cx], dtype=float)
    predicted = predict_with(artefact, base, conversation_features([i for i, _ in scored]))
    for (_, review), value in zip(scored, predicted, strict=True):
        old = review.cx
        assert old is not None
        score = config.band(float(value))
        review.cx = old.model_copy(
            update={
                "value": float(value),
                "score": score,
                "review_recommended": score <= REVIEW_AT_OR_BELOW,
                "explanation": f"Learned from {artefact.n_reviews} of the team's reviews "
                f"(model v{artefact.version}): {float(value):.2f}, where the weighted sub-scores "
                f"gave {old.value:.2f}. {old.explanation}",
            }
        )

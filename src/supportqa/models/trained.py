"""Predict with a stored model: the same features it was trained on, checked before use.

The `trained` scorer and the trained CX call this, so it sits below them in `models`; fitting stays in
`calibration`.
"""

from __future__ import annotations

import numpy as np

from supportqa.errors import ConfigError
from supportqa.models.artefacts import ModelArtefact
from supportqa.models.features import FEATURE_VERSION, Features

Array = np.ndarray


def design_matrix(base: Array, features: Features) -> Array:
    """The zero-shot value(s) first, then the signals and embeddings."""
    column = base.reshape(len(features), -1)
    return np.hstack([column, features.signals, features.embeddings])


def base_columns(values: list[float | None], low: float, high: float) -> Array:
    """A zero-shot rating as (position on the scale, missing flag); missing sits mid-scale."""
    span = high - low
    rows = [(0.5, 1.0) if value is None else ((float(value) - low) / span, 0.0) for value in values]
    return np.array(rows, dtype=float).reshape(len(values), 2)


def predict_with(artefact: ModelArtefact, base: Array, features: Features) -> Array:
    """Predictions on the artefact's scale; a feature layout it was not trained on is refused."""
    if artefact.feature_version != FEATURE_VERSION:
        raise ConfigError(
            f"model {artefact.file_name} uses features v{artefact.feature_version}, this "
            f"supportqa computes v{FEATURE_VERSION}: re-run `supportqa train`"
        )
    x = design_matrix(base, features)
    width = len(artefact.params.coef)
    if x.shape[1] != width:
        raise ConfigError(
            f"model {artefact.file_name} expects {width} features, got {x.shape[1]} (a different "
            "sentence encoder or detector set?): re-run `supportqa train`"
        )
    return artefact.params.linear().predict(x)

"""The fitted model `supportqa train` produces: standardise, ridge, isotonic map — plain numpy arrays.

It lives here rather than beside the fitting code in `calibration.learn` because scorers predict with
it, and scorers sit below calibration: fitting needs scikit-learn, predicting needs only numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass
class LinearModel:
    """Standardise → ridge → isotonic map onto [low, high]; plain arrays, so it saves as JSON."""

    mean: Array
    scale: Array
    coef: Array
    intercept: float
    iso_x: Array
    iso_y: Array
    alpha: float
    low: float
    high: float

    def raw(self, x: Array) -> Array:
        return np.asarray(((x - self.mean) / self.scale) @ self.coef + self.intercept, dtype=float)

    def predict(self, x: Array) -> Array:
        """On the rating scale; scores beyond the fitted range take the nearest end (no extrapolation)."""
        mapped = np.interp(self.raw(x), self.iso_x, self.iso_y)
        return np.asarray(np.clip(mapped, self.low, self.high), dtype=float)

"""Bootstrap confidence intervals for any agreement statistic, deterministic per seed."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Interval", "bootstrap_ci"]


@dataclass(frozen=True)
class Interval:
    """A percentile interval around the statistic computed on the full samples."""

    low: float
    high: float
    estimate: float


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear-interpolation quantile (NumPy's default method) of already sorted values."""
    position = q * (len(sorted_values) - 1)
    below = math.floor(position)
    above = min(below + 1, len(sorted_values) - 1)
    fraction = position - below
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * fraction


def bootstrap_ci(
    statistic: Callable[..., float],
    *samples: Sequence[Any],
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap interval of ``statistic(*samples)``.

    Resampling is paired: each replicate draws one list of indices (with replacement) and applies it
    to every sample, so rater A's and rater B's ratings of a conversation stay together. Replicates
    that come out ``nan`` (say, a resample where one rater is constant) are dropped; if all are ``nan``
    the bounds are ``nan``. Empty samples give an all-``nan`` interval without calling ``statistic``.
    """
    if not samples:
        raise ValueError("bootstrap_ci needs at least one sample")
    n = len(samples[0])
    if any(len(sample) != n for sample in samples):
        raise ValueError(f"samples differ in length: {[len(sample) for sample in samples]}")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, not {n_resamples}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    nan = float("nan")
    if n == 0:
        return Interval(nan, nan, nan)
    estimate = float(statistic(*samples))
    rng = random.Random(seed)
    replicates: list[float] = []
    for _ in range(n_resamples):
        indices = [rng.randrange(n) for _ in range(n)]
        value = float(statistic(*([sample[i] for i in indices] for sample in samples)))
        if not math.isnan(value):
            replicates.append(value)
    if not replicates:
        return Interval(nan, nan, estimate)
    replicates.sort()
    tail = (1.0 - confidence) / 2
    return Interval(_quantile(replicates, tail), _quantile(replicates, 1.0 - tail), estimate)

"""Vectorised percentile bootstraps over units (conversations), for statistics needed many at a time.

`bootstrap_ci` (pure Python) resamples one statistic at a time; a session heat map needs a bias per
reviewer × criterion plus an overall one and an alpha per criterion, and drift a shift per criterion,
each over up to thousands of conversations. Drawing the units once per replicate and computing in NumPy
keeps the columns of one conversation together and costs milliseconds instead of minutes. Replicates
are deterministic per seed; the interval is NumPy's linear quantile, as in `bootstrap_ci`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["bootstrap_column_means", "ordinal_alpha_replicates", "percentile_interval"]

FloatArray = npt.NDArray[np.float64]

CHUNK_ELEMENTS = 4_000_000
"""Replicates are drawn in chunks of about this many values, so memory stays bounded."""


def _index_chunks(
    n: int, width: int, n_resamples: int, seed: int
) -> Iterator[npt.NDArray[np.intp]]:
    rng = np.random.default_rng(seed)
    per_chunk = max(1, CHUNK_ELEMENTS // max(1, n * width))
    done = 0
    while done < n_resamples:
        size = min(per_chunk, n_resamples - done)
        yield rng.integers(0, n, size=(size, n))
        done += size


def _check(n_resamples: int) -> None:
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, not {n_resamples}")


def bootstrap_column_means(values: FloatArray, *, n_resamples: int, seed: int) -> FloatArray:
    """Replicate means (``n_resamples`` × columns) of ``values`` (units × columns, ``nan`` = missing).

    Each replicate draws the units with replacement and averages each column over its present values;
    a column with no value in a replicate is ``nan`` there.
    """
    if values.ndim != 2:
        raise ValueError(f"values must be a units × columns matrix, got {values.ndim} dimension(s)")
    _check(n_resamples)
    n, width = values.shape
    if n == 0:
        return np.full((n_resamples, width), np.nan)
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    weights = present.astype(np.float64)
    out: list[FloatArray] = []
    for indices in _index_chunks(n, width, n_resamples, seed):
        sums = filled[indices].sum(axis=1)
        counts = weights[indices].sum(axis=1)
        out.append(np.where(counts > 0, sums / np.maximum(counts, 1.0), np.nan))
    return np.concatenate(out, axis=0)


def _coincidences(units: Sequence[Sequence[float]], domain: Sequence[float]) -> FloatArray:
    """Each unit's coincidence matrix (units × values × values): ordered pairs weighted 1/(m − 1)."""
    position = {v: i for i, v in enumerate(domain)}
    out = np.zeros((len(units), len(domain), len(domain)))
    for u, unit in enumerate(units):
        counts = Counter(position[v] for v in unit)
        share = 1.0 / (len(unit) - 1)
        for i, count_i in counts.items():
            for j, count_j in counts.items():
                out[u, i, j] = (count_i * count_j - (count_i if i == j else 0)) * share
    return out


def _ordinal_alpha(coincidences: FloatArray) -> FloatArray:
    """Ordinal alpha of each summed coincidence matrix (replicates × values × values), as
    `agreement.krippendorff_alpha`: 1.0 when the expected disagreement is zero."""
    size = coincidences.shape[-1]
    marginals = coincidences.sum(axis=1)
    n = marginals.sum(axis=1)
    cumulative = np.concatenate([np.zeros((len(n), 1)), np.cumsum(marginals, axis=1)], axis=1)
    i, j = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    between = cumulative[:, hi + 1] - cumulative[:, lo] - (marginals[:, i] + marginals[:, j]) / 2
    distance = between**2
    observed = (coincidences * distance).sum(axis=(1, 2))
    pair_mass = marginals[:, :, None] * marginals[:, None, :]
    expected = (pair_mass * distance).sum(axis=(1, 2)) / np.maximum(n - 1, 1e-300)
    safe = np.where(expected == 0, 1.0, expected)
    return np.where(expected == 0, 1.0, 1.0 - observed / safe)


def ordinal_alpha_replicates(
    units: Sequence[Sequence[float]], *, n_resamples: int, seed: int
) -> tuple[float, FloatArray]:
    """Ordinal Krippendorff's alpha over ``units`` (each the present ratings of one unit, at least
    two) and its bootstrap replicates, units drawn with replacement.

    A unit's coincidences do not depend on the others, so a replicate is a count-weighted sum of the
    per-unit matrices; the ordinal distances follow the replicate's own marginals, as alpha on the
    resampled data would. Empty ``units`` give ``nan`` and all-``nan`` replicates.
    """
    _check(n_resamples)
    if not units:
        return math.nan, np.full(n_resamples, np.nan)
    if any(len(unit) < 2 for unit in units):
        raise ValueError("every unit needs at least two ratings")
    domain = sorted({float(v) for unit in units for v in unit})
    per_unit = _coincidences(units, domain).reshape(len(units), -1)
    size = len(domain)
    estimate = float(_ordinal_alpha(per_unit.sum(axis=0).reshape(1, size, size))[0])
    out: list[FloatArray] = []
    n = len(units)
    for indices in _index_chunks(n, size * size, n_resamples, seed):
        rows = np.arange(indices.shape[0])[:, None] * n
        counts = np.bincount((indices + rows).ravel(), minlength=indices.shape[0] * n)
        summed = counts.reshape(indices.shape[0], n).astype(np.float64) @ per_unit
        out.append(_ordinal_alpha(summed.reshape(-1, size, size)))
    return estimate, np.concatenate(out)


def percentile_interval(
    replicates: FloatArray, confidence: float
) -> tuple[float | None, float | None]:
    """The central ``confidence`` percentile interval of the non-``nan`` replicates;
    ``(None, None)`` when every replicate is ``nan``."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
    kept = replicates[~np.isnan(replicates)]
    if kept.size == 0:
        return None, None
    tail = (1.0 - confidence) / 2
    low, high = np.quantile(kept, [tail, 1.0 - tail])
    return float(low), float(high)

"""A vectorised paired bootstrap for the AI-vs-human statistics: intervals in milliseconds, not minutes.

`bootstrap_ci` calls a pure-Python statistic once per replicate; `calibrate` needs ~35 intervals over
up to thousands of conversations (27 s for 1,000 conversations that way). Here a replicate is a row
of *multiplicities* — how often each pair was drawn, with replacement — and every statistic is computed
for a chunk of replicates at once from those counts with NumPy: means and confusion tables are
multiplicity-weighted sums, Spearman ranks come from per-value counts. Each statistic equals its
`agreement` function on the resampled pairs (tested); the interval is NumPy's linear percentile,
as in `bootstrap_ci`, over the replicates that are defined (not ``nan``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "Bootstrap",
    "Statistic",
    "kappa_statistic",
    "mean_statistic",
    "multiplicities",
    "ordinal_alpha_statistic",
    "spearman_statistic",
    "weighted_means_statistic",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
Statistic = Callable[[FloatArray], FloatArray]
"""Replicates × units multiplicities → one value per replicate (``nan`` when undefined)."""

CHUNK_ELEMENTS = 2_000_000


def multiplicities(n: int, n_resamples: int, seed: int) -> Iterator[FloatArray]:
    """Chunks of (replicates × n) draw counts: each replicate draws n units with replacement."""
    rng = np.random.default_rng(seed)
    per_chunk = max(1, CHUNK_ELEMENTS // max(1, n))
    done = 0
    while done < n_resamples:
        size = min(per_chunk, n_resamples - done)
        drawn = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
        yield np.bincount(drawn.ravel(), minlength=size * n).reshape(size, n).astype(np.float64)
        done += size


class Bootstrap:
    """Seeded replicates shared by every statistic over the same number of pairs.

    With one seed, all statistics over n pairs see the same draws (as `bootstrap_ci` with the same
    seed would), so the draws are made once per n and kept while they fit in `cache_elements` counts.
    """

    def __init__(
        self,
        n_resamples: int,
        *,
        seed: int = 0,
        confidence: float = 0.95,
        cache_elements: int = 40_000_000,
    ) -> None:
        if n_resamples < 1:
            raise ValueError(f"n_resamples must be at least 1, not {n_resamples}")
        if not 0.0 < confidence < 1.0:
            raise ValueError(f"confidence must be between 0 and 1, not {confidence}")
        self.n_resamples = n_resamples
        self.seed = seed
        self.confidence = confidence
        self._room = cache_elements
        self._cache: dict[int, list[npt.NDArray[np.uint16]]] = {}

    def draws(self, n: int) -> Iterator[FloatArray]:
        if n in self._cache:
            yield from (chunk.astype(np.float64) for chunk in self._cache[n])
            return
        keep = n * self.n_resamples <= self._room
        kept: list[npt.NDArray[np.uint16]] = []
        for chunk in multiplicities(n, self.n_resamples, self.seed):
            if keep:
                kept.append(chunk.astype(np.uint16))
            yield chunk
        if keep:
            self._cache[n] = kept
            self._room -= n * self.n_resamples

    def interval(self, statistic: Statistic, n: int) -> tuple[float | None, float | None]:
        """Percentile interval of `statistic` over the replicates; ``None`` bounds when there is
        nothing to resample or every replicate is undefined (``nan``)."""
        if n == 0:
            return None, None
        values = np.concatenate([statistic(m) for m in self.draws(n)])
        kept = values[~np.isnan(values)]
        if kept.size == 0:
            return None, None
        tail = (1.0 - self.confidence) / 2
        low, high = np.quantile(kept, [tail, 1.0 - tail])
        return float(low), float(high)


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def mean_statistic(values: Sequence[float | None]) -> Statistic:
    """Mean of the present values (``None``/``nan`` missing): alignment, exact agreement, bias."""
    array = np.array([np.nan if v is None else v for v in values], dtype=np.float64)
    present = ~np.isnan(array)
    filled = np.where(present, array, 0.0)
    return lambda m: _ratio(m @ filled, m @ present.astype(np.float64))


def weighted_means_statistic(columns: FloatArray, weights: Sequence[float]) -> Statistic:
    """Per column (units × columns, ``nan`` missing) the mean of its present values, then their
    weighted mean over the columns that have a value and a positive weight (scorecard alignment)."""
    present = ~np.isnan(columns)
    filled = np.where(present, columns, 0.0)
    w = np.asarray(weights, dtype=np.float64)

    def statistic(m: FloatArray) -> FloatArray:
        means = _ratio(m @ filled, m @ present.astype(np.float64))
        used = ~np.isnan(means) & (w > 0)
        total = np.where(used, np.nan_to_num(means) * w, 0.0).sum(axis=1)
        return _ratio(total, np.where(used, w, 0.0).sum(axis=1))

    return statistic


def _tables(
    a_codes: Sequence[int], b_codes: Sequence[int], k: int
) -> Callable[[FloatArray], FloatArray]:
    """Replicates × k × k confusion tables (rows: a's label position, columns: b's)."""
    cells = np.asarray(a_codes, dtype=np.intp) * k + np.asarray(b_codes, dtype=np.intp)
    onehot = np.zeros((len(cells), k * k))
    onehot[np.arange(len(cells)), cells] = 1.0
    return lambda m: (m @ onehot).reshape(-1, k, k)


def kappa_statistic(
    a_codes: Sequence[int], b_codes: Sequence[int], k: int, *, quadratic: bool
) -> Statistic:
    """Cohen's kappa on label positions, as `agreement.cohen_kappa` (1.0 when nothing to disagree on)."""
    tables = _tables(a_codes, b_codes, k)
    i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    weight = ((i - j) ** 2 if quadratic else (i != j)).astype(np.float64)

    def statistic(m: FloatArray) -> FloatArray:
        table = tables(m)
        rows, cols = table.sum(axis=2), table.sum(axis=1)
        total = table.sum(axis=(1, 2))
        observed = (table * weight).sum(axis=(1, 2))
        expected = (rows[:, :, None] * cols[:, None, :] * weight).sum(axis=(1, 2)) / total
        return np.where(expected == 0, 1.0, 1.0 - observed / np.where(expected == 0, 1.0, expected))

    return statistic


def ordinal_alpha_statistic(a_codes: Sequence[int], b_codes: Sequence[int], k: int) -> Statistic:
    """Krippendorff's ordinal alpha of two raters with no missing value, as `krippendorff_alpha`:
    each pair adds both ordered pairs to the coincidences; distances follow the replicate's marginals."""
    tables = _tables(a_codes, b_codes, k)
    i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    lo, hi = np.minimum(i, j), np.maximum(i, j)

    def statistic(m: FloatArray) -> FloatArray:
        table = tables(m)
        coincidences = table + table.transpose(0, 2, 1)
        marginals = coincidences.sum(axis=1)
        n = marginals.sum(axis=1)
        cumulative = np.concatenate([np.zeros((len(n), 1)), np.cumsum(marginals, axis=1)], axis=1)
        between = (
            cumulative[:, hi + 1] - cumulative[:, lo] - (marginals[:, i] + marginals[:, j]) / 2
        )
        distance = between**2
        observed = (coincidences * distance).sum(axis=(1, 2))
        mass = marginals[:, :, None] * marginals[:, None, :]
        expected = (mass * distance).sum(axis=(1, 2)) / np.maximum(n - 1, 1e-300)
        return np.where(expected == 0, 1.0, 1.0 - observed / np.where(expected == 0, 1.0, expected))

    return statistic


def _average_ranks(values: Sequence[float]) -> Callable[[FloatArray], FloatArray]:
    """Replicates × units: each unit's average (tie-sharing) rank among the drawn values."""
    unique, codes = np.unique(np.asarray(values, dtype=np.float64), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(unique)))

    def ranks(m: FloatArray) -> FloatArray:
        counts = np.add.reduceat(m[:, order], starts, axis=1)
        below = np.cumsum(counts, axis=1) - counts
        return (below + (counts + 1) / 2)[:, codes]

    return ranks


def spearman_statistic(a: Sequence[float], b: Sequence[float]) -> Statistic:
    """Spearman's rho on the drawn pairs (Pearson on average ranks), as `agreement.spearman`:
    ``nan`` when a side is constant in the replicate."""
    rank_a, rank_b = _average_ranks(a), _average_ranks(b)

    def statistic(m: FloatArray) -> FloatArray:
        ra, rb = rank_a(m), rank_b(m)
        n = m.sum(axis=1, keepdims=True)
        da = ra - (m * ra).sum(axis=1, keepdims=True) / n
        db = rb - (m * rb).sum(axis=1, keepdims=True) / n
        sxy = (m * da * db).sum(axis=1)
        sxx, syy = (m * da * da).sum(axis=1), (m * db * db).sum(axis=1)
        # Ties in the ranks leave rounding dust, not zero, on a constant side.
        flat = (sxx <= 1e-9 * n[:, 0] ** 3) | (syy <= 1e-9 * n[:, 0] ** 3)
        rho = sxy / np.sqrt(np.where(flat, 1.0, sxx * syy))
        return np.where(flat, np.nan, np.clip(rho, -1.0, 1.0))

    return statistic

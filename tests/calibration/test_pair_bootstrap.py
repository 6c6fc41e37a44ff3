"""The vectorised bootstrap: every replicate equals the `agreement` function on the drawn pairs."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportqa.calibration.agreement import (
    alignment,
    cohen_kappa,
    krippendorff_alpha,
    spearman,
    weighted_alignment,
)
from supportqa.calibration.bootstrap import bootstrap_ci
from supportqa.calibration.pair_bootstrap import (
    Bootstrap,
    kappa_statistic,
    mean_statistic,
    multiplicities,
    ordinal_alpha_statistic,
    spearman_statistic,
    weighted_means_statistic,
)

T = TypeVar("T")
TOL = 1e-9
POINTS = [1.0, 2.0, 3.0, 4.0]


def expand(values: Sequence[T], counts: Sequence[float]) -> list[T]:
    """The resampled list a multiplicity row stands for."""
    return [v for v, c in zip(values, counts, strict=True) for _ in range(round(c))]


def rows(n: int, seed: int, replicates: int = 25) -> np.ndarray:
    return np.concatenate(list(multiplicities(n, replicates, seed)))


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOL


ratings = st.lists(
    st.tuples(st.sampled_from(POINTS), st.sampled_from(POINTS)), min_size=2, max_size=40
)


@settings(max_examples=40, deadline=None)
@given(pairs=ratings, seed=st.integers(0, 1000))
def test_kappa_and_alpha_replicates_equal_the_plain_functions(
    pairs: list[tuple[float, float]], seed: int
) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    codes_a, codes_b = [round(x - 1) for x in a], [round(y - 1) for y in b]
    m = rows(len(a), seed)
    quadratic = kappa_statistic(codes_a, codes_b, 4, quadratic=True)(m)
    plain = kappa_statistic(codes_a, codes_b, 4, quadratic=False)(m)
    alpha = ordinal_alpha_statistic(codes_a, codes_b, 4)(m)
    for r, counts in enumerate(m):
        ra, rb = expand(a, counts), expand(b, counts)
        want = cohen_kappa(ra, rb, weights="quadratic", labels=POINTS)
        assert same(quadratic[r], want)
        assert same(plain[r], cohen_kappa(ra, rb, labels=POINTS))
        assert same(alpha[r], krippendorff_alpha([ra, rb], level="ordinal", values=POINTS))


@settings(max_examples=40, deadline=None)
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 6).map(float), st.floats(0, 3, allow_nan=False)),
        min_size=2,
        max_size=40,
    ),
    seed=st.integers(0, 1000),
)
def test_spearman_replicates_equal_the_plain_function_with_ties(
    pairs: list[tuple[float, float]], seed: int
) -> None:
    a, b = [x for x, _ in pairs], [y for _, y in pairs]
    m = rows(len(a), seed)
    got = spearman_statistic(a, b)(m)
    for r, counts in enumerate(m):
        want = spearman(expand(a, counts), expand(b, counts))
        assert same(got[r], want) or abs(got[r] - want) <= 1e-7


def test_mean_replicates_skip_missing_values_and_are_nan_when_nothing_is_drawn() -> None:
    values: list[float | None] = [1.0, None, 0.5, None]
    m = np.array([[1, 1, 1, 1], [0, 4, 0, 0], [2, 0, 1, 1]], dtype=np.float64)
    got = mean_statistic(values)(m)
    assert got[0] == pytest.approx(0.75)
    assert math.isnan(got[1])
    assert got[2] == pytest.approx((2 * 1.0 + 0.5) / 3)


def test_weighted_means_replicate_weighted_alignment() -> None:
    rng = random.Random(2)
    n = 30
    a = [[rng.choice([0.0, 1.0]) for _ in range(n)], [float(rng.randint(1, 4)) for _ in range(n)]]
    h: list[list[float | None]] = [
        [rng.choice([0.0, 1.0, None]) for _ in range(n)],  # people also said N/A
        [float(rng.randint(1, 4)) for _ in range(n)],
    ]
    spans = [(0.0, 1.0), (1.0, 4.0)]
    columns = np.array(
        [
            [
                np.nan if y is None else 1 - abs(x - y) / (hi - lo)
                for x, y in zip(ai, hu, strict=True)
            ]
            for ai, hu, (lo, hi) in zip(a, h, spans, strict=True)
        ]
    ).T
    m = rows(n, seed=9)
    got = weighted_means_statistic(columns, [10.0, 30.0])(m)
    for r, counts in enumerate(m):
        index = expand(list(range(n)), counts)
        per = {
            key: ([a[c][i] for i in index], [h[c][i] for i in index], *spans[c])
            for c, key in enumerate(("greeting", "tone"))
        }
        assert same(got[r], weighted_alignment(per, {"greeting": 10, "tone": 30}))


def test_interval_matches_bootstrap_ci_in_distribution() -> None:
    rng = random.Random(4)
    human = [float(rng.randint(1, 4)) for _ in range(200)]
    ai = [min(4.0, max(1.0, x + rng.choice((-1, 0, 0, 1)))) for x in human]

    def statistic(x: Sequence[float], y: Sequence[float]) -> float:
        return alignment(x, y, scale_min=1, scale_max=4)

    reference = bootstrap_ci(statistic, ai, human, n_resamples=2000, seed=1)
    closeness = [1 - abs(x - y) / 3 for x, y in zip(ai, human, strict=True)]
    low, high = Bootstrap(2000, seed=1).interval(mean_statistic(closeness), len(ai))
    assert low is not None and high is not None
    assert low == pytest.approx(reference.low, abs=0.01)
    assert high == pytest.approx(reference.high, abs=0.01)


def test_shared_draws_give_the_same_interval_as_fresh_ones() -> None:
    values = [float(i % 3) for i in range(50)]
    statistic = mean_statistic(values)
    cached = Bootstrap(200, seed=7)
    first = cached.interval(statistic, 50)
    assert cached.interval(statistic, 50) == first
    assert Bootstrap(200, seed=7, cache_elements=0).interval(statistic, 50) == first


def test_interval_is_empty_without_pairs_or_defined_replicates() -> None:
    boot = Bootstrap(50)
    assert boot.interval(mean_statistic([]), 0) == (None, None)
    assert boot.interval(spearman_statistic([1.0] * 5, [2.0] * 5), 5) == (None, None)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Bootstrap(0),
        lambda: Bootstrap(10, confidence=1.0),
    ],
)
def test_bad_bootstrap_settings_raise(make: Callable[[], Bootstrap]) -> None:
    with pytest.raises(ValueError):
        make()


def test_every_replicate_draws_n_pairs() -> None:
    for chunk in multiplicities(7, 30, seed=0):
        assert (chunk.sum(axis=1) == 7).all()

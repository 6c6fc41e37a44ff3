"""Agreement statistics: hand-computed cases, reference implementations, properties, edge cases."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score, roc_auc_score

from supportqa.calibration import (
    Interval,
    alignment,
    bootstrap_ci,
    brier_score,
    cohen_kappa,
    confusion_matrix,
    exact_agreement,
    expected_calibration_error,
    krippendorff_alpha,
    mean_absolute_error,
    reliability_bins,
    roc_auc,
    signed_bias,
    spearman,
    weighted_alignment,
    within_one_agreement,
)

TOL = 1e-9
SIZES = [5, 20, 100, 400]
PAIRWISE: list[Callable[..., float]] = [
    exact_agreement,
    within_one_agreement,
    mean_absolute_error,
    signed_bias,
    cohen_kappa,
    spearman,
]


def nan_to_none(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(v) else float(v) for v in values]


def ratings(rng: np.random.Generator, n: int, missing: float = 0.15) -> np.ndarray:
    """Integer ratings 1..5 (plenty of ties) with some nan."""
    values = rng.integers(1, 6, size=n).astype(float)
    values[rng.random(n) < missing] = np.nan
    return values


def both_present(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = ~np.isnan(a) & ~np.isnan(b)
    return a[keep], b[keep]


# --- hand-computed cases -------------------------------------------------------------------------


def test_exact_agreement_counts_identical_present_pairs() -> None:
    # pairs (1,1) (2,3) (3,3); the pair with None drops out -> 2 of 3 agree
    assert exact_agreement([1, 2, 3, None], [1, 3, 3, 2]) == pytest.approx(2 / 3)


def test_within_one_agreement_allows_one_point_apart() -> None:
    # |1-2| = 1 yes, |2-4| = 2 no, |5-5| = 0 yes -> 2/3
    assert within_one_agreement([1, 2, 5], [2, 4, 5]) == pytest.approx(2 / 3)


def test_mean_absolute_error_and_signed_bias() -> None:
    # differences a-b: -1, -2, 0 (the nan pair drops) -> MAE (1+2+0)/3 = 1, bias (-1-2+0)/3 = -1
    a = [1, 2, 5, float("nan")]
    b = [2, 4, 5, 3]
    assert mean_absolute_error(a, b) == pytest.approx(1.0)
    assert signed_bias(a, b) == pytest.approx(-1.0)
    assert signed_bias(b, a) == pytest.approx(1.0)  # b rates higher: positive = more lenient


def test_confusion_matrix_rows_are_first_rater_and_unknown_labels_drop() -> None:
    # pairs (1,1) (1,2) (2,2); (3,9) has 9 outside the labels, (None,3) is missing
    assert confusion_matrix([1, 1, 2, 3, None], [1, 2, 2, 9, 3], [1, 2, 3]) == [
        [1, 1, 0],
        [0, 1, 0],
        [0, 0, 0],
    ]


def test_cohen_kappa_unweighted_by_hand() -> None:
    # table rows a, cols b: [[1,1],[0,2]]; po = 3/4
    # marginals a (.5,.5), b (.25,.75); pe = .5*.25 + .5*.75 = .5; kappa = (.75-.5)/(1-.5) = .5
    assert cohen_kappa([1, 1, 2, 2], [1, 2, 2, 2]) == pytest.approx(0.5)


def test_cohen_kappa_weighted_by_hand() -> None:
    # a = 1,2,3 ; b = 1,3,3 -> one disagreement (2 vs 3), one label step
    # rows a = (1,1,1), cols b = (1,0,2), n = 3, expected E_ij = row_i * col_j / 3 = col_j / 3
    # linear:    sum_ij |i-j| E_ij = (0+1+2)*1/3 + (2+1+0)*2/3 = 3; observed 1 -> 1 - 1/3 = 2/3
    # quadratic: sum_ij (i-j)^2 E_ij = (0+1+4)*1/3 + (4+1+0)*2/3 = 5; observed 1 -> 1 - 1/5 = 0.8
    assert cohen_kappa([1, 2, 3], [1, 3, 3], weights="linear") == pytest.approx(2 / 3)
    assert cohen_kappa([1, 2, 3], [1, 3, 3], weights="quadratic") == pytest.approx(0.8)


def test_cohen_kappa_weights_use_label_positions() -> None:
    # weights count steps between labels (as scikit-learn), so 1,2,10 behaves like 1,2,3
    assert cohen_kappa([1, 2, 10], [1, 10, 10], weights="linear") == pytest.approx(2 / 3)


def test_cohen_kappa_constant_raters() -> None:
    # expected disagreement 0: both always say 2 -> documented 1.0 (scikit-learn: nan + warning)
    assert cohen_kappa([2, 2, 2], [2, 2, 2]) == 1.0
    assert cohen_kappa([2, 2, 2], [2, 2, 2], weights="quadratic", labels=[1, 2, 3]) == 1.0
    # constant but different: po = 0, pe = 0 -> 0.0
    assert cohen_kappa([1, 1], [2, 2]) == 0.0


def test_krippendorff_alpha_by_hand() -> None:
    # units: (1,1) (1,2) (2,2); the 4th unit has one rating and drops out
    # coincidences o = [[2,1],[1,2]], n_1 = n_2 = 3, n = 6
    # observed disagreement sum o_ck d_ck = 1 + 1 = 2
    # expected sum n_c n_k d_ck / (n-1) = (3*3 + 3*3) / 5 = 3.6 -> alpha = 1 - 2/3.6 = 4/9
    data: list[list[float | None]] = [[1, 1, 2, 2], [1, 2, 2, None]]
    assert krippendorff_alpha(data, level="nominal") == pytest.approx(4 / 9)
    assert krippendorff_alpha(data, level="interval") == pytest.approx(4 / 9)  # d(1,2) = 1 too
    # ordinal: d(1,2) = (n_1 + n_2 - (n_1 + n_2)/2)^2 = 3^2 = 9 for both sums -> still 4/9
    assert krippendorff_alpha(data, level="ordinal") == pytest.approx(4 / 9)


def test_krippendorff_alpha_published_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 3-coder example
    nan = None
    data: list[list[float | None]] = [
        [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
        [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
        [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
    ]
    assert krippendorff_alpha(data, level="nominal") == pytest.approx(0.691358, abs=1e-6)
    assert krippendorff_alpha(data, level="interval") == pytest.approx(0.810845, abs=1e-6)


def test_krippendorff_alpha_edge_cases() -> None:
    assert (
        krippendorff_alpha([[3, 3, None], [3, 3, 3]]) == 1.0
    )  # one value only: nothing to disagree
    assert math.isnan(krippendorff_alpha([[1, None], [None, 2]]))  # no unit rated twice
    assert math.isnan(krippendorff_alpha([]))
    assert math.isnan(krippendorff_alpha([[1, 2, 3]]))  # one rater
    assert math.isnan(krippendorff_alpha([[None, None], [None, None]]))
    with pytest.raises(ValueError, match="rater 1"):
        krippendorff_alpha([[1, 2, 3], [1, 2]])
    with pytest.raises(ValueError, match="not in values"):
        krippendorff_alpha([[1, 2], [1, 7]], values=[1, 2, 3])


def test_spearman_by_hand() -> None:
    # no ties: d = 0,1,1,0 -> rho = 1 - 6*2 / (4*(16-1)) = 0.8
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    # ties: ranks a = 1, 2.5, 2.5, 4 (deviations -1.5,0,0,1.5), b deviations -1.5,-.5,.5,1.5
    # sxy = 4.5, sxx = 4.5, syy = 5 -> 4.5 / sqrt(22.5)
    assert spearman([1, 2, 2, 3], [1, 2, 3, 4]) == pytest.approx(4.5 / math.sqrt(22.5))


def test_spearman_constant_or_too_short_is_nan() -> None:
    assert math.isnan(spearman([2, 2, 2], [1, 2, 3]))
    assert math.isnan(spearman([1], [1]))
    assert math.isnan(spearman([], []))


def test_alignment_by_hand() -> None:
    # scale 1..5 (span 4): 1 - 1/4 = .75, 1 - 0 = 1, 1 - 2/4 = .5 -> mean .75; None pair drops
    assert alignment([1, 5, 3, None], [2, 5, 1, 4], scale_min=1, scale_max=5) == pytest.approx(0.75)
    assert alignment([1], [5], scale_min=1, scale_max=5) == 0.0
    with pytest.raises(ValueError, match="outside the scale"):
        alignment([6], [5], scale_min=1, scale_max=5)
    with pytest.raises(ValueError, match="greater than"):
        alignment([1], [1], scale_min=1, scale_max=1)


def test_weighted_alignment_renormalises_over_criteria_with_data() -> None:
    # greeting: (1 + 0)/2 = .5 ; solution: (1 + (1 - 2/4))/2 = .75 ; empathy: no pair -> drops
    # (1*.5 + 3*.75) / (1 + 3) = 2.75 / 4 = .6875
    per_criterion: dict[str, tuple[list[float | None], list[float | None], float, float]] = {
        "greeting": ([1, 1], [1, 0], 0.0, 1.0),
        "solution": ([5, 3], [5, 5], 1.0, 5.0),
        "empathy": ([None], [3], 1.0, 5.0),
    }
    weights = {"greeting": 1.0, "solution": 3.0, "empathy": 10.0, "unused": 5.0}
    assert weighted_alignment(per_criterion, weights) == pytest.approx(0.6875)
    assert math.isnan(weighted_alignment({}, {}))
    with pytest.raises(ValueError, match="no weight"):
        weighted_alignment(per_criterion, {"greeting": 1.0})
    with pytest.raises(ValueError, match=">= 0"):
        weighted_alignment(per_criterion, {**weights, "solution": -1.0})


def test_roc_auc_by_hand() -> None:
    # positives .35, .8 vs negatives .1, .4: .35>.1 win, .35<.4 lose, .8 wins both -> 3/4
    assert roc_auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert roc_auc([False, True], [0.5, 0.5]) == pytest.approx(0.5)  # a tie counts half
    assert roc_auc([0, 1, 1], [0.2, None, 0.9]) == pytest.approx(1.0)  # missing score drops
    assert math.isnan(roc_auc([1, 1, 1], [0.1, 0.2, 0.3]))  # one class only
    assert math.isnan(roc_auc([], []))


def test_expected_calibration_error_by_hand() -> None:
    # bin .9: acc 1/2, conf .9 -> .4 (2 items); bin .6: acc 1, conf .6 -> .4 (2); bin .2: acc 0,
    # conf .2 -> .2 (1). ECE = (2*.4 + 2*.4 + 1*.2) / 5 = 1.8 / 5 = .36
    confidences = [0.9, 0.9, 0.6, 0.6, 0.2]
    width = {"bins": 10, "binning": "width"}
    assert expected_calibration_error(confidences, [1, 0, 1, 1, 0], **width) == pytest.approx(0.36)  # type: ignore[arg-type]
    # one bin: acc 2/3, mean conf (0.1 + 0.5 + 1.0)/3 = 1.6/3 -> |2/3 - 1.6/3| = 0.4/3
    assert expected_calibration_error([0.1, 0.5, 1.0], [1, 1, 0], bins=1) == pytest.approx(0.4 / 3)
    assert expected_calibration_error([1.0], [True], **width) == 0.0  # type: ignore[arg-type]
    assert math.isnan(expected_calibration_error([None], [True]))
    with pytest.raises(ValueError, match="outside"):
        expected_calibration_error([1.5], [True])


@pytest.mark.parametrize("function", PAIRWISE)
def test_pairwise_statistics_reject_mismatched_lengths(function: Callable[..., float]) -> None:
    with pytest.raises(ValueError, match="length"):
        function([1, 2, 3], [1, 2])


@pytest.mark.parametrize("function", PAIRWISE)
def test_pairwise_statistics_are_nan_without_present_pairs(function: Callable[..., float]) -> None:
    assert math.isnan(function([], []))
    assert math.isnan(function([None, 1], [2, None]))


def test_other_statistics_reject_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="length"):
        alignment([1], [1, 2], scale_min=1, scale_max=5)
    with pytest.raises(ValueError, match="length"):
        roc_auc([1], [0.1, 0.2])
    with pytest.raises(ValueError, match="length"):
        expected_calibration_error([0.5], [1, 0])
    with pytest.raises(ValueError, match="length"):
        confusion_matrix([1], [1, 2], [1, 2])


# --- reference implementations on random data ----------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_matches_sklearn(n: int, weights: Any) -> None:
    rng = np.random.default_rng(n)
    for labels in (
        None,
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        [5.0, 3.0, 1.0, 2.0, 4.0],
        [1.0, 2.0, 4.0],
    ):
        a, b = ratings(rng, n), ratings(rng, n)
        x, y = both_present(a, b)
        ours = cohen_kappa(nan_to_none(a), nan_to_none(b), weights=weights, labels=labels)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = cohen_kappa_score(x, y, weights=weights, labels=labels)
        except ValueError:  # no rating of the first rater in labels: scikit-learn raises
            assert math.isnan(ours)
            continue
        if math.isnan(expected):
            continue  # scikit-learn's undefined case; ours is documented separately
        assert ours == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_krippendorff_alpha_matches_package(n: int, level: Any) -> None:
    rng = np.random.default_rng(1000 + n)
    for raters in (2, 3, 6):
        data = np.vstack([ratings(rng, n, missing=0.3) for _ in range(raters)])
        for values in (None, [1.0, 2.0, 3.0, 4.0, 5.0, 7.0]):
            expected = krippendorff.alpha(
                reliability_data=data, level_of_measurement=level, value_domain=values
            )
            rows = [nan_to_none(row) for row in data]
            ours = krippendorff_alpha(rows, level=level, values=values)
            assert ours == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("n", SIZES)
def test_krippendorff_alpha_matches_package_on_continuous_ratings(n: int) -> None:
    rng = np.random.default_rng(2000 + n)
    truth = rng.normal(size=n)
    data = np.round(truth + rng.normal(scale=0.5, size=(4, n)), 1)
    data[rng.random((4, n)) < 0.2] = np.nan
    for level in ("nominal", "ordinal", "interval"):
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        ours = krippendorff_alpha([nan_to_none(row) for row in data], level=level)
        assert ours == pytest.approx(expected, abs=TOL)


def test_krippendorff_alpha_ordinal_follows_order_of_values() -> None:
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2], [1, 2, 3, 3, 2, 2, 4, 1, 2], [3, 3, 3, 2, 4, 4, 4, 2, 2]]
    order = [4.0, 1.0, 3.0, 2.0]
    expected = krippendorff.alpha(data, level_of_measurement="ordinal", value_domain=order)
    assert krippendorff_alpha(data, level="ordinal", values=order) == pytest.approx(
        expected, abs=TOL
    )


@pytest.mark.parametrize("n", SIZES)
def test_spearman_matches_scipy(n: int) -> None:
    rng = np.random.default_rng(3000 + n)
    tied_a, tied_b = ratings(rng, n), ratings(rng, n)
    smooth_a = rng.normal(size=n)
    smooth_b = smooth_a + rng.normal(size=n)
    for a, b in ((tied_a, tied_b), (smooth_a, smooth_b), (tied_a, smooth_b)):
        x, y = both_present(a, b)
        expected = spearmanr(x, y).statistic
        assert spearman(nan_to_none(a), nan_to_none(b)) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize("n", SIZES)
def test_roc_auc_matches_sklearn(n: int) -> None:
    rng = np.random.default_rng(4000 + n)
    for rounding in (1, 3):
        labels = rng.integers(0, 2, size=n)
        labels[:2] = [0, 1]
        scores = np.round(rng.random(n) + 0.3 * labels, rounding)
        expected = roc_auc_score(labels, scores)
        assert roc_auc(labels.tolist(), scores.tolist()) == pytest.approx(expected, abs=TOL)


# --- properties ----------------------------------------------------------------------------------

scale = st.integers(min_value=1, max_value=5)
maybe_rating = st.one_of(st.none(), scale)
rating_pairs = st.lists(st.tuples(maybe_rating, maybe_rating), max_size=40)


@given(st.lists(scale, min_size=1, max_size=40), st.sampled_from([None, "linear", "quadratic"]))
def test_kappa_of_identical_ratings_is_one(values: list[int], weights: Any) -> None:
    ratings_ = [float(v) for v in values]
    assert cohen_kappa(ratings_, ratings_, weights=weights) == pytest.approx(1.0)


@given(rating_pairs, st.sampled_from([None, "linear", "quadratic"]))
def test_kappa_is_symmetric_and_at_most_one(pairs: list[tuple[Any, Any]], weights: Any) -> None:
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    forward, backward = cohen_kappa(a, b, weights=weights), cohen_kappa(b, a, weights=weights)
    assert forward == pytest.approx(backward, abs=TOL, nan_ok=True)
    assert math.isnan(forward) or forward <= 1.0 + TOL


@given(
    st.lists(st.one_of(st.none(), scale), min_size=1, max_size=20),
    st.integers(min_value=2, max_value=5),
    st.sampled_from(["nominal", "ordinal", "interval"]),
)
def test_alpha_of_identical_raters_is_one(units: list[int | None], raters: int, level: Any) -> None:
    data = [[None if v is None else float(v) for v in units] for _ in range(raters)]
    result = krippendorff_alpha(data, level=level)
    if all(v is None for v in units):
        assert math.isnan(result)
    else:
        assert result == pytest.approx(1.0)


@given(
    st.lists(st.lists(maybe_rating, min_size=6, max_size=6), min_size=2, max_size=4),
    st.sampled_from(["nominal", "ordinal", "interval"]),
)
def test_alpha_is_at_most_one(data: list[list[Any]], level: Any) -> None:
    result = krippendorff_alpha(data, level=level)
    assert math.isnan(result) or result <= 1.0 + TOL


@given(rating_pairs)
def test_spearman_is_symmetric_and_bounded(pairs: list[tuple[Any, Any]]) -> None:
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    rho = spearman(a, b)
    assert rho == pytest.approx(spearman(b, a), abs=TOL, nan_ok=True)
    assert math.isnan(rho) or -1.0 <= rho <= 1.0


@given(rating_pairs)
def test_agreement_and_alignment_are_in_unit_interval(pairs: list[tuple[Any, Any]]) -> None:
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    for value in (
        exact_agreement(a, b),
        within_one_agreement(a, b),
        alignment(a, b, scale_min=1, scale_max=5),
    ):
        assert math.isnan(value) or 0.0 <= value <= 1.0
    assert exact_agreement(a, b) <= within_one_agreement(a, b) or math.isnan(exact_agreement(a, b))


@given(st.lists(scale, min_size=1, max_size=40))
def test_alignment_of_identical_ratings_is_one(values: list[int]) -> None:
    assert alignment(values, values, scale_min=1, scale_max=5) == 1.0


@given(
    st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=1.0), st.booleans()), min_size=1, max_size=50
    ),
    st.integers(min_value=1, max_value=20),
)
def test_ece_is_in_unit_interval(pairs: list[tuple[float, bool]], bins: int) -> None:
    ece = expected_calibration_error([c for c, _ in pairs], [y for _, y in pairs], bins=bins)
    assert 0.0 <= ece <= 1.0


# --- bootstrap -----------------------------------------------------------------------------------


def test_bootstrap_is_deterministic_per_seed_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(7)
    a, b = nan_to_none(ratings(rng, 60)), nan_to_none(ratings(rng, 60))
    first = bootstrap_ci(mean_absolute_error, a, b, n_resamples=300, seed=3)
    assert first == bootstrap_ci(mean_absolute_error, a, b, n_resamples=300, seed=3)
    assert first != bootstrap_ci(mean_absolute_error, a, b, n_resamples=300, seed=4)
    assert first.low <= first.estimate <= first.high
    assert first.estimate == mean_absolute_error(a, b)


def test_bootstrap_resamples_the_samples_in_pairs() -> None:
    # the same indices for both samples: identical samples stay identical in every replicate
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 2.0, 3.0]
    assert bootstrap_ci(exact_agreement, values, list(values), n_resamples=200) == Interval(
        1.0, 1.0, 1.0
    )


def test_bootstrap_percentile_interval_of_a_mean() -> None:
    values = [float(v) for v in range(10)]
    interval = bootstrap_ci(lambda x: sum(x) / len(x), values, n_resamples=2000, confidence=0.9)
    assert interval.estimate == pytest.approx(4.5)
    # standard error of the mean = sd / sqrt(n) = 2.87 / 3.16 = 0.91; 90% -> about ±1.5
    assert 2.5 < interval.low < 3.5 < 5.5 < interval.high < 6.5


def test_bootstrap_drops_nan_replicates() -> None:
    # 2 pairs: resamples that pick one index twice make a rater constant -> spearman nan
    interval = bootstrap_ci(spearman, [1.0, 2.0], [1.0, 2.0], n_resamples=100)
    assert interval == Interval(1.0, 1.0, 1.0)
    all_nan = bootstrap_ci(spearman, [1.0, 1.0], [1.0, 2.0], n_resamples=50)
    assert math.isnan(all_nan.low) and math.isnan(all_nan.high) and math.isnan(all_nan.estimate)


def test_bootstrap_edge_cases() -> None:
    empty = bootstrap_ci(exact_agreement, [], [])
    assert math.isnan(empty.low) and math.isnan(empty.high) and math.isnan(empty.estimate)
    with pytest.raises(ValueError, match="length"):
        bootstrap_ci(exact_agreement, [1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="confidence"):
        bootstrap_ci(exact_agreement, [1.0], [1.0], confidence=1.5)


def test_equal_mass_bins_by_hand() -> None:
    # sorted: .2(0) .6(1) .6(1) .9(1) .9(0) in 2 equal-mass bins of 3 and 2:
    # [.2, .6, .6] conf 1.4/3, right 2/3 -> gap .6/3 = .2 (3 items); [.9, .9] conf .9, right 1/2 -> .4
    # ECE = (3 * .2 + 2 * .4) / 5 = 1.4 / 5 = .28
    confidences = [0.9, 0.9, 0.6, 0.6, 0.2]
    correct = [1, 0, 1, 1, 0]
    assert expected_calibration_error(confidences, correct, bins=2) == pytest.approx(0.28)
    points = reliability_bins(confidences, correct, bins=2)
    assert [size for _, _, size in points] == [3, 2]
    # more bins than pairs: one confidence per bin (equal confidences are never split)
    assert [size for _, _, size in reliability_bins(confidences, correct, bins=15)] == [1, 2, 2]
    with pytest.raises(ValueError, match="binning"):
        reliability_bins(confidences, correct, binning="quantile")


def test_equal_mass_bins_never_split_a_tie() -> None:
    # 20 answers all at confidence 0.7, 14 right: perfectly calibrated. Cutting the tie into bins
    # (sorted by outcome, wrong ones first) would report a gap of up to 0.7 in the first bin.
    confidences = [0.7] * 20
    correct = [0] * 6 + [1] * 14
    assert reliability_bins(confidences, correct, bins=15) == [(pytest.approx(0.7), 0.7, 20)]
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.0)


def test_brier_score_by_hand() -> None:
    assert brier_score([0.9, 0.2, 0.5], [1, 0, 1]) == pytest.approx((0.01 + 0.04 + 0.25) / 3)
    assert brier_score([0.5] * 4, [1, 0, 1, 0]) == pytest.approx(0.25)
    assert math.isnan(brier_score([None], [1]))
    with pytest.raises(ValueError, match="outside"):
        brier_score([1.2], [1])

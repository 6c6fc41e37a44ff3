"""Calibrated confidence maps: the isotonic fit, both shapes, the JSON round trip, and the packaged
maps covering every criterion the default scorecard lets abstain."""

from __future__ import annotations

import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.models.confidence import (
    ConfidenceMap,
    Curve,
    answer_key,
    default_maps,
    fit_map,
    isotonic,
)
from supportqa.scorers.registry import registered


def test_isotonic_pools_violators_and_is_non_decreasing() -> None:
    # right answers at 0.6 and wrong ones at 0.7 violate the order: pooled into one block of 2/4
    curve = isotonic([0.5, 0.6, 0.6, 0.7, 0.7, 0.9], [0, 1, 1, 0, 0, 1], prior=0.5, strength=0.0)
    assert curve(0.5) == pytest.approx(0.0)
    assert curve(0.65) == pytest.approx(0.5)
    assert curve(0.9) == pytest.approx(1.0)
    values = [curve(x / 100) for x in range(40, 101)]
    assert values == sorted(values)


def test_isotonic_shrinks_small_blocks_toward_the_prior() -> None:
    # three right answers do not claim certainty: (3 + 2 × 0.5) / (3 + 2) = 0.8
    curve = isotonic([0.9, 0.9, 0.9], [1, 1, 1], prior=0.5)
    assert curve(0.9) == pytest.approx(0.8)


def test_confidence_map_keeps_the_ranking_and_leaves_missing_confidence_alone() -> None:
    fitted = fit_map(
        "s@1",
        "confidence",
        [0.55, 0.6, 0.8, 0.9, 0.95, 0.99],
        [1, 1, 1, 1, 1, 1],
        [0, 0, 1, 0, 1, 1],
    )
    low, high = fitted.calibrated(0.55, 1.0), fitted.calibrated(0.99, 1.0)
    assert low is not None and high is not None and low < high
    assert fitted.calibrated(None, None) is None


def test_answer_map_tells_answers_apart_whatever_the_raw_confidence() -> None:
    # N/A answers are always right, "ignored" (position 0) answers mostly wrong, at equal raw confidence
    raws = [0.7] * 20
    positions: list[float | None] = [None] * 10 + [0.0] * 10
    right = [True] * 10 + [True, True] + [False] * 8
    fitted = fit_map("s@1", "answer", raws, positions, right)
    na, ignored = fitted.calibrated(0.7, None), fitted.calibrated(0.7, 0.0)
    assert na is not None and ignored is not None
    assert na > 0.8 > 0.4 > ignored
    # an answer never seen falls back to the overall accuracy
    assert fitted.calibrated(0.7, 0.5) == pytest.approx(round(fitted.fallback, 3))


def test_map_round_trips_through_json() -> None:
    fitted = fit_map("s@1", "answer", [0.6, 0.9, 0.7], [1.0, 1.0, None], [True, False, True])
    again = ConfidenceMap.from_json(fitted.to_json())
    for raw, position in [(0.6, 1.0), (0.95, 1.0), (0.7, None)]:
        assert again.calibrated(raw, position) == pytest.approx(
            fitted.calibrated(raw, position), abs=1e-3
        )
    with pytest.raises(ValueError, match="method"):
        ConfidenceMap.from_json({**fitted.to_json(), "method": "platt"})


def test_answer_keys_share_scale_ends() -> None:
    assert answer_key(None) == "na"
    assert answer_key(1.0) == answer_key(4 / 4) == "1.000"
    assert Curve((0.5,), (0.7,))(0.9) == 0.7


def test_every_abstaining_criterion_of_the_default_scorecard_has_a_map_for_its_scorer() -> None:
    """A scorer version bump without a refit would silently stop its criterion from abstaining."""
    maps = default_maps()
    card = default_scorecard()
    abstaining = [c for c in card.criteria if c.abstain_below is not None]
    assert abstaining, "the default scorecard abstains somewhere"
    for criterion in abstaining:
        spec = criterion.scorers[0]
        version = registered()[spec.name].version
        assert f"{spec.name}@{version}" in maps, (
            f"{criterion.key}: no calibration for {spec.name}@{version}: "
            "run scripts/fit_confidence_calibration.py --write"
        )
    for found in maps.values():
        for curve in found.curves.values():
            assert list(curve.ys) == sorted(curve.ys)
            assert all(0 <= y <= 1 for y in curve.ys)

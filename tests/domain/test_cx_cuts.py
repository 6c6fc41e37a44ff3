"""The CX mapping: cuts band the CX value into a 1–5 score, and 1–3 is the flag."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from supportqa.domain.detectors import ROUNDING_CUTS, CxConfig
from supportqa.domain.scorecard import default_scorecard, scorecard_from_dict
from supportqa.errors import ConfigError

CUTS = (1.4, 2.2, 3.0, 4.3)


@pytest.mark.parametrize(
    ("value", "score"),
    [(1.0, 1), (1.39, 1), (1.4, 2), (2.19, 2), (2.2, 3), (2.99, 3), (3.0, 4), (4.29, 4), (4.3, 5)],
)
def test_score_is_one_plus_the_cuts_at_or_below_the_value(value: float, score: int) -> None:
    config = CxConfig(cuts=CUTS)
    assert config.band(value) == score
    assert config.flagged(value) is (score <= 3)


def test_flag_is_the_value_below_the_third_cut() -> None:
    config = CxConfig(cuts=CUTS)
    assert config.flagged(2.9999)
    assert not config.flagged(3.0)
    # plain rounding would have flagged 3.2
    assert CxConfig().flagged(3.2)


def test_without_cuts_the_score_rounds_half_up() -> None:
    config = CxConfig()
    assert config.cuts is None and config.score_cuts == ROUNDING_CUTS
    assert [config.band(v) for v in (1.0, 1.49, 1.5, 2.5, 3.49, 3.5, 4.5, 5.0)] == [
        1,
        1,
        2,
        3,
        3,
        4,
        5,
        5,
    ]


@given(st.floats(1, 5), st.floats(1, 5))
def test_the_score_never_falls_as_the_value_rises(a: float, b: float) -> None:
    config = CxConfig(cuts=CUTS)
    low, high = sorted((a, b))
    assert 1 <= config.band(low) <= config.band(high) <= 5


@pytest.mark.parametrize(
    ("cuts", "message"),
    [
        ((1.5, 2.5, 2.5, 4.5), "ascending"),
        ((3.0, 2.0, 3.5, 4.5), "ascending"),
        ((1.0, 2.5, 3.5, 4.5), "between 1 and 5"),
        ((1.5, 2.5, 3.5, 5.0), "between 1 and 5"),
        ((0.5, 2.5, 3.5, 4.5), "between 1 and 5"),
    ],
)
def test_bad_cuts_are_refused(cuts: tuple[float, ...], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        CxConfig(cuts=cuts)  # type: ignore[arg-type]


def test_a_yaml_with_three_cuts_names_the_cx_section() -> None:
    data = default_scorecard().to_dict()
    data["cx"]["cuts"] = [2.0, 3.0, 4.0]
    with pytest.raises(ConfigError, match="cx"):
        scorecard_from_dict(data, "team.yaml")


def test_cuts_round_trip_through_the_yaml_shape() -> None:
    card = default_scorecard()
    assert card.cx.cuts is not None
    again = scorecard_from_dict(card.to_dict())
    assert again.cx.cuts == card.cx.cuts
    assert again.content_hash() == card.content_hash()


def test_a_scorecard_without_cuts_keeps_its_content_hash_shape() -> None:
    """Scorecards stored before cuts existed: their YAML shape has no `cuts` key, so their stored
    content hash still matches and the same version is not refused as changed."""
    card = default_scorecard()
    old = card.model_copy(update={"cx": card.cx.model_copy(update={"cuts": None, "model": "m"})})
    assert "cuts" not in old.to_dict()["cx"]
    assert scorecard_from_dict(old.to_dict()).cx.cuts is None


def test_the_default_scorecard_flags_below_its_fitted_third_cut() -> None:
    cx = default_scorecard().cx
    assert cx.cuts is not None
    assert 1 < cx.cuts[0] < cx.cuts[1] < cx.cuts[2] < cx.cuts[3] < 5
    assert cx.cuts[2] < 3.5  # tighter than rounding, which flagged 87% of STC-3 dev
    assert cx.flagged(cx.cuts[2] - 0.001) and not cx.flagged(cx.cuts[2])

"""Fitting the CX cuts to the dissatisfied share, and the flag's precision and recall."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportqa.calibration.ai_vs_human import csat_on_five
from supportqa.calibration.cx_flag import (
    MIN_FIT,
    csat_dissatisfied,
    cuts_from_third,
    cuts_version,
    fit_cx_cuts,
    flag_figures,
    third_cut_for_share,
)
from supportqa.domain.detectors import ROUNDING_CUTS, CxConfig
from supportqa.domain.scorecard import default_scorecard


def test_flag_figures_by_hand() -> None:
    # rounding flags values below 3.5: 2.0, 3.0, 3.4 flagged; dissatisfied: 2.0, 4.0
    figures = flag_figures([2.0, 3.0, 3.4, 4.0, 4.8], [True, False, False, True, False], CxConfig())
    assert (figures.n, figures.flagged, figures.dissatisfied, figures.both) == (5, 3, 2, 1)
    assert figures.flagged_share == 0.6 and figures.dissatisfied_share == 0.4
    assert figures.precision == pytest.approx(1 / 3, abs=1e-4)
    assert figures.recall == 0.5


def test_flag_figures_with_nothing_flagged_has_no_precision() -> None:
    figures = flag_figures([4.0, 4.5], [True, False], CxConfig())
    assert figures.precision is None and figures.recall == 0.0


def test_third_cut_lies_halfway_between_the_kth_and_next_value() -> None:
    values = [1.0, 2.0, 3.0, 4.0]
    assert third_cut_for_share(values, 0.5) == 2.5  # k = 2: between 2.0 and 3.0
    assert third_cut_for_share(values, 0.25) == 1.5
    # rounded up at 4 decimals so the k-th value stays below the cut
    assert third_cut_for_share([3.0001, 3.0002], 0.5) == 3.0002
    assert CxConfig(cuts=cuts_from_third(3.0002)).flagged(3.0001)


@given(
    st.lists(st.floats(1, 5).map(lambda v: round(v, 4)), min_size=1, max_size=60, unique=True),
    st.floats(0, 1),
)
def test_the_fitted_cut_flags_the_asked_share_of_distinct_values(
    values: list[float], share: float
) -> None:
    cut = third_cut_for_share(values, share)
    k = round(share * len(values))
    flagged = sum(1 for v in values if v < cut)
    assert 1 < cut < 5
    # exact unless the cut had to be clipped inside (1, 5) at an end
    if 1.001 < cut < 4.999:
        assert flagged == k


def test_cuts_from_third_rescales_rounding_piecewise_linearly() -> None:
    assert cuts_from_third(3.5) == ROUNDING_CUTS
    # [1, 3.5] → [1, 2.0]: 1.5 → 1.2, 2.5 → 1.6; [3.5, 5] → [2.0, 5]: 4.5 → 4.0
    assert cuts_from_third(2.0) == (1.2, 1.6, 2.0, 4.0)
    with pytest.raises(ValueError, match="between 1 and 5"):
        cuts_from_third(5.0)


@given(st.floats(1.001, 4.999))
def test_rescaled_cuts_are_always_valid(cut3: float) -> None:
    cuts = cuts_from_third(cut3)
    CxConfig(cuts=cuts)  # validates ascending, inside (1, 5)
    assert cuts[2] == round(cut3, 4)


def test_fit_matches_the_dissatisfied_share_and_reports_before_and_after() -> None:
    # 40 values 1.0..4.9; the 10 lowest and 2 others are dissatisfied (30%)
    values = [1.0 + 0.1 * i for i in range(40)]
    unhappy = [i < 10 or i in (20, 30) for i in range(40)]
    fit = fit_cx_cuts(values, unhappy)
    assert fit.n == 40 and fit.target_share == 0.3
    assert fit.cuts[2] == pytest.approx(2.15)  # between the 12th (2.1) and 13th (2.2) value
    assert fit.after.flagged == 12 and fit.after.flagged_share == 0.3
    assert fit.after.both == 10
    assert fit.after.precision == fit.after.recall == pytest.approx(10 / 12, abs=1e-4)
    # rounding flagged every value below 3.5 (i < 25): 11 dissatisfied among them (not 4.0, i=30)
    assert fit.cuts_before == ROUNDING_CUTS
    assert fit.before.flagged == 25 and fit.before.both == 11
    assert fit.before.precision == pytest.approx(11 / 25, abs=1e-4)
    assert fit.before.recall == pytest.approx(11 / 12, abs=1e-4)


def test_fit_keeps_the_other_cx_settings() -> None:
    current = CxConfig(weights={"resolution": 0.5, "sentiment": 0.5}, cuts=(1.2, 2.0, 2.8, 4.0))
    values = [1.0 + 0.1 * i for i in range(40)]
    fit = fit_cx_cuts(values, [v < 3 for v in values], current)
    assert fit.cuts_before == (1.2, 2.0, 2.8, 4.0)
    assert fit.before.flagged == 18  # the current cuts flag values below 2.8


def test_fit_needs_enough_conversations() -> None:
    with pytest.raises(ValueError, match=f"needs {MIN_FIT}"):
        fit_cx_cuts([2.0] * (MIN_FIT - 1), [True] * (MIN_FIT - 1))
    with pytest.raises(ValueError, match="truths"):
        fit_cx_cuts([2.0] * 40, [True] * 39)


@pytest.mark.parametrize(
    ("csat", "scale", "dissatisfied"),
    [(3, 5, True), (4, 5, False), (5, 10, True), (6, 10, False), (1, 2, True), (2, 2, False)],
)
def test_csat_at_or_below_three_on_five_is_dissatisfied(
    csat: float, scale: int, dissatisfied: bool
) -> None:
    assert csat_dissatisfied(csat_on_five(csat, scale)) is dissatisfied


def test_cuts_version_writes_the_next_version_once() -> None:
    base = default_scorecard()
    card = base.model_copy(update={"version": "7", "cx": CxConfig()})  # no cuts: rounding
    values = [1.0 + 0.1 * i for i in range(40)]
    fit = fit_cx_cuts(values, [v < 2.0 for v in values], card.cx)
    made = cuts_version(card, fit, on=date(2026, 12, 7), stored={"7": card})
    assert made.version == "8" and made.scorecard is not None
    assert made.scorecard.cx.cuts == fit.cuts and made.scorecard.cx.weights == card.cx.weights
    assert made.scorecard.keys == card.keys
    assert "CX cuts fitted to the customers' CSAT on 2026-12-07" in made.scorecard.description
    again = cuts_version(card, fit, on=date(2026, 12, 8), stored={"7": card, "8": made.scorecard})
    assert again.scorecard is None and again.already_applied_as == "8"
    same = cuts_version(made.scorecard, fit, on=date(2026, 12, 8), stored={"8": made.scorecard})
    assert same.scorecard is None and "already has these cuts" in same.reason

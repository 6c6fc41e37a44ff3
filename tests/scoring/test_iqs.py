"""IQS maths against hand-computed cases and properties."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportqa.domain.periods import iso_week
from supportqa.domain.review import CriterionResult, Review
from supportqa.domain.score import Score, Status
from supportqa.domain.scorecard import Scale, scorecard_from_dict
from supportqa.scoring.iqs import (
    aggregate_criteria,
    aggregate_iqs,
    build_review,
    criterion_score_pct,
    review_outcome,
)


def result(
    key: str,
    pct: float | None,
    weight: float,
    *,
    status: Status = Status.RATED,
    critical: bool = False,
) -> CriterionResult:
    return CriterionResult(key=key, status=status, score_pct=pct, weight=weight, critical=critical)


CARD = scorecard_from_dict(
    {
        "name": "t",
        "version": "1",
        "criteria": [
            {"key": "a", "weight": 10, "scale": "binary"},
            {"key": "b", "weight": 30, "scale": "3-point", "allow_na": True},
            {"key": "c", "weight": 20, "scale": "5-point"},
            {"key": "d", "weight": 40, "scale": "4-point", "critical": True},
        ],
    }
)


def test_criterion_score_is_position_on_scale() -> None:
    assert criterion_score_pct(2, Scale.parse("3-point")) == 50.0
    assert criterion_score_pct(1, Scale.parse("binary")) == 100.0
    assert criterion_score_pct(4, Scale.parse("5-point")) == 75.0
    assert criterion_score_pct(7, Scale(min=0, max=10)) == pytest.approx(70.0)


def test_review_score_is_weighted_mean_of_rated_criteria() -> None:
    # a=1 (100%), b=2 (50%), c=4 (75%), d=4 (100%):
    # (100*10 + 50*30 + 75*20 + 100*40) / 100 = (1000 + 1500 + 1500 + 4000) / 100 = 80
    review = build_review(
        review_id="r",
        kind="human",
        conversation=None,
        conversation_id="c1",
        scorecard=CARD,
        scores={k: Score.rated(v, "") for k, v in {"a": 1, "b": 2, "c": 4, "d": 4}.items()},
        reviewer="x",
        reviewed_at=None,
    )
    assert review.iqs == pytest.approx(80.0)
    assert review.counts.rated == 4


def test_iqs_excludes_na_from_denominator() -> None:
    # b N/A: (100*10 + 75*20 + 100*40) / 70 = 6500 / 70
    review = build_review(
        review_id="r",
        kind="human",
        conversation=None,
        conversation_id="c1",
        scorecard=CARD,
        scores={
            "a": Score.rated(1, ""),
            "b": Score.not_applicable("no"),
            "c": Score.rated(4, ""),
            "d": Score.rated(4, ""),
        },
        reviewer="x",
        reviewed_at=None,
    )
    assert review.iqs == pytest.approx(6500 / 70)
    assert review.counts.na == 1


def test_unrated_and_failed_noncritical_criteria_are_left_out() -> None:
    # c unrated, b failed (non-critical): (100*10 + 100*40) / 50 = 100
    review = build_review(
        review_id="r",
        kind="ai",
        conversation=None,
        conversation_id="c1",
        scorecard=CARD,
        scores={"a": Score.rated(1, ""), "b": Score.failure("boom"), "d": Score.rated(4, "")},
        reviewer="x",
        reviewed_at=None,
    )
    assert review.iqs == pytest.approx(100.0)
    assert (review.counts.rated, review.counts.failed, review.counts.unrated) == (2, 1, 1)
    assert not review.incomplete


def test_critical_below_half_sets_review_to_zero() -> None:
    # d = 2 on 1..4 → 33.3% < 50% → auto-fail
    outcome = review_outcome([result("a", 100, 10), result("d", 100 / 3, 40, critical=True)])
    assert outcome.iqs == 0.0 and outcome.critical_failed


def test_critical_at_exactly_half_passes() -> None:
    outcome = review_outcome([result("a", 0, 10), result("d", 50, 40, critical=True)])
    assert outcome.iqs == pytest.approx((0 * 10 + 50 * 40) / 50)
    assert not outcome.critical_failed


def test_failed_critical_scorer_makes_review_incomplete() -> None:
    outcome = review_outcome(
        [result("a", 100, 10), result("d", None, 40, status=Status.FAILED, critical=True)]
    )
    assert outcome.iqs is None and outcome.incomplete and not outcome.critical_failed


def test_rated_critical_failure_wins_over_incompleteness() -> None:
    outcome = review_outcome(
        [
            result("d", 0, 40, critical=True),
            result("e", None, 10, status=Status.FAILED, critical=True),
        ]
    )
    assert outcome.iqs == 0.0 and outcome.critical_failed


def test_nothing_rated_gives_null_iqs() -> None:
    outcome = review_outcome([result("a", None, 10, status=Status.NA)])
    assert outcome.iqs is None and not outcome.incomplete
    assert review_outcome([result("a", 100, 0)]).iqs is None


def test_equal_weights_min_zero_is_sum_over_max_times_count() -> None:
    card = scorecard_from_dict(
        {
            "name": "e",
            "version": "1",
            "criteria": [{"key": k, "weight": 5, "scale": {"min": 0, "max": 4}} for k in "xyz"],
        }
    )
    ratings = {"x": 4, "y": 1, "z": 2}
    review = build_review(
        review_id="r",
        kind="human",
        conversation=None,
        conversation_id="c",
        scorecard=card,
        scores={k: Score.rated(v, "") for k, v in ratings.items()},
        reviewer=None,
        reviewed_at=None,
    )
    assert review.iqs == pytest.approx(100 * 7 / (4 * 3))


def _review(
    rid: str,
    iqs: float | None,
    agent: str,
    at: datetime,
    *,
    incomplete: bool = False,
    kind: str = "ai",
) -> Review:
    return Review.model_validate(
        {
            "review_id": rid,
            "kind": kind,
            "conversation_id": rid,
            "reviewee": {"id": agent, "team": "T"},
            "reviewed_at": at,
            "scorecard": {"name": "t", "version": "1"},
            "iqs": iqs,
            "incomplete": incomplete,
            "criteria": [
                {
                    "key": "a",
                    "status": "rated" if iqs is not None else "na",
                    "score_pct": iqs,
                    "weight": 1,
                }
            ],
        }
    )


def test_set_iqs_is_mean_of_review_scores_and_counts_incomplete() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    reviews = [
        _review("1", 100, "a", at),
        _review("2", 50, "a", at),
        _review("3", None, "a", at, incomplete=True),
        _review("4", 0, "b", at),
    ]
    rows = {r.group["agent"]: r for r in aggregate_iqs(reviews, ["agent"])}
    assert rows["a"].iqs == pytest.approx(75.0)
    assert (rows["a"].reviews, rows["a"].scored, rows["a"].incomplete) == (3, 2, 1)
    assert rows["b"].iqs == 0.0
    overall = aggregate_iqs(reviews)
    assert overall[0].iqs == pytest.approx(50.0)


def test_periods_are_iso_weeks_in_utc() -> None:
    # Sunday 2026-03-01 23:30 UTC is ISO week 9; Monday 2026-03-02 is week 10
    assert iso_week(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == "2026-W09"
    assert iso_week(datetime(2026, 3, 2, 0, 0, tzinfo=UTC)) == "2026-W10"
    # ISO week-year differs from the calendar year at the boundary
    assert iso_week(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"


def test_naive_review_time_is_utc_for_periods() -> None:
    review = _review("1", 10, "a", datetime(2026, 3, 1, 23, 30))
    assert review.period_at is not None and review.period_at.tzinfo is not None
    assert aggregate_iqs([review], ["week"])[0].group["week"] == "2026-W09"


def test_criterion_averages_use_rated_only() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    summaries = aggregate_criteria(
        [_review("1", 100, "a", at), _review("2", None, "a", at), _review("3", 40, "a", at)]
    )
    assert summaries[0].avg_score_pct == pytest.approx(70.0)
    assert (summaries[0].rated, summaries[0].na) == (2, 1)


weights = st.floats(min_value=0.5, max_value=100)
pcts = st.floats(min_value=0, max_value=100)


@given(st.lists(st.tuples(pcts, weights), min_size=1, max_size=12))
def test_review_score_is_bounded_by_its_criteria(items: list[tuple[float, float]]) -> None:
    outcome = review_outcome([result(f"k{i}", p, w) for i, (p, w) in enumerate(items)])
    assert outcome.iqs is not None
    lo, hi = min(p for p, _ in items), max(p for p, _ in items)
    assert lo - 1e-9 <= outcome.iqs <= hi + 1e-9


@given(st.lists(st.tuples(pcts, weights), min_size=1, max_size=12), st.floats(0.1, 10))
def test_scaling_all_weights_changes_nothing(items: list[tuple[float, float]], k: float) -> None:
    a = review_outcome([result(f"k{i}", p, w) for i, (p, w) in enumerate(items)]).iqs
    b = review_outcome([result(f"k{i}", p, w * k) for i, (p, w) in enumerate(items)]).iqs
    assert a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@given(st.lists(st.tuples(pcts, weights), min_size=1, max_size=8), st.tuples(pcts, weights))
def test_adding_na_criterion_changes_nothing(
    items: list[tuple[float, float]], extra: tuple[float, float]
) -> None:
    base = [result(f"k{i}", p, w) for i, (p, w) in enumerate(items)]
    with_na = [*base, result("na", None, extra[1], status=Status.NA)]
    assert review_outcome(base).iqs == review_outcome(with_na).iqs

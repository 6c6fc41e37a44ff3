"""Trends and targets checked against plain-Python recomputation on small hand-built frames."""

from __future__ import annotations

import math
import statistics
from datetime import date
from typing import Any

import polars as pl
import pytest

from supportqa.analytics.frame import Frames
from supportqa.analytics.trends import Z95, target_progress, trends, week_label, week_start
from supportqa.errors import InputError


def make_frames(rows: list[dict[str, Any]], criteria: list[dict[str, Any]] | None = None) -> Frames:
    """Reviews with just the columns the analytics read; each row a review of its own conversation."""
    full = []
    for i, row in enumerate(rows, start=1):
        full.append(
            {
                "review_pk": i,
                "kind": "ai",
                "conversation_id": f"c{i}",
                "team": "A",
                "agent": "a1",
                "channel": "chat",
                "is_bot": False,
                "day": date(2026, 1, 5),
                "week": "2026-W02",
                "month": "2026-01",
                "iqs": None,
                "cx": None,
                "csat": None,
                **row,
            }
        )
    schema = {"iqs": pl.Float64, "cx": pl.Float64, "csat": pl.Float64, "is_bot": pl.Boolean}
    reviews = pl.DataFrame(full, schema_overrides=schema)
    crit = pl.DataFrame(
        criteria or [],
        schema={"review_pk": pl.Int64, "key": pl.Utf8, "status": pl.Utf8, "score_pct": pl.Float64},
    )
    return Frames(reviews, crit)


W1 = [60.0, 70.0, 80.0]
W2 = [80.0, 90.0, 100.0, 90.0]


def two_weeks() -> Frames:
    rows = [{"week": "2026-W02", "iqs": v, "cx": 3.0, "csat": 2.0} for v in W1]
    rows += [{"week": "2026-W03", "iqs": v, "cx": 4.0} for v in W2]
    return make_frames(rows)


def test_week_over_week_change_has_a_welch_normal_interval() -> None:
    report = trends(two_weeks(), by=[], kind="ai")
    point = next(p for p in report.points if p.metric == "ai_iqs" and p.period == "2026-W03")
    delta = statistics.mean(W2) - statistics.mean(W1)
    se = math.sqrt(statistics.variance(W1) / 3 + statistics.variance(W2) / 4)
    assert point.n == 4 and point.previous == "2026-W02"
    assert point.delta == pytest.approx(delta)
    assert point.ci_low == pytest.approx(delta - 1.959964 * se)
    assert point.ci_high == pytest.approx(delta + 1.959964 * se)
    assert point.real_change is (delta - Z95 * se > 0)
    first = next(p for p in report.points if p.metric == "ai_iqs" and p.period == "2026-W02")
    assert first.delta is None and first.ci_low is None and not first.real_change


def test_noise_is_not_flagged_as_a_real_change() -> None:
    rows = [{"week": "2026-W02", "iqs": v} for v in (50.0, 90.0, 70.0)]
    rows += [{"week": "2026-W03", "iqs": v} for v in (55.0, 95.0, 72.0)]
    point = trends(make_frames(rows), kind="ai").points[-1]
    assert point.delta == pytest.approx((55 + 95 + 72 - 50 - 90 - 70) / 3)
    assert point.ci_low is not None and point.ci_low < 0 < (point.ci_high or 0)
    assert not point.real_change


def test_constant_values_give_a_zero_width_interval_and_a_real_change() -> None:
    rows = [{"week": "2026-W02", "iqs": 70.0}] * 2 + [{"week": "2026-W03", "iqs": 80.0}] * 2
    point = trends(make_frames(rows), kind="ai").points[-1]
    assert (point.delta, point.ci_low, point.ci_high, point.real_change) == (10.0, 10.0, 10.0, True)


def test_cx_and_csat_are_counted_once_per_conversation() -> None:
    rows = [
        {"conversation_id": "x", "kind": "ai", "iqs": 50.0, "cx": 2.0, "csat": 5.0},
        {"conversation_id": "x", "kind": "human", "iqs": 60.0, "cx": None, "csat": 5.0},
        {"conversation_id": "y", "kind": "ai", "iqs": 70.0, "cx": 4.0, "csat": 1.0},
    ]
    report = trends(make_frames(rows), kind="both")
    by_metric = {p.metric: p for p in report.points}
    assert by_metric["csat"].n == 2 and by_metric["csat"].mean == pytest.approx(3.0)
    assert by_metric["cx"].n == 2 and by_metric["cx"].mean == pytest.approx(3.0)
    assert by_metric["ai_iqs"].mean == pytest.approx(60.0)
    assert by_metric["human_iqs"].mean == pytest.approx(60.0)


def test_grouping_by_team_and_bot_keeps_separate_series() -> None:
    rows = [
        {"week": w, "team": t, "is_bot": b, "iqs": v}
        for w, t, b, v in [
            ("2026-W02", "A", False, 50.0),
            ("2026-W02", "B", True, 90.0),
            ("2026-W03", "A", False, 60.0),
            ("2026-W03", "B", True, 70.0),
            ("2026-W03", "B", True, 80.0),
        ]
    ]
    report = trends(make_frames(rows), by=["team", "bot"], kind="ai")
    got = {
        (p.period, p.group["team"], p.group["bot"]): (p.n, p.mean, p.delta)
        for p in report.points
        if p.metric == "ai_iqs"
    }
    assert got == {
        ("2026-W02", "A", "agent"): (1, 50.0, None),
        ("2026-W02", "B", "bot"): (1, 90.0, None),
        ("2026-W03", "A", "agent"): (1, 60.0, 10.0),
        ("2026-W03", "B", "bot"): (2, 75.0, -15.0),
    }


def test_criterion_trends_use_rated_criterion_scores() -> None:
    rows = [{"week": "2026-W02"}, {"week": "2026-W03"}, {"week": "2026-W03"}]
    criteria = [
        {"review_pk": 1, "key": "greeting", "status": "rated", "score_pct": 40.0},
        {"review_pk": 2, "key": "greeting", "status": "rated", "score_pct": 100.0},
        {"review_pk": 3, "key": "greeting", "status": "na", "score_pct": None},
        {"review_pk": 3, "key": "empathy", "status": "rated", "score_pct": 50.0},
    ]
    report = trends(make_frames(rows, criteria), by=["criterion"], kind="ai")
    got = {(p.period, p.group["criterion"]): (p.n, p.mean, p.delta) for p in report.points}
    assert got == {
        ("2026-W02", "greeting"): (1, 40.0, None),
        ("2026-W03", "greeting"): (1, 100.0, 60.0),
        ("2026-W03", "empathy"): (1, 50.0, None),
    }
    assert report.metrics == ["ai_score"]


def test_month_and_day_periods_and_bad_options() -> None:
    frames = two_weeks()
    assert {p.period for p in trends(frames, period="month").points} == {"2026-01"}
    assert {p.period for p in trends(frames, period="day").points} == {"2026-01-05"}
    with pytest.raises(InputError, match="--period"):
        trends(frames, period="year")
    with pytest.raises(InputError, match="cannot group"):
        trends(frames, by=["planet"])


def test_iso_week_helpers_round_trip() -> None:
    assert week_start("2026-W02") == date(2026, 1, 5)
    assert week_label(date(2027, 1, 1)) == "2026-W53"


def agent_frames() -> Frames:
    rows = []
    for week, scores in [("2026-W01", {"a": 70, "b": 80}), ("2026-W02", {"a": 90, "b": 84})]:
        for agent, value in scores.items():
            rows.append({"week": week, "agent": agent, "iqs": float(value)})
    rows.append({"week": "2026-W02", "agent": "c", "iqs": 95.0})
    return make_frames(rows)


def test_target_progress_against_the_benchmark_and_agent_share() -> None:
    progress = target_progress(agent_frames(), agent_window_weeks=1)
    assert progress.latest_week == "2026-W02"
    assert progress.latest_iqs == pytest.approx((90 + 84 + 95) / 3)
    assert progress.gap_to_benchmark == pytest.approx((90 + 84 + 95) / 3 - 88)
    # last week only: a 90, b 84, c 95 -> 2 of 3 at/above 88
    assert (progress.agents, progress.agents_at_benchmark) == (3, 2)
    wider = target_progress(agent_frames(), agent_window_weeks=2)
    # a (70+90)/2=80, b 82, c 95 -> 1 of 3
    assert (wider.agents, wider.agents_at_benchmark) == (3, 1)


def test_stretch_goal_trajectory_is_a_straight_weekly_path() -> None:
    progress = target_progress(
        agent_frames(),
        target=80.0,
        by_date=date(2026, 3, 2),  # Monday of 2026-W10
        start_level=75.0,
        start=date(2025, 12, 29),  # Monday of 2026-W01
    )
    goal = progress.stretch
    assert goal is not None
    assert goal.weeks == 9 and goal.weekly_gain_needed == pytest.approx(5 / 9)
    assert [p.week for p in goal.trajectory][:3] == ["2026-W01", "2026-W02", "2026-W03"]
    assert goal.trajectory[-1].week == "2026-W10" and goal.trajectory[-1].expected == 80.0
    assert goal.expected_now == pytest.approx(75 + 5 / 9)
    actual = (90 + 84 + 95) / 3
    assert goal.ahead_by == pytest.approx(actual - (75 + 5 / 9)) and goal.on_track
    assert goal.weekly_gain_needed_from_now == pytest.approx((80 - actual) / 8)
    # agents over the last 4 weeks: a 80, b 82, c 95 -> all at/above 80
    assert (goal.agents_at_target, goal.share_at_target) == (3, 1.0)


def test_stretch_goal_errors_are_clear() -> None:
    frames = agent_frames()
    with pytest.raises(InputError, match="both --target and --by-date"):
        target_progress(frames, target=80.0)
    with pytest.raises(InputError, match="after the start week"):
        target_progress(frames, target=80.0, by_date=date(2026, 1, 6))
    with pytest.raises(InputError, match="between 0 and 100"):
        target_progress(frames, target=180.0, by_date=date(2027, 1, 1))
    with pytest.raises(InputError, match="no human reviews"):
        target_progress(frames, kind="human")

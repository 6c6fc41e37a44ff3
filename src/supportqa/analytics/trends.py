"""Trends of IQS, CX and CSAT per period, with intervals on each change, and progress to targets.

A week's IQS moves a point or two on noise alone; the QA meeting should discuss only changes whose
95% interval excludes zero. The interval is the normal approximation of the difference of two
independent means (Welch's standard error, z = 1.96), which is cheap on a million rows and accurate
once each period holds a few dozen values; with fewer than 2 values on either side there is none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import polars as pl

from supportqa.analytics.frame import Frames
from supportqa.analytics.stability import conversation_outcomes
from supportqa.errors import InputError

PERIODS = ("day", "week", "month")
GROUPS = ("team", "agent", "channel", "criterion", "bot")
KINDS = ("ai", "human", "both")
Z95 = 1.959963984540054
BENCHMARK = 88.0


@dataclass(frozen=True)
class TrendPoint:
    """One metric in one period (and group), with its change since the group's previous period."""

    period: str
    group: dict[str, str | None]
    metric: str
    n: int
    mean: float | None
    std: float | None
    previous: str | None
    delta: float | None
    ci_low: float | None
    ci_high: float | None
    real_change: bool


@dataclass(frozen=True)
class TrendReport:
    period: str
    by: list[str]
    kind: str
    metrics: list[str]
    points: list[TrendPoint]
    method: str = "95% CI: normal approximation, Welch standard error of a difference of means"

    def flat(self) -> list[dict[str, object]]:
        """One row per point, the group keys as columns: for CSV/Parquet export."""
        out = []
        for p in self.points:
            row: dict[str, object] = {"period": p.period, **p.group}
            row.update({k: v for k, v in p.__dict__.items() if k not in ("period", "group")})
            out.append(row)
        return out


def _check(period: str, by: list[str], kind: str) -> None:
    if period not in PERIODS:
        raise InputError(f"--period must be one of {', '.join(PERIODS)}, not {period!r}")
    unknown = [g for g in by if g not in GROUPS]
    if unknown:
        raise InputError(f"cannot group trends by {', '.join(unknown)} (use {', '.join(GROUPS)})")
    if kind not in KINDS:
        raise InputError(f"--kind must be ai, human or both, not {kind!r}")


def _keyed(frame: pl.DataFrame, period: str, by: list[str]) -> pl.DataFrame:
    """The period label and group columns as text, `bot` derived from `is_bot`."""
    cols = [pl.col(period).cast(pl.Utf8).alias("period")]
    for key in by:
        if key == "bot":
            cols.append(
                pl.when(pl.col("is_bot")).then(pl.lit("bot")).otherwise(pl.lit("agent")).alias(key)
            )
        elif key != "criterion":
            cols.append(pl.col(key).cast(pl.Utf8).alias(key))
    return frame.with_columns(cols)


def _values(frames: Frames, period: str, by: list[str], kind: str) -> pl.DataFrame:
    """Long frame: period, group keys, metric, value."""
    keys = ["period", *by]
    kinds = ["ai", "human"] if kind == "both" else [kind]
    reviews = _keyed(frames.reviews, period, [b for b in by if b != "criterion"])
    parts = []
    if "criterion" in by:
        rated = frames.criteria.filter(
            pl.col("status") == "rated", pl.col("score_pct").is_not_null()
        )
        joined = rated.rename({"key": "criterion"}).join(reviews, on="review_pk")
        for k in kinds:
            part = joined.filter(pl.col("kind") == k)
            parts.append(part.select(*keys, pl.lit(f"{k}_score").alias("metric"), "score_pct"))
    else:
        for k in kinds:
            part = reviews.filter(pl.col("kind") == k, pl.col("iqs").is_not_null())
            parts.append(part.select(*keys, pl.lit(f"{k}_iqs").alias("metric"), "iqs"))
        kept = frames.reviews.filter(pl.col("kind").is_in(kinds))
        conv = _keyed(conversation_outcomes(kept), period, by)
        for metric in ("cx", "csat"):
            got = conv.filter(pl.col(metric).is_not_null())
            parts.append(got.select(*keys, pl.lit(metric).alias("metric"), metric))
    renamed = [p.rename({p.columns[-1]: "value"}) for p in parts]
    return pl.concat([p.with_columns(pl.col("value").cast(pl.Float64)) for p in renamed])


def trends(
    frames: Frames, *, period: str = "week", by: list[str] | None = None, kind: str = "both"
) -> TrendReport:
    """Per period and group: mean, n, and the change since the previous period with a 95% CI.

    The previous period is the group's latest earlier period that has values for the metric, so
    a gap (a weekend, a quiet week) compares with the last period seen, which `previous` names.
    """
    by = list(by or [])
    _check(period, by, kind)
    values = _values(frames, period, by, kind)
    series = [*by, "metric"]
    stats = (
        values.group_by(["period", *series])
        .agg(
            pl.len().alias("n"),
            pl.col("value").mean().alias("mean"),
            pl.col("value").std(ddof=1).alias("std"),
        )
        .sort([*series, "period"], nulls_last=True)
    )
    se2 = (pl.col("std") ** 2 / pl.col("n")).alias("se2")
    stats = stats.with_columns(se2).with_columns(
        pl.col("period").shift(1).over(series).alias("previous"),
        (pl.col("mean") - pl.col("mean").shift(1).over(series)).alias("delta"),
        (pl.col("se2") + pl.col("se2").shift(1).over(series)).sqrt().alias("se_delta"),
    )
    stats = stats.with_columns(
        (pl.col("delta") - Z95 * pl.col("se_delta")).alias("ci_low"),
        (pl.col("delta") + Z95 * pl.col("se_delta")).alias("ci_high"),
    )
    points = [
        TrendPoint(
            period=r["period"],
            group={k: r[k] for k in by},
            metric=r["metric"],
            n=r["n"],
            mean=r["mean"],
            std=_finite(r["std"]),
            previous=r["previous"],
            delta=r["delta"],
            ci_low=_finite(r["ci_low"]),
            ci_high=_finite(r["ci_high"]),
            real_change=_real(_finite(r["ci_low"]), _finite(r["ci_high"])),
        )
        for r in stats.sort(["period", *series], nulls_last=True).iter_rows(named=True)
    ]
    metrics = sorted({p.metric for p in points}, key=_metric_order)
    return TrendReport(period=period, by=by, kind=kind, metrics=metrics, points=points)


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _real(low: float | None, high: float | None) -> bool:
    return low is not None and high is not None and (low > 0 or high < 0)


def _metric_order(metric: str) -> int:
    order = ["ai_iqs", "human_iqs", "cx", "csat", "ai_score", "human_score"]
    return order.index(metric) if metric in order else len(order)


def week_start(label: str) -> date:
    """Monday of an ISO week label such as "2026-W07"."""
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def week_label(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


@dataclass(frozen=True)
class TrajectoryPoint:
    week: str
    week_start: date
    expected: float


@dataclass(frozen=True)
class StretchGoal:
    """A dated goal: the straight weekly path from the start level to the target by the date."""

    target: float
    by_date: date
    start_week: str
    start_level: float
    weeks: int
    weekly_gain_needed: float
    trajectory: list[TrajectoryPoint]
    expected_now: float
    actual_now: float
    ahead_by: float
    on_track: bool
    weekly_gain_needed_from_now: float | None
    agents_at_target: int
    share_at_target: float | None


@dataclass(frozen=True)
class TargetProgress:
    """Where the latest week stands against the benchmark (and a stretch goal, if one is set)."""

    metric: str
    benchmark: float
    latest_week: str
    latest_iqs: float
    latest_n: int
    gap_to_benchmark: float
    agent_window_weeks: int
    agents: int
    agents_at_benchmark: int
    share_at_benchmark: float | None
    stretch: StretchGoal | None = None
    notes: list[str] = field(default_factory=list)


def _agent_iqs(scored: pl.DataFrame, weeks: list[str]) -> list[float]:
    window = scored.filter(pl.col("week").is_in(weeks), pl.col("agent").is_not_null())
    return window.group_by("agent").agg(pl.col("iqs").mean())["iqs"].to_list()


def target_progress(
    frames: Frames,
    *,
    kind: str = "ai",
    benchmark: float = BENCHMARK,
    target: float | None = None,
    by_date: date | None = None,
    start_level: float | None = None,
    start: date | None = None,
    agent_window_weeks: int = 4,
) -> TargetProgress:
    """Weekly IQS of `kind` reviews against the benchmark and an optional dated stretch goal.

    Agents are judged on their IQS over the last `agent_window_weeks` weeks with data, since one
    week holds too few reviews per agent. The stretch path starts at `start` (default: the latest
    week) at `start_level` (default: the IQS of that week) and rises in equal weekly steps.
    """
    if kind not in ("ai", "human"):
        raise InputError(f"targets are tracked on ai or human IQS, not {kind!r}")
    for name, value in (("benchmark", benchmark), ("target", target), ("--from", start_level)):
        if value is not None and not 0 <= value <= 100:
            raise InputError(f"{name} must be an IQS between 0 and 100, not {value}")
    if (target is None) != (by_date is None):
        raise InputError("a stretch goal needs both --target and --by-date (YYYY-MM-DD)")
    scored = frames.reviews.filter(pl.col("kind") == kind, pl.col("iqs").is_not_null())
    if scored.is_empty():
        raise InputError(
            f"no {kind} reviews with an IQS: run `supportqa score` (or import reviews)"
        )
    weekly = scored.group_by("week").agg(pl.col("iqs").mean(), pl.len().alias("n")).sort("week")
    iqs_by_week = dict(zip(weekly["week"].to_list(), weekly["iqs"].to_list(), strict=True))
    latest = weekly.row(-1, named=True)
    window = weekly["week"].to_list()[-agent_window_weeks:]
    agents = _agent_iqs(scored, window)
    at_benchmark = sum(1 for a in agents if a >= benchmark)
    stretch = None
    if target is not None and by_date is not None:
        start_week = week_label(start) if start else latest["week"]
        level = start_level if start_level is not None else iqs_by_week.get(start_week)
        if level is None:
            raise InputError(f"no {kind} IQS in {start_week}: give the starting level with --from")
        stretch = _stretch(target, by_date, start_week, level, latest["week"], latest["iqs"])
        at_target = sum(1 for a in agents if a >= target)
        stretch = _with_agents(stretch, at_target, len(agents))
    return TargetProgress(
        metric=f"{kind}_iqs",
        benchmark=benchmark,
        latest_week=latest["week"],
        latest_iqs=latest["iqs"],
        latest_n=latest["n"],
        gap_to_benchmark=latest["iqs"] - benchmark,
        agent_window_weeks=len(window),
        agents=len(agents),
        agents_at_benchmark=at_benchmark,
        share_at_benchmark=at_benchmark / len(agents) if agents else None,
        stretch=stretch,
    )


def _stretch(
    target: float, by_date: date, start_week: str, level: float, latest_week: str, actual: float
) -> StretchGoal:
    first = week_start(start_week)
    end = week_start(week_label(by_date))
    weeks = (end - first).days // 7
    if weeks < 1:
        raise InputError(f"--by-date {by_date} must fall after the start week {start_week}")
    step = (target - level) / weeks
    path = [
        TrajectoryPoint(
            week_label(first + timedelta(weeks=i)), first + timedelta(weeks=i), level + step * i
        )
        for i in range(weeks + 1)
    ]
    elapsed = min(max((week_start(latest_week) - first).days // 7, 0), weeks)
    expected = level + step * elapsed
    remaining = weeks - elapsed
    return StretchGoal(
        target=target,
        by_date=by_date,
        start_week=start_week,
        start_level=level,
        weeks=weeks,
        weekly_gain_needed=step,
        trajectory=path,
        expected_now=expected,
        actual_now=actual,
        ahead_by=actual - expected,
        on_track=actual >= expected,
        weekly_gain_needed_from_now=(target - actual) / remaining if remaining else None,
        agents_at_target=0,
        share_at_target=None,
    )


def _with_agents(goal: StretchGoal, at_target: int, agents: int) -> StretchGoal:
    return replace(
        goal, agents_at_target=at_target, share_at_target=at_target / agents if agents else None
    )

"""How quality moves, as use cases: trends with the progress to a target, CX vs CSAT stability, IQS
beside customers' opinion per team, and what drives CSAT, reopens and handle time.

Each reads the workspace's frames (narrowed by `ReportFilter`) and calls the pure analysis in
`analytics`; the CLI's `trends`, `stability`, `external` and `drivers` only parse and render.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from supportqa.analytics.drivers import OUTCOMES, DriverReport, drivers
from supportqa.analytics.stability import ExternalReport, StabilityReport, external_metrics
from supportqa.analytics.stability import stability as stability_of
from supportqa.analytics.trends import BENCHMARK, TargetProgress, TrendReport, target_progress
from supportqa.analytics.trends import trends as trends_of
from supportqa.errors import InputError
from supportqa.services.frames import ReportFilter, reviewed_frames
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings


def check_kind(kind: str) -> None:
    """IQS beside opinion is of one kind of review: an InputError for anything but ai or human."""
    if kind not in ("ai", "human"):
        raise InputError(f"--kind must be ai or human, not {kind!r}")


def check_outcome(outcome: str) -> None:
    if outcome not in OUTCOMES:
        raise InputError(f"--outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")


@dataclass(frozen=True)
class Goal:
    """A stretch goal: `target` IQS % by `by_date`, from `start_level` at `start` (default: the
    latest week's)."""

    target: float | None = None
    by_date: date | None = None
    start_level: float | None = None
    start: date | None = None


@dataclass(frozen=True)
class TrendsResult:
    trends: TrendReport
    target: TargetProgress


def quality_trends(
    workspace: Workspace,
    *,
    period: str = "week",
    by: list[str] | None = None,
    kind: str = "both",
    benchmark: float = BENCHMARK,
    goal: Goal | None = None,
    filters: ReportFilter | None = None,
    settings: Settings | None = None,
) -> TrendsResult:
    """IQS (AI, human), CX and CSAT per period with the change and whether it is real, and the
    latest week against the benchmark and the stretch goal."""
    frames = reviewed_frames(workspace, filters, settings=settings)
    wanted = goal or Goal()
    return TrendsResult(
        trends_of(frames, period=period, by=by or [], kind=kind),
        target_progress(
            frames,
            kind="human" if kind == "human" else "ai",
            benchmark=benchmark,
            target=wanted.target,
            by_date=wanted.by_date,
            start_level=wanted.start_level,
            start=wanted.start,
        ),
    )


def cx_stability(
    workspace: Workspace,
    *,
    filters: ReportFilter | None = None,
    settings: Settings | None = None,
) -> StabilityReport:
    """CX vs CSAT: the share of conversations each covers and how much each moves week to week."""
    return stability_of(reviewed_frames(workspace, filters, settings=settings))


def opinion_by_team(
    workspace: Workspace,
    *,
    kind: str = "ai",
    filters: ReportFilter | None = None,
    settings: Settings | None = None,
) -> ExternalReport:
    """IQS (of `kind` reviews) beside CX, CSAT, NPS and CES per team and week."""
    check_kind(kind)
    frames = reviewed_frames(workspace, filters, settings=settings)
    return external_metrics(frames, kind=kind)


def outcome_drivers(
    workspace: Workspace,
    *,
    outcome: str = "csat",
    team: str | None = None,
    with_cx_inputs: bool = False,
    filters: ReportFilter | None = None,
    settings: Settings | None = None,
) -> DriverReport:
    """Each criterion's effect on an outcome (regression across AI-reviewed conversations) and the
    scorecard weights that would track it, beside the current ones."""
    check_outcome(outcome)
    frames = reviewed_frames(workspace, filters, settings=settings)
    return drivers(frames, outcome=outcome, team=team, with_cx_inputs=with_cx_inputs)

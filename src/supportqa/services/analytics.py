"""The report's sections as use cases: one function per section, all taking the same filter.

Each returns a typed result made of dataclasses, pydantic models and plain rows (no data frames), so
the CLI prints it with `--json`, the HTML report renders the same figures (`services.report`) and a
later `GET /api/v1/analytics/{section}` returns it as it is. Frames are read through the snapshot
when `SUPPORTQA_ANALYTICS_SNAPSHOT` is on, then narrowed by `ReportFilter` (`services.frames`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict, cast

import polars as pl

from supportqa.analytics import overview as figures
from supportqa.analytics.coaching import AgentCoaching, AgentSummary
from supportqa.analytics.drivers import DriverReport
from supportqa.analytics.frame import Frames
from supportqa.analytics.queue import QueueReport
from supportqa.analytics.stability import ExternalReport, StabilityReport, external_metrics
from supportqa.analytics.stability import stability as stability_report
from supportqa.domain.scorecard import Targets
from supportqa.errors import InputError
from supportqa.services.frames import ReportFilter, reviewed_frames
from supportqa.services.report import coaching_for_report, queue_for_report, scorecard_for
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings


class WeekRow(TypedDict):
    week: str
    kind: str
    iqs: float | None
    reviews: int
    cx: float | None
    csat: float | None


class TeamRow(TypedDict):
    team: str
    kind: str
    iqs: float | None
    reviews: int


class AgentRow(TypedDict):
    agent: str
    agent_name: str | None
    team: str | None
    ai_iqs: float | None
    ai_reviews: int | None
    human_iqs: float | None
    human_reviews: int | None
    cx: float | None
    target: float


class CriterionRow(TypedDict):
    key: str
    kind: str
    score: float | None
    rated: int
    na: int
    failed: int
    unrated: int
    na_share: float


@dataclass(frozen=True)
class OverviewSection:
    headline: figures.Headline
    cx_distribution: dict[int, int]


@dataclass(frozen=True)
class TrendsSection:
    """IQS (AI and human), CX and CSAT per ISO week."""

    weeks: list[WeekRow]


@dataclass(frozen=True)
class TeamsSection:
    """IQS per team and kind, and IQS beside CX, CSAT, NPS and CES per team (None without AI reviews)."""

    teams: list[TeamRow]
    external: ExternalReport | None


@dataclass(frozen=True)
class AgentsSection:
    agents: list[AgentRow]


@dataclass(frozen=True)
class CriteriaSection:
    criteria: list[CriterionRow]


@dataclass(frozen=True)
class CoachingSection:
    """Every agent's top focus, and cards (with examples) for the clearest gaps."""

    summaries: list[AgentSummary]
    cards: list[AgentCoaching] = field(default_factory=list)


def _rows(frame: pl.DataFrame) -> list[Any]:
    """A frame's rows as plain dicts: what the section's TypedDict rows describe."""
    return cast(list[Any], frame.to_dicts())


def _frames(
    workspace: Workspace, filters: ReportFilter | None, settings: Settings | None
) -> Frames:
    return reviewed_frames(workspace, filters, settings=settings)


def _targets(workspace: Workspace, frames: Frames, filters: ReportFilter | None) -> Targets | None:
    """The IQS targets of the scorecard the report would cover (the filter's, else the main one)."""
    card = scorecard_for(frames, workspace, (filters or ReportFilter()).scorecard_name)
    return card.targets if card else None


def overview(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> OverviewSection:
    """Conversations, reviews, IQS against the target, CX, CSAT coverage, NPS and CES."""
    frames = _frames(workspace, filters, settings)
    return OverviewSection(
        figures.headline(frames, _targets(workspace, frames, filters)),
        figures.cx_distribution(frames),
    )


def trends(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> TrendsSection:
    return TrendsSection(_rows(figures.weekly(_frames(workspace, filters, settings))))


def teams(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> TeamsSection:
    frames = _frames(workspace, filters, settings)
    external = external_metrics(frames) if frames.of_kind("ai").reviews.height else None
    return TeamsSection(_rows(figures.by_team(frames)), external)


def agents(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> AgentsSection:
    """IQS per agent (AI and human), CX, and their team's IQS target."""
    frames = _frames(workspace, filters, settings)
    return AgentsSection(_rows(figures.by_agent(frames, _targets(workspace, frames, filters))))


def criteria(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> CriteriaSection:
    """Each criterion's mean score and how often it was rated, N/A, failed or unrated, per kind."""
    return CriteriaSection(_rows(figures.criteria(_frames(workspace, filters, settings))))


def drivers(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> DriverReport | None:
    """What moves CSAT (None without enough CSAT answers to fit)."""
    return figures.csat_drivers(_frames(workspace, filters, settings))


def stability(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> StabilityReport:
    """CX vs CSAT: coverage and week-to-week movement."""
    return stability_report(_frames(workspace, filters, settings))


def coaching(
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    settings: Settings | None = None,
    show_personal_data: bool = False,
) -> CoachingSection:
    """Every agent's top focus, and the report's cards; customers' personal data in the quoted
    examples is redacted unless `show_personal_data`."""
    frames = _frames(workspace, filters, settings)
    summaries, cards = coaching_for_report(workspace, frames, show_personal_data)
    return CoachingSection(summaries, cards)


def queue(
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    settings: Settings | None = None,
    show_personal_data: bool = False,
) -> QueueReport | None:
    """The latest week's review queue, without assigning (None without dated AI reviews)."""
    return queue_for_report(workspace, _frames(workspace, filters, settings), show_personal_data)


SECTIONS: dict[str, Callable[..., Any]] = {
    "overview": overview,
    "trends": trends,
    "teams": teams,
    "agents": agents,
    "criteria": criteria,
    "drivers": drivers,
    "stability": stability,
    "coaching": coaching,
    "queue": queue,
}
"""Every report section by the name a later `GET /api/v1/analytics/{section}` will take."""


def section(
    name: str,
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    settings: Settings | None = None,
) -> Any:
    """One section by name (an InputError names the sections for an unknown one)."""
    if name not in SECTIONS:
        raise InputError(f"no report section {name!r}: use one of {', '.join(SECTIONS)}")
    return SECTIONS[name](workspace, filters, settings=settings)

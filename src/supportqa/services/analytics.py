"""The report's sections as use cases: one function per section, all taking the same filter.

Each returns a typed result made of dataclasses, pydantic models and plain rows (no data frames), so
the CLI prints it with `--json`, the HTML report renders the same figures (`services.report`) and
`GET /api/v1/analytics/{section}` returns it as it is: `section` wraps one in a `SectionResult` with
the time its data is as of, scoped to what the caller may see (`services.scope`). Frames come from
the snapshot (`services.frames`: a server passes its `FrameCache`), narrowed by `ReportFilter`.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict, TypeVar, cast

import polars as pl
from pydantic_core import to_jsonable_python

from supportqa.analytics import overview as figures
from supportqa.analytics.coaching import AgentCoaching, AgentSummary
from supportqa.analytics.drivers import DriverReport
from supportqa.analytics.frame import NO_TEAM, Frames, of_reviewees
from supportqa.analytics.queue import QueueReport
from supportqa.analytics.stability import ExternalReport, StabilityReport, external_metrics
from supportqa.analytics.stability import stability as stability_report
from supportqa.domain.scorecard import Targets
from supportqa.errors import InputError
from supportqa.services.frames import (
    FrameCache,
    ReportFilter,
    narrowed,
    require_reviews,
    snapshot_frames,
)
from supportqa.services.report import coaching_for_report, queue_for_report, scorecard_for
from supportqa.services.scope import EVERYTHING, Scope
from supportqa.services.trust import gated_frames, trust_gate
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage.snapshot import analytics_snapshot


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
    unsure: int
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
    """Per agent; `ai_iqs` (which orders the rows) is over the trusted criteria: `left_out` names
    the untrusted ones left out of it (`services.trust`)."""

    agents: list[AgentRow]
    left_out: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CriteriaSection:
    """Every criterion's figures; `untrusted` names those the latest calibration marks untrusted."""

    criteria: list[CriterionRow]
    untrusted: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CoachingSection:
    """Every agent's top focus, and cards (with examples) for the clearest gaps."""

    summaries: list[AgentSummary]
    cards: list[AgentCoaching] = field(default_factory=list)


def _rows(frame: pl.DataFrame) -> list[Any]:
    """A frame's rows as plain dicts: what the section's TypedDict rows describe."""
    return cast(list[Any], frame.to_dicts())


Builder = Callable[[Workspace, Frames, ReportFilter, bool], Any]
"""A section from frames already read and filtered: (workspace, frames, filter, show personal data)."""


def _frames(
    workspace: Workspace, filters: ReportFilter | None, settings: Settings | None
) -> Frames:
    frames, _as_of = snapshot_frames(workspace, filters, settings=settings)
    return require_reviews(frames, filters=filters)


def _targets(workspace: Workspace, frames: Frames, filters: ReportFilter) -> Targets | None:
    """The IQS targets of the scorecard the report would cover (the filter's, else the main one)."""
    card = scorecard_for(frames, workspace, filters.scorecard_name)
    return card.targets if card else None


def _overview(ws: Workspace, frames: Frames, filters: ReportFilter, _show: bool) -> OverviewSection:
    return OverviewSection(
        figures.headline(frames, _targets(ws, frames, filters)), figures.cx_distribution(frames)
    )


def _trends(_ws: Workspace, frames: Frames, _filters: ReportFilter, _show: bool) -> TrendsSection:
    return TrendsSection(_rows(figures.weekly(frames)))


def _teams(_ws: Workspace, frames: Frames, _filters: ReportFilter, _show: bool) -> TeamsSection:
    external = external_metrics(frames) if frames.of_kind("ai").reviews.height else None
    return TeamsSection(_rows(figures.by_team(frames)), external)


def _agents(ws: Workspace, frames: Frames, filters: ReportFilter, _show: bool) -> AgentsSection:
    gated, trust = gated_frames(ws, frames)
    rows = _rows(figures.by_agent(gated, _targets(ws, frames, filters)))
    return AgentsSection(rows, trust.gated_keys)


def _criteria(ws: Workspace, frames: Frames, _f: ReportFilter, _show: bool) -> CriteriaSection:
    return CriteriaSection(_rows(figures.criteria(frames)), trust_gate(ws).untrusted_keys)


def _drivers(_ws: Workspace, frames: Frames, _f: ReportFilter, _show: bool) -> DriverReport | None:
    return figures.csat_drivers(frames)


def _stability(_ws: Workspace, frames: Frames, _f: ReportFilter, _show: bool) -> StabilityReport:
    return stability_report(frames)


def _coaching(ws: Workspace, frames: Frames, _f: ReportFilter, show: bool) -> CoachingSection:
    summaries, cards = coaching_for_report(ws, frames, show)
    return CoachingSection(summaries, cards)


def _queue(ws: Workspace, frames: Frames, _f: ReportFilter, show: bool) -> QueueReport | None:
    return queue_for_report(ws, frames, show)


GATED_SECTIONS = frozenset({"agents", "criteria", "coaching"})
"""The sections that depend on the latest calibration's verdicts (`services.trust`)."""

BUILDERS: dict[str, Builder] = {
    "overview": _overview,
    "trends": _trends,
    "teams": _teams,
    "agents": _agents,
    "criteria": _criteria,
    "drivers": _drivers,
    "stability": _stability,
    "coaching": _coaching,
    "queue": _queue,
}
"""Every report section by the name `GET /api/v1/analytics/{section}` takes."""


def _read(
    builder: Builder,
    workspace: Workspace,
    filters: ReportFilter | None,
    settings: Settings | None,
    show_personal_data: bool = False,
) -> Any:
    chosen = filters or ReportFilter()
    return builder(workspace, _frames(workspace, chosen, settings), chosen, show_personal_data)


def overview(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> OverviewSection:
    """Conversations, reviews, IQS against the target, CX, CSAT coverage, NPS and CES."""
    return cast(OverviewSection, _read(_overview, workspace, filters, settings))


def trends(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> TrendsSection:
    return cast(TrendsSection, _read(_trends, workspace, filters, settings))


def teams(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> TeamsSection:
    return cast(TeamsSection, _read(_teams, workspace, filters, settings))


def agents(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> AgentsSection:
    """IQS per agent (AI and human), CX, and their team's IQS target."""
    return cast(AgentsSection, _read(_agents, workspace, filters, settings))


def criteria(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> CriteriaSection:
    """Each criterion's mean score and how often it was rated, N/A, failed or unrated, per kind."""
    return cast(CriteriaSection, _read(_criteria, workspace, filters, settings))


def drivers(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> DriverReport | None:
    """What moves CSAT (None without enough CSAT answers to fit)."""
    return cast(DriverReport | None, _read(_drivers, workspace, filters, settings))


def stability(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> StabilityReport:
    """CX vs CSAT: coverage and week-to-week movement."""
    return cast(StabilityReport, _read(_stability, workspace, filters, settings))


def coaching(
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    settings: Settings | None = None,
    show_personal_data: bool = False,
) -> CoachingSection:
    """Every agent's top focus, and the report's cards; customers' personal data in the quoted
    examples is redacted unless `show_personal_data`."""
    return cast(CoachingSection, _read(_coaching, workspace, filters, settings, show_personal_data))


def queue(
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    settings: Settings | None = None,
    show_personal_data: bool = False,
) -> QueueReport | None:
    """The latest week's review queue, without assigning (None without dated AI reviews)."""
    return cast(QueueReport | None, _read(_queue, workspace, filters, settings, show_personal_data))


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
"""Every report section as a function of its own (the figures without `section`'s envelope)."""


OWN_ONLY = frozenset({"agents", "drivers", "coaching", "queue"})
"""Sections an agent sees of their own reviews only (per-agent rows, fits, examples); the others
come with everyone's figures beside, when enough agents are in them, and `teams` lists only the
teams with enough other agents."""


@dataclass(frozen=True)
class SectionResult:
    """One section as `GET /api/v1/analytics/{section}` returns it. `as_of`: every write committed
    before it is in the figures. For an agent `data` covers their own reviews, `comparison` the
    same section over everyone the filter keeps when that aggregates enough other agents, and
    `withheld` says what was left out and why."""

    section: str
    as_of: datetime
    filters: ReportFilter
    data: Any
    comparison: Any = None
    withheld: list[str] = field(default_factory=list)

    def to_json(self) -> Any:
        """Plain JSON data (dates as ISO strings; NaN and infinities as null)."""
        return _finite(to_jsonable_python(self, by_alias=False))


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


def _others(frames: Frames, own: Frames) -> int:
    """The agents (people, bots left out) with reviews in `frames` other than the `own` ones."""
    mine = own.reviews["agent"].unique().implode()
    people = frames.reviews.filter(
        ~pl.col("is_bot").fill_null(False), pl.col("agent").is_not_null()
    )
    return people.filter(~pl.col("agent").is_in(mine))["agent"].n_unique()


def _peer_teams(frames: Frames, own: Frames, least: int) -> tuple[Frames, list[str]]:
    """`frames` narrowed to the teams that aggregate at least `least` agents besides the caller's
    own, and the teams left out."""
    mine = own.reviews["agent"].unique().implode()
    people = frames.reviews.filter(~pl.col("is_bot").fill_null(False), ~pl.col("agent").is_in(mine))
    counts = people.group_by("team").agg(pl.col("agent").n_unique().alias("n"))
    shown = counts.filter(pl.col("n") >= least)["team"]
    hidden = sorted(
        NO_TEAM if t is None else str(t)
        for t in frames.reviews["team"].unique()
        if t not in set(shown)
    )
    kept = frames.reviews.filter(pl.col("team").is_in(shown.implode()))
    pks = kept["review_pk"].implode()
    return Frames(kept, frames.criteria.filter(pl.col("review_pk").is_in(pks))), hidden


def _scoped(
    ws: Workspace, name: str, frames: Frames, chosen: ReportFilter, scope: Scope, least: int
) -> tuple[Any, Any, list[str]]:
    """An agent's (data, comparison, withheld) for one section."""
    builder, show = BUILDERS[name], not scope.mask_personal_data
    own = of_reviewees(frames, scope.reviewees or ())
    data = builder(ws, own, chosen, show) if own.reviews.height else None
    withheld = [] if own.reviews.height else ["no reviews of yours match the filter"]
    rule = f"fewer than {least} other agents in it"
    if name == "teams":
        teams, hidden = _peer_teams(frames, own, least)
        withheld += [f"team {team}: {rule}" for team in hidden]
        return (builder(ws, teams, chosen, show) if teams.reviews.height else None), None, withheld
    if name in OWN_ONLY:
        return data, None, withheld
    if _others(frames, own) >= least:
        return data, builder(ws, frames, chosen, show), withheld
    return data, None, [*withheld, f"everyone's {name}: {rule}"]


def section(
    workspace: Workspace,
    name: str,
    filters: ReportFilter | None = None,
    *,
    scope: Scope = EVERYTHING,
    settings: Settings | None = None,
    cache: FrameCache | None = None,
) -> SectionResult:
    """One report section by name, as of the snapshot it was computed from, for one caller:
    everything for `EVERYTHING`; an agent's own figures (with team and overall figures only where
    they aggregate at least `analytics_min_peer_agents` others) when `scope.reviewees` is set.
    Customers' personal data in quoted text is masked when `scope.mask_personal_data`. An unknown
    name is an InputError naming the sections; so is a filter that keeps no reviews."""
    if name not in BUILDERS:
        raise InputError(f"no report section {name!r}: use one of {', '.join(BUILDERS)}")
    config = settings or Settings()
    chosen = filters or ReportFilter()
    if cache is None:
        frames, as_of = snapshot_frames(workspace, chosen, settings=config)
        return _computed(workspace, name, frames, as_of, chosen, scope, config)
    # A server answers many callers from one snapshot: the same section for the same filters and
    # scope is the same until the snapshot moves on (at most `analytics_max_lag_s`), so it is
    # computed once per snapshot, not once per request.
    snapshot = analytics_snapshot(workspace, use_snapshot=config.analytics_snapshot, cache=cache)
    # a `calibrate` run changes what is gated without writing a review: its verdicts are in the key
    # of the sections that read them (the others need no verdicts read)
    gated: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    if name in GATED_SECTIONS:
        trust = trust_gate(workspace)
        gated = (tuple(trust.untrusted_keys), tuple(trust.gated_keys))
    key = (id(cache), workspace.db.url_for_display, name, chosen, scope, snapshot.as_of, gated)
    # the dashboard asks three sections of one filter at once: the frames are narrowed once
    frames_key = (*key[:2], chosen, snapshot.as_of)
    return _memo(
        _RESULTS,
        key,
        lambda: _computed(
            workspace,
            name,
            _memo(_NARROWED, frames_key, lambda: narrowed(snapshot.frames, chosen)),
            snapshot.as_of,
            chosen,
            scope,
            config,
        ),
    )


_RESULTS: OrderedDict[tuple[object, ...], SectionResult] = OrderedDict()
_NARROWED: OrderedDict[tuple[object, ...], Frames] = OrderedDict()
_KEPT = {id(_RESULTS): 256, id(_NARROWED): 16}
_MEMO_GUARD = threading.Lock()
_T = TypeVar("_T")


def _memo(
    store: OrderedDict[tuple[object, ...], _T], key: tuple[object, ...], make: Callable[[], _T]
) -> _T:
    """`store[key]`, made by `make` on a miss; the oldest entries go past the store's size. Two
    threads missing at once both compute (the same value); neither waits for the other."""
    with _MEMO_GUARD:
        found = store.get(key)
    if found is None:
        found = make()
        with _MEMO_GUARD:
            store[key] = found
            while len(store) > _KEPT[id(store)]:
                store.popitem(last=False)
    return found


def _computed(
    workspace: Workspace,
    name: str,
    frames: Frames,
    as_of: datetime,
    chosen: ReportFilter,
    scope: Scope,
    config: Settings,
) -> SectionResult:
    require_reviews(frames, filters=chosen)
    if scope.everything:
        data = BUILDERS[name](workspace, frames, chosen, not scope.mask_personal_data)
        return SectionResult(name, as_of, chosen, data)
    least = config.analytics_min_peer_agents
    data, comparison, withheld = _scoped(workspace, name, frames, chosen, scope, least)
    return SectionResult(name, as_of, chosen, data, comparison, withheld)

"""`/api/v1/scorecards` and `/api/v1/analytics/{section}`: the scorecard versions the workspace
holds, and every report section as JSON — the same services the HTML report calls, so the report
has its JSON twin. Sections read this process's frames cache (`app.state.frames`), so a write shows
within `SUPPORTQA_ANALYTICS_MAX_LAG_S` without making the next request re-read the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from supportqa.api.problems import PROBLEM_RESPONSES
from supportqa.api.security import allow, settings_of, workspace_of
from supportqa.domain.review import ScorecardRef
from supportqa.services import analytics, scorecards
from supportqa.services.frames import FrameCache, ReportFilter
from supportqa.services.permissions import Action, Principal
from supportqa.services.workspace import Workspace

router = APIRouter(responses=PROBLEM_RESPONSES)
WorkspaceDep = Annotated[Workspace, Depends(workspace_of)]
Text = Annotated[str | None, Query(max_length=300)]
SectionName = Literal[
    "overview", "trends", "teams", "agents", "criteria", "drivers", "stability", "coaching", "queue"
]


class ScorecardOut(BaseModel):
    """A stored scorecard version: its YAML shape (`scorecard`) and its summary."""

    name: str
    version: str
    summary: dict[str, Any]
    scorecard: dict[str, Any]


class SectionOut(BaseModel):
    """One report section. `as_of`: every write committed before it is in the figures. For an
    agent `data` covers their own reviews, `comparison` everyone's when that aggregates enough
    other agents, and `withheld` says what was left out and why."""

    section: str
    as_of: datetime
    filters: dict[str, Any]
    data: Any
    comparison: Any = None
    withheld: list[str]


@router.get("/scorecards", tags=["scorecards"])
def list_scorecards(
    workspace: WorkspaceDep, _: Annotated[Principal, Depends(allow(Action.READ_SCORECARDS))]
) -> list[ScorecardRef]:
    """Every stored scorecard version, by name then age."""
    return scorecards.list_scorecards(workspace)


@router.get("/scorecards/{name}/versions/{version}", tags=["scorecards"])
def scorecard_version(
    name: str,
    version: str,
    workspace: WorkspaceDep,
    _: Annotated[Principal, Depends(allow(Action.READ_SCORECARDS))],
) -> ScorecardOut:
    """One scorecard version: criteria, scales, weights, N/A and critical rules, targets."""
    card = scorecards.stored_scorecard(workspace, name, version)
    return ScorecardOut(
        name=card.name,
        version=card.version,
        summary=scorecards.scorecard_summary(card),
        scorecard=card.to_dict(),
    )


def frames_of(request: Request) -> FrameCache | None:
    cache: FrameCache | None = getattr(request.app.state, "frames", None)
    return cache


@router.get("/analytics/{section}", tags=["analytics"])
def analytics_section(
    request: Request,
    section: SectionName,
    workspace: WorkspaceDep,
    principal: Annotated[Principal, Depends(allow(Action.READ_ANALYTICS))],
    scorecard: Text = None,
    team: Text = None,
    channel: Text = None,
    agent: Text = None,
    since: date | None = None,
    until: date | None = None,
) -> SectionOut:
    """A report section over the reviews the caller may see, narrowed by scorecard name, team,
    channel, agent (a person's key) and dates (`since`/`until`, inclusive days)."""
    filters = ReportFilter(
        scorecard_name=scorecard, team=team, since=since, until=until, agent=agent, channel=channel
    )
    result = analytics.section(
        workspace,
        section,
        filters,
        scope=principal.scope(),
        settings=settings_of(request),
        cache=frames_of(request),
    )
    return SectionOut.model_validate(result.to_json())

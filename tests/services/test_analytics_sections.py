"""Every report section is a service of its own: JSON-able, the report's own figures, one filter."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any

import orjson
import pytest
from pydantic import BaseModel

from supportqa.errors import InputError
from supportqa.services import analytics
from supportqa.services.frames import ReportFilter
from supportqa.services.report import report
from supportqa.storage import Repository
from tests.services.scored_workspace import scored_workspace


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def workspace(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Repository]:
    with scored_workspace(request.param, tmp_path_factory.mktemp("sections")) as repo:
        yield repo


def _models(value: Any) -> Any:
    """What a JSON API does with pydantic models; anything else (a data frame) is not JSON."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON data: {type(value).__name__}")


def as_json(value: Any) -> Any:
    return orjson.loads(orjson.dumps(value, default=_models, option=orjson.OPT_NON_STR_KEYS))


def test_every_report_section_is_a_service_returning_json_data(workspace: Repository) -> None:
    assert set(analytics.SECTIONS) == {
        "overview",
        "trends",
        "teams",
        "agents",
        "criteria",
        "drivers",
        "stability",
        "coaching",
        "queue",
    }
    for name in analytics.SECTIONS:
        data = as_json(analytics.SECTIONS[name](workspace))
        assert data, f"section {name} is empty"
    overview = as_json(analytics.overview(workspace))
    assert overview["headline"]["ai_reviews"] == workspace.count_reviews("ai")
    assert set(overview["cx_distribution"]) == {"1", "2", "3", "4", "5"}


def _same_rows(section: Sequence[Mapping[str, Any]], frame_rows: list[dict[str, Any]]) -> None:
    """The same rows in the same order; means to the last digits polars' parallel sums may move."""
    assert [list(r) for r in section] == [list(r) for r in frame_rows]
    for got, expected in zip(section, frame_rows, strict=True):
        for key, value in expected.items():
            if isinstance(value, float):
                assert got[key] == pytest.approx(value), key
            else:
                assert got[key] == value, key


def test_the_sections_are_the_report_s_own_figures(workspace: Repository) -> None:
    view = report(workspace).view
    assert analytics.overview(workspace).headline == view.headline
    _same_rows(analytics.trends(workspace).weeks, view.weekly.to_dicts())
    _same_rows(analytics.teams(workspace).teams, view.teams.to_dicts())
    _same_rows(analytics.agents(workspace).agents, view.agents.to_dicts())
    _same_rows(analytics.criteria(workspace).criteria, view.criteria.to_dicts())
    coaching = analytics.coaching(workspace)
    assert coaching.summaries == view.coaching
    assert [c.agent for c in coaching.cards] == [c.agent for c in view.cards]
    queue = analytics.queue(workspace)
    assert queue is not None and view.queue is not None
    assert [i.key for i in queue.items] == [i.key for i in view.queue.items]


def test_one_filter_narrows_every_section_to_the_same_conversations(
    workspace: Repository,
) -> None:
    everyone = analytics.agents(workspace).agents
    team = next(row["team"] for row in everyone if row["team"])
    only = ReportFilter(team=team)
    agents = analytics.agents(workspace, only).agents
    assert agents and {row["team"] for row in agents} == {team}
    assert len(agents) < len(everyone)
    assert {row["team"] for row in analytics.teams(workspace, only).teams} == {team}
    narrowed = analytics.overview(workspace, only).headline
    assert 0 < narrowed.conversations < analytics.overview(workspace).headline.conversations
    weeks = sorted({row["week"] for row in analytics.trends(workspace).weeks})
    first_week_only = ReportFilter(until=_monday_after(weeks[0]))
    assert {row["week"] for row in analytics.trends(workspace, first_week_only).weeks} <= {
        weeks[0],
        weeks[1] if len(weeks) > 1 else weeks[0],
    }


def _monday_after(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 7)


def test_an_unknown_section_names_the_known_ones(workspace: Repository) -> None:
    with pytest.raises(InputError, match="overview, trends"):
        analytics.section(workspace, "nope")


def test_a_filter_that_keeps_nothing_says_there_are_no_reviews(workspace: Repository) -> None:
    with pytest.raises(InputError, match="no reviews match team no such team"):
        analytics.overview(workspace, ReportFilter(team="no such team"))

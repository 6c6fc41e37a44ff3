"""`analytics.section`: every section as JSON with the time it is as of, fresh after a write without
reading the database whole again, and scoped to what an agent may see."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.ratings import review_from_ratings
from supportqa.services import analytics
from supportqa.services.frames import ReportFilter, frame_cache, load_frames
from supportqa.services.report import report
from supportqa.services.scope import EVERYTHING, Scope
from supportqa.settings import Settings
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations, simulate_reviews
from tests.services.scored_workspace import fill, scored_workspace

VIEWER = Scope(mask_personal_data=True)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def workspace(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Repository]:
    with scored_workspace(request.param, tmp_path_factory.mktemp("fresh")) as repo:
        yield repo


@pytest.fixture
def small(db: Database) -> Repository:
    repo = Repository(db)
    fill(repo, 60, seed=9)
    return repo


def _human_reviews(repo: Repository, n: int, seed: int) -> None:
    records = list(generate_conversations(60, 9))
    lines = list(simulate_reviews(records, seed, share=1.0))[:n]
    card = default_scorecard()
    repo.upsert_reviews(review_from_ratings(RatingsLine.model_validate(x), card) for x in lines)


def test_a_read_after_a_write_applies_the_write_without_reading_everything_again(
    small: Repository,
) -> None:
    cache = frame_cache(Settings(analytics_max_lag_s=0))
    before = analytics.section(small, "overview", cache=cache)
    written_at = datetime.now(UTC)
    _human_reviews(small, 5, seed=21)
    after = analytics.section(small, "overview", cache=cache)
    assert cache.paths["full"] <= 1 and cache.paths["incremental"] == 1
    assert after.as_of >= written_at > before.as_of
    assert after.data.headline.human_reviews > before.data.headline.human_reviews
    assert after.data.headline == analytics.overview(small).headline  # as a fresh read says


def test_within_the_lag_a_read_answers_from_memory_and_says_how_old_it_is(
    small: Repository,
) -> None:
    cache = frame_cache(Settings(analytics_max_lag_s=3600))
    before = analytics.section(small, "overview", cache=cache)
    _human_reviews(small, 5, seed=22)
    after = analytics.section(small, "overview", cache=cache)
    assert cache.paths["cached"] == 1 and after.as_of == before.as_of
    assert after.data.headline == before.data.headline


def test_one_snapshot_computes_a_section_once_per_filter_and_scope(small: Repository) -> None:
    """A server's callers share the figures of one snapshot: the same section, filter and scope is
    computed once; another scope or filter is its own result."""
    cache = frame_cache(Settings(analytics_max_lag_s=3600))
    first = analytics.section(small, "teams", cache=cache)
    assert analytics.section(small, "teams", cache=cache) is first
    masked = analytics.section(small, "teams", cache=cache, scope=Scope(mask_personal_data=True))
    assert masked is not first
    since = analytics.section(small, "teams", ReportFilter(since=date(2000, 1, 1)), cache=cache)
    assert since is not first


def test_every_section_is_json_with_its_as_of(workspace: Repository) -> None:
    for name in analytics.BUILDERS:
        result = analytics.section(workspace, name)
        data = json.loads(json.dumps(result.to_json(), allow_nan=False))
        assert data["section"] == name and data["data"], name
        assert datetime.fromisoformat(data["as_of"]) <= datetime.now(UTC)


def test_section_figures_are_the_report_s_for_the_same_filter(workspace: Repository) -> None:
    team = analytics.agents(workspace).agents[0]["team"]
    chosen = ReportFilter(team=team)
    view = report(workspace, chosen).view
    overview = analytics.section(workspace, "overview", chosen)
    assert overview.data.headline == view.headline
    teams = analytics.section(workspace, "teams", chosen).to_json()["data"]["teams"]
    assert [(r["team"], r["kind"], r["reviews"]) for r in teams] == [
        (r["team"], r["kind"], r["reviews"]) for r in view.teams.to_dicts()
    ]


def _an_agent(workspace: Repository) -> tuple[Scope, str, str | None]:
    """An agent's scope (their identities), person key and team."""
    reviews = load_frames(workspace).reviews.filter(~pl.col("is_bot"), pl.col("kind") == "ai")
    row = reviews.row(0, named=True)
    mine = reviews.filter(pl.col("agent") == row["agent"])
    identities = frozenset(zip(mine["source"], mine["reviewee_id"], strict=True))
    return Scope(reviewees=identities, mask_personal_data=True), row["agent"], row["team"]


def test_an_agent_sees_their_own_figures_and_others_only_in_aggregates(
    workspace: Repository,
) -> None:
    scope, agent, team = _an_agent(workspace)
    rows = analytics.section(workspace, "agents", scope=scope).data.agents
    assert [r["agent"] for r in rows] == [agent]
    own = analytics.overview(workspace, ReportFilter(agent=agent)).headline
    result = analytics.section(workspace, "overview", scope=scope)
    assert result.data.headline.ai_reviews == own.ai_reviews
    assert result.comparison.headline == analytics.overview(workspace).headline
    teams = analytics.section(workspace, "teams", scope=scope)
    assert {r["team"] for r in teams.data.teams} >= {team}

    strict = Settings(analytics_min_peer_agents=10_000)
    alone = analytics.section(workspace, "overview", scope=scope, settings=strict)
    assert alone.comparison is None
    assert alone.withheld == ["everyone's overview: fewer than 10000 other agents in it"]
    hidden = analytics.section(workspace, "teams", scope=scope, settings=strict)
    assert hidden.data is None and f"team {team}: fewer than 10000 other agents in it" in (
        hidden.withheld
    )


def test_a_team_needs_three_other_agents_to_be_shown_to_an_agent(workspace: Repository) -> None:
    scope, agent, _team = _an_agent(workspace)
    reviews = load_frames(workspace).reviews.filter(~pl.col("is_bot"), pl.col("agent") != agent)
    others = reviews.group_by("team").agg(pl.col("agent").n_unique().alias("n"))
    for least in (2, 3, 4):
        shown = analytics.section(
            workspace, "teams", scope=scope, settings=Settings(analytics_min_peer_agents=least)
        )
        expected = set(others.filter(pl.col("n") >= least)["team"].drop_nulls())
        assert {r["team"] for r in (shown.data.teams if shown.data else [])} == expected


EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_personal_data_in_quotes_is_masked_when_the_scope_says_so(workspace: Repository) -> None:
    unmasked = json.dumps(analytics.section(workspace, "coaching", scope=EVERYTHING).to_json())
    masked = json.dumps(analytics.section(workspace, "coaching", scope=VIEWER).to_json())
    assert EMAIL.search(unmasked) and not EMAIL.search(masked)
    assert "[EMAIL_1]" in masked
    scope, _agent, _team = _an_agent(workspace)
    own = analytics.section(workspace, "coaching", scope=scope).to_json()
    seen = Scope(scope.reviewees, mask_personal_data=False)
    assert own != analytics.section(workspace, "coaching", scope=seen).to_json()


def test_an_unknown_section_names_the_known_ones(tmp_path: Path) -> None:
    database = Database.open(f"sqlite:///{tmp_path / 'qa.db'}", create=True)
    try:
        with pytest.raises(Exception, match="overview, trends"):
            analytics.section(Repository(database), "nope")
    finally:
        database.dispose()


def test_conversations_are_read_whole_only_without_a_snapshot(small: Repository) -> None:
    cache = frame_cache(Settings(analytics_max_lag_s=0))
    for _ in range(3):
        analytics.section(small, "trends", cache=cache)
    extra = [Conversation.model_validate(r) for r in generate_conversations(3, 99)]
    small.upsert_conversations(extra)
    analytics.section(small, "trends", cache=cache)
    assert cache.paths["full"] <= 1

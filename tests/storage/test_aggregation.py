"""IQS and criterion averages in SQL, against hand-computed numbers and the pure functions."""

from __future__ import annotations

from typing import Any

import pytest

from supportqa.domain.review import Review, ScorecardRef
from supportqa.errors import InputError
from supportqa.scoring.iqs import aggregate_criteria, aggregate_iqs
from supportqa.storage import CriterionRow, IqsRow, Repository

from .builders import criterion, review

V2 = ScorecardRef(name="default", version="2")
OTHER = ScorecardRef(name="other", version="1")
SUNDAY_NIGHT_NEW_YORK = "2026-02-15T23:30:00-05:00"  # Monday 04:30 UTC: week 8, not 7


def _reviews() -> list[Review]:
    ann: dict[str, Any] = {"agent": "a1", "agent_name": "Ann", "team": "Billing"}
    bo: dict[str, Any] = {"agent": "a2", "agent_name": "Bo", "team": "Support"}
    return [
        review(
            "r1",
            iqs=80,
            criteria=[
                criterion("greeting", score_pct=100),
                criterion("empathy", "na"),
                criterion("resolution", score_pct=50),
            ],
            **ann,
        ),
        review(
            "r2",
            iqs=60,
            criteria=[
                criterion("greeting", score_pct=0),
                criterion("empathy", score_pct=80),
                criterion("resolution", "failed"),
            ],
            **ann,
        ),
        review(
            "r3",
            iqs=None,
            incomplete=True,
            criteria=[
                criterion("greeting", "unrated"),
                criterion("empathy", score_pct=40),
                criterion("resolution", "failed"),
            ],
            **ann,
        ),
        review("r4", iqs=0, critical_failed=True, created_at=SUNDAY_NIGHT_NEW_YORK, **ann),
        review("r5", iqs=90, **bo),
        review("r6", kind="human", reviewer="lead", iqs=40, **ann),
        review("r7", iqs=10, scorecard=V2, **ann),
        review("r8", iqs=50, scorecard=OTHER, **bo),
    ]


@pytest.fixture
def stored(repo: Repository) -> Repository:
    repo.upsert_reviews(_reviews())
    return repo


def _row(
    group: dict[str, str | None], iqs: float | None, *counts: int, name: str | None = None
) -> IqsRow:
    reviews, scored, incomplete, critical_failed = counts
    return IqsRow(group, iqs, reviews, scored, incomplete, critical_failed, agent_name=name)


def test_iqs_by_agent_and_week_matches_the_hand_computed_means(stored: Repository) -> None:
    rows = stored.iqs_by(
        ["agent", "week"], kind="ai", scorecard_name="default", scorecard_version="1"
    )
    assert rows == [
        # r1, r2 scored (80, 60); r3 has no score: counted, not averaged.
        _row({"agent": "a1", "week": "2026-W07"}, 70.0, 3, 2, 1, 0, name="Ann"),
        # r4 was created on Sunday night in New York, which is Monday in UTC.
        _row({"agent": "a1", "week": "2026-W08"}, 0.0, 1, 1, 0, 1, name="Ann"),
        _row({"agent": "a2", "week": "2026-W07"}, 90.0, 1, 1, 0, 0, name="Bo"),
    ]


def test_iqs_by_without_a_version_covers_every_version_of_the_scorecard(
    stored: Repository,
) -> None:
    rows = stored.iqs_by(["agent", "week"], kind="ai", scorecard_name="default")
    assert rows[0] == _row({"agent": "a1", "week": "2026-W07"}, 50.0, 4, 3, 1, 0, name="Ann")


def test_iqs_by_team_and_month_across_kinds(stored: Repository) -> None:
    rows = stored.iqs_by(
        ["team", "month"], kind=None, scorecard_name="default", scorecard_version="1"
    )
    assert rows == [
        _row({"team": "Billing", "month": "2026-02"}, 45.0, 5, 4, 1, 1),
        _row({"team": "Support", "month": "2026-02"}, 90.0, 1, 1, 0, 0),
    ]


def test_iqs_by_kind_and_reviewer(stored: Repository) -> None:
    by_kind = stored.iqs_by(["kind"], kind=None, scorecard_name="default", scorecard_version="1")
    assert [(r.group["kind"], r.iqs, r.reviews) for r in by_kind] == [
        ("ai", 57.5, 5),
        ("human", 40.0, 1),
    ]
    by_reviewer = stored.iqs_by(["reviewer"], kind="human", scorecard_name=None)
    assert [(r.group, r.iqs) for r in by_reviewer] == [({"reviewer": "lead"}, 40.0)]


def test_iqs_without_groups_is_one_row_over_everything(stored: Repository) -> None:
    (row,) = stored.iqs_by([], kind="ai", scorecard_name=None)
    assert row.group == {}
    assert row.iqs == pytest.approx((80 + 60 + 0 + 90 + 10 + 50) / 6)
    assert (row.reviews, row.scored, row.incomplete, row.critical_failed) == (7, 6, 1, 1)


def test_iqs_of_nothing_is_no_rows(repo: Repository) -> None:
    assert repo.iqs_by([], kind="ai", scorecard_name="default") == []
    assert repo.iqs_by(["agent"], kind=None, scorecard_name=None) == []


def test_criterion_averages_use_rated_results_and_count_the_rest(stored: Repository) -> None:
    rows = stored.criterion_averages(kind="ai", scorecard_name="default", scorecard_version="1")
    assert rows == [
        CriterionRow("greeting", {}, 75.0, rated=4, unrated=1),
        CriterionRow("empathy", {}, 60.0, rated=2, na=1),
        CriterionRow("resolution", {}, 50.0, rated=1, failed=2),
    ]
    assert rows[0].criterion_group == "General"


def test_criterion_averages_by_agent(stored: Repository) -> None:
    rows = stored.criterion_averages(
        kind="ai", scorecard_name="default", scorecard_version="1", group_by=["agent"]
    )
    assert [(r.group["agent"], r.key, r.avg_score_pct, r.rated) for r in rows] == [
        ("a1", "greeting", pytest.approx(200 / 3), 3),
        ("a1", "empathy", 60.0, 2),
        ("a1", "resolution", 50.0, 1),
        ("a2", "greeting", 100.0, 1),
    ]


def test_sql_aggregation_agrees_with_the_pure_functions(stored: Repository) -> None:
    reviews = list(stored.iter_reviews(kind="ai"))
    for by in (["agent", "week"], ["team"], ["month", "channel"], []):
        sql = stored.iqs_by(by, kind="ai", scorecard_name=None)
        pure = aggregate_iqs(reviews, by)
        assert [(r.group, r.reviews, r.scored, r.incomplete, r.agent_name) for r in sql] == [
            (p.group, p.reviews, p.scored, p.incomplete, p.agent_name) for p in pure
        ]
        assert [r.iqs for r in sql] == pytest.approx([p.iqs for p in pure])
    sql_criteria = stored.criterion_averages(kind="ai", scorecard_name=None, group_by=["agent"])
    pure_criteria = aggregate_criteria(reviews, ["agent"])
    assert [(c.key, c.group, c.rated, c.na, c.failed, c.unrated) for c in sql_criteria] == [
        (c.key, c.group, c.rated, c.na, c.failed, c.unrated) for c in pure_criteria
    ]


def test_an_unknown_group_name_is_an_input_error_listing_the_allowed(stored: Repository) -> None:
    with pytest.raises(InputError, match=r"'agnet'.*agent, team, reviewer, week, month, channel"):
        stored.iqs_by(["agnet"], kind="ai", scorecard_name="default")
    with pytest.raises(InputError, match="'criterion'"):
        stored.criterion_averages(kind="ai", scorecard_name=None, group_by=["criterion"])


def test_an_unknown_kind_is_an_input_error(stored: Repository) -> None:
    with pytest.raises(InputError, match="unknown review kind 'robot'"):
        stored.iqs_by(["agent"], kind="robot", scorecard_name=None)

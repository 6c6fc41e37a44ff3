"""The human consensus per conversation: one voice per reviewer, N/A kept apart from unrated."""

from __future__ import annotations

from datetime import UTC, datetime

from supportqa.calibration.reference import human_references
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.ratings import review_from_ratings


def _review(reviewer: str, ratings: dict[str, float | None], day: int, **extra: object):  # type: ignore[no-untyped-def]
    line = RatingsLine(
        conversation_id="c1",
        reviewer=reviewer,
        reviewed_at=datetime(2026, 3, day, tzinfo=UTC),
        ratings=ratings,
        **extra,  # type: ignore[arg-type]
    )
    return review_from_ratings(line, default_scorecard())


def test_consensus_is_the_mean_over_reviewers_with_na_and_unrated_apart() -> None:
    refs = human_references(
        [
            _review("ann", {"tone": 4, "empathy": None}, 1, cx=2),
            _review("bob", {"tone": 2, "empathy": None, "greeting": 1}, 2, cx=4),
        ]
    )
    ref = refs[("jsonl", "c1")]
    assert ref.reviewers == ["ann", "bob"]
    assert ref.ratings["tone"] == 3.0
    assert ref.ratings["greeting"] == 1.0
    assert ref.ratings["empathy"] is None
    assert "closing" not in ref.ratings
    assert ref.cx == 3.0


def test_a_reviewer_who_rated_twice_counts_once_with_the_latest_review() -> None:
    refs = human_references(
        [
            _review("ann", {"tone": 1}, 5, session_id="cal-1"),
            _review("ann", {"tone": 4}, 1),
            _review("bob", {"tone": 3}, 2),
        ]
    )
    ref = refs[("jsonl", "c1")]
    assert ref.per_reviewer["ann"] == {"tone": 1.0}
    assert ref.ratings["tone"] == 2.0


def test_sessions_can_be_left_out() -> None:
    reviews = [_review("ann", {"tone": 1}, 5, session_id="cal-1"), _review("bob", {"tone": 3}, 2)]
    ref = human_references(reviews, include_sessions=False)[("jsonl", "c1")]
    assert ref.ratings["tone"] == 3.0

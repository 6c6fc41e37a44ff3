"""The analytics frames hold exactly what is stored: one row per review, one per criterion."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from supportqa.analytics.frame import NO_TEAM, Frames, restrict
from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.storage import Database, Repository
from supportqa.storage.frames import load_frames
from supportqa.synthetic import generate_conversations


@pytest.fixture
def repo(db: Database) -> Repository:
    """The same frames from SQLite and from PostgreSQL (when a server is configured)."""
    repository = Repository(db)
    conversations = [Conversation.model_validate(r) for r in generate_conversations(30, 3)]
    repository.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repository.save_scorecard(card)
    repository.upsert_reviews(ScoringEngine(card).score(conversations))
    return repository


def test_frames_have_one_row_per_review_and_per_criterion(repo: Repository) -> None:
    frames = load_frames(repo)
    stored = list(repo.iter_reviews())
    assert frames.reviews.height == len(stored)  # a review per reviewee of the 30 conversations
    assert len({r.conversation_id for r in stored}) == 30
    assert frames.criteria.height == sum(len(r.criteria) for r in stored)
    by_id = {r.review_id: r for r in stored}
    for row in frames.reviews.iter_rows(named=True):
        review = by_id[row["review_id"]]
        assert row["iqs"] == review.iqs
        assert row["agent"] == review.reviewee.id
        assert row["week"] is not None and row["day"] == review.period_at.date()  # type: ignore[union-attr]


def test_csat_is_on_the_cx_scale_and_joined_from_the_conversation(repo: Repository) -> None:
    frames = load_frames(repo)
    rows = frames.reviews.filter(pl.col("csat_raw").is_not_null())
    assert rows.height > 0
    for row in rows.iter_rows(named=True):
        expected = 1 + 4 * (row["csat_raw"] - 1) / (row["csat_scale"] - 1)
        assert row["csat"] == pytest.approx(min(5.0, max(1.0, expected)))


def test_of_kind_keeps_the_criteria_of_the_kept_reviews(repo: Repository) -> None:
    frames = load_frames(repo)
    assert frames.of_kind("human").reviews.height == 0
    assert frames.of_kind("human").criteria.height == 0
    assert frames.of_kind("ai").criteria.height == frames.criteria.height


def test_nps_and_ces_come_from_the_conversation_metadata(repo: Repository) -> None:
    frames = load_frames(repo)
    metadata = {c.id: c.metadata for batch in repo.iter_conversations() for c in batch}
    assert frames.reviews["nps"].drop_nulls().len() > 0
    assert frames.reviews["ces"].drop_nulls().len() > 0
    for row in frames.reviews.iter_rows(named=True):
        meta = metadata[row["conversation_id"]]
        assert row["nps"] == meta.get("nps")
        if "ces" in meta:
            scale = meta["ces_scale"]
            assert row["ces_raw"] == meta["ces"] and row["ces_scale"] == scale
            assert row["ces"] == pytest.approx(1 + 6 * (meta["ces"] - 1) / (scale - 1))
        else:
            assert row["ces"] is None and row["ces_raw"] is None


def _hand_frames() -> Frames:
    reviews = pl.DataFrame(
        {
            "review_pk": [1, 2, 3, 4],
            "scorecard_name": ["a", "a", "b", "a"],
            "team": ["red", None, "red", "blue"],
            "day": [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 9), date(2026, 3, 16)],
        }
    )
    criteria = pl.DataFrame({"review_pk": [1, 1, 2, 3, 4], "key": ["k", "j", "k", "k", "k"]})
    return Frames(reviews, criteria)


def test_restrict_keeps_the_reviews_of_every_filter_with_their_criteria() -> None:
    frames = _hand_frames()
    kept = restrict(frames, scorecard_name="a", team="red")
    assert kept.reviews["review_pk"].to_list() == [1]
    assert kept.criteria["key"].to_list() == ["k", "j"]
    week = restrict(frames, since=date(2026, 3, 9), until=date(2026, 3, 15))
    assert week.reviews["review_pk"].to_list() == [2, 3]
    assert week.criteria["review_pk"].to_list() == [2, 3]
    assert restrict(frames, team=NO_TEAM).reviews["review_pk"].to_list() == [2]
    assert restrict(frames) is frames

"""Frames brought up to date from the change log equal the frames read whole, on both databases,
whatever the writes were: new reviews, re-scored and deleted ones, changed survey answers, linked
identities and renamed people."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import delete, select, update

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Database, Repository
from supportqa.storage.frame_changes import prune
from supportqa.storage.people import link
from supportqa.storage.snapshot import FrameCache, Snapshot, build
from supportqa.storage.tables import agents, analytics_changes, analytics_state, people, reviews
from supportqa.synthetic import generate_conversations, simulate_reviews

N = 60


@pytest.fixture
def repo(db: Database) -> Iterator[Repository]:
    repository = Repository(db)
    records = list(generate_conversations(N, 7))
    conversations = [Conversation.model_validate(r) for r in records[:40]]
    repository.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repository.save_scorecard(card)
    repository.upsert_reviews(ScoringEngine(card).score(conversations))
    repository.records = records  # type: ignore[attr-defined]
    yield repository


def _same(incremental: Snapshot, repo: Repository) -> None:
    whole = build(repo)
    assert whole.path == "full"
    assert incremental.frames.reviews.equals(whole.frames.reviews)
    assert incremental.frames.criteria.equals(whole.frames.criteria)
    assert incremental.frames.reviews.schema == whole.frames.reviews.schema
    assert incremental.mark.token == whole.mark.token


def _score(repo: Repository, records: list[dict[str, object]]) -> None:
    conversations = [Conversation.model_validate(r) for r in records]
    repo.upsert_conversations(conversations)
    repo.upsert_reviews(ScoringEngine(rules_only(default_scorecard())).score(conversations))


def test_frames_brought_up_to_date_equal_a_full_read_after_every_kind_of_write(
    repo: Repository,
) -> None:
    records: list[dict[str, object]] = repo.records  # type: ignore[attr-defined]
    rng = random.Random(3)
    snapshot = build(repo)
    _score(repo, records[40:50])  # new conversations and their AI reviews
    snapshot = build(repo, snapshot)
    assert snapshot.path == "incremental"
    _same(snapshot, repo)

    changed = [dict(r) for r in rng.sample(records[:40], 8)]
    for record in changed:  # new survey answers; half of them re-scored after a new message
        record["csat"] = 1 if record.get("csat") != 1 else 5
    for record in changed[:4]:
        messages = list(record["messages"])  # type: ignore[call-overload]
        record["messages"] = [*messages, {**messages[-1], "text": "One more thing, thanks."}]
    _score(repo, changed[:4])
    repo.upsert_conversations([Conversation.model_validate(r) for r in changed[4:]])
    humans = simulate_reviews(records[:50], 11, share=0.3)
    repo.upsert_reviews(
        review_from_ratings(RatingsLine.model_validate(line), default_scorecard())
        for line in humans
    )
    snapshot = build(repo, snapshot)
    assert snapshot.path == "incremental"
    _same(snapshot, repo)

    with repo.db.engine.begin() as connection:
        refs = connection.execute(select(agents.c.external_id).limit(2)).scalars().all()
        link(connection, list(refs), name="Renamed Person")
        gone = connection.execute(select(reviews.c.id).limit(3)).scalars().all()
        connection.execute(delete(reviews).where(reviews.c.id.in_(gone)))
    snapshot = build(repo, snapshot)
    assert snapshot.path == "incremental"
    assert not set(gone) & set(snapshot.frames.reviews["review_pk"].to_list())
    assert "Renamed Person" in snapshot.frames.reviews["agent_name"].to_list()
    _same(snapshot, repo)

    with repo.db.engine.begin() as connection:
        connection.execute(update(people).values(name=people.c.key))
    snapshot = build(repo, snapshot)
    _same(snapshot, repo)


def test_a_write_rereads_only_the_reviews_it_touched(repo: Repository) -> None:
    records: list[dict[str, object]] = repo.records  # type: ignore[attr-defined]
    snapshot = build(repo)
    unchanged = build(repo, snapshot)
    if repo.db.dialect == "sqlite":
        assert unchanged.path == "current"  # nothing written: nothing re-read
    else:  # transactions still running elsewhere when the mark was taken are read again
        assert unchanged.frames.reviews.equals(snapshot.frames.reviews)
    _score(repo, records[40:42])
    with repo.db.engine.connect() as connection:
        new = (
            connection.execute(
                select(reviews.c.id).where(
                    reviews.c.conversation_id.in_([str(r["id"]) for r in records[40:42]])
                )
            )
            .scalars()
            .all()
        )
    assert new
    refreshed = build(repo, snapshot)
    assert refreshed.path == "incremental"
    assert refreshed.frames.reviews.height == snapshot.frames.reviews.height + len(new)


def test_the_cache_answers_within_the_lag_and_looks_again_after_it(repo: Repository) -> None:
    records: list[dict[str, object]] = repo.records  # type: ignore[attr-defined]
    lagging = FrameCache(max_lag_s=3600)
    first = lagging.snapshot(repo)
    _score(repo, records[40:43])
    again = lagging.snapshot(repo)
    assert again.path == "cached" and again.frames is first.frames  # within the lag: as it was
    assert again.as_of == first.as_of

    eager = FrameCache(max_lag_s=0)
    assert eager.snapshot(repo).path in {"full", "current", "incremental"}
    _score(repo, records[43:46])
    seen = eager.snapshot(repo)
    assert seen.path == "incremental"
    assert seen.as_of > first.as_of
    conversation_ids = set(seen.frames.reviews["conversation_id"].to_list())
    assert {str(r["id"]) for r in records[40:46]} <= conversation_ids
    assert eager.paths["full"] <= 1  # never read whole once it had frames
    _same(seen, repo)


def test_frames_of_another_database_or_from_before_pruning_are_read_whole(
    repo: Repository,
) -> None:
    records: list[dict[str, object]] = repo.records  # type: ignore[attr-defined]
    snapshot = build(repo)
    with repo.db.engine.begin() as connection:
        connection.execute(update(analytics_state).values(token="another database"))
    assert build(repo, snapshot).path == "full"

    snapshot = build(repo)
    _score(repo, records[40:42])
    with repo.db.engine.begin() as connection:
        last = (
            connection.execute(
                select(analytics_changes.c.id).order_by(analytics_changes.c.id.desc())
            )
            .scalars()
            .first()
        )
        assert last is not None and prune(connection, last) > 0
    refreshed = build(repo, snapshot)
    assert refreshed.path == "full"
    _same(refreshed, repo)
    _score(repo, records[42:44])
    assert build(repo, refreshed).path == "incremental"  # pruning before the mark is harmless

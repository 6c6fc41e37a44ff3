"""Review upserts keyed by review_id: idempotent, criteria replaced, linked to conversations."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from supportqa.domain.review import ScorecardRef
from supportqa.storage import Repository, UpsertCounts
from supportqa.storage.tables import conversations, review_criteria, reviews

from .builders import conversation, criterion, review


def _criteria(repo: Repository, review_id: str) -> list[tuple[str, str, float | None]]:
    query = (
        select(review_criteria.c.key, review_criteria.c.status, review_criteria.c.score_pct)
        .join(reviews, reviews.c.id == review_criteria.c.review_pk)
        .where(reviews.c.review_id == review_id)
        .order_by(review_criteria.c.id)
    )
    with repo.db.engine.connect() as connection:
        return [(row.key, row.status, row.score_pct) for row in connection.execute(query)]


def test_importing_the_same_reviews_twice_changes_nothing(repo: Repository) -> None:
    batch = [review(f"r{i}", conversation_id=f"c{i}") for i in range(12)]
    assert repo.upsert_reviews(batch, batch_size=5) == UpsertCounts(imported=12)
    assert repo.upsert_reviews(batch, batch_size=5) == UpsertCounts(unchanged=12)
    assert repo.count_reviews() == 12
    with repo.db.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(review_criteria)).scalar_one()
    assert count == 12


def test_an_updated_review_replaces_its_criteria(repo: Repository) -> None:
    repo.upsert_reviews(
        [review("r1", criteria=[criterion("greeting"), criterion("empathy", "na")])]
    )
    rescored = review(
        "r1",
        iqs=55.0,
        criteria=[criterion("greeting", score_pct=0.0), criterion("resolution", score_pct=75.0)],
    )
    assert repo.upsert_reviews([rescored]) == UpsertCounts(updated=1)
    assert _criteria(repo, "r1") == [("greeting", "rated", 0.0), ("resolution", "rated", 75.0)]
    assert list(repo.iter_reviews()) == [rescored]


def test_review_columns_carry_period_week_and_month_in_utc(repo: Repository) -> None:
    repo.upsert_reviews(
        [
            review("late-sunday", created_at="2026-02-15T23:30:00-05:00"),
            review("no-conversation-time", created_at=None, reviewed_at="2026-03-01T12:00:00"),
        ]
    )
    with repo.db.engine.connect() as connection:
        rows = {r.review_id: r for r in connection.execute(select(reviews))}
    assert (rows["late-sunday"].week, rows["late-sunday"].month) == ("2026-W08", "2026-02")
    fallback = rows["no-conversation-time"]
    assert (fallback.week, fallback.month) == ("2026-W09", "2026-03")
    assert fallback.period_at == fallback.reviewed_at
    assert (fallback.n_rated, fallback.n_na, fallback.n_failed) == (1, 0, 0)


def test_reviews_link_to_their_stored_conversation_in_either_order(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1")])
    repo.upsert_reviews([review("r1", conversation_id="c1"), review("r2", conversation_id="c2")])
    repo.upsert_conversations([conversation("c2"), conversation("c3")])
    with repo.db.engine.connect() as connection:
        links = dict(
            connection.execute(select(reviews.c.review_id, reviews.c.conversation_pk)).all()
        )
        pks = dict(
            connection.execute(select(conversations.c.external_id, conversations.c.id)).all()
        )
    assert links == {"r1": pks["c1"], "r2": pks["c2"]}


def test_deleting_a_review_deletes_its_criteria(repo: Repository) -> None:
    repo.upsert_reviews([review("r1", criteria=[criterion("a"), criterion("b")])])
    with repo.db.engine.begin() as connection:
        connection.execute(delete(reviews))
    with repo.db.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(review_criteria)).scalar_one()
    assert count == 0


def test_iter_reviews_filters_by_kind_and_scorecard(repo: Repository) -> None:
    v2 = ScorecardRef(name="default", version="2")
    repo.upsert_reviews(
        [
            review("ai-1"),
            review("human-1", kind="human"),
            review("ai-2", scorecard=v2),
        ]
    )
    assert [r.review_id for r in repo.iter_reviews(batch_size=2)] == ["ai-1", "human-1", "ai-2"]
    assert [r.review_id for r in repo.iter_reviews(kind="human")] == ["human-1"]
    assert [r.review_id for r in repo.iter_reviews(kind="ai", scorecard=v2)] == ["ai-2"]
    assert (repo.count_reviews(), repo.count_reviews("ai"), repo.count_reviews("human")) == (
        3,
        2,
        1,
    )


def test_scoring_runs_are_recorded_from_start_to_finish(repo: Repository) -> None:
    from supportqa.storage.tables import scoring_runs

    run_id = repo.start_run(ScorecardRef(name="default", version="1"))
    with repo.db.engine.connect() as connection:
        row = connection.execute(select(scoring_runs)).one()
    assert (row.id, row.status, row.finished_at) == (run_id, "running", None)
    repo.finish_run(run_id, "done", 40, 2)
    with repo.db.engine.connect() as connection:
        row = connection.execute(select(scoring_runs)).one()
    assert (row.status, row.n_scored, row.n_failed) == ("done", 40, 2)
    assert row.finished_at >= row.started_at

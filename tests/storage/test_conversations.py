"""Conversation upserts keyed by (source, id): idempotent, counted exactly, UTC in and out."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from supportqa.storage import Repository, UpsertCounts
from supportqa.storage.tables import conversations

from .builders import conversation


def test_importing_the_same_conversations_twice_changes_nothing(repo: Repository) -> None:
    batch = [conversation(f"c{i}") for i in range(25)]
    assert repo.upsert_conversations(batch, batch_size=10) == UpsertCounts(imported=25)
    with repo.db.engine.connect() as connection:
        before = connection.execute(select(conversations).order_by(conversations.c.id)).all()
    assert repo.upsert_conversations(batch, batch_size=10) == UpsertCounts(unchanged=25)
    with repo.db.engine.connect() as connection:
        after = connection.execute(select(conversations).order_by(conversations.c.id)).all()
    assert after == before
    assert repo.count_conversations() == 25


def test_an_edited_conversation_counts_as_updated_and_is_stored(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1"), conversation("c2")])
    edited = conversation("c2", subject="Refund, again")
    counts = repo.upsert_conversations([conversation("c1"), edited, conversation("c3")])
    assert counts == UpsertCounts(imported=1, updated=1, unchanged=1)
    stored = repo.get_conversation("jsonl", "c2")
    assert stored == edited
    with repo.db.engine.connect() as connection:
        row = connection.execute(
            select(conversations).where(conversations.c.external_id == "c2")
        ).one()
    assert row.subject == "Refund, again"
    assert row.updated_at >= row.imported_at


def test_same_id_from_another_source_is_another_conversation(repo: Repository) -> None:
    counts = repo.upsert_conversations(
        [conversation("42", source="zendesk"), conversation("42", source="intercom")]
    )
    assert counts == UpsertCounts(imported=2)
    assert repo.count_conversations() == 2
    zendesk = repo.get_conversation("zendesk", "42")
    assert zendesk is not None and zendesk.source == "zendesk"
    assert repo.get_conversation("jsonl", "42") is None


def test_a_repeated_key_in_one_batch_keeps_the_last_version(repo: Repository) -> None:
    first, second = conversation("c1"), conversation("c1", subject="second")
    counts = repo.upsert_conversations([first, first, second])
    assert counts == UpsertCounts(imported=1, updated=1, unchanged=1)
    assert repo.count_conversations() == 1
    stored = repo.get_conversation("jsonl", "c1")
    assert stored is not None and stored.subject == "second"


def test_naive_datetimes_are_stored_and_read_as_utc(repo: Repository) -> None:
    repo.upsert_conversations(
        [
            conversation("naive", created_at="2026-02-15T23:30:00"),
            conversation("offset", created_at="2026-02-15T23:30:00-05:00"),
        ]
    )
    with repo.db.engine.connect() as connection:
        rows = dict(
            connection.execute(
                select(conversations.c.external_id, conversations.c.created_at)
            ).all()
        )
    assert rows["naive"] == datetime(2026, 2, 15, 23, 30, tzinfo=UTC)
    assert rows["naive"].utcoffset() is not None
    assert rows["offset"] == datetime(2026, 2, 16, 4, 30, tzinfo=UTC)
    stored = repo.get_conversation("jsonl", "naive")
    assert stored is not None and stored.created_at == datetime(2026, 2, 15, 23, 30, tzinfo=UTC)


def test_columns_mirror_the_conversation(repo: Repository) -> None:
    repo.upsert_conversations([conversation("c1", agent="a7", team="Tier 2")])
    with repo.db.engine.connect() as connection:
        row = connection.execute(select(conversations)).one()
    assert (row.source, row.external_id, row.agent_id, row.agent_name, row.team) == (
        "jsonl",
        "c1",
        "a7",
        "Agent a7",
        "Tier 2",
    )
    assert (row.customer_id, row.csat, row.csat_scale, row.channel) == ("cust-c1", 4.0, 5, "email")
    assert len(row.content_hash) == 64
    assert row.payload["messages"][1]["text"] == "Thanks, your refund is on its way."


def test_iter_conversations_yields_every_conversation_once_in_batches(repo: Repository) -> None:
    repo.upsert_conversations([conversation(f"c{i:02d}") for i in range(23)])
    batches = list(repo.iter_conversations(batch_size=10))
    assert [len(b) for b in batches] == [10, 10, 3]
    assert [c.id for b in batches for c in b] == [f"c{i:02d}" for i in range(23)]


def test_an_empty_database_has_no_conversations(repo: Repository) -> None:
    assert repo.count_conversations() == 0
    assert list(repo.iter_conversations()) == []
    assert repo.upsert_conversations([]) == UpsertCounts()

"""Agent identities are (source, external id); people group them; 0008 splits merged agents."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import column, insert, inspect, select, table

import supportqa
from supportqa.storage import Database, Repository
from supportqa.storage.database import alembic_config
from supportqa.storage.people import Identity, link, list_identities, unlink
from supportqa.storage.rows import conversation_row, review_row
from supportqa.storage.tables import agents, metadata
from tests.storage.builders import MONDAY_W07, conversation, review


def _identities(repo: Repository) -> list[Identity]:
    with repo.db.engine.connect() as connection:
        return list_identities(connection)


def test_import_records_each_identity_once_and_widens_the_span_it_was_seen_in(
    repo: Repository,
) -> None:
    later = MONDAY_W07 + timedelta(days=9)
    repo.upsert_conversations([conversation("c1"), conversation("c2", created_at=later)])
    repo.upsert_conversations([conversation("c1"), conversation("c2", created_at=later)])
    repo.upsert_conversations([conversation("c3", source="zendesk")])
    found = {i.ref: i for i in _identities(repo)}
    assert set(found) == {"jsonl/a1", "zendesk/a1"}
    a1 = found["jsonl/a1"]
    assert (a1.person, a1.name, a1.team) == ("a1", "Agent a1", "Billing")
    assert (a1.first_seen_at, a1.last_seen_at) == (MONDAY_W07, later)
    assert found["zendesk/a1"].person == "zendesk/a1"  # `a1` was taken by the first help desk


def test_storing_a_review_records_its_reviewee_and_counts_it(repo: Repository) -> None:
    repo.upsert_reviews([review("r1", agent="bot-1", agent_name="Helper"), review("r2")])
    repo.upsert_reviews([review("r1", agent="bot-1", agent_name="Helper")])
    found = {i.ref: (i.name, i.reviews) for i in _identities(repo)}
    assert found == {"jsonl/a1": (None, 1), "jsonl/bot-1": ("Helper", 1)}
    repo.upsert_conversations([conversation("c1")])  # the name arrives with a conversation
    (a1,) = [i for i in _identities(repo) if i.ref == "jsonl/a1"]
    assert (a1.name, a1.person_name) == ("Agent a1", "Agent a1")


def test_unlinking_the_identity_a_person_is_named_after_keeps_that_key_with_it(
    repo: Repository,
) -> None:
    repo.upsert_conversations([conversation("c1"), conversation("c2", source="csv")])
    with repo.db.write_transaction() as connection:
        person = link(connection, ["csv/a1", "jsonl/a1"])
        assert (person.key, person.identities) == ("csv/a1", ["csv/a1", "jsonl/a1"])
        (alone,) = unlink(connection, ["csv/a1"], MONDAY_W07)
    assert (alone.key, alone.identities) == ("csv/a1", ["csv/a1"])
    assert {i.ref: i.person for i in _identities(repo)} == {"csv/a1": "csv/a1", "jsonl/a1": "a1"}


def _database_of_today(url: str) -> None:
    """A database at revision 0007 (today's main), written with that revision's columns only:
    agent `501` of Zendesk and of a CSV merged, a bot, and `7`, seen under one source only."""
    db = Database.open(url, create=True, migrate="never")
    try:
        db.migrate("0007")
        rows = {
            "conversations": [
                conversation_row(conversation(f"z{n}", source="zendesk", agent="501"), MONDAY_W07)
                for n in range(3)
            ]
            + [conversation_row(conversation("k1", source="csv", agent="501"), MONDAY_W07)]
            + [conversation_row(conversation("k2", source="csv", agent="7"), MONDAY_W07)],
            "reviews": [
                review_row(review("rz", source="zendesk", agent="501"), MONDAY_W07),
                review_row(review("rk", source="csv", agent="501", agent_name="Kim"), MONDAY_W07),
                review_row(review("rb", source="csv", agent="bot"), MONDAY_W07),
            ],
        }
        with db.engine.begin() as connection:
            names = inspect(connection)
            for name, items in rows.items():
                present = {c["name"] for c in names.get_columns(name)}
                kept = [{k: v for k, v in row.items() if k in present} for row in items]
                columns = (column(k, metadata.tables[name].c[k].type) for k in kept[0])
                connection.execute(insert(table(name, *columns)), kept)
    finally:
        db.dispose()


def test_0008_splits_agents_merged_across_sources_and_says_which(db_url: str) -> None:
    """Upgraded by the real `supportqa migrate`, whose output names each split."""
    _database_of_today(db_url)
    src = str(Path(supportqa.__file__).parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "supportqa", "migrate", "--db", db_url],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "agent 501: split into csv/501 and zendesk/501" in done.stderr
    assert "agent 7" not in done.stderr and "agent bot" not in done.stderr
    db = Database.open(db_url, migrate="never")
    try:
        repo = Repository(db)
        found = {i.ref: (i.person, i.name, i.reviews) for i in _identities(repo)}
        assert found == {
            "csv/501": ("csv/501", "Agent 501", 1),
            "zendesk/501": ("zendesk/501", "Agent 501", 1),
            "csv/7": ("7", "Agent 7", 0),
            "csv/bot": ("bot", None, 1),
        }
        with db.engine.connect() as connection:
            span = connection.execute(
                select(agents.c.first_seen_at, agents.c.last_seen_at).where(
                    agents.c.external_id == "7"
                )
            ).one()
        assert tuple(span) == (MONDAY_W07, MONDAY_W07)
        by_agent = repo.iqs_by(["agent"], kind="ai", scorecard_name=None)
        assert [(r.group["agent"], r.reviews) for r in by_agent] == [
            ("bot", 1),
            ("csv/501", 1),
            ("zendesk/501", 1),
        ]
    finally:
        db.dispose()


def test_0008_downgrades_to_today_and_upgrades_again(db_url: str) -> None:
    _database_of_today(db_url)
    db = Database.open(db_url, migrate="never")
    try:
        db.migrate()
        with db.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0007")
        assert {"agents", "people"}.isdisjoint(inspect(db.engine).get_table_names())
        db.migrate()
        assert len(_identities(Repository(db))) == 4
    finally:
        db.dispose()

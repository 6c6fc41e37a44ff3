"""Migrations create exactly the tables in `tables.metadata`, on every database we run on."""

from __future__ import annotations

import logging
from pathlib import Path

import orjson
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import column, insert, inspect, select, table

from supportqa.domain.conversation import Message, Role
from supportqa.domain.review import CxScore, Review, ScorecardRef
from supportqa.domain.scorecard import default_scorecard
from supportqa.domain.versions import conversation_version
from supportqa.storage import Database, Repository
from supportqa.storage.database import alembic_config
from supportqa.storage.job_queue import not_procrastinate
from supportqa.storage.rows import conversation_row, review_row
from supportqa.storage.tables import metadata
from tests.storage.builders import MONDAY_W07, conversation, criterion, review

TABLES = {
    "conversations",
    "scorecards",
    "reviews",
    "review_criteria",
    "scoring_runs",
    "queue_assignments",
    "conversation_versions",
    "work_claims",
    "jobs",
    "job_loop_lease",
    "people",
    "agents",
    "users",
    "user_teams",
    "user_agents",
    "user_sessions",
    "api_tokens",
    "login_failures",
    "app_secrets",
    "audit_log",
    "analytics_changes",
    "analytics_state",
    "conversation_reviewees",
    "calibration_verdicts",
}


def test_migrations_create_the_tables(db: Database) -> None:
    names = set(inspect(db.engine).get_table_names())
    assert names >= TABLES
    # PostgreSQL's job queue; SQLite's full-text table and its shadow tables (`storage.search`)
    ours = {n for n in names if not n.startswith(("procrastinate_", "conversation_search"))}
    assert ours - TABLES == {"alembic_version"}


def test_migrations_match_the_table_metadata(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": not_procrastinate}
        )
        assert compare_metadata(context, metadata) == []


def test_downgrade_to_base_and_upgrade_again(db: Database) -> None:
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    db.migrate()
    assert set(inspect(db.engine).get_table_names()) >= TABLES


ADDED_IN_0005 = ("version_hash", "conversation_version", "scorer_versions")
ADDED_IN_0006 = ("judge_pending",)
ADDED_IN_0013 = ("search_text", "search_text_masked", "message_count", "changed_at", "_reviewees")
ADDED_IN_0015 = ("language",)
ENGLISH_REPLY = "Thanks for waiting, your refund is on its way and should arrive within five days."


def test_0002_fills_cx_and_confidence_columns_of_existing_reviews(tmp_path: Path) -> None:
    """A database scored before 0002 gets its CX and lowest-confidence columns from the payloads."""
    added = ("cx_value", "cx_score", "cx_flagged", "min_confidence")
    db = Database.open(tmp_path / "qa.db", migrate="never", create=True)
    try:
        db.migrate("0001")
        row = {
            k: v
            for k, v in review_row(review_with_cx(), MONDAY_W07).items()
            if k not in (*added, *ADDED_IN_0005, *ADDED_IN_0006)
        }
        old_reviews = table("reviews", *[column(name) for name in row])
        with db.engine.begin() as connection:
            connection.execute(insert(old_reviews), [row])
        db.migrate()
        with db.engine.connect() as connection:
            query = select(*[column(name) for name in added]).select_from(table("reviews"))
            stored = connection.execute(query).one()
        assert tuple(stored) == (3.4, 3, True, 0.6)
    finally:
        db.dispose()


def review_with_cx() -> Review:
    rated = criterion("greeting") | {"confidence": 0.6}
    other = criterion("tone") | {"confidence": 0.9}
    built = review("r1", criteria=[rated, other])
    built.cx = CxScore(
        score=3,
        value=3.4,
        subscores={},
        weights={},
        explanation="",
        review_recommended=True,
    )
    return built


def test_0004_fills_nps_and_ces_from_the_metadata_of_existing_conversations(
    tmp_path: Path,
) -> None:
    """A database imported before 0004 gets NPS/CES columns from each payload's metadata."""
    added = ("nps", "ces", "ces_scale")
    answered = conversation("c1").model_copy(
        update={"metadata": {"custom_fields": {"cf_NPS": "9"}, "ces": 4, "ces_scale": 5}}
    )
    bad = conversation("c2").model_copy(update={"metadata": {"nps": 11, "ces": 9}})
    db = Database.open(tmp_path / "qa.db", migrate="never", create=True)
    try:
        db.migrate("0003")
        rows = [
            {
                k: v
                for k, v in conversation_row(c, MONDAY_W07).items()
                if k not in (*added, *ADDED_IN_0005, *ADDED_IN_0006, *ADDED_IN_0013, *ADDED_IN_0015)
            }
            for c in (answered, bad, conversation("c3"))
        ]
        old = table("conversations", *[column(name) for name in rows[0]])
        with db.engine.begin() as connection:
            connection.execute(insert(old), rows)
        db.migrate()
        with db.engine.connect() as connection:
            query = (
                select(column("external_id"), *[column(name) for name in added])
                .select_from(table("conversations"))
                .order_by(column("external_id"))
            )
            stored = [tuple(r) for r in connection.execute(query)]
        assert stored == [("c1", 9.0, 4.0, 5), ("c2", None, None, None), ("c3", None, None, None)]
    finally:
        db.dispose()


def test_0005_fills_versions_and_scorer_versions_of_existing_rows(tmp_path: Path) -> None:
    """A database from before 0005: conversations get their version hash from the payload, reviews
    the version of their (current) conversation and the scorers named in their criteria."""
    stored_conversation = conversation("c1")
    old_review = review_with_cx().model_copy(update={"conversation_id": "c1"})
    db = Database.open(tmp_path / "qa.db", migrate="never", create=True)
    try:
        db.migrate("0004")
        c_row = {
            k: v
            for k, v in conversation_row(stored_conversation, MONDAY_W07).items()
            if k not in (*ADDED_IN_0005, *ADDED_IN_0006, *ADDED_IN_0013, *ADDED_IN_0015)
        }
        r_row = {
            k: v
            for k, v in review_row(old_review, MONDAY_W07).items()
            if k not in (*ADDED_IN_0005, *ADDED_IN_0006)
        }
        r_row["conversation_pk"] = 1
        with db.engine.begin() as connection:
            connection.execute(insert(table("conversations", *map(column, c_row))), [c_row])
            connection.execute(insert(table("reviews", *map(column, r_row))), [r_row])
        db.migrate()
        with db.engine.connect() as connection:
            version = connection.execute(
                select(column("version_hash")).select_from(table("conversations"))
            ).scalar_one()
            judged, scorers = connection.execute(
                select(column("conversation_version"), column("scorer_versions")).select_from(
                    table("reviews")
                )
            ).one()
        assert version == conversation_version(stored_conversation)
        assert judged == version
        assert scorers == "greeting_rule@1,tone_rule@1"
    finally:
        db.dispose()


def _llm_review(review_id: str, reviewer: str, scorer: str, **fields: object) -> Review:
    judged = criterion("tone") | {"scorer": {"name": scorer, "version": "1"}}
    built = review(review_id, conversation_id=review_id, reviewer=reviewer, criteria=[judged])
    return built.model_copy(update=fields)


def test_0006_marks_reviews_whose_judge_failed_as_pending(db_url: str) -> None:
    """From the payload: `judge_pending` when written; before that field, an `always` --llm review
    with no rating from the judge (it failed on the conversation) — never a local or kept-local one."""
    cases = {
        "legacy-failed": (_llm_review("legacy-failed", "supportqa+llm", "tone_rule"), True),
        "legacy-judged": (_llm_review("legacy-judged", "supportqa+llm", "llm"), False),
        "legacy-kept-local": (_llm_review("legacy-kept-local", "supportqa+llm-low", "x"), False),
        "local": (_llm_review("local", "supportqa", "tone_rule"), False),
        "new-pending": (
            _llm_review("new-pending", "supportqa+llm-low", "x", judged=[], judge_pending=["tone"]),
            True,
        ),
        "new-judged": (_llm_review("new-judged", "supportqa+llm", "llm", judged=["tone"]), False),
    }
    db = Database.open(db_url, migrate="never", create=True)
    try:
        db.migrate("0005")
        rows = []
        for built, _ in cases.values():
            row = {k: v for k, v in review_row(built, MONDAY_W07).items() if k not in ADDED_IN_0006}
            if "judged" not in built.model_fields_set:  # written before the field existed
                payload = orjson.loads(str(row["payload"]))
                del payload["judged"], payload["judge_pending"]
                row["payload"] = orjson.dumps(payload).decode()
            rows.append(row)
        old_reviews = table("reviews", *[column(name) for name in rows[0]])
        with db.engine.begin() as connection:
            connection.execute(insert(old_reviews), rows)
        db.migrate()
        query = select(column("review_id"), column("judge_pending")).select_from(table("reviews"))
        with db.engine.connect() as connection:
            stored = {r.review_id: bool(r.judge_pending) for r in connection.execute(query)}
        assert stored == {key: pending for key, (_, pending) in cases.items()}
    finally:
        db.dispose()


def test_0007_turns_stored_scorecard_names_into_slugs_everywhere_and_keeps_the_old_name(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Every table holding the name moves together; a slug taken by a conforming name is numbered;
    conforming names are left alone; the old name stays in the payload and is logged."""
    payload = default_scorecard().to_dict()
    names = {"x/../../../ESCAPED": "x----------escaped", "Support QA": "support-qa-2"}
    db = Database.open(db_url, migrate="never", create=True)
    try:
        db.migrate("0006")
        cards = metadata.tables["scorecards"]
        reviews = [
            review_row(review(f"r-{i}", scorecard=ScorecardRef(name=name, version="2")), MONDAY_W07)
            for i, name in enumerate([*names, "support-qa"])
        ]
        old_reviews = table("reviews", *[column(name) for name in reviews[0]])
        runs = metadata.tables["scoring_runs"]
        with db.engine.begin() as connection:
            for name in [*names, "support-qa"]:
                connection.execute(
                    insert(cards).values(
                        name=name,
                        version="2",
                        content_hash="old",
                        payload=payload | {"name": name},
                        created_at=MONDAY_W07,
                    )
                )
                connection.execute(
                    insert(runs).values(
                        scorecard_name=name,
                        scorecard_version="2",
                        started_at=MONDAY_W07,
                        status="done",
                        n_scored=0,
                        n_failed=0,
                    )
                )
            connection.execute(insert(old_reviews), reviews)
        with caplog.at_level(logging.WARNING, logger="supportqa.migrations"):
            db.migrate()
        expected = {**names, "support-qa": "support-qa"}
        repo = Repository(db)
        assert sorted(r.name for r in repo.list_scorecards()) == sorted(expected.values())
        for old, new in expected.items():
            card = repo.get_scorecard(new, "2")
            assert card is not None and card.former_name == (None if old == new else old)
        by_review = {r.review_id: r.scorecard.name for r in repo.iter_reviews()}
        assert by_review == {f"r-{i}": new for i, new in enumerate(expected.values())}
        with db.engine.connect() as connection:
            stored = connection.execute(select(runs.c.scorecard_name))
            assert sorted(stored.scalars()) == sorted(expected.values())
            columns = connection.execute(select(column("scorecard_name")).select_from(old_reviews))
            assert sorted(columns.scalars()) == sorted(expected.values())
        logged = [r.getMessage() for r in caplog.records if r.name == "supportqa.migrations"]
        assert len(logged) == 2 and "'Support QA'" in logged[0] and "'support-qa-2'" in logged[0]
    finally:
        db.dispose()


def test_0015_fills_the_language_of_existing_conversations(db_url: str) -> None:
    """Conversations stored before 0015 get their detected language from their payloads: German
    text is `de`, English `en`, a few words `und`."""
    german = conversation("c-de").model_copy(
        update={
            "messages": [
                Message(role=Role.CUSTOMER, text="Meine Bestellung ist noch nicht angekommen."),
                Message(
                    role=Role.AGENT,
                    text="Das tut mir leid, ich habe nachgesehen: das Paket kommt morgen an.",
                ),
            ]
        }
    )
    short = conversation("c-und").model_copy(
        update={"messages": [Message(role=Role.CUSTOMER, text="Danke!")]}
    )
    db = Database.open(db_url, migrate="never", create=True)
    try:
        db.migrate("0014")
        rows = [
            {k: v for k, v in conversation_row(c, MONDAY_W07).items() if k not in ADDED_IN_0015}
            for c in (german, conversation("c-en", text=ENGLISH_REPLY), short)
        ]
        for row in rows:
            del row["_reviewees"]
        old = table("conversations", *[column(name) for name in rows[0]])
        with db.engine.begin() as connection:
            connection.execute(insert(old), rows)
        db.migrate()
        query = select(column("external_id"), column("language")).select_from(
            table("conversations")
        )
        with db.engine.connect() as connection:
            stored = dict(tuple(r) for r in connection.execute(query))
        assert stored == {"c-de": "de", "c-en": "en", "c-und": "und"}
    finally:
        db.dispose()

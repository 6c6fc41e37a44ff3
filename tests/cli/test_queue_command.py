"""`supportqa queue` and `supportqa explain` on a small real SQLite database."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations
from tests.cli.conftest import Runner


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "qa.db"
    database = Database.open(path, create=True)
    repo = Repository(database)
    conversations = [
        Conversation.model_validate(r) for r in generate_conversations(150, 4, weeks=2)
    ]
    repo.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repo.save_scorecard(card)
    repo.upsert_reviews(ScoringEngine(card).score(conversations))
    database.dispose()
    return path


def test_queue_assign_twice_never_hands_out_the_same_review(cli: Runner, db: Path) -> None:
    args = ("queue", "--db", db, "--reviewers", "ann,bob", "--per-agent", "2", "--json")
    first = cli(*args, "--assign")
    assert first.code == 0, first.err
    items = first.json()["queue"]["items"]
    assert first.json()["saved"] == len(items) > 0
    # an item is one reviewee's review: a handed-over conversation may give one per reviewee
    ids = [(i["conversation_id"], i["agent"]) for i in items]
    assert len(ids) == len(set(ids))
    assert max(Counter(i["agent"] for i in items).values()) <= 2
    assert {i["reviewer"] for i in items} == {"ann", "bob"}
    second = cli(*args, "--per-agent", "3", "--assign")
    assert second.code == 0, second.err
    again = [(i["conversation_id"], i["agent"]) for i in second.json()["queue"]["items"]]
    assert not set(again) & set(ids)
    both = Counter(i["agent"] for i in items + second.json()["queue"]["items"])
    assert max(both.values()) <= 3


def test_queue_table_json_and_export_show_the_same_rows(cli: Runner, db: Path) -> None:
    table = cli("queue", "--db", db, "--rule", "critical", "--export", "q.csv")
    assert table.code == 0, table.err
    assert "Review queue for" in table.out and "Wrote q.csv" in table.out
    data = cli("queue", "--db", db, "--rule", "critical", "--json").json()["queue"]
    exported = pl.read_csv("q.csv")
    assert exported["conversation_id"].to_list() == [i["conversation_id"] for i in data["items"]]
    assert set(exported["rules"].to_list()) <= {"critical"}


def test_queue_errors_are_one_line(cli: Runner, db: Path) -> None:
    result = cli("queue", "--db", db, "--assign")
    assert result.code == 1 and "--assign needs --reviewers" in result.err
    result = cli("queue", "--db", db, "--rule", "vibes")
    assert result.code == 1 and "unknown queue rule vibes" in result.err
    result = cli("queue", "--db", db, "--week", "1999-W01")
    assert result.code == 1 and "no AI reviews in week 1999-W01" in result.err
    assert "Traceback" not in result.err


def test_explain_prints_the_arithmetic_and_matches_json(cli: Runner, db: Path) -> None:
    result = cli("explain", "gen-000001", "--db", db, "--json", "--export", "e.parquet")
    assert result.code == 0, result.err
    [explained] = result.json()
    database = Database.open(db, create=True)
    [review] = Repository(database).reviews_of("gen-000001")
    database.dispose()
    assert explained["iqs"]["iqs"] == pytest.approx(review.iqs)
    assert len(pl.read_parquet("e.parquet")) == len(review.criteria)
    text = cli("explain", "gen-000001", "--db", db)
    assert text.code == 0 and "IQS" in text.out and "Greeting" in text.out


def test_explain_an_unknown_conversation_is_a_clear_error(cli: Runner, db: Path) -> None:
    result = cli("explain", "nope", "--db", db)
    assert result.code == 1 and "no reviews of conversation 'nope'" in result.err

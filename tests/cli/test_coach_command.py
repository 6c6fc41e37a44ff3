"""`supportqa coach` and `supportqa drivers` on a small real SQLite database."""

from __future__ import annotations

import statistics
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
    conversations = [Conversation.model_validate(r) for r in generate_conversations(120, 9)]
    repo.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repo.save_scorecard(card)
    repo.upsert_reviews(ScoringEngine(card).score(conversations))
    database.dispose()
    return path


def _busiest_agent(db: Path) -> str:
    database = Database.open(db, create=True)
    counts = Counter(  # a person: bots have AI reviews of their own too
        r.reviewee.id
        for r in Repository(database).iter_reviews()
        if r.reviewee.id and not r.reviewee.is_bot
    )
    database.dispose()
    return counts.most_common(1)[0][0]


def test_coach_quotes_exist_in_the_transcript(cli: Runner, db: Path) -> None:
    agent = _busiest_agent(db)
    result = cli("coach", agent, "--db", db, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["agent"] == agent and data["focus"]
    trailing = [f["key"] for f in data["focus"] if f["gap"] < 0][:3]
    assert {e["key"] for e in data["examples"]} <= set(trailing)
    database = Database.open(db, create=True)
    repo = Repository(database)
    quotes = 0
    for example in data["examples"]:
        conversation = repo.get_conversation(example["source"], example["conversation_id"])
        assert conversation is not None
        for quote in example["quotes"]:
            assert quote["quote"] in conversation.messages[quote["message_index"]].text
            quotes += 1
    database.dispose()
    assert quotes > 0


def test_a_note_persists_beside_the_database_and_drives_the_trend(cli: Runner, db: Path) -> None:
    agent = _busiest_agent(db)
    database = Database.open(db, create=True)
    days = sorted(
        (r.period_at.date(), r.iqs)
        for r in Repository(database).iter_reviews(kind="ai")
        if r.reviewee.id == agent and r.period_at is not None and r.iqs is not None
    )
    database.dispose()
    since = days[len(days) // 2][0]
    added = cli(
        "coach", agent, "--db", db, "--note", "Summarise the fix", "--by", "Maria",
        "--focus", "closing,clarity", "--date", since.isoformat(),
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "Noted in" in added.out and "Since the last session" in added.out
    notes = db.parent / "supportqa-coaching.jsonl"
    assert notes.exists() and len(notes.read_text().splitlines()) == 1
    data = cli("coach", agent, "--db", db, "--json").json()
    assert data["notes"][0]["author"] == "Maria"
    assert data["notes"][0]["focus"] == ["closing", "clarity"]
    before = [v for d, v in days if d < since]
    after = [v for d, v in days if d >= since]
    trend = data["trend"]
    assert (trend["before_n"], trend["after_n"]) == (len(before), len(after))
    assert trend["delta"] == pytest.approx(statistics.mean(after) - statistics.mean(before))
    listing = cli("coach", "--db", db, "--json").json()
    row = next(r for r in listing if r["agent"] == agent)
    assert row["last_note"] == since.isoformat()


def test_coach_without_agent_is_one_line_per_agent_and_exports(cli: Runner, db: Path) -> None:
    result = cli("coach", "--db", db, "--export", "coach.csv")
    assert result.code == 0, result.err
    assert "top focus" in result.out
    table = pl.read_csv(Path("coach.csv"))
    database = Database.open(db, create=True)
    agents = {r.reviewee.id for r in Repository(database).iter_reviews(kind="ai") if r.reviewee.id}
    database.dispose()
    assert set(table["agent"].to_list()) == agents and table.height == len(agents)


def test_coach_errors_are_one_clear_line(cli: Runner, db: Path) -> None:
    agent = _busiest_agent(db)
    cases = [
        (("coach", agent, "--note", "x"), "--note needs --by"),
        (("coach", agent, "--note", "x", "--by", "M", "--focus", "nope"), "unknown IQS criteria"),
        (("coach", agent, "--note", "x", "--by", "M", "--date", "May 1"), "is not a date"),
        (("coach", "--note", "x"), "need an AGENT"),
        (("coach", "nobody"), "no reviews of agent 'nobody'"),
    ]
    for args, message in cases:
        result = cli(*args, "--db", db)
        assert result.code == 1 and message in result.err, (args, result.err)
        assert "Traceback" not in result.err
    assert not (db.parent / "supportqa-coaching.jsonl").exists()


def test_drivers_table_json_and_export_share_the_numbers(cli: Runner, db: Path) -> None:
    data = cli("drivers", "--db", db, "--outcome", "reopened", "--json").json()
    assert data["outcome"] == "reopened" and data["n"] == 120
    assert {e["key"] for e in data["effects"]} and "customer_sentiment" not in {
        e["key"] for e in data["effects"]
    }
    result = cli("drivers", "--db", db, "--outcome", "reopened", "--export", "d.parquet")
    assert result.code == 0, result.err and "Drivers of reopened" in result.out
    exported = pl.read_parquet(Path("d.parquet"))
    assert exported["coef"].to_list() == pytest.approx([e["coef"] for e in data["effects"]])
    bad = cli("drivers", "--db", db, "--outcome", "nps")
    assert bad.code == 1 and "--outcome must be one of" in bad.err

"""`supportqa override add|list` on a real SQLite database scored with the rules-only scorecard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_database
from supportqa.storage import Database, Repository
from supportqa.testing import conversation
from tests.cli.conftest import Runner


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "qa.db"
    database = Database.open(str(path), create=True)
    try:
        repo = Repository(database)
        repo.upsert_conversations(
            [
                conversation(
                    ("customer", "My card was charged twice"),
                    ("agent", "Hi Maria, I refunded the second charge."),
                    id=f"T-{n}",
                    channel="chat",
                )
                for n in (1, 2)
            ]
        )
        score_database(repo, rules_only(default_scorecard()))
    finally:
        database.dispose()
    return path


def stored(db: Path, kind: str, conversation_id: str = "T-1") -> list[str]:
    database = Database.open(str(db), create=True)
    try:
        return [
            r.model_dump_json() for r in Repository(database).reviews_of(conversation_id, kind=kind)
        ]
    finally:
        database.dispose()


def test_add_overrides_a_rating_and_leaves_the_ai_review_alone(cli: Runner, db: Path) -> None:
    before = stored(db, "ai")
    result = cli(
        "override", "add", "--db", db, "--conversation", "T-1", "--criterion", "greeting",
        "--rating", "0", "--by", "tara", "--why", "template greeting", "--at", "2026-03-04T10:00",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "tara overrode greeting on jsonl/T-1: AI 1 (greeting v1) → 0" in result.out
    assert "the AI review is unchanged" in result.out
    assert stored(db, "ai") == before
    [human] = stored(db, "human")
    assert '"reviewer":"tara"' in human and '"reason":"template greeting"' in human


def test_a_second_override_adds_to_the_same_human_review(cli: Runner, db: Path) -> None:
    first = cli(
        "override", "add", "--db", db, "--conversation", "T-1", "--criterion", "greeting",
        "--rating", "0", "--by", "tara", "--why", "template", "--json",
    ).json()  # fmt: skip
    second = cli(
        "override", "add", "--db", db, "--conversation", "T-1", "--criterion", "closing", "--na",
        "--by", "tara", "--why", "customer left", "--json",
    ).json()  # fmt: skip
    assert first["created"] is True and second["created"] is False
    assert first["human_review_id"] == second["human_review_id"]
    assert second["overrides"] == 2
    assert second["override"]["status"] == "na" and second["override"]["rating"] is None
    assert second["scorecard"] == {"name": "default-rules", "version": default_scorecard().version}
    assert len(stored(db, "human")) == 1


def test_list_shows_the_overrides_as_a_table_and_as_json(cli: Runner, db: Path) -> None:
    cli(
        "override", "add", "--db", db, "--conversation", "T-2", "--criterion", "greeting",
        "--rating", "0", "--by", "leo", "--why", "not a greeting", "--at", "2026-03-05T09:00Z",
    )  # fmt: skip
    table = cli("override", "list", "--db", db)
    assert table.code == 0
    assert "T-2" in table.out and "1 → 0" in table.out and "not a greeting" in table.out
    data = cli("override", "list", "--db", db, "--json").json()
    [row] = data["overrides"]
    assert row["conversation_id"] == "T-2" and row["criterion"] == "greeting"
    assert row["ai_rating"] == 1 and row["ai_scorer"]["name"] == "greeting"
    assert row["at"] == "2026-03-05T09:00:00Z"
    assert cli("override", "list", "--db", db, "--conversation", "T-1", "--json").json() == {
        "overrides": []
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--conversation", "nope", "--criterion", "greeting", "--rating", "1"),
            "has no AI review",
        ),
        (("--conversation", "T-1", "--criterion", "greeting"), "either --rating R or --na"),
        (("--conversation", "T-1", "--criterion", "greeting", "--rating", "1", "--na"), "either"),
        (("--conversation", "T-1", "--criterion", "tone", "--rating", "1"), "unknown criterion"),
        (
            ("--conversation", "T-1", "--criterion", "greeting", "--rating", "5"),
            "outside its scale",
        ),
        (
            ("--conversation", "T-1", "--criterion", "greeting", "--rating", "1", "--at", "soon"),
            "not an ISO 8601 time",
        ),
    ],
)
def test_bad_overrides_print_one_red_line(
    cli: Runner, db: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli("override", "add", "--db", db, "--by", "tara", "--why", "x", *args)
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err
    assert stored(db, "human") == []


def test_why_is_required(cli: Runner, db: Path) -> None:
    result = cli(
        "override", "add", "--db", db, "--conversation", "T-1", "--criterion", "greeting",
        "--rating", "0", "--by", "tara",
    )  # fmt: skip
    assert result.code == 2 and "--why" in result.err


def test_an_override_after_the_conversation_changed_starts_a_new_review(
    cli: Runner, db: Path
) -> None:
    """The person's review of the earlier version stays as it was; the new override is a review of
    the new version, beside it."""
    args = ("override", "add", "--db", db, "--conversation", "T-1", "--by", "tara", "--json")
    first = cli(*args, "--criterion", "greeting", "--rating", "0", "--why", "template").json()
    database = Database.open(str(db))
    try:
        repo = Repository(database)
        repo.upsert_conversations(
            [
                conversation(
                    ("customer", "My card was charged twice"),
                    ("agent", "Hello Maria, the second charge is refunded today."),
                    id="T-1",
                    channel="chat",
                )
            ]
        )
        assert score_database(repo, rules_only(default_scorecard())).rescored_changed == 1
    finally:
        database.dispose()
    second = cli(*args, "--criterion", "closing", "--na", "--why", "no closing").json()
    assert second["created"] is True
    assert second["human_review_id"] != first["human_review_id"]
    reviews = [json.loads(r) for r in stored(db, "human")]
    assert len(reviews) == 2
    by_id = {r["review_id"]: r for r in reviews}
    assert [o["criterion"] for o in by_id[first["human_review_id"]]["overrides"]] == ["greeting"]
    assert [o["criterion"] for o in by_id[second["human_review_id"]]["overrides"]] == ["closing"]
    versions = {r["conversation_version"] for r in reviews}
    assert len(versions) == 2 and None not in versions


def test_explain_says_a_review_was_made_on_an_earlier_version(cli: Runner, db: Path) -> None:
    cli("override", "add", "--db", db, "--conversation", "T-1", "--by", "tara",
        "--criterion", "greeting", "--rating", "0", "--why", "template")  # fmt: skip
    database = Database.open(str(db))
    try:
        Repository(database).upsert_conversations(
            [conversation(("customer", "Charged twice"), ("agent", "Refunded."), id="T-1")]
        )
    finally:
        database.dispose()
    shown = cli("explain", "T-1", "--db", db, "--kind", "human", "--json").json()
    assert shown[0]["earlier_version"] is True
    assert "earlier version" in cli("explain", "T-1", "--db", db, "--kind", "human").out

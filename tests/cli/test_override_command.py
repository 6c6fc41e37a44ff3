"""`supportqa override add|list` on a real SQLite database scored with the rules-only scorecard."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.runner import score_database
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
    assert second["scorecard"] == {"name": "default-rules", "version": "2"}
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

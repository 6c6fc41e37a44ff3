"""`supportqa calibrate` on a small demo database: AI (rules-only card) vs simulated reviewers."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from supportqa.domain.scorecard import default_scorecard, load_scorecard
from supportqa.importers.service import import_files
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_database
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations, simulate_reviews
from tests.cli.conftest import Runner

CARD = rules_only(default_scorecard())  # "default-rules", CX off
V = CARD.version
NEXT = str(int(V) + 1)  # the version `--apply` writes
VERDICTS = {"trusted", "untrusted", "insufficient", "human-only"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """300 generated conversations, simulated human reviews of about half, AI reviews of all;
    returns the database and how many conversations people reviewed."""
    folder = tmp_path_factory.mktemp("calibrate")
    conversations = list(generate_conversations(300, 11))
    lines = list(simulate_reviews(conversations, 11, share=0.5))
    (folder / "conversations.jsonl").write_bytes(
        b"".join(orjson.dumps(c) + b"\n" for c in conversations)
    )
    (folder / "reviews.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in lines))
    database = Database.open(folder / "qa.db", create=True)
    try:
        repo = Repository(database)
        repo.save_scorecard(default_scorecard())  # as `supportqa init` does
        imported = import_files(
            repo,
            [folder / "conversations.jsonl", folder / "reviews.jsonl"],
            scorecard=default_scorecard(),
        )
        assert imported.failed == 0
        score_database(repo, CARD)
    finally:
        database.dispose()
    return folder / "qa.db", len({line["conversation_id"] for line in lines})


@pytest.fixture
def db_copy(demo_db: tuple[Path, int], tmp_path: Path) -> Path:
    """A private copy for tests that write (`--apply`)."""
    target = tmp_path / "db" / "qa.db"
    target.parent.mkdir()
    shutil.copy(demo_db[0], target)
    return target


def test_json_reports_every_criterion_iqs_cx_and_a_summary(
    cli: Runner, demo_db: tuple[Path, int]
) -> None:
    db, reviewed = demo_db
    result = cli(
        "calibrate", "--db", db, "--scorecard-name", "default-rules", "--bootstrap", "200", "--json"
    )
    assert result.code == 0, result.err
    data = result.json()
    assert data["scorecard"] == {"name": "default-rules", "version": V}
    assert data["counts"]["ai_conversations"] == 300
    assert data["counts"]["overlapping"] == data["counts"]["human_conversations"] == reviewed
    assert [c["key"] for c in data["criteria"]] == CARD.keys
    for criterion in data["criteria"]:
        assert criterion["verdict"] in VERDICTS
        assert criterion["n_pairs"] <= reviewed
        assert len(criterion["disagreements"]) <= 5
        if criterion["n_pairs"] >= 30:
            metric = criterion["verdict_metric"]
            assert metric["value"] == criterion["kappa"]
            assert metric["low"] <= metric["value"] <= metric["high"]
    greeting = next(c for c in data["criteria"] if c["key"] == "greeting")
    assert greeting["n_pairs"] == reviewed  # everybody rates greetings, nobody says N/A
    assert data["iqs"]["n"] == reviewed
    assert data["cx"] == data["cx"] | {"n": 0, "reference": "none"}  # CX is off on this card
    assert 0 < data["scorecard_alignment"]["value"] <= 1
    assert data["summary"].endswith(
        f"scorecard alignment {data['scorecard_alignment']['value']:.1%}."
    )
    assert data["apply"] is None


def test_table_shows_the_same_figures_as_json(cli: Runner, demo_db: tuple[Path, int]) -> None:
    db, _ = demo_db
    args = ("calibrate", "--db", db, "--scorecard-name", "default-rules", "--bootstrap", "0")
    data = cli(*args, "--json").json()
    table = cli(*args)
    assert table.code == 0, table.err
    assert f"AI vs human — default-rules v{V}" in table.out
    assert "IQS and CX" in table.out and "Largest disagreements" in table.out
    assert " ".join(data["summary"].split()) in " ".join(table.out.split())
    for criterion in data["criteria"]:
        assert criterion["key"] in table.out
        assert criterion["verdict"] in table.out


def test_exclude_sessions_leaves_session_reviews_out_of_the_consensus(
    cli: Runner, demo_db: tuple[Path, int]
) -> None:
    args = (
        "calibrate",
        "--db",
        demo_db[0],
        "--scorecard-name",
        "default-rules",
        "--bootstrap",
        "0",
    )
    every = cli(*args, "--json").json()["counts"]
    everyday = cli(*args, "--exclude-sessions", "--json").json()["counts"]
    # Each sampled conversation has one everyday review; a session adds three more.
    assert everyday["human_reviews"] == everyday["human_conversations"] == demo_db[1]
    assert every["human_reviews"] > everyday["human_reviews"]
    assert (every["human_reviews"] - everyday["human_reviews"]) % 3 == 0


def test_apply_writes_a_new_loadable_version_once(cli: Runner, db_copy: Path) -> None:
    args = ("calibrate", "--db", db_copy, "--scorecard-name", "default-rules", "--bootstrap", "0")
    strict = ("--metric", "exact", "--threshold", "0.999", "--min-pairs", "5")
    first = cli(*args, *strict, "--apply", "--json")
    assert first.code == 0, first.err
    applied = first.json()["apply"]
    assert applied["written"] is True
    assert applied["version"] == NEXT
    untrusted = [c["key"] for c in first.json()["criteria"] if c["verdict"] == "untrusted"]
    assert untrusted and [c["key"] for c in applied["changes"]] == untrusted
    path = db_copy.parent / f"scorecard-default-rules-v{NEXT}.yaml"
    assert applied["file"] == str(path)
    card = load_scorecard(path)
    assert (card.name, card.version) == ("default-rules", NEXT)
    for criterion in card.criteria:
        assert criterion.human_only == (criterion.key in untrusted)
        if criterion.key in untrusted:
            assert "Human-only since calibrate on" in criterion.description
    listed = cli("scorecard", "list", "--db", db_copy, "--json").json()
    assert {"name": "default-rules", "version": NEXT} in listed

    again = cli(*args, *strict, "--apply")
    assert again.code == 0, again.err
    assert f"already applied: default-rules v{NEXT}" in " ".join(again.out.split())
    assert f"v{NEXT} stored later but not scored yet; comparing v{V}" in " ".join(again.err.split())
    versions = [r["version"] for r in cli("scorecard", "list", "--db", db_copy, "--json").json()]
    assert versions.count(NEXT) == 1 and str(int(NEXT) + 1) not in versions


def test_apply_with_nothing_untrusted_writes_nothing(cli: Runner, db_copy: Path) -> None:
    result = cli(
        "calibrate", "--db", db_copy, "--scorecard-name", "default-rules", "--bootstrap", "0",
        "--threshold", "-1", "--apply",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "no criterion is untrusted: nothing to write" in result.out
    assert not list(db_copy.parent.glob("*.yaml"))


def test_apply_refuses_to_overwrite_a_file(cli: Runner, db_copy: Path, tmp_path: Path) -> None:
    taken = tmp_path / "taken.yaml"
    taken.write_text("keep me")
    result = cli(
        "calibrate", "--db", db_copy, "--scorecard-name", "default-rules", "--bootstrap", "0",
        "--threshold", "2", "--apply", "--out", taken,
    )  # fmt: skip
    assert result.code == 1
    assert "already exists" in result.err
    assert taken.read_text() == "keep me"


def test_subcommands_do_not_run_the_comparison(cli: Runner, demo_db: tuple[Path, int]) -> None:
    result = cli("calibrate", "sessions", "--help")
    assert result.code == 0, result.err
    assert "AI vs human" not in result.out
    assert "--db" in result.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--scorecard-name", "nope"), "no scorecard named 'nope' is stored"),
        (("--scorecard-name", "default-rules", "--version", "9"), "has no stored version '9'"),
        (("--scorecard-name", "default"), f"no AI reviews of scorecard default v{V}"),
        (("--metric", "accuracy"), "unknown --metric 'accuracy'"),
    ],
)
def test_clear_errors(
    cli: Runner, demo_db: tuple[Path, int], args: tuple[str, ...], message: str
) -> None:
    result = cli("calibrate", "--db", demo_db[0], *args)
    assert result.code == 1
    assert message in " ".join(result.err.split())
    assert "Traceback" not in result.err


def test_no_human_reviews_says_to_import_them(cli: Runner, tmp_path: Path) -> None:
    conversations = tmp_path / "conversations.jsonl"
    conversations.write_bytes(
        b"".join(orjson.dumps(c) + b"\n" for c in generate_conversations(20, 3))
    )
    database = Database.open(tmp_path / "qa.db", create=True)
    try:
        repo = Repository(database)
        import_files(repo, [conversations], scorecard=default_scorecard())
        score_database(repo, CARD)
    finally:
        database.dispose()
    result = cli("calibrate", "--db", tmp_path / "qa.db", "--scorecard-name", "default-rules")
    assert result.code == 1
    assert "no human reviews stored (20 conversations have an AI review" in " ".join(
        result.err.split()
    )
    assert "supportqa import" in result.err


def test_calibrate_records_verdicts_that_iqs_and_coach_label(cli: Runner, db_copy: Path) -> None:
    """Every `calibrate` run (no --apply) records its verdicts; `iqs --json` names the untrusted
    criteria, `coach AGENT --json` leaves them out of the card's focus and says so."""
    args = ("--scorecard-name", "default-rules", "--bootstrap", "0", "--min-pairs", "10")
    assert cli("calibrate", "--db", db_copy, *args, "--threshold", "-1", "--json").code == 0
    before = cli("iqs", "--db", db_copy, "--json").json()
    assert before["untrusted_criteria"] == []  # the run replaced whatever was recorded before
    data = cli("calibrate", "--db", db_copy, *args, "--threshold", "0.9", "--json").json()
    untrusted = sorted(c["key"] for c in data["criteria"] if c["verdict"] == "untrusted")
    assert untrusted, "a kappa of 0.9 is more than the rules reach on some criterion"
    after = cli("iqs", "--db", db_copy, "--json").json()
    assert after["untrusted_criteria"] == untrusted
    table = cli("iqs", "--db", db_copy, "--by", "criterion")
    assert f"{untrusted[0]} (untrusted)" in table.out
    rows = cli("coach", "--db", db_copy, "--json").json()
    assert rows and not set(untrusted) & {r["top_focus"] for r in rows}
    card = cli("coach", rows[0]["agent"], "--db", db_copy, "--json").json()
    assert card["left_out"] == untrusted
    assert not set(untrusted) & {f["key"] for f in card["focus"]}
    shown = cli("coach", rows[0]["agent"], "--db", db_copy)
    assert "Left out (untrusted by the latest calibration)" in shown.out
    made = cli("report", "--db", db_copy, "--out", db_copy.parent / "r.html", "--json").json()
    assert made["untrusted_criteria"] == made["left_out"] == untrusted
    page = (db_copy.parent / "r.html").read_text()
    assert f'{untrusted[0]} <span class="untrusted">untrusted</span>' in page

"""The command line, end to end on a real SQLite file: what a user types and what they see."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from supportqa.domain.scorecard import default_scorecard
from tests.cli.conftest import Runner

DEFAULT_REF = {"name": "default", "version": default_scorecard().version}

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def generated(cli: Runner, tmp_path: Path) -> tuple[Path, Path]:
    conversations, reviews = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    result = cli(
        "generate",
        "--n",
        "300",
        "--seed",
        "5",
        "-o",
        conversations,
        "--reviews",
        reviews,
        "--review-share",
        "0.2",
        "--json",
    )
    assert result.code == 0, result.err
    assert result.json()["conversations"] == 300
    return conversations, reviews


def test_generate_is_deterministic_per_seed(cli: Runner, tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert (
            cli("generate", "--n", "50", "--seed", "9", "-o", tmp_path / f"{name}.jsonl").code == 0
        )
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert len((tmp_path / "a.jsonl").read_bytes().splitlines()) == 50


def test_init_creates_database_and_stores_default_scorecard(cli: Runner, tmp_path: Path) -> None:
    result = cli("init", "--db", tmp_path / "x.db", "--json")
    assert result.code == 0 and result.json()["scorecard"] == {
        "name": "default",
        "version": default_scorecard().version,
    }
    assert (tmp_path / "x.db").exists()
    again = cli("init", "--db", tmp_path / "x.db", "--json")
    assert again.json()["new"] is False
    listed = cli("scorecard", "list", "--db", tmp_path / "x.db", "--json").json()
    assert listed == [DEFAULT_REF]


def test_import_twice_changes_nothing(cli: Runner, generated: tuple[Path, Path]) -> None:
    conversations, reviews = generated
    first = cli("import", conversations, reviews, "--json").json()
    assert first["imported"] == first["conversations"] + first["reviews"]
    assert first["conversations"] == 300 and first["failed"] == 0
    second = cli("import", conversations, reviews, "--json").json()
    assert (second["imported"], second["updated"]) == (0, 0)
    assert second["unchanged"] == first["imported"]


def test_import_reports_bad_records_with_file_and_line_and_keeps_the_rest(cli: Runner) -> None:
    result = cli("import", DATA / "conversations_mixed.jsonl", "--json")
    assert result.code == 1
    report = result.json()
    assert report["imported"] == 3  # c1, c3 and the ratings line for c1
    lines = sorted(e["line"] for e in report["errors"])
    assert lines == [2, 5, 6, 8, 9, 10]
    assert all(e["file"].endswith("conversations_mixed.jsonl") for e in report["errors"])


def test_import_of_a_missing_file_is_reported_not_a_traceback(cli: Runner) -> None:
    result = cli("import", "nope.jsonl", "--json")
    assert result.code == 1 and "cannot open" in result.json()["errors"][0]["reason"]


def test_score_database_then_iqs_by_agent_matches_scoring_the_file(
    cli: Runner, generated: tuple[Path, Path], tmp_path: Path
) -> None:
    conversations, _ = generated
    cli("import", conversations)
    scored = cli("score", "--json").json()
    assert scored["scored"] == 300 and scored["skipped"] == 0
    assert cli("score", "--json").json()["scored"] == 0  # nothing scored twice
    from_db = cli("iqs", "--kind", "ai", "--by", "agent", "--json").json()
    out = tmp_path / "reviews.jsonl"
    assert cli("score", conversations, "-o", out, "--json").json()["scored"] == 300
    from_file = cli("iqs", out, "--kind", "ai", "--by", "agent", "--json").json()
    db_rows = {r["group"]["agent"]: (round(r["iqs"], 9), r["reviews"]) for r in from_db["rows"]}
    file_rows = {r["group"]["agent"]: (round(r["iqs"], 9), r["reviews"]) for r in from_file["rows"]}
    assert db_rows == file_rows and len(db_rows) > 10
    db_criteria = {c["key"]: c["avg_score_pct"] for c in from_db["criteria"]}
    file_criteria = {c["key"]: c["avg_score_pct"] for c in from_file["criteria"]}
    assert db_criteria.keys() == file_criteria.keys()
    for key, value in db_criteria.items():
        assert (
            value == pytest.approx(file_criteria[key])
            if value is not None
            else file_criteria[key] is None
        )


def test_score_writes_reviews_with_evidence_in_the_documented_shape(
    cli: Runner, generated: tuple[Path, Path], tmp_path: Path
) -> None:
    conversations, _ = generated
    out = tmp_path / "reviews.jsonl"
    cli("score", conversations, "-o", out)
    records = [orjson.loads(raw) for raw in conversations.read_bytes().splitlines()]
    convs = {record["id"]: record for record in records}
    for line in out.read_bytes().splitlines():
        review = orjson.loads(line)
        assert review["kind"] == "ai" and review["scorecard"] == {
            "name": "default",
            "version": default_scorecard().version,
        }
        assert set(review["counts"]) == {"rated", "na", "unsure", "failed", "unrated"}
        messages = convs[review["conversation_id"]]["messages"]
        for criterion in review["criteria"]:
            assert criterion["status"] in {"rated", "na", "unsure", "failed", "unrated"}
            for ev in criterion["evidence"]:
                if ev["kind"] == "quote":
                    assert ev["quote"] in messages[ev["message_index"]]["text"]
                    assert len(ev["quote"].split()) <= 30


def test_iqs_from_ratings_file_uses_the_scorecard(
    cli: Runner, generated: tuple[Path, Path]
) -> None:
    _, reviews = generated
    result = cli("iqs", reviews, "--by", "reviewer", "--json").json()
    by_reviewer = {r["group"]["reviewer"]: r["iqs"] for r in result["rows"]}
    assert set(by_reviewer) == {"rev-harsh", "rev-lenient", "rev-true"}
    assert by_reviewer["rev-harsh"] < by_reviewer["rev-true"] < by_reviewer["rev-lenient"]


def test_iqs_tables_print_ai_next_to_human(cli: Runner, generated: tuple[Path, Path]) -> None:
    conversations, reviews = generated
    cli("import", conversations, reviews)
    cli("score")
    result = cli("iqs", "--by", "team")
    assert result.code == 0
    assert "AI IQS" in result.out and "HUMAN IQS" in result.out and "Billing" in result.out
    by_criterion = cli("iqs", "--by", "criterion")
    assert "greeting" in by_criterion.out and "AI IQS" not in by_criterion.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("iqs", "--by", "planet"), "cannot group by planet"),
        (("iqs", "--kind", "robot"), "--kind must be ai or human"),
        (("score", "missing.jsonl", "-o", "out.jsonl"), "missing.jsonl: no such file"),
        (("score", "missing.jsonl"), "give -o/--out"),
        (("scorecard", "validate", "missing.yaml"), "cannot read scorecard"),
        (("schema", "nothing"), "unknown schema"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_1(
    cli: Runner, args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert result.code == 1
    assert message in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) <= 2


def test_scorecard_validate_checks_scorer_names_and_args(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "card.yaml"
    path.write_text(
        "name: x\nversion: 1\ncriteria:\n  - {key: a, weight: 5, scale: binary, "
        "scorer: {greeting: {colour: red}}}\n"
    )
    result = cli("scorecard", "validate", path)
    assert result.code == 1 and "criterion 'a'" in result.err and "bad arguments" in result.err
    ok = cli(
        "scorecard",
        "validate",
        Path(__file__).resolve().parents[2] / "src/supportqa/scorecards/default.yaml",
        "--json",
    )
    assert ok.code == 0 and ok.json()["group_weights"]["Resolution"] == 40


def test_scorecard_show_json_round_trips(cli: Runner) -> None:
    data = cli("scorecard", "show", "--json").json()
    assert [c["key"] for c in data["criteria"]][:2] == ["greeting", "resolution"]


def test_demo_runs_end_to_end(cli: Runner, tmp_path: Path) -> None:
    result = cli("demo", "--dir", tmp_path / "demo", "--n", "200", "--no-serve", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["score"]["scored"] == 200
    kinds = {row["group"]["kind"] for row in data["iqs"]["team"]["rows"]}
    assert kinds == {"ai", "human"}
    assert (tmp_path / "demo" / "supportqa.db").exists()
    again = cli("demo", "--dir", tmp_path / "demo", "--n", "200", "--no-serve", "--json").json()
    assert again["score"]["scored"] == 0 and again["import"]["imported"] == 0


def test_scorers_lists_the_built_in_rule_scorers(cli: Runner) -> None:
    rows = {row["name"]: row for row in cli("scorers", "--json").json()}
    assert {"greeting", "closing", "responsiveness", "pii_exposure"} <= set(rows)
    assert "phrases" in rows["forbidden_phrases"]["args"]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("zendesk/tickets.json", "zendesk"),
        ("zendesk/tickets.jsonl", "zendesk"),
        ("intercom/conversations.json", "intercom"),
        ("intercom/conversations.jsonl", "intercom"),
        ("freshdesk/tickets.json", "freshdesk"),
        ("csv/messages.csv", "csv"),
    ],
)
def test_import_detects_each_help_desk_format_and_is_idempotent(
    cli: Runner, path: str, fmt: str
) -> None:
    first = cli("import", DATA / path, "--json").json()
    # messages.csv has two whole conversations (a third lost rows: listed as incomplete)
    assert first["conversations"] >= 2 and first["imported"] >= 2
    named = cli("import", DATA / path, "--format", fmt, "--json").json()
    assert named["imported"] == 0 and named["updated"] == 0
    assert named["unchanged"] == first["imported"]
    assert named["failed"] == first["failed"]
    for error in first["errors"]:
        assert error["file"].endswith(Path(path).name)
        assert error["line"] is not None or error["index"] is not None


def test_csv_mapping_flag_reads_unusual_headers(cli: Runner) -> None:
    without = cli("import", DATA / "csv/legacy_export.csv", "--json")
    with_mapping = cli(
        "import",
        DATA / "csv/legacy_export.csv",
        "--csv-mapping",
        DATA / "csv/legacy_mapping.yaml",
        "--json",
    ).json()
    assert with_mapping["conversations"] >= 2
    assert without.code == 1 or without.json()["conversations"] < with_mapping["conversations"]


def test_a_csv_conversation_with_a_rejected_row_is_listed_and_never_scored(
    cli: Runner, tmp_path: Path
) -> None:
    path = tmp_path / "messages.csv"
    path.write_text(
        "conversation_id,role,text\n"
        "c1,customer,Where is my refund?\n"
        "c1,agent,It was sent today.\n"
        "c2,customer,I cannot log in\n"
        'c2,agent,"Try this link\n'  # a stray quote: this row is lost, so c2 is incomplete
        "c2,customer,Thanks, that worked!\n",
        encoding="utf-8",
    )
    result = cli("import", path)
    assert result.code == 1
    assert f"{path}:5: unterminated quoted field starting here" in result.err
    assert "conversation 'c2' not imported: incomplete" in result.err
    report = cli("import", path, "--json").json()
    [incomplete] = [e for e in report["errors"] if e["id"] == "c2"]
    assert incomplete["line"] == 4 and "line 5" in incomplete["reason"]
    scored = cli("score", "--json").json()
    assert scored["scored"] == 1  # c1 only: c2 is not stored as if it were whole


def test_import_warnings_are_shown_as_text_and_in_json(cli: Runner, tmp_path: Path) -> None:
    record = {
        "id": "[bold]x[/bold]",
        "created_at": "0001-01-01T00:00:00Z",
        "messages": [{"role": "customer", "text": "hello"}],
    }
    path = tmp_path / "c.jsonl"
    path.write_bytes(orjson.dumps(record) + b"\n")
    result = cli("import", path)
    assert result.code == 0
    assert f"warning: {path}:1: record '[bold]x[/bold]': created_at 0001-01-01" in result.err
    report = cli("import", path, "--json").json()
    [warning] = report["warnings"]
    assert (warning["line"], warning["id"]) == (1, "[bold]x[/bold]")


def test_demo_into_a_path_that_is_a_file_is_one_line_not_a_traceback(
    cli: Runner, tmp_path: Path
) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    result = cli("demo", "--dir", blocker, "--no-serve")
    assert result.code == 1
    assert "cannot use" in result.err and "Traceback" not in result.err

"""`calibrate sessions` and `calibrate drift` end to end on a real SQLite file built with the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import plotly.offline
import pytest
import yaml

from supportqa.cli import main
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.storage import Database, Repository
from tests.cli.conftest import Runner

V = default_scorecard().version  # the stored rules-only card's version
NEXT = str(int(V) + 1)  # the candidate's


def write_card(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def supportqa(*args: str | Path) -> None:
    """The real entry point, for fixtures built once per module (the `cli` fixture is per test)."""
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        assert not exc.code, f"supportqa {' '.join(map(str, args))} exited with {exc.code}"


@pytest.fixture(scope="module")
def built_sessions_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 generated conversations, half reviewed by people; ~40 in calibration sessions."""
    where = tmp_path_factory.mktemp("sessions")
    conversations, reviews = where / "c.jsonl", where / "r.jsonl"
    supportqa(
        "generate", "--n", "400", "--seed", "5", "-o", conversations,
        "--reviews", reviews, "--review-share", "0.5",
    )  # fmt: skip
    supportqa("import", conversations, reviews, "--db", where / "sessions.db", "--json")
    return where / "sessions.db"


@pytest.fixture
def sessions_db(built_sessions_db: Path, tmp_path: Path) -> Path:
    """A private copy, so a test may score into it."""
    return Path(shutil.copy(built_sessions_db, tmp_path / "sessions.db"))


def test_sessions_json_labels_the_planted_reviewers(cli: Runner, sessions_db: Path) -> None:
    result = cli("calibrate", "sessions", "--db", sessions_db, "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["reference"] == "consensus" and report["conversations"] >= 30
    labels = {r["reviewer"]: r["label"] for r in report["reviewers"]}
    assert labels["rev-harsh"] == "harsh" and labels["rev-lenient"] == "lenient"
    grid = report["heatmap"]
    assert grid["reviewers"] == ["rev-harsh", "rev-lenient", "rev-true"]
    assert len(grid["criteria"]) == 13 and len(grid["normalised_bias"][0]) == 13
    assert all(s["session_id"].startswith("cal-2026-W") for s in report["sessions"])


def test_sessions_table_and_plot_are_self_contained(
    cli: Runner, sessions_db: Path, tmp_path: Path
) -> None:
    plot = tmp_path / "out" / "heat.html"
    result = cli(
        "calibrate", "sessions", "--db", sessions_db, "--benchmark", "rev-true", "--plot", plot
    )
    assert result.code == 0, result.err
    assert "Bias against the benchmark rev-true" in result.out and "rev-harsh" in result.out
    assert "harsh" in result.out and "α" in result.out and str(plot) in result.out
    html = plot.read_text(encoding="utf-8")
    library = plotly.offline.get_plotlyjs()
    assert library[:200] in html and "plotly.js v" in html  # the library itself, inline
    assert "<script src=" not in html and "<link" not in html  # nothing loaded from elsewhere
    # plotly.js mentions two CDN URLs in code for geo maps; the page adds none of its own.
    assert html.count("https://cdn") == library.count("https://cdn")


def test_one_session_with_the_ai_as_a_reviewer(
    cli: Runner, sessions_db: Path, tmp_path: Path
) -> None:
    data = rules_only(default_scorecard(), name="default").to_dict()
    data["version"] = "rules"
    card = write_card(tmp_path / "rules.yaml", data)
    assert cli("score", "--db", sessions_db, "--scorecard", card).code == 0
    first = cli("calibrate", "sessions", "--db", sessions_db, "--json").json()["sessions"][0]
    result = cli(
        "calibrate", "sessions", "--db", sessions_db, "--include-ai",
        "--session", first["session_id"], "--json",
    )  # fmt: skip
    assert result.code == 0, result.err
    report = result.json()
    assert report["include_ai"] and report["heatmap"]["reviewers"][-1] == "ai"
    assert report["conversations"] == first["conversations"]
    ai = {d["criterion"]: d["n"] for d in report["deviations"] if d["reviewer"] == "ai"}
    assert ai["greeting"] > 0 and ai["resolution"] == 0  # rules-only: no resolution scorer


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--session", "cal-1999-W01"), "no session 'cal-1999-W01'"),
        (("--benchmark", "nobody"), "benchmark reviewer 'nobody'"),
        (("--scorecard-name", "other"), "no calibration-session reviews on scorecard 'other'"),
        (("--include-ai",), "no AI reviews of scorecard 'default'"),
        (("--include-ai", "--ai-version", "9"), "default v9 is not stored"),
    ],
)
def test_sessions_bad_selection_is_one_red_line(
    cli: Runner, sessions_db: Path, args: tuple[str, ...], message: str
) -> None:
    result = cli("calibrate", "sessions", "--db", sessions_db, *args)
    assert result.code == 1 and message in result.err and "Traceback" not in result.err


# ---- drift ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_drift_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """150 conversations scored with the rules-only default card (default-rules, this version)."""
    where = tmp_path_factory.mktemp("drift")
    conversations = where / "c.jsonl"
    supportqa("generate", "--n", "150", "--seed", "3", "-o", conversations)
    data = rules_only(default_scorecard()).to_dict()
    card = write_card(where / "rules.yaml", data)
    supportqa("import", conversations, "--db", where / "drift.db", "--scorecard", card)
    supportqa("score", "--db", where / "drift.db", "--scorecard", card)
    return where / "drift.db", data


@pytest.fixture
def drift_db(
    built_drift_db: tuple[Path, dict[str, Any]], tmp_path: Path
) -> tuple[Path, dict[str, Any]]:
    db, data = built_drift_db
    return Path(shutil.copy(db, tmp_path / "drift.db")), data


def candidate(tmp_path: Path, data: dict[str, Any], change: str) -> Path:
    changed = {**data, "version": NEXT, "criteria": [dict(c) for c in data["criteria"]]}
    for criterion in changed["criteria"]:
        if criterion["key"] == "responsiveness" and change == "sla":
            sla = {"chat": {"first": 20, "next": 40}, "default": {"first": 60, "next": 120}}
            criterion["scorer"] = [{"responsiveness": {"sla": sla}}]
        if criterion["key"] == "closing" and change == "remove":
            del criterion["scorer"]
    return write_card(tmp_path / f"candidate-{change}.yaml", changed)


def by_key(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in report["criteria"]}


def test_candidate_drift_is_exactly_on_the_changed_criterion(
    cli: Runner, drift_db: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    db, data = drift_db
    stored = _ai_review_count(db)
    card = candidate(tmp_path, data, "sla")
    result = cli("calibrate", "drift", "--db", db, "--candidate", card, "--sample", "500", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["conversations"] == 150 and report["before"] == f"default-rules v{V} (stored)"
    criteria = by_key(report)
    moved = {key for key, c in criteria.items() if c["changed_count"] > 0}
    assert moved == {"responsiveness"} and criteria["responsiveness"]["scorer_changed"]
    assert criteria["responsiveness"]["shift"] < 0 and criteria["responsiveness"]["shift_high"] < 0
    assert all(c["shift"] in (0, None) for k, c in criteria.items() if k != "responsiveness")
    assert report["iqs"]["shift"] < 0 and report["cx"]["n"] == 0  # CX is off in rules-only
    database = Database.open(db, create=True)  # the candidate was scored in memory only
    try:
        repo = Repository(database)
        assert repo.get_scorecard("default-rules", NEXT) is None
    finally:
        database.dispose()
    assert _ai_review_count(db) == stored  # a review per reviewee of the 150 conversations


def _ai_review_count(db: Path) -> int:
    database = Database.open(db)
    try:
        return Repository(database).count_reviews("ai")
    finally:
        database.dispose()


def test_removing_a_scorer_leaves_that_criterion_unrated(
    cli: Runner, drift_db: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    db, data = drift_db
    card = candidate(tmp_path, data, "remove")
    args = ("calibrate", "drift", "--db", db, "--candidate", card, "--sample", "40", "--seed", "2")
    report = cli(*args, "--json").json()
    assert report["conversations"] == 40
    criteria = by_key(report)
    assert {k for k, c in criteria.items() if c["changed_count"]} == {"closing"}
    closing = criteria["closing"]
    # every paired review of the 40 conversations (one per reviewee, so at least 40) is unrated
    after = closing["after"]
    assert closing["changed"] == 1.0 and after["unrated"] == sum(after.values()) >= 40
    assert closing["n"] == 0
    table = cli(*args)
    assert table.code == 0 and "closing" in table.out and "100.0%" in table.out


def test_two_stored_versions_compare_like_the_candidate(
    cli: Runner, drift_db: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    db, data = drift_db
    card = candidate(tmp_path, data, "sla")
    in_memory = cli("calibrate", "drift", "--db", db, "--candidate", card, "--json").json()
    assert cli("score", "--db", db, "--scorecard", card).code == 0
    stored = cli(
        "calibrate", "drift", "--db", db, "--scorecard-name", "default-rules",
        "--from", V, "--to", NEXT, "--json",
    )  # fmt: skip
    assert stored.code == 0, stored.err
    report = stored.json()
    assert (report["before"], report["after"]) == (f"default-rules v{V}", f"default-rules v{NEXT}")
    assert by_key(report) == by_key(in_memory)
    assert report["iqs"] == in_memory["iqs"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", V, "--to", "9"), "version 9 of scorecard 'default-rules' is not in"),
        (("--from", "7", "--to", V), "version 7 of scorecard 'default-rules'"),
        (("--to", V), "--to needs --from"),
        ((), "give either --to VERSION"),
    ],
)
def test_drift_bad_versions_are_one_red_line(
    cli: Runner, drift_db: tuple[Path, dict[str, Any]], args: tuple[str, ...], message: str
) -> None:
    db, _ = drift_db
    result = cli("calibrate", "drift", "--db", db, "--scorecard-name", "default-rules", *args)
    assert result.code == 1 and message in result.err and "Traceback" not in result.err

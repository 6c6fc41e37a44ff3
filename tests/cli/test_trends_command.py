"""`supportqa trends`, `stability` and `external` on a small real SQLite database."""

from __future__ import annotations

import statistics
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
    path = tmp_path / "qa.db"
    database = Database.open(path, create=True)
    repo = Repository(database)
    conversations = [Conversation.model_validate(r) for r in generate_conversations(80, 5)]
    repo.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repo.save_scorecard(card)
    repo.upsert_reviews(ScoringEngine(card).score(conversations))
    database.dispose()
    return path


def test_trends_json_matches_a_plain_recomputation(cli: Runner, db: Path) -> None:
    result = cli("trends", "--db", db, "--kind", "ai", "--json")
    assert result.code == 0, result.err
    data = result.json()
    database = Database.open(db, create=True)
    weekly: dict[str, list[float]] = {}
    for review in Repository(database).iter_reviews():
        if review.iqs is not None and review.period_at is not None:
            iso = review.period_at.isocalendar()
            weekly.setdefault(f"{iso.year}-W{iso.week:02d}", []).append(review.iqs)
    database.dispose()
    points = {p["period"]: p for p in data["trends"]["points"] if p["metric"] == "ai_iqs"}
    assert set(points) == set(weekly)
    for week, values in weekly.items():
        assert points[week]["n"] == len(values)
        assert points[week]["mean"] == pytest.approx(statistics.mean(values))
    assert data["target"]["benchmark"] == 88.0


def test_trends_table_and_parquet_export(cli: Runner, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    result = cli(
        "trends",
        "--db",
        db,
        "--by",
        "team",
        "--target",
        "80",
        "--by-date",
        "2027-05-01",
        "--from",
        "75",
        "--export",
        out,
    )
    assert result.code == 0, result.err
    assert "Trends by week and team" in result.out and "stretch goal 80%" in result.out
    frame = pl.read_parquet(out)
    assert {"period", "team", "metric", "n", "delta", "ci_low", "real_change"} <= set(frame.columns)
    assert "ai_iqs" in set(frame["metric"].unique())


def test_stability_and_external_commands(cli: Runner, db: Path, tmp_path: Path) -> None:
    result = cli("stability", "--db", db, "--json")
    assert result.code == 0, result.err
    rows = result.json()["rows"]
    assert rows[0]["scope"] == "overall" and rows[0]["conversations"] == 80
    assert rows[0]["csat"]["covered"] == sum(r["csat"]["covered"] for r in rows[1:])
    out = tmp_path / "s.csv"
    assert cli("stability", "--db", db, "--export", out).code == 0
    assert pl.read_csv(out)["scope"][0] == "overall"
    external = cli("external", "--db", db, "--weekly")
    assert external.code == 0, external.err
    assert "NPS" in external.out and "CES" in external.out and "cust. rank" in external.out
    data = cli("external", "--db", db, "--json").json()
    assert data["available"] == ["csat", "nps", "ces"] and data["missing"] == []
    teams = data["teams"]
    assert sum(t["nps_n"] for t in teams) > 0 and {"nps", "ces", "customer_rank"} <= set(teams[0])


def test_bad_options_are_one_clear_line(cli: Runner, db: Path) -> None:
    result = cli("trends", "--db", db, "--period", "year")
    assert result.code == 1 and "--period must be one of" in result.err
    assert "Traceback" not in result.err
    result = cli("trends", "--db", db, "--target", "80", "--by-date", "next May")
    assert result.code == 1 and "YYYY-MM-DD" in result.err

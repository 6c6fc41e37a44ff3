"""`supportqa runs` and what `score` says about killed runs, changed and stale reviews."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import update

from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.storage import Database, Repository
from supportqa.storage.tables import scoring_runs
from tests.cli.conftest import Runner
from tests.storage.builders import conversation

CARD = rules_only(default_scorecard())


def test_a_killed_run_is_interrupted_in_runs_and_in_the_next_score(
    cli: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "qa.db"
    card = tmp_path / "rules.yaml"
    card.write_text(yaml.safe_dump(CARD.to_dict()))
    database = Database.open(db)
    repo = Repository(database)
    repo.upsert_conversations([conversation("c1"), conversation("c2")])
    killed = repo.start_run(ScorecardRef(name=CARD.name, version=CARD.version))
    with database.engine.begin() as connection:
        connection.execute(
            update(scoring_runs)
            .where(scoring_runs.c.id == killed)
            .values(owner="another-machine:1", heartbeat_at=scoring_runs.c.started_at)
        )
    database.dispose()

    shown = cli("runs", "--db", db, "--json")
    assert shown.code == 0, shown.err
    assert [r["status"] for r in shown.json()["runs"]] == ["running"], "inside the lease"

    monkeypatch.setenv("SUPPORTQA_CLAIM_LEASE_S", "0.5")
    time.sleep(0.6)
    shown = cli("runs", "--db", db, "--json")
    assert [r["status"] for r in shown.json()["runs"]] == ["interrupted"], "its heartbeat lapsed"
    scored = cli("score", "--db", db, "--scorecard", card, "--json")
    assert scored.code == 0, scored.err
    assert scored.json()["interrupted_runs"] == [killed]
    assert scored.json()["scored"] == 2

    table = cli("runs", "--db", db)
    assert "interrupted" in table.out and "finished" in table.out


def test_score_reports_changed_conversations_it_scored_again(cli: Runner, tmp_path: Path) -> None:
    db = tmp_path / "qa.db"
    card = tmp_path / "rules.yaml"
    card.write_text(yaml.safe_dump(CARD.to_dict()))
    database = Database.open(db)
    Repository(database).upsert_conversations([conversation("c1"), conversation("c2")])
    assert cli("score", "--db", db, "--scorecard", card, "--json").json()["scored"] == 2
    Repository(database).upsert_conversations([conversation("c1", text="Refund sent today.")])
    database.dispose()
    again = cli("score", "--db", db, "--scorecard", card, "--json").json()
    assert (again["scored"], again["rescored_changed"], again["stale"]) == (1, 1, 0)
    printed = cli("score", "--db", db, "--scorecard", card)
    assert "rescored changed" in printed.out

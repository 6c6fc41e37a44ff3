"""Tables written to a file or a pipe keep every figure whole (`supportqa iqs > out.txt`).

Off a terminal nothing is squeezed to 80 columns: each figure the table shows is the one `--json`
gives, on the row it belongs to, and no cell is cut with `…`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.importers.service import import_files
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_database
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations, simulate_reviews
from tests.cli.conftest import Result, Runner

CARD = rules_only(default_scorecard())


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 generated conversations over 4 weeks, people reviewing about half, AI reviews of all."""
    folder = tmp_path_factory.mktemp("wide")
    conversations = list(generate_conversations(200, 3, weeks=4))
    reviews = list(simulate_reviews(conversations, 3, share=0.5))
    (folder / "c.jsonl").write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in conversations))
    (folder / "r.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in reviews))
    database = Database.open(folder / "qa.db", create=True)
    try:
        repo = Repository(database)
        repo.save_scorecard(default_scorecard())
        card = default_scorecard()
        assert (
            import_files(repo, [folder / "c.jsonl", folder / "r.jsonl"], scorecard=card).failed == 0
        )
        score_database(repo, CARD)
    finally:
        database.dispose()
    return folder / "qa.db"


@pytest.fixture(params=["80", None], ids=["COLUMNS=80", "no COLUMNS"])
def piped(cli: Runner, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Runner:
    """The CLI with stdout captured (not a terminal) and COLUMNS as a pipe or a narrow shell has."""
    if request.param is None:
        monkeypatch.delenv("COLUMNS")
    else:
        monkeypatch.setenv("COLUMNS", request.param)
    return cli


def _table_and_json(cli: Runner, *args: str | Path) -> tuple[str, Any]:
    shown: Result = cli(*args)
    data: Result = cli(*args, "--json")
    assert shown.code == 0 and data.code == 0, shown.err + data.err
    assert "…" not in shown.out
    return shown.out, data.json()


def _row(table: str, first_cell: str) -> str:
    """The first table line whose first cell is `first_cell`."""
    rows = [line for line in table.splitlines() if line.startswith(f"│ {first_cell} ")]
    assert rows, (first_cell, table)
    return rows[0]


def test_iqs_by_agent_shows_every_figure_whole(piped: Runner, db: Path) -> None:
    table, data = _table_and_json(piped, "iqs", "--by", "agent", "--db", db)
    for row in data["rows"]:
        line = _row(table, row["group"]["agent"])
        assert f"{row['iqs']:.1f}%" in line and f" {row['reviews']} " in line


def test_calibrate_shows_every_figure_whole(piped: Runner, db: Path) -> None:
    args = ("calibrate", "--db", db, "--scorecard-name", CARD.name, "--bootstrap", "0")
    table, data = _table_and_json(piped, *args)
    assert len(data["criteria"]) >= 5
    for criterion in data["criteria"]:
        line = _row(table, criterion["key"])
        assert f" {criterion['n_pairs']} " in line
        for mean in (criterion["ai_mean"], criterion["human_mean"]):
            assert mean is None or f" {mean:.2f} " in line
        alignment = criterion["alignment"]["value"]
        assert alignment is None or f"{alignment:.1%}" in line


def test_trends_by_team_shows_every_figure_whole(piped: Runner, db: Path) -> None:
    table, data = _table_and_json(piped, "trends", "--by", "team", "--kind", "ai", "--db", db)
    lines = table.splitlines()
    checked = 0
    for point in data["trends"]["points"]:
        digits = 2 if point["metric"] in ("cx", "csat") else 1
        cell = f"{point['mean']:.{digits}f} (n={point['n']})"
        if point["delta"] is not None:
            cell += f" Δ{point['delta']:+.{digits}f}"
        team = point["group"]["team"]
        assert any(point["period"] in ln and team in ln and cell in ln for ln in lines), cell
        checked += 1
    assert checked >= 20

"""IQS summaries as library calls: a reviews file and the database give the same numbers; a bad line
in the file is reported, not fatal (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from supportqa.domain.aggregates import IqsSummary
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.services.importing import import_files
from supportqa.services.scoring import score_file
from supportqa.services.summaries import iqs_from_database, iqs_from_file
from supportqa.services.workspace import Workspace
from supportqa.synthetic import generate_conversations


def test_a_reviews_file_and_the_database_give_the_same_iqs(repo: Workspace, tmp_path: Path) -> None:
    card = rules_only(default_scorecard())
    source, reviews = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    source.write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in generate_conversations(25, 4)))
    score_file(source, reviews, card)
    import_files(repo, [source, reviews], scorecard=card)
    written = len(reviews.read_bytes().splitlines())  # one review per participant
    assert written >= 25
    with reviews.open("ab") as handle:
        handle.write(b"[1]\n")
    from_file = iqs_from_file(reviews, card, kind="ai", by=["team"])
    from_db = iqs_from_database(repo, None, kind="ai", by=["team"])
    assert from_file.errors == [
        {"file": str(reviews), "line": written + 1, "reason": "expected a JSON object, got list"}
    ]

    def table(rows: list[IqsSummary]) -> dict[object, tuple[int, object]]:
        return {tuple(r.group.items()): (r.reviews, pytest.approx(r.iqs)) for r in rows}

    assert table(from_file.rows) == table(from_db.rows) and len(from_db.rows) > 1

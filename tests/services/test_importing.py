"""Importing as a library call: files of any format into the workspace, re-imports idempotent, CSV
with a column mapping; synthetic files to try things on (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import orjson

from supportqa.domain.scorecard import default_scorecard
from supportqa.services.importing import bytes_to_import, generate_files, import_files
from supportqa.services.workspace import open_workspace

DATA = Path(__file__).parent.parent / "data" / "csv"


def test_conversations_and_ratings_import_once_and_a_bad_line_is_reported(
    db_url: str, tmp_path: Path
) -> None:
    conversations, ratings = tmp_path / "c.jsonl", tmp_path / "r.jsonl"
    made = generate_files(conversations, 20, seed=3, reviews=ratings, review_share=0.5)
    with conversations.open("ab") as handle:
        handle.write(b'{"id": "broken", \n')
    assert bytes_to_import([conversations, ratings, tmp_path / "missing"]) == (
        conversations.stat().st_size + ratings.stat().st_size
    )
    card = default_scorecard()
    with open_workspace(db_url, create=True) as workspace:
        first = import_files(workspace, [conversations, ratings], scorecard=card)
        again = import_files(workspace, [conversations, ratings], scorecard=card)
        stored = workspace.list_scorecards()
    assert (first.conversations, first.reviews) == (20, made.reviews)
    assert first.imported == 20 + made.reviews and first.failed == 1
    assert first.errors[0]["line"] == 21 and first.errors[0]["file"] == str(conversations)
    assert again.imported == 0 and again.unchanged == 20 + made.reviews
    assert [(ref.name, ref.version) for ref in stored] == [(card.name, card.version)]


def test_a_csv_mapping_given_as_a_file_reads_a_legacy_export(db_url: str) -> None:
    with open_workspace(db_url, create=True) as workspace:
        report = import_files(
            workspace,
            [DATA / "legacy_export.csv"],
            scorecard=default_scorecard(),
            fmt="csv",
            csv_mapping=DATA / "legacy_mapping.yaml",
        )
    assert report.failed == 0 and report.conversations >= 2


def test_generated_files_are_the_same_for_the_same_seed(tmp_path: Path) -> None:
    first = generate_files(
        tmp_path / "a" / "c.jsonl", 15, seed=9, reviews=tmp_path / "a" / "r.jsonl"
    )
    second = generate_files(tmp_path / "b.jsonl", 15, seed=9)
    assert first.conversations == second.conversations == 15
    assert (tmp_path / "a" / "c.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    lines = (tmp_path / "a" / "r.jsonl").read_bytes().splitlines()
    assert len(lines) == first.reviews and all("ratings" in orjson.loads(x) for x in lines)
    assert second.reviews == 0 and second.reviews_out is None

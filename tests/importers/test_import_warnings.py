"""Records that import but look wrong — implausible dates, an id repeated in one file — are listed as
warnings with file and line (or index) and id; the import goes on and nothing fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from supportqa.domain.scorecard import default_scorecard
from supportqa.importers.service import import_files
from supportqa.storage import Repository


def conversation(cid: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "created_at": "2026-03-02T09:00:00Z",
        "messages": [
            {"role": "customer", "text": "my order is late", "at": "2026-03-02T09:00:00Z"},
            {"role": "agent", "text": "sorry, it ships today", "at": "2026-03-02T09:05:00Z"},
        ],
        **fields,
    }


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def test_implausible_dates_are_warned_about_with_file_line_and_id(
    repo: Repository, tmp_path: Path
) -> None:
    year_one = conversation("y1", created_at="0001-01-01T00:00:00Z")
    year_one["messages"][0]["at"] = "0001-01-01T00:00:00Z"
    path = write(
        tmp_path / "c.jsonl",
        [
            conversation("ok"),
            year_one,
            conversation("never", closed_at="9999-12-31T00:00:00Z"),
            conversation("backwards", closed_at="2026-03-01T00:00:00Z"),
        ],
    )
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert (report.imported, report.failed) == (4, 0)
    found = [(w["file"], w["line"], w["id"], w["reason"]) for w in report.warnings]
    assert [(f, line, i) for f, line, i, _ in found] == [
        (str(path), 2, "y1"),
        (str(path), 2, "y1"),
        (str(path), 3, "never"),
        (str(path), 4, "backwards"),
    ]
    reasons = [r for *_, r in found]
    assert "created_at 0001-01-01" in reasons[0] and "implausible" in reasons[0]
    assert "message 0 time 0001-01-01" in reasons[1]
    assert "closed_at 9999-12-31" in reasons[2]
    assert "closed_at 2026-03-01T00:00:00+00:00 is before created_at" in reasons[3]


def test_an_implausible_review_date_is_warned_about(repo: Repository, tmp_path: Path) -> None:
    line = {
        "conversation_id": "c1",
        "reviewer": "ana",
        "reviewed_at": "1970-01-01T00:00:00Z",
        "ratings": {"greeting": 1},
    }
    report = import_files(
        repo, [write(tmp_path / "r.jsonl", [line])], scorecard=default_scorecard()
    )
    assert report.reviews == 1 and report.failed == 0
    [warning] = report.warnings
    assert warning["line"] == 1 and "reviewed_at 1970-01-01" in warning["reason"]


def test_a_repeated_id_in_one_file_warns_with_both_lines_and_keeps_the_last(
    repo: Repository, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "c.jsonl",
        [
            conversation("a", subject="first"),
            conversation("b"),
            conversation("a", subject="second"),
        ],
    )
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert report.failed == 0 and report.conversations == 3
    [warning] = report.warnings
    assert (warning["file"], warning["line"], warning["id"]) == (str(path), 3, "a")
    assert "first at line 1" in warning["reason"] and "last one is kept" in warning["reason"]
    stored = repo.get_conversation("jsonl", "a")
    assert stored is not None and stored.subject == "second"
    assert repo.count_conversations() == 2


def test_the_same_id_in_two_files_is_an_update_not_a_warning(
    repo: Repository, tmp_path: Path
) -> None:
    first = write(tmp_path / "1.jsonl", [conversation("a", subject="old")])
    second = write(tmp_path / "2.jsonl", [conversation("a", subject="new")])
    report = import_files(repo, [first, second], scorecard=default_scorecard())
    assert report.warnings == [] and (report.imported, report.updated) == (1, 1)

"""Importing into the database (SQLite and PostgreSQL): idempotent, nothing lost, bad records reported."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.importers import service
from supportqa.importers.service import import_files
from supportqa.storage import Repository
from supportqa.synthetic import generate_conversations, simulate_reviews

DATA = Path(__file__).resolve().parents[1] / "data"


def write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def test_reimport_is_idempotent_and_edits_update(repo: Repository, tmp_path: Path) -> None:
    conversations = list(generate_conversations(40, seed=4))
    reviews = list(simulate_reviews(conversations, seed=4, share=0.5))
    files = [write(tmp_path / "c.jsonl", conversations), write(tmp_path / "r.jsonl", reviews)]
    card = default_scorecard()
    first = import_files(repo, files, scorecard=card)
    assert (first.imported, first.failed) == (40 + len(reviews), 0)
    again = import_files(repo, files, scorecard=card)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 40 + len(reviews))
    conversations[0]["subject"] = "Edited subject"
    write(tmp_path / "c.jsonl", conversations)
    edited = import_files(repo, files[:1], scorecard=card)
    assert (edited.imported, edited.updated, edited.unchanged) == (0, 1, 39)
    assert repo.count_conversations() == 40
    assert repo.count_reviews(kind="human") == len(reviews)
    stored = repo.get_conversation("synthetic", str(conversations[0]["id"]))
    assert stored is not None and stored.subject == "Edited subject"


def test_bad_records_are_reported_and_the_rest_imported(repo: Repository) -> None:
    report = import_files(repo, [DATA / "conversations_mixed.jsonl"], scorecard=default_scorecard())
    assert report.failed == 6 and report.imported == 3
    assert repo.count_conversations() == 2 and repo.count_reviews(kind="human") == 1
    assert {e["line"] for e in report.errors} == {2, 5, 6, 8, 9, 10}


def test_same_conversation_twice_in_one_file_keeps_the_last(
    repo: Repository, tmp_path: Path
) -> None:
    base = {"id": "dup", "messages": [{"role": "customer", "text": "hi"}]}
    path = write(tmp_path / "d.jsonl", [{**base, "subject": "one"}, {**base, "subject": "two"}])
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert (report.imported, report.updated) == (1, 1)
    stored = repo.get_conversation("jsonl", "dup")
    assert stored is not None and stored.subject == "two"


def test_parallel_parsing_imports_exactly_what_one_process_does(
    repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "PARALLEL_MIN_BYTES", 0)
    conversations = list(generate_conversations(1200, seed=8))
    lines = [orjson.dumps(c) for c in conversations]
    lines.insert(700, b'{"id": "torn", "messages": [')
    lines.insert(900, b'{"conversation_id": "gen-000003", "ratings": {"greeting": 9}}')
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    report = import_files(repo, [path], scorecard=default_scorecard(), workers=2)
    assert (report.imported, report.failed) == (1200, 2)
    assert sorted(e["line"] for e in report.errors) == [701, 901]
    assert repo.count_conversations() == 1200
    again = import_files(repo, [path], scorecard=default_scorecard(), workers=2)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 1200)
    single = import_files(repo, [path], scorecard=default_scorecard(), workers=1)
    assert single.unchanged == 1200  # the same rows, byte for byte: same content hashes


CARD_IN_A_CELL = (
    "ticket_id,timestamp,sender,message\n"
    "T-1,2026-03-02T09:14:00Z,customer,Hello\n"
    "T-1,4111 1111 1111 1111,customer,my card\n"
    "T-2,jane.doe@example.com,customer,my mail\n"
)


@pytest.mark.parametrize("show", [False, True])
def test_import_error_lines_redact_a_card_or_email_echoed_from_a_cell(
    repo: Repository, tmp_path: Path, show: bool
) -> None:
    """The reason quotes the bad cell; by default the card and the e-mail in it are placeholders."""
    path = tmp_path / "m.csv"
    path.write_text(CARD_IN_A_CELL, encoding="utf-8")
    report = import_files(repo, [path], scorecard=default_scorecard(), show_personal_data=show)
    reasons = " | ".join(e["reason"] for e in report.errors)
    # two bad rows, and T-1 (one of its rows rejected) is not imported as if complete
    assert report.failed == 3 and "cannot read time" in reasons
    assert any("T-1" in e["reason"] and "incomplete" in e["reason"] for e in report.errors)
    for secret in ("4111 1111 1111 1111", "jane.doe@example.com"):
        assert (secret in reasons) is show
    if not show:
        assert "[CARD_1]" in reasons and "[EMAIL_1]" in reasons
    assert "redact" not in report.as_dict()

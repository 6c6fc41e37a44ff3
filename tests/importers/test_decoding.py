"""A BOM, a byte that is not UTF-8, or a broken first line never refuses a whole file: the BOM is
dropped, the record with the byte is imported with U+FFFD and warned about (id and byte offset), and
the format is told from the first valid records."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from supportqa.domain.scorecard import default_scorecard
from supportqa.importers import service
from supportqa.importers.decoding import BOM
from supportqa.importers.formats import detect_format
from supportqa.importers.service import import_files
from supportqa.storage import Repository
from supportqa.synthetic import generate_conversations

DATA = Path(__file__).resolve().parents[1] / "data"


def conversation_lines(n: int) -> list[bytes]:
    return [orjson.dumps(c) for c in generate_conversations(n, seed=11)]


def with_bad_byte(line: bytes) -> bytes:
    """The line with its first message's text starting with a lone 0xFF byte."""
    text = orjson.loads(line)["messages"][0]["text"]
    encoded = orjson.dumps(text)[1:-1]
    return line.replace(encoded, b"\xff" + encoded, 1)


def test_a_jsonl_file_with_a_bom_is_detected_and_imported(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "conversations.jsonl"
    path.write_bytes(BOM + b"\n".join(conversation_lines(5)) + b"\n")
    assert detect_format(path) == "jsonl"
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert (report.imported, report.failed, report.warnings) == (5, 0, [])


@pytest.mark.parametrize("workers", [1, 2])
def test_a_jsonl_line_with_an_undecodable_byte_is_imported_and_warned_about(
    repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(service, "PARALLEL_MIN_BYTES", 0)  # workers=2 takes the parallel path
    lines = conversation_lines(6)
    lines[3] = with_bad_byte(lines[3])
    raw = BOM + b"\n".join(lines) + b"\n"
    path = tmp_path / "conversations.jsonl"
    path.write_bytes(raw)
    report = import_files(repo, [path], scorecard=default_scorecard(), workers=workers)
    assert (report.imported, report.failed) == (6, 0)
    [warning] = report.warnings
    bad_id = str(orjson.loads(lines[3].replace(b"\xff", b""))["id"])
    assert (warning["line"], warning["id"], warning["offset"]) == (4, bad_id, raw.index(b"\xff"))
    assert "undecodable byte" in warning["reason"]
    stored = repo.get_conversation("synthetic", bad_id)
    assert stored is not None and stored.messages[0].text.startswith("\ufffd")


def test_a_help_desk_export_with_one_bad_byte_imports_every_ticket(
    repo: Repository, tmp_path: Path
) -> None:
    document = orjson.loads((DATA / "zendesk" / "tickets.json").read_bytes())
    raw = orjson.dumps(document)
    second = document["tickets"][1]
    subject = orjson.dumps(second["subject"])[1:-1]
    path = tmp_path / "export.json"
    path.write_bytes(raw)
    clean = import_files(repo, [path], scorecard=default_scorecard())
    raw = BOM + raw.replace(subject, subject[:3] + b"\xe9" + subject[3:], 1)
    path.write_bytes(raw)
    assert detect_format(path) == "zendesk"
    report = import_files(repo, [path], scorecard=default_scorecard())
    # every ticket read as before (the fixture has one bad ticket of its own); the one with the
    # byte is updated (its subject has U+FFFD now), the rest unchanged
    assert (report.failed, report.updated, report.unchanged) == (
        clean.failed,
        1,
        clean.imported - 1,
    )
    [warning] = report.warnings
    assert (warning["index"], warning["id"]) == (1, str(second["id"]))
    assert warning["offset"] == raw.index(b"\xe9")
    stored = repo.get_conversation("zendesk", str(second["id"]))
    assert (
        stored is not None
        and stored.subject == second["subject"][:3] + "\ufffd" + second["subject"][3:]
    )


def test_a_csv_row_with_a_bad_byte_and_a_bom_is_imported_and_warned_about(
    repo: Repository, tmp_path: Path
) -> None:
    raw = BOM + (
        b"conversation_id,role,text\nc1,customer,hello\nc2,customer,caf\xe9 please\nc2,agent,sure\n"
    )
    path = tmp_path / "messages.csv"
    path.write_bytes(raw)
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert (report.imported, report.failed) == (2, 0)
    [warning] = report.warnings
    assert (warning["line"], warning["id"], warning["offset"]) == (3, "c2", raw.index(b"\xe9"))
    stored = repo.get_conversation("csv", "c2")
    assert stored is not None and stored.messages[0].text == "caf\ufffd please"


def test_the_format_is_told_from_the_first_valid_records_not_the_first_line(
    tmp_path: Path,
) -> None:
    tickets = (DATA / "zendesk" / "tickets.jsonl").read_bytes()
    broken = tmp_path / "broken_first.json"
    broken.write_bytes(b'{"id": 1, "subject": "cut off\n' + tickets)
    assert detect_format(broken) == "zendesk"
    foreign = tmp_path / "foreign_first.jsonl"
    foreign.write_bytes(b'{"export": "zendesk", "at": "2026-03-01"}\n' + tickets)
    assert detect_format(foreign) == "zendesk"


def test_a_pretty_printed_document_is_not_taken_for_jsonl(tmp_path: Path) -> None:
    document = orjson.loads((DATA / "zendesk" / "tickets.json").read_bytes())
    lines = [b'{"tickets": [']
    lines += [orjson.dumps(t) + b"," for t in document["tickets"][:-1]]
    lines += [orjson.dumps(document["tickets"][-1]), b"],"]
    lines += [b'"users": ' + orjson.dumps(document.get("users", [])), b"}"]
    path = tmp_path / "pretty.json"
    path.write_bytes(b"\n".join(lines))
    assert detect_format(path) == "zendesk"

"""The CSV record boundary: a stray quote costs its own row, not the rest of the file; any other csv
error (a field over the size limit) rejects its row, not the import."""

from __future__ import annotations

from pathlib import Path

from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import InputError
from supportqa.importers.csv_format import CsvMapping, read_csv
from supportqa.importers.csv_records import BrokenRow, CsvLimits, Row, read_rows
from supportqa.importers.jsonl import RawRecord
from supportqa.importers.review_csv import read_review_csv
from supportqa.importers.service import import_files
from supportqa.storage import Repository

HEADER = "conversation_id,role,text,at\n"


def rows_csv(tmp_path: Path, n: int, stray: dict[int, str] | None = None) -> Path:
    """`n` one-message conversations c1..cn, row k on line k+1; `stray` replaces a row's text."""
    lines = [HEADER]
    for k in range(1, n + 1):
        text = (stray or {}).get(k, f"message number {k}")
        lines.append(f"c{k},customer,{text},2026-03-02T09:{k % 60:02d}:00Z\n")
    path = tmp_path / "messages.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_stray_quote_costs_only_its_own_row(repo: Repository, tmp_path: Path) -> None:
    path = rows_csv(tmp_path, 50, {3: '"I said hi'})
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert (report.imported, report.failed) == (49, 1)
    [error] = report.errors
    assert (error["file"], error["line"]) == (str(path), 4)
    assert error["reason"].startswith("unterminated quoted field starting here")
    assert repo.get_conversation("csv", "c3") is None
    fourth = repo.get_conversation("csv", "c4")
    assert fourth is not None and [m.text for m in fourth.messages] == ["message number 4"]


def test_a_quote_closed_far_below_is_cut_at_the_line_limit(tmp_path: Path) -> None:
    # row 3 opens a quote that row 250 would close: 247 lines, past the 200-line limit
    path = rows_csv(tmp_path, 400, {3: '"opens here', 250: 'closes here"'})
    items = list(read_csv(path))
    errors = [(e.line, e.reason.split(" (")[0]) for e in items if isinstance(e, InputError)]
    assert errors == [(4, "unterminated quoted field starting here")]
    ids = {item.data["id"] for item in items if isinstance(item, RawRecord)}
    assert len(ids) == 399 and "c3" not in ids and {"c4", "c250", "c400"} <= ids


def test_a_quoted_field_over_the_byte_limit_is_abandoned(tmp_path: Path) -> None:
    path = rows_csv(tmp_path, 5, {2: '"' + "x" * 80})  # its quote runs on into the next rows
    limits = CsvLimits(max_field_lines=200, max_field_bytes=100)
    found = list(read_rows(path, ",", limits=limits))
    broken = [item for item in found if isinstance(item, BrokenRow)]
    assert [b.line for b in broken] == [3]
    assert broken[0].cells == ["c2", "customer"]  # read whole before the broken field
    assert [item.cells[0] for item in found if isinstance(item, Row)] == [
        "conversation_id", "c1", "c3", "c4", "c5",
    ]  # fmt: skip


def test_a_legitimate_multi_line_field_is_one_record(tmp_path: Path) -> None:
    path = rows_csv(tmp_path, 3, {2: '"line one\nline two\nline three"'})
    found = list(read_rows(path, ","))
    assert all(isinstance(item, Row) for item in found)
    assert [(item.line, item.cells[2]) for item in found if isinstance(item, Row)][2] == (
        3,
        "line one\nline two\nline three",
    )


def test_a_field_over_the_csv_size_limit_rejects_its_row_not_the_file(
    repo: Repository, tmp_path: Path
) -> None:
    # one 17 MiB field on one line: over the csv module's limit even as the old reader raised it
    path = rows_csv(tmp_path, 4, {2: "y" * (17 << 20)})
    report = import_files(repo, [path], scorecard=default_scorecard())
    assert (report.imported, report.failed) == (3, 1)
    assert report.errors[0]["line"] == 3
    assert "field larger than field limit" in report.errors[0]["reason"]


def test_a_review_csv_recovers_from_a_stray_quote(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    quote = '"'
    rows = [f"c{k},ana,{quote if k == 2 else ''}4\n" for k in range(1, 6)]
    path.write_text("conversation_id,reviewer,tone\n" + "".join(rows), encoding="utf-8")
    items = list(read_review_csv(path))
    assert [i.line for i in items if isinstance(i, InputError)] == [3]
    assert [i.data["conversation_id"] for i in items if isinstance(i, RawRecord)] == [
        "c1", "c3", "c4", "c5",
    ]  # fmt: skip


def test_the_mapping_encoding_still_applies(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "c1,customer,Grüße,2026-03-02T09:00:00Z\n").encode("latin-1"))
    [record] = list(read_csv(path, mapping=CsvMapping(encoding="latin-1")))
    assert isinstance(record, RawRecord) and record.data["messages"][0]["text"] == "Grüße"

"""Human reviews from CSV: one row per review, one column per criterion key — what a spreadsheet of QA
ratings looks like. Each row becomes a ratings line, so it is validated and stored exactly like one.

Columns (header names are case-insensitive): `conversation_id` (required), `source`, `reviewer`,
`reviewed_at`, `agent` (the reviewee; empty: the conversation's last agent), `agent_name`,
`agent_is_bot`, `team`, `session_id`, `conversation_created_at`, `cx`; every other column is a criterion
key. A cell left empty is unrated; `N/A`, `NA` or `na` is N/A; anything else must
be a number. The file is told apart from a conversation CSV (one row per message) by its header: a
`reviewer` column, criterion columns, and no message-text column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from supportqa.errors import InputError
from supportqa.importers import formats
from supportqa.importers.csv_format import DEFAULT_COLUMNS
from supportqa.importers.csv_records import BrokenRow, CsvLimits, read_rows
from supportqa.importers.decoding import undecodable
from supportqa.importers.jsonl import RawRecord
from supportqa.importers.timeparse import iso, parse_time

FORMAT_NAME = "review-csv"
FIELDS = (
    "conversation_id",
    "source",
    "reviewer",
    "reviewed_at",
    "agent",
    "agent_name",
    "agent_is_bot",
    "team",
    "session_id",
    "conversation_created_at",
    "cx",
)
TIMES = ("reviewed_at", "conversation_created_at")
NA_WORDS = frozenset({"n/a", "na"})
_TEXT_COLUMNS = frozenset(DEFAULT_COLUMNS["text"])
_SEPARATOR = re.compile(r"[\s\-.]+")
ENCODING = "utf-8-sig"


def _norm(name: str) -> str:
    return _SEPARATOR.sub("_", name.strip().lower()).strip("_")


def _delimiter(file: Path, first_line: str) -> str:
    if file.suffix.lower() == ".tsv":
        return "\t"
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _first_line(file: Path) -> str:
    with file.open("rb") as handle:
        return next((line for line in handle if line.strip()), b"").decode(ENCODING, "replace")


def is_review_header(header: list[str]) -> bool:
    """A `conversation_id` and a `reviewer` column, at least one criterion column, no message text."""
    names = {_norm(name) for name in header if name.strip()}
    return (
        {"conversation_id", "reviewer"} <= names
        and bool(names - set(FIELDS))
        and not names & _TEXT_COLUMNS
    )


def looks_like_review_csv(path: Path) -> bool:
    """Whether the file's header is a review CSV's (False when it cannot be read: the CSV importer then
    reports why)."""
    try:
        line = _first_line(path)
    except OSError:
        return False
    header = next(csv.reader([line], delimiter=_delimiter(path, line)), [])
    return is_review_header(header)


def _columns(header: list[str], file: Path, line: int) -> tuple[dict[str, int], dict[str, int]]:
    """Known fields and criterion keys → column index; a repeated or blank header is an error."""
    fields: dict[str, int] = {}
    criteria: dict[str, int] = {}
    for position, raw in enumerate(header):
        name = raw.strip()
        if not name:
            raise InputError(f"column {position + 1} has no name", file=str(file), line=line)
        target = fields if _norm(name) in FIELDS else criteria
        key = _norm(name) if target is fields else name
        if key in target:
            raise InputError(f"column {name!r} appears twice", file=str(file), line=line)
        target[key] = position
    if "conversation_id" not in fields:
        raise InputError(
            f"no conversation_id column (header: {', '.join(header)})", file=str(file), line=line
        )
    return fields, criteria


def _number(value: str, column: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"column {column!r}: {value!r} is not a number (use a number, N/A, or leave it empty)"
        ) from None


def row_to_ratings_line(
    row: list[str], fields: dict[str, int], criteria: dict[str, int]
) -> dict[str, Any]:
    """One row as a ratings line (the JSONL contract's shape); ValueError says which cell is wrong."""

    def cell(position: int) -> str:
        return row[position].strip() if position < len(row) else ""

    values = {name: cell(position) for name, position in fields.items()}
    if not values["conversation_id"]:
        raise ValueError("no conversation_id")
    data: dict[str, Any] = {k: v for k, v in values.items() if v and k not in (*TIMES, "cx")}
    for name in TIMES:
        if values.get(name):
            try:
                data[name] = iso(parse_time(values[name]))
            except ValueError:
                raise ValueError(f"column {name!r}: cannot read time {values[name]!r}") from None
    if values.get("cx"):
        data["cx"] = _number(values["cx"], "cx")
    ratings: dict[str, float | None] = {}
    for key, position in criteria.items():
        value = cell(position)
        if value:
            ratings[key] = None if value.lower() in NA_WORDS else _number(value, key)
    if not ratings and "cx" not in data:
        raise ValueError("nothing rated (every criterion cell and cx are empty)")
    data["ratings"] = ratings
    return data


def read_review_csv(
    path: str | Path, on_bytes: formats.OnBytes = None, limits: CsvLimits | None = None
) -> Iterator[formats.Item]:
    """One ratings-line record per row, or an InputError with the row's line (the header is line 1);
    a row read with undecodable bytes is imported and warned about."""
    file = Path(path)
    try:
        delimiter = _delimiter(file, _first_line(file))
        rows = read_rows(file, delimiter, encoding=ENCODING, limits=limits, on_bytes=on_bytes)
        first = next(rows, None)
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(file)) from None
    if first is None:
        raise InputError("the file is empty (expected a header row)", file=str(file))
    if isinstance(first, BrokenRow):
        raise InputError(f"cannot read the header: {first.reason}", file=str(file), line=first.line)
    fields, criteria = _columns(first.cells, file, first.line)
    for row in rows:
        if isinstance(row, BrokenRow):
            yield InputError(row.reason, file=str(file), line=row.line)
            continue
        try:
            data = row_to_ratings_line(row.cells, fields, criteria)
        except ValueError as exc:
            yield InputError(str(exc), file=str(file), line=row.line)
            continue
        yield RawRecord(str(file), row.line, data)
        if row.bad:
            found = data["conversation_id"]
            yield undecodable(row.bad, file=str(file), line=row.line, id=found)


def review_csv_reader(limits: CsvLimits) -> formats.Reader:
    """A reader for `formats` with `limits` (the `csv_max_field_*` settings)."""

    def read(path: Path, on_bytes: formats.OnBytes = None) -> Iterator[formats.Item]:
        return read_review_csv(path, on_bytes, limits)

    return read


def _never(sample: dict[str, Any]) -> bool:
    """Recognised by its header (`claims`), never by a JSON sample."""
    return False


FORMAT = formats.register(
    formats.Format(
        FORMAT_NAME,
        read_review_csv,
        _never,
        (".csv", ".tsv"),
        claims=looks_like_review_csv,
    )
)

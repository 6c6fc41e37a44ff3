"""JSONL for the import: `supportqa.jsonl` reads the lines (streaming, each bad line reported with its
number, never stopping early); here they become records, and a line with bytes that are not UTF-8 (read
with U+FFFD in their place) becomes a warning with its id and the bytes' offsets in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supportqa.errors import InputError
from supportqa.importers.decoding import undecodable
from supportqa.importers.notices import ImportWarning, record_id
from supportqa.jsonl import JsonObject, Line, parse, read_objects


@dataclass(frozen=True)
class RawRecord:
    """One record in the JSONL contract's shape and where it came from: a line (JSONL, CSV) or an
    index into a JSON document's list."""

    file: str
    line: int | None
    data: dict[str, Any]
    index: int | None = None


def load_line(
    raw: bytes, file: str, number: int, offset: int
) -> tuple[RawRecord | InputError, ImportWarning | None]:
    """One line (starting at byte `offset` of the file) as a record or the error that explains why
    not, and the warning for undecodable bytes in it, if any."""
    return record_of(parse(Line(file, number, offset, raw)))


def record_of(
    parsed: JsonObject | InputError,
) -> tuple[RawRecord | InputError, ImportWarning | None]:
    """The import's view of a parsed line: a record, and a warning when bytes were read as U+FFFD."""
    if isinstance(parsed, InputError):
        return parsed, None
    record = RawRecord(parsed.file, parsed.line, parsed.data)
    if not parsed.undecodable:
        return record, None
    offsets = list(parsed.undecodable)
    warning = undecodable(offsets, file=parsed.file, line=parsed.line, id=record_id(parsed.data))
    return record, warning


def read_jsonl(
    path: str | Path, on_bytes: Callable[[int], None] | None = None
) -> Iterator[RawRecord | InputError | ImportWarning]:
    """Yield each object, or an InputError naming file and line, and a warning after a record that
    held undecodable bytes; blank lines are skipped (`supportqa.jsonl` reads the lines).

    `on_bytes` hears how many bytes each line took, so a caller can draw a progress bar by file size.
    """
    for parsed in read_objects(path, on_bytes=on_bytes):
        record, warning = record_of(parsed)
        yield record
        if warning is not None:
            yield warning

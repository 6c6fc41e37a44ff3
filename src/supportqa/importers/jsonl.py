"""JSONL reading that streams, reports each bad line with its number, and never stops early.

A UTF-8 BOM on the first line is dropped; a line with bytes that are not UTF-8 is read with U+FFFD in
their place and reported as a warning with its id and the bytes' offsets in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from supportqa.errors import InputError
from supportqa.importers.decoding import decode, strip_bom, undecodable
from supportqa.importers.notices import ImportWarning, record_id


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
    bad: list[int] = []
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        text, bad = decode(raw)
        try:
            if not bad:
                raise exc
            data = orjson.loads(text)
        except orjson.JSONDecodeError as final:
            return InputError(f"not valid JSON ({final})", file=file, line=number), None
    if not isinstance(data, dict):
        kind = type(data).__name__
        return InputError(f"expected a JSON object, got {kind}", file=file, line=number), None
    record = RawRecord(file, number, data)
    if not bad:
        return record, None
    offsets = [offset + position for position in bad]
    return record, undecodable(offsets, file=file, line=number, id=record_id(data))


def read_jsonl(
    path: str | Path, on_bytes: Callable[[int], None] | None = None
) -> Iterator[RawRecord | InputError | ImportWarning]:
    """Yield each object, or an InputError naming file and line, and a warning after a record that
    held undecodable bytes; blank lines are skipped.

    `on_bytes` hears how many bytes each line took, so a caller can draw a progress bar by file size.
    """
    file = Path(path)
    try:
        handle = file.open("rb")
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(file)) from None
    name = str(file)
    offset = 0
    with handle:
        for number, raw in enumerate(handle, start=1):
            if on_bytes is not None:
                on_bytes(len(raw))
            start = offset
            offset += len(raw)
            if number == 1:
                raw, skipped = strip_bom(raw)
                start += skipped
            if not raw.strip():
                continue
            record, warning = load_line(raw, name, number, start)
            yield record
            if warning is not None:
                yield warning

"""Bytes to text for every importer. A UTF-8 byte order mark is dropped; an undecodable byte becomes
U+FFFD and its byte offset is kept, so the record that held it is imported and reported (one bad byte
in one ticket never refuses a whole export)."""

from __future__ import annotations

import re
from typing import Any

import orjson

from supportqa.importers.notices import ImportWarning
from supportqa.jsonl import BOM, REPLACEMENT, decode, strip_bom

__all__ = ["BOM", "REPLACEMENT", "decode", "load_document", "strip_bom", "undecodable", "unmark"]

_MARK = re.compile("\U0010fffe([0-9]+)\U0010ffff")


def load_document(raw: bytes) -> tuple[Any, list[int]]:
    """A whole JSON document and the file offsets of its undecodable bytes. Each such byte is left in
    the strings as a marker naming its position in that list, so `unmark` can tell which record held
    it; raises orjson.JSONDecodeError when the document is not JSON even so."""
    raw, skipped = strip_bom(raw)
    try:
        return orjson.loads(raw), []
    except orjson.JSONDecodeError:
        text, offsets = decode(raw, mark=lambda k: f"\U0010fffe{k}\U0010ffff")
        if not offsets:
            raise
    return orjson.loads(text), [skipped + offset for offset in offsets]


def unmark(value: Any, found: list[int]) -> Any:
    """`value` with every marker of `load_document` turned into U+FFFD; the markers' numbers are
    appended to `found`."""

    def replace(match: re.Match[str]) -> str:
        found.append(int(match.group(1)))
        return REPLACEMENT

    if isinstance(value, str):
        return _MARK.sub(replace, value) if "\U0010fffe" in value else value
    if isinstance(value, list):
        return [unmark(item, found) for item in value]
    if isinstance(value, dict):
        return {unmark(key, found): unmark(item, found) for key, item in value.items()}
    return value


def undecodable(
    offsets: list[int],
    *,
    file: str,
    line: int | None = None,
    index: int | None = None,
    id: str | None = None,
) -> ImportWarning:
    """The warning for a record imported with U+FFFD in place of bytes that were not valid text."""
    shown = ", ".join(str(offset) for offset in offsets[:5])
    more = f" and {len(offsets) - 5} more" if len(offsets) > 5 else ""
    what = "byte" if len(offsets) == 1 else "bytes"
    reason = f"undecodable {what} at offset {shown}{more}: imported with U+FFFD in its place"
    if id is not None:
        reason = f"record {id!r}: {reason}"
    return ImportWarning(reason, file=file, line=line, index=index, id=id, offset=offsets[0])

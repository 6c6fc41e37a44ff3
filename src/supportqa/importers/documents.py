"""Items of a help-desk export, whatever its shape: a JSON document `{"<key>": [...], ...}`, a JSON
list, or JSONL with one item per line. Bad items are yielded as InputErrors with line or index; a BOM is
dropped and an item holding undecodable bytes is imported with U+FFFD and reported as a warning."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from supportqa.errors import InputError
from supportqa.importers.decoding import BOM, load_document, undecodable, unmark
from supportqa.importers.jsonl import RawRecord, load_line, read_jsonl
from supportqa.importers.notices import ImportWarning, record_id

SAMPLE_LINES = 5
"""How many leading non-blank lines decide whether a file is JSONL (and give `--format auto` its
samples): a broken first line is outvoted by the good ones after it."""


@dataclass
class Export:
    """The items to import plus the document's other top-level keys (e.g. Zendesk's sideloaded
    `users`), which importers use to resolve ids to people."""

    items: Iterator[RawRecord | InputError | ImportWarning]
    context: dict[str, Any] = field(default_factory=dict)


def is_jsonl(path: Path) -> bool:
    """JSONL when the first non-blank line is a JSON object and another non-blank line follows, or when
    at least half of the first few non-blank lines are JSON objects: a BOM or a broken first line does
    not hide JSONL, and a pretty-printed document (whose lines are fragments) is not taken for it."""
    lines = leading_lines(path)
    if len(lines) < 2:
        return False
    if _is_object(lines[0]):
        return True
    objects = sum(_is_object(line) for line in lines[1:])
    return objects >= 1 and objects * 2 >= len(lines)


def read_export(
    path: Path,
    key: str,
    on_bytes: Callable[[int], None] | None = None,
    is_item: Callable[[dict[str, Any]], bool] | None = None,
) -> Export:
    """The items of an export: JSONL (one item per line), or a JSON document holding them under `key`
    (or its singular, `{"ticket": {...}}`), a JSON list of them, or one bare item (what the
    `GET /tickets/{id}` endpoints return; recognised by `is_item`), with the document's other keys as
    context. JSONL whose first lines are broken is still read as JSONL, so the bad lines are reported
    and the rest imported."""
    try:
        if is_jsonl(path):
            return Export(read_jsonl(path, on_bytes))
        lines = leading_lines(path)
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(path)) from None
    try:
        document, offsets = load_document(raw)
    except orjson.JSONDecodeError as exc:
        if len(lines) >= 2 and lines[0].lstrip().startswith(b"{"):
            return Export(read_jsonl(path, on_bytes))
        raise InputError(f"not valid JSON ({exc})", file=str(path)) from None
    if on_bytes is not None:
        on_bytes(len(raw))
    items, context = _document_items(document, key, is_item, str(path))
    if not offsets:
        return Export(_indexed(str(path), items), context)
    found: list[int] = []
    context = unmark(context, found)
    return Export(_indexed_unmarked(str(path), items, offsets, found), context)


def leading_lines(path: Path, count: int = SAMPLE_LINES) -> list[bytes]:
    """The first `count` non-blank lines (fewer when the file has fewer), without a BOM."""
    found: list[bytes] = []
    with path.open("rb") as handle:
        for raw in handle:
            if not found and raw.startswith(BOM):
                raw = raw[3:]
            if raw.strip():
                found.append(raw)
                if len(found) == count:
                    break
    return found


def _is_object(line: bytes) -> bool:
    return isinstance(load_line(line, "", 0, 0)[0], RawRecord)


def _document_items(
    document: Any, key: str, is_item: Callable[[dict[str, Any]], bool] | None, file: str
) -> tuple[list[Any], dict[str, Any]]:
    if isinstance(document, list):
        return document, {}
    if not isinstance(document, dict):
        raise InputError("expected a JSON object or list", file=file)
    context = {k: v for k, v in document.items() if k != key}
    if key in document:
        if not isinstance(document[key], list):
            raise InputError(f"{key!r} must be a list", file=file)
        return document[key], context
    if isinstance(document.get(key.rstrip("s")), dict):  # {"ticket": {...}, "users": [...]}
        return [document[key.rstrip("s")]], context
    if is_item is not None and is_item(document):
        return [document], {}
    raise InputError(f"expected a {key!r} list in the document", file=file)


def _indexed(file: str, items: list[Any], start: int = 0) -> Iterator[RawRecord | InputError]:
    for index, item in enumerate(items, start=start):
        if isinstance(item, dict):
            yield RawRecord(file, None, item, index)
        else:
            kind = type(item).__name__
            yield InputError(f"expected a JSON object, got {kind}", file=file, index=index)


def _indexed_unmarked(
    file: str, items: list[Any], offsets: list[int], outside: list[int]
) -> Iterator[RawRecord | InputError | ImportWarning]:
    """Items of a document that held undecodable bytes: each with U+FFFD in their place, and a warning
    after each item that held some (then one for those outside any item, e.g. in a sideload)."""
    for index, item in enumerate(items):
        found: list[int] = []
        item = unmark(item, found)
        yield from _indexed(file, [item], start=index)
        if found:
            at = [offsets[k] for k in found]
            yield undecodable(at, file=file, index=index, id=record_id(item))
    if outside:
        reason = "outside the records (e.g. in the users list)"
        warning = undecodable([offsets[k] for k in outside], file=file)
        yield ImportWarning(f"{warning.reason} {reason}", file=file, offset=warning.offset)

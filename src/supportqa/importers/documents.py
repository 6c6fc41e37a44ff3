"""Items of a help-desk export, whatever its shape: a JSON document `{"<key>": [...], ...}`, a JSON
list, or JSONL with one item per line. Bad items are yielded as InputErrors with line or index."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from supportqa.errors import InputError
from supportqa.importers.jsonl import RawRecord, read_jsonl


@dataclass
class Export:
    """The items to import plus the document's other top-level keys (e.g. Zendesk's sideloaded
    `users`), which importers use to resolve ids to people."""

    items: Iterator[RawRecord | InputError]
    context: dict[str, Any] = field(default_factory=dict)


def is_jsonl(path: Path) -> bool:
    """JSONL when the first non-blank line is a complete JSON object and another non-blank line
    follows it (a pretty-printed or one-line document is not JSONL)."""
    with path.open("rb") as handle:
        first = b""
        for raw in handle:
            if not raw.strip():
                continue
            if first:
                return True
            try:
                if not isinstance(orjson.loads(raw), dict):
                    return False
            except orjson.JSONDecodeError:
                return False
            first = raw
    return False


def read_export(
    path: Path,
    key: str,
    on_bytes: Callable[[int], None] | None = None,
    is_item: Callable[[dict[str, Any]], bool] | None = None,
) -> Export:
    """The items of an export: JSONL (one item per line), or a JSON document holding them under `key`
    (or its singular, `{"ticket": {...}}`), a JSON list of them, or one bare item (what the
    `GET /tickets/{id}` endpoints return; recognised by `is_item`), with the document's other keys as
    context. JSONL whose first line is broken is still read as JSONL, so the bad line is reported and
    the rest imported."""
    try:
        lines = _leading_lines(path)
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(path)) from None
    if len(lines) == 2 and _is_object(lines[0]):
        return Export(read_jsonl(path, on_bytes))
    raw = path.read_bytes()
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if len(lines) == 2 and lines[0].lstrip().startswith(b"{"):
            return Export(read_jsonl(path, on_bytes))
        raise InputError(f"not valid JSON ({exc})", file=str(path)) from None
    if on_bytes is not None:
        on_bytes(len(raw))
    items, context = _document_items(document, key, is_item, str(path))
    return Export(_indexed(str(path), items), context)


def _leading_lines(path: Path) -> list[bytes]:
    """The first two non-blank lines (fewer when the file has fewer)."""
    found: list[bytes] = []
    with path.open("rb") as handle:
        for raw in handle:
            if raw.strip():
                found.append(raw)
                if len(found) == 2:
                    break
    return found


def _is_object(line: bytes) -> bool:
    try:
        return isinstance(orjson.loads(line), dict)
    except orjson.JSONDecodeError:
        return False


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


def _indexed(file: str, items: list[Any]) -> Iterator[RawRecord | InputError]:
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield RawRecord(file, None, item, index)
        else:
            kind = type(item).__name__
            yield InputError(f"expected a JSON object, got {kind}", file=file, index=index)

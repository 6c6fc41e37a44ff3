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


def _first_char(path: Path) -> bytes:
    with path.open("rb") as handle:
        while chunk := handle.read(4096):
            stripped = chunk.lstrip()
            if stripped:
                return stripped[:1]
    return b""


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


def read_export(path: Path, key: str, on_bytes: Callable[[int], None] | None = None) -> Export:
    """Open an export whose items live under `key` in a document, in a list, or one per JSONL line."""
    try:
        first = _first_char(path)
    except OSError as exc:
        raise InputError(f"cannot open ({exc.strerror})", file=str(path)) from None
    if first == b"{" and is_jsonl(path):
        return Export(read_jsonl(path, on_bytes))
    try:
        raw = path.read_bytes()
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc})", file=str(path)) from None
    if on_bytes is not None:
        on_bytes(len(raw))
    if isinstance(document, dict):
        if key not in document:
            if isinstance(document.get(key.rstrip("s")), dict):  # a single item: {"ticket": {...}}
                items = [document[key.rstrip("s")]]
            else:
                raise InputError(f"expected a {key!r} list in the document", file=str(path))
        else:
            items = document[key]
        context = {k: v for k, v in document.items() if k != key}
    elif isinstance(document, list):
        items, context = document, {}
    else:
        raise InputError("expected a JSON object or list", file=str(path))
    if not isinstance(items, list):
        raise InputError(f"{key!r} must be a list", file=str(path))
    return Export(_indexed(path, items), context)


def _indexed(path: Path, items: list[Any]) -> Iterator[RawRecord | InputError]:
    for index, item in enumerate(items):
        if isinstance(item, dict):
            yield RawRecord(str(path), None, item, index)
        else:
            kind = type(item).__name__
            yield InputError(f"expected a JSON object, got {kind}", file=str(path), index=index)

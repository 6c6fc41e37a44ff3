"""Warnings an import reports beside its errors: the record was imported, but something in it is worth
a look (an undecodable byte, an implausible date, an id repeated in the file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ImportWarning:
    """Where the doubtful record is (file, line or 0-based index, its id, a byte offset in the file
    when the problem is a byte) and what is doubtful about it. Readers yield these between records."""

    reason: str
    file: str | None = None
    line: int | None = None
    index: int | None = None
    id: str | None = None
    offset: int | None = None

    def location(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "index": self.index,
            "id": self.id,
            "offset": self.offset,
            "reason": self.reason,
        }


def record_id(data: Any) -> str | None:
    """The id a person would search for: a conversation's or ticket's `id`, else a review's."""
    if not isinstance(data, dict):
        return None
    for key in ("id", "review_id", "conversation_id"):
        value = data.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None

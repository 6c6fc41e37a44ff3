"""Helpers the help-desk importers share: tolerant field access, id → person maps, bot names, events,
and the loop that turns raw tickets into contract records without stopping at a bad one (warnings
about a ticket pass through it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from supportqa.errors import InputError
from supportqa.importers.jsonl import RawRecord
from supportqa.importers.notices import ImportWarning

Convert = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
"""(raw ticket, document context) → a record in the conversation contract; raises InputError."""

_BOT_NAME = re.compile(r"\b(bot|answer ?bot|chatbot|virtual agent|ai agent)\b", re.IGNORECASE)


def str_id(value: Any) -> str | None:
    """An API id (int or non-blank string) as text; anything else (None, bool, dict) is no id."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_text(value: Any) -> str | None:
    """A non-blank string, stripped; else None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def as_number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def string_tags(value: Any) -> list[str]:
    return [tag for tag in as_list(value) if isinstance(tag, str) and tag.strip()]


def without_nulls(value: dict[str, Any]) -> dict[str, Any]:
    return {key: item for key, item in value.items() if item is not None}


def looks_like_bot(name: str | None) -> bool:
    """A display name that says it is a bot ("Answer Bot", "Sparky Bot", "Virtual agent")."""
    return bool(name and _BOT_NAME.search(name))


@dataclass(frozen=True)
class Someone:
    """What an export tells about a user: enough to name an author and tell staff from customers."""

    id: str
    name: str | None = None
    role: str | None = None
    bot: bool = False

    def person(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name} if self.name else {"id": self.id}


class People:
    """id → person, filled from sideloaded user lists (later lists override earlier ones)."""

    def __init__(self) -> None:
        self._by_id: dict[str, Someone] = {}

    def add(self, records: Any, *, role: str | None = None) -> People:
        """Add a list of user objects; `role` is the default for records that carry none."""
        for record in as_list(records):
            if isinstance(record, dict):
                self.add_one(record, role=role)
        return self

    def add_one(self, record: dict[str, Any], *, role: str | None = None) -> None:
        key = str_id(record.get("id"))
        if key is None:
            return
        name = as_text(record.get("name")) or as_text(as_dict(record.get("contact")).get("name"))
        flagged = record.get("bot") is True or record.get("is_bot") is True
        self._by_id[key] = Someone(
            id=key,
            name=name,
            role=as_text(record.get("role")) or role,
            bot=flagged or looks_like_bot(name),
        )

    def get(self, key: Any) -> Someone | None:
        text = str_id(key)
        return self._by_id.get(text) if text is not None else None

    def person(self, key: Any) -> dict[str, Any] | None:
        """`{"id", "name"}` for an id (name when known), or None for no id."""
        text = str_id(key)
        if text is None:
            return None
        known = self._by_id.get(text)
        return known.person() if known else {"id": text}


def names_by_id(records: Any) -> dict[str, str]:
    """id → name for simple sideloads such as groups and organizations."""
    names: dict[str, str] = {}
    for record in as_list(records):
        key = str_id(as_dict(record).get("id"))
        name = as_text(as_dict(record).get("name"))
        if key is not None and name is not None:
            names[key] = name
    return names


def looks_like_freshdesk(item: dict[str, Any]) -> bool:
    """A Freshdesk ticket, or one of its conversations (the sample of a bare ticket document)."""
    if "description_text" in item or "responder_id" in item:
        return True
    if any(isinstance(c, dict) and "incoming" in c for c in as_list(item.get("conversations"))):
        return True
    return "incoming" in item and "private" in item and ("body_text" in item or "body" in item)


def event(kind: str, at: Any, author_id: Any) -> dict[str, Any]:
    """A part of the conversation with no text (an attachment, a call): kept as metadata."""
    return {"kind": kind, "at": at if isinstance(at, str) else None, "author_id": str_id(author_id)}


def convert_all(
    items: Iterable[RawRecord | InputError | ImportWarning],
    context: dict[str, Any],
    convert: Convert,
) -> Iterator[RawRecord | InputError | ImportWarning]:
    """Each raw ticket converted, or an InputError at its file and line/index: one bad ticket never
    stops the rest."""
    for item in items:
        if not isinstance(item, RawRecord):
            yield item
            continue
        try:
            data = convert(item.data, context)
        except InputError as exc:
            yield InputError(exc.reason, file=item.file, line=item.line, index=item.index)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            reason = f"cannot read this ticket ({type(exc).__name__}: {exc})"
            yield InputError(reason, file=item.file, line=item.line, index=item.index)
        else:
            yield RawRecord(item.file, item.line, data, item.index)

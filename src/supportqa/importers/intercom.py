"""Intercom conversations (REST API 2.x, as `GET /conversations/{id}` returns them) in the JSONL contract.

Input: a `{"conversations": [...]}` document (optionally with `admins` and `teams` sideloads), a JSON
list, JSONL with one conversation per line, or one conversation object. The field mapping is
documented in docs/importers.md (Intercom section).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from supportqa.errors import InputError
from supportqa.importers import formats
from supportqa.importers.documents import read_export
from supportqa.importers.html import html_to_text
from supportqa.importers.jsonl import RawRecord
from supportqa.importers.timeparse import iso, parse_time

SOURCE = "intercom"

_CUSTOMER_TYPES = {"user", "lead", "contact"}
_NOTE_TYPES = {"note", "note_and_reopen"}
_MESSAGE_TYPES = {"comment", "note"}  # every other part type is also an event
_CHANNELS = {
    "conversation": "chat",
    "chat": "chat",
    "messenger": "chat",
    "push": "chat",
    "in_app": "chat",
    "email": "email",
    "facebook": "social",
    "twitter": "social",
    "instagram": "social",
    "whatsapp": "social",
    "phone_call": "voice",
    "call": "voice",
    "phone": "voice",
    "sms": "sms",
}
_BUSINESS_HOURS = (
    "time_to_assignment",
    "time_to_admin_reply",
    "time_to_first_close",
    "time_to_last_close",
    "median_time_to_reply",
)
_FOREIGN_KEYS = ("messages", "comments", "via", "description_text", "incoming")


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(value: Any, key: str) -> list[dict[str, Any]]:
    """Intercom wraps lists as `{"type": "x.list", key: [...]}`; older exports use plain lists."""
    inner = value.get(key) if isinstance(value, dict) else value
    return [item for item in inner if isinstance(item, dict)] if isinstance(inner, list) else []


def _id(value: Any) -> str | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    return str(value)


def _time(item: dict[str, Any], key: str) -> str | None:
    try:
        return iso(parse_time(item.get(key)))
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None


def _seconds(item: dict[str, Any], key: str) -> float | None:
    value = parse_time(item.get(key))
    return value.timestamp() if value is not None else None


def _role(author: dict[str, Any]) -> str:
    kind = str(author.get("type") or "")
    if kind in _CUSTOMER_TYPES:
        return "customer"
    if kind == "bot" or author.get("from_ai_agent") is True:
        return "bot"
    if kind in ("admin", "team"):
        return "agent"
    return "system"


def _person(author: dict[str, Any]) -> dict[str, Any] | None:
    author_id = _id(author.get("id"))
    if author_id is None:
        return None
    name = author.get("name")
    return {"id": author_id, "name": name} if name else {"id": author_id}


def _text(item: dict[str, Any]) -> str:
    """The body as plain text, with one `[attachment: name]` line per attachment."""
    text = html_to_text(item.get("body") if isinstance(item.get("body"), str) else None)
    names = [str(a.get("name") or a.get("url") or "file") for a in _items(item, "attachments")]
    lines = [text] if text else []
    lines += [f"[attachment: {name}]" for name in names]
    if not lines and item.get("redacted") is True:
        return "[redacted]"
    return "\n".join(lines)


def _message(item: dict[str, Any], at: str | None, text: str, note: bool) -> dict[str, Any]:
    author = _obj(item.get("author"))
    message: dict[str, Any] = {"role": "note" if note else _role(author), "text": text, "at": at}
    person = _person(author)
    if person is not None:
        message["author"] = person
    if note:
        message["public"] = False
    return message


def _event(part: dict[str, Any], at: str | None) -> dict[str, Any]:
    assigned = _obj(part.get("assigned_to"))
    event: dict[str, Any] = {
        "kind": str(part.get("part_type") or "unknown"),
        "at": at,
        "author_id": _id(_obj(part.get("author")).get("id")),
        "assigned_to": _id(assigned.get("id")),
    }
    if assigned.get("type"):
        event["assigned_to_type"] = assigned["type"]
    return event


def _parts(conversation: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts by time (stable: equal times keep the export's order; untimed parts last)."""
    parts = _items(conversation.get("conversation_parts"), "conversation_parts")
    times = [_seconds(p, "created_at") for p in parts]
    ranked = sorted(range(len(parts)), key=lambda i: (times[i] is None, times[i] or 0.0, i))
    return [parts[i] for i in ranked]


def _transcript(
    conversation: dict[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Messages (the opening `source` and every part with content) and events (parts without)."""
    messages: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    source = _obj(conversation.get("source"))
    opening = _text(source)
    if opening:
        messages.append(_message(source, _time(conversation, "created_at"), opening, note=False))
    for part in _parts(conversation):
        part_type = str(part.get("part_type") or "")
        at = _time(part, "created_at")
        text = _text(part)
        if text:
            messages.append(_message(part, at, text, note=part_type in _NOTE_TYPES))
        if not text or part_type not in _MESSAGE_TYPES:
            events.append(_event(part, at))
    return messages, events


def _named(context: dict[str, Any], key: str) -> dict[str, str]:
    return {
        str(item["id"]): str(item["name"])
        for item in _items(context.get(key), key)
        if item.get("id") is not None and item.get("name")
    }


def _agent(
    conversation: dict[str, Any], messages: list[dict[str, Any]], context: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The assigned admin, named from their last message (else the `admins` sideload), and the team."""
    meta: dict[str, Any] = {}
    team_id = _id(conversation.get("team_assignee_id"))
    team = _obj(conversation.get("team"))
    team_name = _named(context, "teams").get(team_id or "") or (
        team.get("name") if _id(team.get("id")) in (None, team_id) else None
    )
    if team_id is not None:
        meta["team_id"] = team_id
    if team_name:
        meta["team_name"] = team_name
    admin_id = _id(conversation.get("admin_assignee_id"))
    if admin_id is None:
        return None, meta
    names = [
        m["author"]["name"]
        for m in messages
        if m.get("author", {}).get("id") == admin_id and m["author"].get("name")
    ]
    name = names[-1] if names else _named(context, "admins").get(admin_id)
    agent: dict[str, Any] = {"id": admin_id, "name": name, "team": team_name or None}
    return agent, meta


def _customer(
    conversation: dict[str, Any], messages: list[dict[str, Any]]
) -> dict[str, Any] | None:
    author = _obj(_obj(conversation.get("source")).get("author"))
    if str(author.get("type") or "") in _CUSTOMER_TYPES and _id(author.get("id")):
        return _person(author)
    contacts = _items(conversation.get("contacts"), "contacts")
    if not contacts or _id(contacts[0].get("id")) is None:
        return None
    contact_id = str(contacts[0]["id"])
    name = contacts[0].get("name") or next(
        (
            m["author"].get("name")
            for m in messages
            if m["role"] == "customer" and m.get("author", {}).get("id") == contact_id
        ),
        None,
    )
    return {"id": contact_id, "name": name} if name else {"id": contact_id}


def _statistics(conversation: dict[str, Any], created: float | None) -> dict[str, Any]:
    """Wall-clock seconds from the conversation's start, plus Intercom's own business-hours figures.

    The start is `created_at`, except for conversations an admin or automation opened, where the
    clock starts at the customer's first reply (`first_contact_reply_at`), as Intercom measures it.
    """
    stats = _obj(conversation.get("statistics"))
    out: dict[str, Any] = {}
    delivered = _obj(conversation.get("source")).get("delivered_as")
    start = created
    if delivered not in (None, "customer_initiated"):
        start = _seconds(stats, "first_contact_reply_at") or created
    for key, target in (
        ("first_admin_reply_at", "first_reply_s"),
        ("first_assignment_at", "first_assignment_s"),
        ("first_close_at", "first_close_s"),
        ("last_close_at", "last_close_s"),
    ):
        at = _seconds(stats, key)
        if at is not None and start is not None:
            out[target] = at - start
    for key in _BUSINESS_HOURS:
        if isinstance(stats.get(key), int | float):
            out[f"{key}_s"] = stats[key]
    for key in ("count_reopens", "count_assignments", "count_conversation_parts"):
        if isinstance(stats.get(key), int):
            out[key] = stats[key]
    return out


def _reopened(conversation: dict[str, Any], events: list[dict[str, Any]]) -> bool:
    """Intercom's `count_reopens`; without statistics, an `open` part after a `close` part."""
    count = _obj(conversation.get("statistics")).get("count_reopens")
    if isinstance(count, int):
        return count > 0
    closed = False
    for event in events:
        if event["kind"] == "close":
            closed = True
        elif event["kind"] in ("open", "note_and_reopen", "assign_and_reopen") and closed:
            return True
    return False


def _handle_time(conversation: dict[str, Any], created: float | None) -> float | None:
    """Intercom's `handling_time` when the export has it, else first message to last close."""
    stats = _obj(conversation.get("statistics"))
    if isinstance(stats.get("handling_time"), int | float):
        return float(stats["handling_time"])
    last_close = _seconds(stats, "last_close_at")
    if last_close is not None and created is not None:
        return last_close - created
    return None


def _closed_at(
    conversation: dict[str, Any], events: list[dict[str, Any]], state: str | None
) -> str | None:
    if state != "closed":
        return None
    last = _time(_obj(conversation.get("statistics")), "last_close_at")
    closes = [e["at"] for e in events if e["kind"] == "close" and e["at"]]
    return last or (closes[-1] if closes else None)


def _metadata(conversation: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    source = _obj(conversation.get("source"))
    meta: dict[str, Any] = {
        key: value
        for key, value in (
            ("source_type", source.get("type")),
            ("delivered_as", source.get("delivered_as")),
            ("priority", conversation.get("priority")),
            ("updated_at", _time(conversation, "updated_at")),
            ("waiting_since", _time(conversation, "waiting_since")),
        )
        if value
    }
    contacts = _items(conversation.get("contacts"), "contacts")
    if contacts and contacts[0].get("external_id"):
        meta["customer_external_id"] = str(contacts[0]["external_id"])
    teammates = [_id(t.get("id")) for t in _items(conversation.get("teammates"), "admins")]
    if teammates:
        meta["teammate_ids"] = [t for t in teammates if t]
    rating = _obj(conversation.get("conversation_rating"))
    if rating.get("remark"):
        meta["csat_remark"] = html_to_text(str(rating["remark"]))
    if rating.get("rating") is not None:
        meta["csat_at"] = _time(rating, "created_at")
        meta["csat_teammate_id"] = _id(_obj(rating.get("teammate")).get("id"))
    if _obj(conversation.get("custom_attributes")):
        meta["custom_attributes"] = conversation["custom_attributes"]
    if events:
        meta["events"] = events
    return meta


def _state(conversation: dict[str, Any]) -> str | None:
    state = conversation.get("state")
    if isinstance(state, str) and state:
        return state
    if isinstance(conversation.get("open"), bool):
        return "open" if conversation["open"] else "closed"
    return None


def to_contract(
    conversation: dict[str, Any], context: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One Intercom conversation as a JSONL-contract record; ValueError says what is wrong with it."""
    conversation_id = _id(conversation.get("id"))
    if conversation_id is None:
        raise ValueError("the conversation has no 'id'")
    context = context or {}
    created = _seconds(conversation, "created_at")
    messages, events = _transcript(conversation)
    agent, team_meta = _agent(conversation, messages, context)
    source = _obj(conversation.get("source"))
    state = _state(conversation)
    rating = _obj(conversation.get("conversation_rating")).get("rating")
    subject = html_to_text(conversation.get("title") or source.get("subject") or "")
    source_type = str(source.get("type") or "")
    return {
        "id": conversation_id,
        "source": SOURCE,
        "channel": _CHANNELS.get(source_type, source_type or None),
        "subject": subject or None,
        "status": state,
        "created_at": _time(conversation, "created_at"),
        "closed_at": _closed_at(conversation, events, state),
        "agent": agent,
        "customer": _customer(conversation, messages),
        "csat": rating,
        "csat_scale": 5,
        "reopened": _reopened(conversation, events),
        "handle_time_s": _handle_time(conversation, created),
        "tags": [str(t["name"]) for t in _items(conversation.get("tags"), "tags") if t.get("name")],
        "metadata": {
            **_metadata(conversation, events),
            **team_meta,
            **_statistics(conversation, created),
        },
        "messages": messages,
    }


def read_intercom(path: Path, on_bytes: formats.OnBytes = None) -> Iterator[formats.Item]:
    """Yield each conversation in the contract's shape, or an InputError naming file and line/index
    (and the warnings the export's reading gave)."""
    export = read_export(path, "conversations", on_bytes, looks_like_intercom)
    for item in export.items:
        yield _convert(item, export.context) if isinstance(item, RawRecord) else item


def _convert(record: RawRecord, context: dict[str, Any]) -> RawRecord | InputError:
    try:
        data = to_contract(record.data, context)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return InputError(
            f"not a readable Intercom conversation: {exc}",
            file=record.file,
            line=record.line,
            index=record.index,
        )
    return RawRecord(record.file, record.line, data, record.index)


def looks_like_intercom(sample: dict[str, Any]) -> bool:
    """Intercom conversations have `conversation_parts`, or `type: conversation` with a `source`."""
    if any(key in sample for key in _FOREIGN_KEYS):
        return False
    if "conversation_parts" in sample:
        return True
    return sample.get("type") == "conversation" and "source" in sample


FORMAT = formats.register(formats.Format("intercom", read_intercom, looks_like_intercom))

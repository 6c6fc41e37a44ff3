"""Freshdesk tickets (API v2, `GET /tickets/{id}?include=conversations,requester`) as conversations.

Reads `{"tickets": [...], "agents": [...], "groups": [...]}` documents, a JSON list of tickets, a
single bare ticket, or JSONL with one ticket per line. docs/importers.md has the field mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from supportqa.errors import InputError
from supportqa.importers.common import (
    People,
    as_dict,
    as_list,
    as_text,
    convert_all,
    event,
    looks_like_freshdesk,
    names_by_id,
    str_id,
    string_tags,
    without_nulls,
)
from supportqa.importers.documents import read_export
from supportqa.importers.formats import Format, Item, OnBytes, register
from supportqa.importers.html import html_to_text

SOURCE = "freshdesk"

STATUSES = {
    2: "open",
    3: "pending",
    4: "resolved",
    5: "closed",
    6: "waiting_on_customer",
    7: "waiting_on_third_party",
}
PRIORITIES = {1: "low", 2: "medium", 3: "high", 4: "urgent"}
SOURCES = {
    1: ("email", "email"),
    2: ("portal", "email"),
    3: ("phone", "voice"),
    4: ("forum", "web"),
    5: ("twitter", "social"),
    6: ("facebook", "social"),
    7: ("chat", "chat"),
    8: ("mobihelp", "mobile"),
    9: ("feedback_widget", "email"),
    10: ("outbound_email", "email"),
}
"""Ticket `source` code → (name kept in metadata, contract channel). Portal and feedback-widget tickets
are answered by email, like Zendesk's web-form tickets, so they share the email channel and its SLA."""

CSAT = {103: 5, 102: 4, 101: 4, 100: 3, -101: 2, -102: 2, -103: 1}
"""Freshdesk's answer codes (+3 extremely happy .. -3 extremely unhappy) on a 1..5 scale: a 5-point
survey (103, 102, 100, -102, -103) maps to exactly 5..1, a 3-point one to 5/3/1, a 2-point one to 5/1;
the 7-point survey's 101 and -101 share a step with their neighbours."""

_FORWARD = 8  # conversation source: an email forwarded to a third party, never seen by the customer
_TIME_SPENT = re.compile(r"^\s*(\d+):([0-5]\d)\s*$")


def sniff(item: dict[str, Any]) -> bool:
    """A Freshdesk ticket (`description_text`, `responder_id`, conversations with `incoming`) or
    the first conversation of a bare ticket document; never a contract record."""
    return "messages" not in item and looks_like_freshdesk(item)


def _is_ticket(document: dict[str, Any]) -> bool:
    return "id" in document and looks_like_freshdesk(document)


def read(path: Path, on_bytes: OnBytes = None) -> Iterator[Item]:
    export = read_export(path, "tickets", on_bytes, _is_ticket)
    return convert_all(export.items, export.context, convert)


def convert(ticket: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """One raw ticket (with its conversations) → a record in the conversation contract."""
    ticket_id = str_id(ticket.get("id"))
    if ticket_id is None:
        raise InputError("ticket has no 'id'")
    conversations = ticket.get("conversations", [])
    if not isinstance(conversations, list):
        raise InputError(f"'conversations' must be a list, got {type(conversations).__name__}")
    people = _people(ticket, context)
    requester = str_id(ticket.get("requester_id")) or str_id(
        as_dict(ticket.get("requester")).get("id")
    )
    messages, events = _messages(ticket, conversations, people, requester)

    group_id = str_id(ticket.get("group_id"))
    groups = names_by_id(context.get("groups")) | names_by_id(ticket.get("groups"))
    rating = _rating(ticket, context.get("satisfaction_ratings"), ticket_id)
    csat = _csat(as_dict(rating.get("ratings")).get("default_question"))
    stats = as_dict(ticket.get("stats"))
    status = _status(ticket.get("status"))
    metadata = _metadata(ticket, events)
    if csat is not None and as_text(rating.get("feedback")):
        metadata["csat_comment"] = as_text(rating.get("feedback"))
    return without_nulls(
        {
            "id": ticket_id,
            "source": SOURCE,
            "channel": _source(ticket.get("source"))[1],
            "subject": as_text(ticket.get("subject")),
            "status": status,
            "created_at": as_text(ticket.get("created_at")),
            "closed_at": _closed_at(status, stats),
            "agent": _agent(ticket, people, groups.get(group_id or "")),
            "customer": people.person(requester),
            "csat": csat,
            "csat_scale": 5 if csat is not None else None,
            "reopened": (stats.get("reopened_at") is not None) if "reopened_at" in stats else None,
            "handle_time_s": handle_time_s(ticket.get("time_entries")),
            "tags": string_tags(ticket.get("tags")),
            "metadata": metadata,
            "messages": messages,
        }
    )


def _metadata(ticket: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    """The ticket's useful extra fields; empty ones are left out."""
    return without_nulls(
        {
            "priority": _priority(ticket.get("priority")),
            "type": as_text(ticket.get("type")),
            "group_id": str_id(ticket.get("group_id")),
            "company_id": str_id(ticket.get("company_id")),
            "source": _source(ticket.get("source"))[0],
            "due_by": as_text(ticket.get("due_by")),
            "custom_fields": without_nulls(as_dict(ticket.get("custom_fields"))) or None,
            "events": events or None,
        }
    )


def _people(ticket: dict[str, Any], context: dict[str, Any]) -> People:
    people = People()
    people.add(context.get("contacts"), role="customer")
    people.add(context.get("agents"), role="agent").add(ticket.get("agents"), role="agent")
    for key, role in (("requester", "customer"), ("responder", "agent")):
        if isinstance(ticket.get(key), dict):
            people.add_one(ticket[key], role=role)
    return people


def _messages(
    ticket: dict[str, Any], conversations: list[Any], people: People, requester: str | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The description as the customer's first message, then each conversation; parts with no text
    become events."""
    messages: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    created_at = as_text(ticket.get("created_at"))
    text = as_text(ticket.get("description_text")) or html_to_text(
        as_text(ticket.get("description"))
    )
    if text:
        first: dict[str, Any] = {"role": "customer", "text": text, "at": created_at}
        first.update(author=people.person(requester))
        messages.append(without_nulls(first))
    else:
        kind = "attachment" if as_list(ticket.get("attachments")) else "empty"
        events.append(event(kind, created_at, requester))
    for index, part in enumerate(conversations):
        if not isinstance(part, dict):
            raise InputError(f"conversation #{index} is not an object")
        at = as_text(part.get("created_at"))
        text = as_text(part.get("body_text")) or html_to_text(as_text(part.get("body")))
        if not text:
            kind = "attachment" if as_list(part.get("attachments")) else "empty"
            events.append(event(kind, at, part.get("user_id")))
            continue
        role = conversation_role(part, people)
        message: dict[str, Any] = {"role": role, "text": text, "at": at, "public": role != "note"}
        message.update(author=people.person(part.get("user_id")))
        messages.append(without_nulls(message))
    return messages, events


def conversation_role(part: dict[str, Any], people: People) -> str:
    """Private notes and forwards → note; `incoming` → customer; a bot-named agent → bot; else agent."""
    incoming = part.get("incoming") is True
    if part.get("private") is True or (not incoming and part.get("source") == _FORWARD):
        return "note"
    if incoming:
        return "customer"
    author = people.get(part.get("user_id"))
    return "bot" if author is not None and author.bot else "agent"


def _status(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return STATUSES.get(value, str(value))
    text = as_text(value)
    return text.lower() if text else None


def _closed_at(status: str | None, stats: dict[str, Any]) -> str | None:
    """`stats.closed_at`, else `resolved_at`, for a resolved or closed ticket (a reopened one is not)."""
    if status not in ("resolved", "closed"):
        return None
    return as_text(stats.get("closed_at")) or as_text(stats.get("resolved_at"))


def _priority(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return PRIORITIES.get(value, str(value))
    return as_text(value)


def _source(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, int) and not isinstance(value, bool):
        return SOURCES.get(value, (str(value), None))
    return None, None


def _agent(ticket: dict[str, Any], people: People, team: str | None) -> dict[str, Any] | None:
    responder = str_id(ticket.get("responder_id")) or str_id(
        as_dict(ticket.get("responder")).get("id")
    )
    agent = people.person(responder)
    if agent is None:
        return None
    return {**agent, "team": team} if team else agent


def _csat(answer: Any) -> int | None:
    if isinstance(answer, str) and answer.strip().lstrip("-").isdigit():
        answer = int(answer)
    if isinstance(answer, int) and not isinstance(answer, bool):
        return CSAT.get(answer)
    return None


def _rating(ticket: dict[str, Any], sideload: Any, ticket_id: str) -> dict[str, Any]:
    """The ticket's satisfaction rating: its own `satisfaction_rating` (an object or a list, the last
    one wins), else the last one for it in a `satisfaction_ratings` sideload."""
    own = ticket.get("satisfaction_rating") or ticket.get("satisfaction_ratings")
    if isinstance(own, dict):
        return own
    candidates = [r for r in as_list(own) if isinstance(r, dict)]
    if not candidates:
        candidates = [
            r
            for r in as_list(sideload)
            if isinstance(r, dict) and str_id(r.get("ticket_id")) == ticket_id
        ]
    return candidates[-1] if candidates else {}


def handle_time_s(entries: Any) -> float | None:
    """The sum of the ticket's time entries (`time_spent` "hh:mm"), when the export has them;
    Freshdesk's `stats` hold only timestamps, which measure waiting, not work."""
    total = 0
    seen = False
    for entry in as_list(entries):
        match = _TIME_SPENT.match(str(as_dict(entry).get("time_spent") or ""))
        if match:
            total += int(match.group(1)) * 3600 + int(match.group(2)) * 60
            seen = True
    return float(total) if seen else None


register(Format(SOURCE, read, sniff))

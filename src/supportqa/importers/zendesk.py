"""Zendesk Support tickets (the REST API's shapes) as conversations.

Reads `{"tickets": [...], "users": [...], "groups": [...]}` documents, a single `{"ticket": {...}}`, a
JSON list of tickets, or JSONL with one ticket per line; each ticket carries its `comments` (the
`/tickets/{id}/comments` list) and may carry its own `users`. docs/importers.md has the field mapping.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from supportqa.errors import InputError
from supportqa.importers.common import (
    People,
    Someone,
    as_dict,
    as_list,
    as_number,
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

SOURCE = "zendesk"

_CHANNELS = {
    "web": "email",
    "email": "email",
    "mail": "email",
    "chat": "chat",
    "chat_transcript": "chat",
    "native_messaging": "chat",
    "messaging": "chat",
    "sunshine_conversations": "chat",
    "voice": "voice",
    "phone": "voice",
    "twitter": "social",
    "twitter_dm": "social",
    "facebook": "social",
    "facebook_post": "social",
    "facebook_message": "social",
    "instagram": "social",
    "instagram_dm": "social",
    "whatsapp": "social",
    "any_channel": "social",
}
"""`via.channel` → contract channel; other values (`api`, `mobile_sdk`, ...) are kept as they are."""

_BOT_RELS = frozenset({"answer_bot", "flow_builder", "ai_agent", "bot"})
_CSAT = {"good": 5, "bad": 1}
_TERMINAL = frozenset({"solved", "closed"})


def sniff(item: dict[str, Any]) -> bool:
    """A Zendesk ticket: comments with `author_id`, or `via`/`requester_id` with `assignee_id` or
    `satisfaction_rating`; never a contract record or a Freshdesk ticket."""
    if "messages" in item or looks_like_freshdesk(item):
        return False
    if any(isinstance(c, dict) and "author_id" in c for c in as_list(item.get("comments"))):
        return True
    anchored = "comments" in item or "via" in item or "requester_id" in item
    return anchored and ("satisfaction_rating" in item or "assignee_id" in item)


def read(path: Path, on_bytes: OnBytes = None) -> Iterator[Item]:
    export = read_export(path, "tickets", on_bytes, sniff)
    return convert_all(export.items, export.context, convert)


def channel_of(via_channel: str | None) -> str | None:
    if via_channel is None:
        return None
    return _CHANNELS.get(via_channel.lower(), via_channel.lower())


def convert(ticket: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """One raw ticket (with its comments) → a record in the conversation contract."""
    ticket_id = str_id(ticket.get("id"))
    if ticket_id is None:
        raise InputError("ticket has no 'id'")
    people = People().add(context.get("users")).add(ticket.get("users"))
    groups = names_by_id(context.get("groups")) | names_by_id(ticket.get("groups"))
    requester_id = str_id(ticket.get("requester_id"))
    messages, events = _messages(ticket, _comments(ticket, context), people, requester_id)

    via_channel = as_text(as_dict(ticket.get("via")).get("channel"))
    satisfaction = as_dict(ticket.get("satisfaction_rating"))
    csat = _CSAT.get(str(satisfaction.get("score")))
    metrics = as_dict(ticket.get("metric_set"))
    group_id = str_id(ticket.get("group_id"))
    metadata = _metadata(ticket, context, events)
    if csat is not None and as_text(satisfaction.get("comment")):
        metadata["csat_comment"] = as_text(satisfaction.get("comment"))
    reopens = as_number(metrics.get("reopens"))
    return without_nulls(
        {
            "id": ticket_id,
            "source": SOURCE,
            "channel": channel_of(via_channel),
            "subject": as_text(ticket.get("subject")) or as_text(ticket.get("raw_subject")),
            "status": as_text(ticket.get("status")),
            "created_at": as_text(ticket.get("created_at")),
            "closed_at": _closed_at(ticket, metrics),
            "agent": _agent(ticket, people, groups.get(group_id or "")),
            "customer": people.person(requester_id),
            "csat": csat,
            "csat_scale": 5 if csat is not None else None,
            "reopened": reopens > 0 if reopens is not None else None,
            "handle_time_s": handle_time_s(metrics),
            "tags": string_tags(ticket.get("tags")),
            "metadata": metadata,
            "messages": messages,
        }
    )


def _metadata(
    ticket: dict[str, Any], context: dict[str, Any], events: list[dict[str, Any]]
) -> dict[str, Any]:
    """The ticket's useful extra fields; empty ones are left out."""
    organization_id = str_id(ticket.get("organization_id"))
    replies = as_dict(ticket.get("metric_set")).get("replies")
    return without_nulls(
        {
            "priority": as_text(ticket.get("priority")),
            "type": as_text(ticket.get("type")),
            "group_id": str_id(ticket.get("group_id")),
            "organization_id": organization_id,
            "organization": names_by_id(context.get("organizations")).get(organization_id or ""),
            "via_channel": as_text(as_dict(ticket.get("via")).get("channel")),
            "custom_fields": _custom_fields(ticket.get("custom_fields")) or None,
            "replies": replies if isinstance(replies, int) else None,
            "events": events or None,
        }
    )


def _comments(ticket: dict[str, Any], context: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The ticket's comments; None when the export has none (then the description stands in)."""
    comments = ticket.get("comments")
    single = as_dict(context.get("ticket"))
    if comments is None and single and single.get("id") == ticket.get("id"):
        comments = context.get("comments")  # {"ticket": {...}, "comments": [...]} from two calls
    if comments is None:
        return None
    if not isinstance(comments, list):
        raise InputError(f"'comments' must be a list, got {type(comments).__name__}")
    for index, comment in enumerate(comments):
        if not isinstance(comment, dict):
            raise InputError(f"comment #{index} is not an object")
    return comments


def _messages(
    ticket: dict[str, Any],
    comments: list[dict[str, Any]] | None,
    people: People,
    requester_id: str | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Comments as messages; the ones with no text become events. Zendesk's `description` is the
    first comment's body, so it is used only when the export has no comments."""
    if not comments:
        text = as_text(ticket.get("description"))
        if text is None:
            return [], []
        first: dict[str, Any] = {"role": "customer", "text": text}
        first.update(at=as_text(ticket.get("created_at")), author=people.person(requester_id))
        return [without_nulls(first)], []
    messages: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for comment in comments:
        author_id = comment.get("author_id")
        at = as_text(comment.get("created_at"))
        text = (
            as_text(comment.get("body"))
            or as_text(comment.get("plain_body"))
            or html_to_text(as_text(comment.get("html_body")))
        )
        if not text:
            events.append(event(_event_kind(comment), at, author_id))
            continue
        public = comment.get("public") is not False
        role = comment_role(comment, people.get(author_id), str_id(author_id) == requester_id)
        message: dict[str, Any] = {"role": role, "text": text, "at": at, "public": public}
        message.update(author=people.person(author_id))
        messages.append(without_nulls(message))
    return messages, events


def comment_role(comment: dict[str, Any], author: Someone | None, by_requester: bool) -> str:
    """Private → note; a bot user → bot; the requester or an end-user → customer; a staff comment
    made through Answer Bot, a flow or an AI agent → bot; any other author → agent."""
    if comment.get("public") is False:
        return "note"
    if author is not None and author.bot:
        return "bot"
    if by_requester or (author is not None and author.role == "end-user"):
        return "customer"
    via = as_dict(comment.get("via"))
    channel = (as_text(via.get("channel")) or "").lower()
    rel = (as_text(as_dict(via.get("source")).get("rel")) or "").lower()
    if channel.startswith("answer_bot") or channel == "ai_agent" or rel in _BOT_RELS:
        return "bot"
    return "agent"


def _event_kind(comment: dict[str, Any]) -> str:
    if as_list(comment.get("attachments")):
        return "attachment"
    if comment.get("type") == "VoiceComment":
        return "voice_call"
    return "empty"


def _agent(ticket: dict[str, Any], people: People, team: str | None) -> dict[str, Any] | None:
    agent = people.person(ticket.get("assignee_id"))
    if agent is None:
        return None
    return {**agent, "team": team} if team else agent


def _custom_fields(value: Any) -> dict[str, Any]:
    """`[{"id": 360, "value": "x"}, ...]` → `{"360": "x"}`, without the empty ones."""
    if isinstance(value, dict):
        return without_nulls(value)
    fields: dict[str, Any] = {}
    for field in as_list(value):
        key = str_id(as_dict(field).get("id"))
        if key is not None and field.get("value") not in (None, "", []):
            fields[key] = field["value"]
    return fields


def _closed_at(ticket: dict[str, Any], metrics: dict[str, Any]) -> str | None:
    """`metric_set.solved_at` when the ticket is solved or closed (no guess from `updated_at`)."""
    if as_text(ticket.get("status")) in _TERMINAL:
        return as_text(metrics.get("solved_at"))
    return None


def handle_time_s(metrics: dict[str, Any]) -> float | None:
    """Time on the team's side: full resolution time minus the time spent waiting on the customer
    (`agent_wait_time`), in business minutes when there are any, else calendar minutes. Zendesk has
    no handle time of its own; unsolved tickets (no resolution time) have none."""
    full = as_dict(metrics.get("full_resolution_time_in_minutes"))
    wait = as_dict(metrics.get("agent_wait_time_in_minutes"))
    for basis in ("business", "calendar"):
        minutes = as_number(full.get(basis))
        if minutes is None or (basis == "business" and minutes <= 0):
            continue
        waited = as_number(wait.get(basis)) or 0.0
        return max(minutes - waited, 0.0) * 60
    return None


register(Format(SOURCE, read, sniff))

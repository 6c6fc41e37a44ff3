"""Conversation versions: one hash of exactly what scorers read, so a review can say what it judged.

A conversation's `content_hash` in storage covers the whole record (a changed CSAT is an update to
store). The *version* covers only what can change a rating: the transcript (role, author, text, time,
internal notes), status, reopened, channel, subject, who the agent, team and customer are (reviewee,
redaction of known names), when it started (periods) and the one metadata key a scorer reads. A CSAT
answer arriving later is a new record but the same version: nothing is re-scored for it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from supportqa.domain.conversation import Conversation, Person

SCORED_METADATA_KEYS = ("customer_left",)
"""Metadata keys a scorer reads (`rules.customer_left`); the rest of `metadata` is not judged."""


def _person(person: Person | None) -> list[Any] | None:
    if person is None:
        return None
    return [person.id, person.name, getattr(person, "team", None)]


def _at(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def version_fields(conversation: Conversation) -> dict[str, Any]:
    """The fields the version hash covers, as plain JSON-able values."""
    return {
        "messages": [
            [m.role.value, _person(m.author), m.text, _at(m.at), m.public]
            for m in conversation.messages
        ],
        "status": conversation.status,
        "reopened": conversation.reopened,
        "channel": conversation.channel,
        "subject": conversation.subject,
        "agent": _person(conversation.agent),
        "customer": _person(conversation.customer),
        "started_at": _at(conversation.started_at),
        "metadata": {
            key: conversation.metadata[key]
            for key in SCORED_METADATA_KEYS
            if key in conversation.metadata
        },
    }


def conversation_version(conversation: Conversation) -> str:
    """sha256 (hex) of `version_fields`: equal for two records exactly when scorers see the same."""
    text = orjson.dumps(version_fields(conversation), option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(text).hexdigest()

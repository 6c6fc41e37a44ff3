"""Conversation versions: one hash of exactly what scorers read, so a review can say what it judged.

A conversation's `content_hash` in storage covers the whole record (a changed CSAT is an update to
store). The *version* covers only what can change a rating: the transcript (role, author, text, time,
internal notes), status, reopened, channel, subject, who the agent, team and customer are (reviewee,
redaction of known names), when it started (periods) and the one metadata key a scorer reads. A CSAT
answer arriving later is a new record but the same version: nothing is re-scored for it.
"""

from __future__ import annotations

import hashlib

import orjson

from supportqa.domain.conversation import Conversation

SCORED_METADATA_KEYS = ("customer_left",)
"""Metadata keys a scorer reads (`rules.customer_left`); the rest of `metadata` is not judged."""


SCORED_FIELDS: set[str] = {
    "messages",
    "status",
    "reopened",
    "channel",
    "subject",
    "agent",
    "customer",
    "created_at",
}
"""Conversation fields the version covers (every field of every message: role, author, text, time,
public); `created_at` with the messages' times gives the start time periods are keyed on."""


def conversation_version(conversation: Conversation) -> str:
    """sha256 (hex) of what scorers read: equal for two records exactly when scorers see the same.

    Serialised by pydantic's own serializer with `include` (fields in declaration order, so the text
    is stable): a fraction of the cost of building and dumping a dict, which matters on import.
    """
    digest = hashlib.sha256(conversation.model_dump_json(include=SCORED_FIELDS).encode())
    scored_metadata = {
        k: conversation.metadata[k] for k in SCORED_METADATA_KEYS if k in conversation.metadata
    }
    if scored_metadata:
        digest.update(b"\x1f" + orjson.dumps(scored_metadata, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()

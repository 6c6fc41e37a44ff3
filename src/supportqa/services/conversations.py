"""The conversation list as a use case: filters, full-text search, sort, keyset pages, row scope.

`list_conversations` is what `GET /api/v1/conversations`, the conversation page and any script call.
Paging is by an opaque cursor (keyset on the sort value and id, see `storage.conversation_list`):
within one traversal no conversation appears twice, and none that existed unchanged is skipped,
whatever is imported, scored or reviewed meanwhile. A conversation that changes during a traversal
is left out of its remaining pages; a new traversal shows it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict

from supportqa.domain.conversation import Conversation
from supportqa.errors import InputError
from supportqa.scorers.judge.personal_data import customer_names, personal_data_redactor
from supportqa.services.scope import EVERYTHING, Scope
from supportqa.services.workspace import Workspace
from supportqa.storage import conversation_list
from supportqa.storage.bulk import utc_now
from supportqa.storage.conversation_filters import ConversationFilters
from supportqa.storage.conversation_list import SORT_KEYS, After, PageQuery, SortKey

__all__ = [
    "ConversationFilters",
    "ConversationItem",
    "ConversationPage",
    "ItemReviewee",
    "Sort",
    "list_conversations",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Sort(BaseModel):
    """A sort key and direction; `parse` reads `newest`, `oldest`, `iqs`, `-iqs`, `created`, ..."""

    model_config = ConfigDict(frozen=True)

    key: SortKey = "created"
    descending: bool = True

    @classmethod
    def parse(cls, text: str) -> Sort:
        named = {"newest": cls(key="created"), "oldest": cls(key="created", descending=False)}
        if text in named:
            return named[text]
        key = text.removeprefix("-")
        if key not in SORT_KEYS:
            known = ", ".join(["newest", "oldest", *SORT_KEYS])
            raise InputError(
                f"unknown sort {text!r}: use one of {known}, '-' before a key for descending"
            )
        return cls(key=key, descending=text.startswith("-"))


class ItemReviewee(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    id: str
    is_bot: bool


class ConversationItem(BaseModel):
    """One row of the list. The IQS is the latest AI review's of the current version (the
    reviewee who held the conversation; for a scoped caller, their own review's); CX is the
    conversation's."""

    model_config = ConfigDict(frozen=True)

    source: str
    id: str
    subject: str | None
    channel: str | None
    team: str | None
    status: str | None
    agent_id: str | None
    reviewees: list[ItemReviewee]
    created_at: datetime | None
    updated_at: datetime
    message_count: int | None
    ai_iqs: float | None
    ai_cx: int | None
    flagged: bool
    human_reviews: int
    human_iqs: float | None


class ConversationPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    items: list[ConversationItem]
    next_cursor: str | None
    """Pass it back (with the same filters and sort) for the next page; None on the last one."""
    as_of: datetime
    """The moment the traversal began: conversations changed since are left out of its pages."""


def list_conversations(
    workspace: Workspace,
    filters: ConversationFilters | None = None,
    *,
    scope: Scope = EVERYTHING,
    sort: Sort | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> ConversationPage:
    """A page of the conversations `scope` sees that match `filters`, in `sort` order."""
    filters = filters or ConversationFilters()
    sort = sort or Sort()
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    fingerprint = _fingerprint(filters, sort)
    after, as_of = _read_cursor(cursor, fingerprint) if cursor else (None, utc_now())
    query = PageQuery(
        filters=filters,
        scope=scope.reviewees,
        sort=sort.key,
        descending=sort.descending,
        after=after,
        as_of=as_of,
        limit=limit,
        masked=scope.mask_personal_data,
    )
    with workspace.db.engine.connect() as connection:
        rows = conversation_list.page(connection, query)
        shown = rows[:limit]
        pks = [row.id for row in shown]
        who = conversation_list.reviewees_of(connection, pks)
        stored = conversation_list.payloads(connection, pks) if scope.mask_personal_data else {}
    items = [_item(row, who[row.id], stored.get(row.id)) for row in shown]
    following = None
    if len(rows) > limit:
        last = shown[-1]
        following = _write_cursor(After(last.sort_value, last.id), as_of, fingerprint)
    return ConversationPage(items=items, next_cursor=following, as_of=as_of)


def _item(row: Any, reviewees: list[Any], payload: Any | None) -> ConversationItem:
    subject = row.subject
    if payload is not None and subject:
        names = customer_names(Conversation.model_validate(payload))
        subject = personal_data_redactor(names).redact(subject)
    return ConversationItem(
        source=row.source,
        id=row.external_id,
        subject=subject,
        channel=row.channel,
        team=row.team,
        status=row.status,
        agent_id=row.agent_id,
        reviewees=[
            ItemReviewee(source=r.source, id=r.reviewee_id, is_bot=bool(r.is_bot))
            for r in reviewees
        ],
        created_at=row.created_at,
        updated_at=row.updated_at,
        message_count=row.message_count,
        ai_iqs=row.ai_iqs,
        ai_cx=row.ai_cx,
        flagged=bool(row.ai_flagged),
        human_reviews=int(row.human_reviews or 0),
        human_iqs=row.human_iqs,
    )


def _fingerprint(filters: ConversationFilters, sort: Sort) -> str:
    text = filters.model_dump_json() + sort.model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _write_cursor(after: After, as_of: datetime, fingerprint: str) -> str:
    value = after.value
    tagged = {"dt": value.isoformat()} if isinstance(value, datetime) else value
    data = {"v": tagged, "i": after.id, "a": as_of.isoformat(), "f": fingerprint}
    return base64.urlsafe_b64encode(orjson.dumps(data)).decode().rstrip("=")


def _read_cursor(cursor: str, fingerprint: str) -> tuple[After, datetime]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = orjson.loads(raw)
        value = data["v"]
        if isinstance(value, dict):
            value = datetime.fromisoformat(value["dt"])
        elif isinstance(value, bool) or not (value is None or isinstance(value, int | float)):
            raise TypeError("sort value")
        after, as_of = After(value, int(data["i"])), datetime.fromisoformat(data["a"])
        found = data["f"]
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise InputError(
            "the cursor is not one this list gave: start again from the first page"
        ) from None
    if found != fingerprint:
        raise InputError(
            "the cursor belongs to a list with other filters or another sort: "
            "start again from the first page"
        )
    return after, as_of

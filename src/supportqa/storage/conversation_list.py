"""One page of the conversation list, by keyset on (sort value, id), and one conversation's row.

A page is what follows the last (sort value, id) seen, never an OFFSET, so deep pages cost what the
first does and rows inserted or moved elsewhere neither shift nor repeat the rest. Rows without a
sort value (unscored, undated) come last in either direction, read in a second query by id, so both
halves use an index. A traversal is pinned to the moment it began (`as_of`): a row changed after
that (re-imported, re-scored, reviewed) is left out of its later pages, since it may have moved
across the cursor; rows unchanged throughout are each seen exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Row, Select, literal, or_, select, tuple_

from supportqa.storage.conversation_filters import (
    ConversationFilters,
    Figures,
    Reviewees,
    conditions,
    figures,
    involving,
    resolve_agent,
)
from supportqa.storage.tables import conversation_reviewees, conversations

SortKey = Literal["created", "updated", "iqs", "cx"]
SORT_KEYS: tuple[SortKey, ...] = ("created", "updated", "iqs", "cx")


@dataclass(frozen=True)
class After:
    """Where the previous page ended: its last row's sort value (None: in the NULL tail) and id."""

    value: Any
    id: int


@dataclass(frozen=True)
class PageQuery:
    filters: ConversationFilters
    scope: frozenset[tuple[str, str]] | None
    sort: SortKey
    descending: bool
    after: After | None
    as_of: datetime
    limit: int
    masked: bool = False
    """The caller sees customers' personal data masked: search reads the masked text."""


def _sort_value(query: PageQuery, numbers: Figures) -> ColumnElement[Any]:
    c = conversations.c
    if query.sort == "created":
        return c.created_at
    if query.sort == "updated":
        return c.updated_at
    if query.sort == "cx":
        return c.ai_cx
    return numbers.human_iqs if query.filters.kind == "human" else numbers.ai_iqs


def _keys(
    connection: Connection, query: PageQuery, numbers: Figures, value: ColumnElement[Any]
) -> Select[Any]:
    """The ids and sort values of the conversations the query lists, not yet ordered or cut."""
    c = conversations.c
    agent = (
        resolve_agent(connection, query.filters.agent) if query.filters.agent is not None else None
    )
    where = conditions(query.filters, connection.dialect.name, numbers, agent, masked=query.masked)
    if query.scope is not None:
        where.append(involving(Reviewees(pairs=query.scope)))
    where.append(or_(c.changed_at.is_(None), c.changed_at <= query.as_of))
    return select(c.id, value.label("sort_value")).where(*where)


def _shown(connection: Connection, numbers: Figures, keyed: list[Row[Any]]) -> list[Any]:
    """What a page shows of the conversations `keyed` names, in its order, each with the sort
    value it was ordered by (the cursor's). Read apart from the ordering: a caller scoped to some
    reviewees has their own figures computed per row, which costs per row — so for the page's
    rows only, never for every conversation the filters keep."""
    if not keyed:
        return []
    c = conversations.c
    query = select(
        c.id,
        c.source,
        c.external_id,
        c.subject,
        c.channel,
        c.team,
        c.status,
        c.agent_id,
        c.created_at,
        c.updated_at,
        c.message_count,
        c.ai_cx,
        c.ai_flagged,
        numbers.ai_iqs.label("ai_iqs"),
        numbers.human_iqs.label("human_iqs"),
        numbers.human_reviews.label("human_reviews"),
    ).where(c.id.in_([key.id for key in keyed]))
    found = {row.id: row._mapping for row in connection.execute(query)}
    return [
        SimpleNamespace(**found[key.id], sort_value=key.sort_value)
        for key in keyed
        if key.id in found
    ]


def page(connection: Connection, query: PageQuery) -> list[Any]:
    """Up to `limit + 1` rows after `query.after` in sort order (one more than a page tells
    whether another page follows)."""
    numbers = figures(query.scope)
    value = _sort_value(query, numbers)
    base = _keys(connection, query, numbers, value)
    ids = conversations.c.id
    wanted = query.limit + 1
    rows: list[Row[Any]] = []
    after = query.after
    if after is None or after.value is not None:
        valued = base.where(value.is_not(None))
        if after is not None:
            mark = tuple_(literal(after.value, value.type), literal(after.id))
            key = tuple_(value, ids)
            valued = valued.where(key < mark if query.descending else key > mark)
        order = (value.desc(), ids.desc()) if query.descending else (value.asc(), ids.asc())
        rows = list(connection.execute(valued.order_by(*order).limit(wanted)))
    if len(rows) < wanted:
        tail = base.where(value.is_(None))
        if after is not None and after.value is None:
            tail = tail.where(ids < after.id if query.descending else ids > after.id)
        tail = tail.order_by(ids.desc() if query.descending else ids.asc())
        rows += list(connection.execute(tail.limit(wanted - len(rows))))
    return _shown(connection, numbers, rows)


def reviewees_of(connection: Connection, pks: list[int]) -> dict[int, list[Any]]:
    """conversation pk → its reviewees (source, id, is bot), in the order they were recorded."""
    found: dict[int, list[Any]] = {pk: [] for pk in pks}
    if not pks:
        return found
    t = conversation_reviewees.c
    query = (
        select(t.conversation_pk, t.source, t.reviewee_id, t.is_bot)
        .where(t.conversation_pk.in_(pks))
        .order_by(t.id)
    )
    for row in connection.execute(query):
        found[row.conversation_pk].append(row)
    return found


def payloads(connection: Connection, pks: list[int]) -> dict[int, Any]:
    """conversation pk → stored payload (for masking customers' names in a page's subjects)."""
    if not pks:
        return {}
    query = select(conversations.c.id, conversations.c.payload).where(conversations.c.id.in_(pks))
    return {row.id: row.payload for row in connection.execute(query)}


def visible(
    connection: Connection, source: str, id: str, scope: frozenset[tuple[str, str]] | None
) -> Any | None:
    """One conversation's pk, version, payload and detected language, or None when absent or
    outside `scope`."""
    c = conversations.c
    query = select(c.id, c.version_hash, c.payload, c.language).where(
        c.source == source, c.external_id == id
    )
    if scope is not None:
        query = query.where(involving(Reviewees(pairs=scope)))
    return connection.execute(query).first()


def sources_of(
    connection: Connection, id: str, scope: frozenset[tuple[str, str]] | None
) -> list[str]:
    """The sources holding a conversation with external id `id` that `scope` sees, sorted."""
    c = conversations.c
    query = select(c.source).where(c.external_id == id)
    if scope is not None:
        query = query.where(involving(Reviewees(pairs=scope)))
    return sorted(connection.execute(query).scalars())

"""Bulk upsert building blocks: chunking, change detection by content hash, key look-ups.

Helpers take the open `Connection` of the caller's transaction: one chunk, one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Connection, and_, bindparam, func, select, update

from supportqa.storage.tables import conversations, reviews

T = TypeVar("T")


@dataclass
class UpsertCounts:
    """What an upsert did with each input record: new, changed, or identical to what was stored."""

    imported: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.imported + self.updated + self.unchanged

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.imported + other.imported,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
        )


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    if size < 1:
        raise ValueError("batch_size must be at least 1")
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def utc_now() -> datetime:
    return datetime.now(UTC)


def dedupe(rows: list[dict[str, Any]], key: str, counts: UpsertCounts) -> dict[Any, dict[str, Any]]:
    """Last row wins for a key repeated in one chunk; the repeat counts as updated or unchanged."""
    latest: dict[Any, dict[str, Any]] = {}
    for row in rows:
        previous = latest.get(row[key])
        if previous is not None:
            if previous["content_hash"] == row["content_hash"]:
                counts.unchanged += 1
                continue
            counts.updated += 1
            row["imported_at"] = previous["imported_at"]
        latest[row[key]] = row
    return latest


def split(
    pending: dict[Any, dict[str, Any]], stored: dict[Any, tuple[int, str]], counts: UpsertCounts
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """New rows to insert, changed rows to update (with `_pk`); identical rows only counted."""
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for key, row in pending.items():
        if key not in stored:
            new.append(row)
            counts.imported += 1
        elif stored[key][1] != row["content_hash"]:
            changed.append({**row, "_pk": stored[key][0]})
            counts.updated += 1
        else:
            counts.unchanged += 1
    return new, changed


def stored_conversations(
    connection: Connection, keys: list[tuple[str, str]]
) -> dict[Any, tuple[int, str]]:
    stored: dict[Any, tuple[int, str]] = {}
    for source, ids in by_source(keys).items():
        query = select(
            conversations.c.id, conversations.c.external_id, conversations.c.content_hash
        ).where(conversations.c.source == source, conversations.c.external_id.in_(ids))
        for row in connection.execute(query):
            stored[(source, row.external_id)] = (row.id, row.content_hash)
    return stored


def stored_reviews(connection: Connection, review_ids: list[str]) -> dict[Any, tuple[int, str]]:
    query = select(reviews.c.id, reviews.c.review_id, reviews.c.content_hash).where(
        reviews.c.review_id.in_(review_ids)
    )
    return {row.review_id: (row.id, row.content_hash) for row in connection.execute(query)}


def conversation_pks(
    connection: Connection, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], int]:
    stored = stored_conversations(connection, list(dict.fromkeys(keys)))
    return {key: pk for key, (pk, _hash) in stored.items()}


def link_reviews(connection: Connection, keys: list[tuple[str, str]]) -> None:
    """Point reviews stored before their conversation at it, now that it is stored: its row, and
    (when they did not say) the version of it they judged — the one that has just arrived."""
    waiting = select(reviews.c.source, reviews.c.conversation_id).where(
        reviews.c.conversation_pk.is_(None)
    )
    if connection.execute(waiting.limit(1)).first() is None:
        return
    params = []
    for source, ids in by_source(keys).items():
        query = select(
            conversations.c.id, conversations.c.external_id, conversations.c.version_hash
        ).where(conversations.c.source == source, conversations.c.external_id.in_(ids))
        params += [
            {"k_source": source, "k_id": row.external_id, "k_pk": row.id, "k_v": row.version_hash}
            for row in connection.execute(query)
        ]
    statement = (
        update(reviews)
        .where(
            and_(
                reviews.c.source == bindparam("k_source"),
                reviews.c.conversation_id == bindparam("k_id"),
                reviews.c.conversation_pk.is_(None),
            )
        )
        .values(
            conversation_pk=bindparam("k_pk"),
            conversation_version=func.coalesce(reviews.c.conversation_version, bindparam("k_v")),
        )
    )
    if params:
        connection.execute(statement, params)


def by_source(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for source, external_id in keys:
        grouped.setdefault(source, []).append(external_id)
    return grouped


def first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def strip(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in keys} for row in rows]

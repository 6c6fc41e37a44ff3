"""Bringing cached analytics frames up to date by re-reading only the reviews that changed.

Triggers (migration 0012) record in `analytics_changes` every review a write inserted, updated or
deleted, every conversation whose survey answers changed and, for a linked identity or a renamed
person, every review whose agent that changes. A cache remembers a `Mark`: where in that log its
frames stand. Refreshing reads the log past the mark, re-reads those reviews (and their criteria)
and puts them in place of the old rows; reviews that are gone are dropped.

Where a mark stands differs by database. SQLite has one writer at a time, so change ids commit in
order and the mark is the last id read. PostgreSQL's ids can commit out of order (a long import
holds id 10 while id 11 commits), so the mark is the oldest transaction still running when it was
taken (`txid_snapshot_xmin`): the next refresh reads every change of that transaction or a later
one, which re-reads a few already applied (harmless: a refresh is idempotent) and skips none.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import ColumnElement, Connection, func, or_, select

from supportqa.analytics.frame import Frames
from supportqa.storage.frames import read_frames
from supportqa.storage.tables import analytics_changes, analytics_state, reviews


@dataclass(frozen=True)
class Mark:
    """Where a cache's frames stand in one database's change log (see the module's docstring)."""

    token: str
    position: int


@dataclass(frozen=True)
class Refresh:
    """Frames brought up to `mark`, and how many reviews were re-read (0: nothing had changed)."""

    frames: Frames
    mark: Mark
    reread: int


def _postgres(connection: Connection) -> bool:
    return connection.dialect.name == "postgresql"


def current_mark(connection: Connection) -> Mark:
    """The mark of what `connection`'s transaction sees (take it before reading the frames)."""
    token, _pruned = _state(connection)
    if _postgres(connection):
        position = connection.exec_driver_sql(
            "SELECT txid_snapshot_xmin(txid_current_snapshot())"
        ).scalar_one()
    else:  # the last id ever given (AUTOINCREMENT), also when pruning emptied the log
        position = connection.exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = 'analytics_changes'"
        ).scalar()
    return Mark(str(token), int(position or 0))


def _state(connection: Connection) -> tuple[str, int]:
    row = connection.execute(
        select(analytics_state.c.token, analytics_state.c.pruned_through)
    ).one()
    return str(row.token), int(row.pruned_through)


def usable(connection: Connection, mark: Mark) -> bool:
    """Whether frames at `mark` can be refreshed from the log: the same database, and no change
    after the mark pruned away."""
    token, pruned_through = _state(connection)
    if token != mark.token:
        return False
    return (
        pruned_through < mark.position if _postgres(connection) else pruned_through <= mark.position
    )


def _after(connection: Connection, mark: Mark) -> ColumnElement[bool]:
    if _postgres(connection):
        return analytics_changes.c.txid >= mark.position
    return analytics_changes.c.id > mark.position


def refresh(connection: Connection, frames: Frames, mark: Mark) -> Refresh:
    """`frames` (at `mark`, which must be `usable`) brought up to what `connection` sees. Run it in
    one transaction (REPEATABLE READ on PostgreSQL): the log and the re-read rows must agree."""
    now = current_mark(connection)
    after = _after(connection, mark)
    changed = select(analytics_changes.c.review_pk).where(
        after, analytics_changes.c.review_pk.is_not(None)
    )
    conversations = select(analytics_changes.c.conversation_pk).where(
        after, analytics_changes.c.conversation_pk.is_not(None)
    )
    touched = {int(pk) for pk in connection.execute(changed.distinct()).scalars()}
    has_conversations = connection.execute(conversations.limit(1)).first() is not None
    if not touched and not has_conversations:
        return Refresh(frames, now, 0)
    where: ColumnElement[bool] = reviews.c.id.in_(changed)
    if has_conversations:
        where = or_(where, reviews.c.conversation_pk.in_(conversations))
    fresh = read_frames(connection, where)
    touched.update(fresh.reviews["review_pk"].to_list())
    return Refresh(merge(frames, fresh, touched), now, len(touched))


def merge(frames: Frames, fresh: Frames, touched: set[int]) -> Frames:
    """`frames` without the `touched` reviews (changed or deleted), with `fresh` (their rows as
    they are now) in review order; a review's criteria stay in their stored order."""
    gone = pl.Series("review_pk", sorted(touched), dtype=pl.Int64).implode()
    kept_reviews = frames.reviews.filter(~pl.col("review_pk").is_in(gone))
    kept_criteria = frames.criteria.filter(~pl.col("review_pk").is_in(gone))
    reviews_frame = pl.concat([kept_reviews, fresh.reviews], how="vertical")
    criteria_frame = pl.concat([kept_criteria, fresh.criteria], how="vertical")
    if not _in_order(kept_reviews, fresh.reviews):  # new reviews come last: no sort to do
        reviews_frame = reviews_frame.sort("review_pk")
        criteria_frame = criteria_frame.sort("review_pk", maintain_order=True)
    return Frames(reviews_frame, criteria_frame)


def _in_order(kept: pl.DataFrame, fresh: pl.DataFrame) -> bool:
    if kept.is_empty() or fresh.is_empty():
        return True
    last = kept["review_pk"][-1]
    return bool(fresh["review_pk"].min() > last)


def prune(connection: Connection, keep_after: int) -> int:
    """Delete the change log up to id `keep_after` (inclusive) and remember how far it went, so a
    cache from before then rebuilds instead of missing changes; the number of rows deleted."""
    if _postgres(connection):
        through = connection.execute(
            select(func.max(analytics_changes.c.txid)).where(analytics_changes.c.id <= keep_after)
        ).scalar_one()
    else:
        through = keep_after
    deleted = connection.execute(
        analytics_changes.delete().where(analytics_changes.c.id <= keep_after)
    ).rowcount
    if deleted and through is not None:
        connection.execute(
            analytics_state.update().values(
                pruned_through=func.max(analytics_state.c.pruned_through, int(through))
                if not _postgres(connection)
                else func.greatest(analytics_state.c.pruned_through, int(through))
            )
        )
    return int(deleted or 0)

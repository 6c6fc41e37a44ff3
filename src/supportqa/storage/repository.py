"""The repository: domain objects in and out of the database, in bulk.

Writes are Core `insert()`/`update()` executemany per chunk, with one SELECT of the existing keys and
content hashes per chunk, so re-importing a file costs a hash comparison and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Connection, and_, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.errors import StorageError
from supportqa.storage import queries
from supportqa.storage.database import Database
from supportqa.storage.queries import CriterionRow, IqsRow
from supportqa.storage.rows import conversation_row, criteria_rows, review_row
from supportqa.storage.tables import (
    conversations,
    review_criteria,
    reviews,
    scorecards,
    scoring_runs,
)

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


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    if size < 1:
        raise ValueError("batch_size must be at least 1")
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _now() -> datetime:
    return datetime.now(UTC)


def _dedupe(
    rows: list[dict[str, Any]], key: str, counts: UpsertCounts
) -> dict[Any, dict[str, Any]]:
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


def _split(
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


class Repository:
    """Reads and writes conversations, scorecards, reviews and scoring runs over one `Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- conversations ------------------------------------------------------------------------

    def upsert_conversations(
        self, items: Iterable[Conversation], *, batch_size: int = 1000
    ) -> UpsertCounts:
        """Insert new and update changed conversations, keyed by (source, id)."""
        counts = UpsertCounts()
        for chunk in _chunks(items, batch_size):
            now = _now()
            rows = [conversation_row(c, now) for c in chunk]
            for row in rows:
                row["_key"] = (row["source"], row["external_id"])
            pending = _dedupe(rows, "_key", counts)
            with self._writing() as connection:
                stored = self._stored_conversations(connection, list(pending))
                new, changed = _split(pending, stored, counts)
                if new:
                    connection.execute(insert(conversations), _strip(new, "_key"))
                    self._link_reviews(connection, [r["_key"] for r in new])
                if changed:
                    statement = update(conversations).where(conversations.c.id == bindparam("_pk"))
                    connection.execute(statement, _strip(changed, "_key", "imported_at"))
        return counts

    def get_conversation(self, source: str, id: str) -> Conversation | None:
        query = select(conversations.c.payload).where(
            conversations.c.source == source, conversations.c.external_id == id
        )
        with self.db.engine.connect() as connection:
            payload = connection.execute(query).scalar_one_or_none()
        return None if payload is None else Conversation.model_validate(payload)

    def iter_conversations(self, *, batch_size: int = 1000) -> Iterator[list[Conversation]]:
        """Every conversation in insertion order, a batch at a time (keyset pagination on id)."""
        return self._conversation_batches(None, batch_size)

    def count_conversations(self) -> int:
        with self.db.engine.connect() as connection:
            return int(
                connection.execute(select(func.count()).select_from(conversations)).scalar_one()
            )

    def iter_unscored(
        self, scorecard: ScorecardRef, *, batch_size: int = 500
    ) -> Iterator[list[Conversation]]:
        """Conversations without an AI review for this scorecard version: what makes scoring resume.

        Each batch is a fresh query after the last id seen, so reviews written between batches
        neither skip nor repeat a conversation.
        """
        reviewed = exists().where(
            reviews.c.source == conversations.c.source,
            reviews.c.conversation_id == conversations.c.external_id,
            reviews.c.kind == "ai",
            reviews.c.scorecard_name == scorecard.name,
            reviews.c.scorecard_version == scorecard.version,
        )
        return self._conversation_batches(~reviewed, batch_size)

    def _conversation_batches(
        self, condition: Any, batch_size: int
    ) -> Iterator[list[Conversation]]:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        last_id = 0
        while True:
            query = select(conversations.c.id, conversations.c.payload).where(
                conversations.c.id > last_id
            )
            if condition is not None:
                query = query.where(condition)
            query = query.order_by(conversations.c.id).limit(batch_size)
            with self.db.engine.connect() as connection:
                rows = connection.execute(query).all()
            if not rows:
                return
            last_id = rows[-1].id
            yield [Conversation.model_validate(row.payload) for row in rows]
            if len(rows) < batch_size:
                return

    # ---- scorecards ---------------------------------------------------------------------------

    def save_scorecard(self, scorecard: Scorecard) -> bool:
        """Store a scorecard version; True if new. A version's content never changes once stored."""
        digest = scorecard.content_hash()
        query = select(scorecards.c.content_hash).where(
            scorecards.c.name == scorecard.name, scorecards.c.version == scorecard.version
        )
        with self._writing() as connection:
            stored = connection.execute(query).scalar_one_or_none()
            if stored is None:
                connection.execute(
                    insert(scorecards).values(
                        name=scorecard.name,
                        version=scorecard.version,
                        content_hash=digest,
                        payload=scorecard.to_dict(),
                        created_at=_now(),
                    )
                )
                return True
        if stored != digest:
            raise StorageError(
                f"scorecard {scorecard.name} version {scorecard.version} already stored with "
                "different content; bump the version"
            )
        return False

    def get_scorecard(self, name: str, version: str | None = None) -> Scorecard | None:
        """A stored scorecard; without a version, the one stored last under that name."""
        query = select(scorecards.c.payload).where(scorecards.c.name == name)
        if version is not None:
            query = query.where(scorecards.c.version == version)
        query = query.order_by(scorecards.c.created_at.desc(), scorecards.c.id.desc()).limit(1)
        with self.db.engine.connect() as connection:
            payload = connection.execute(query).scalar_one_or_none()
        if payload is None:
            return None
        return scorecard_from_dict(payload, f"stored scorecard {name}")

    def list_scorecards(self) -> list[ScorecardRef]:
        query = select(scorecards.c.name, scorecards.c.version).order_by(
            scorecards.c.name, scorecards.c.id
        )
        with self.db.engine.connect() as connection:
            return [ScorecardRef(name=r.name, version=r.version) for r in connection.execute(query)]

    # ---- reviews ------------------------------------------------------------------------------

    def upsert_reviews(self, items: Iterable[Review], *, batch_size: int = 1000) -> UpsertCounts:
        """Insert new and update changed reviews, keyed by review_id; criteria rows are replaced."""
        counts = UpsertCounts()
        for chunk in _chunks(items, batch_size):
            now = _now()
            by_id = {review.review_id: review for review in chunk}
            pending = _dedupe([review_row(r, now) for r in chunk], "review_id", counts)
            with self._writing() as connection:
                stored = self._stored_reviews(connection, list(pending))
                new, changed = _split(pending, stored, counts)
                if not new and not changed:
                    continue
                links = self._conversation_pks(
                    connection, [(r["source"], r["conversation_id"]) for r in new + changed]
                )
                for row in new + changed:
                    row["conversation_pk"] = links.get((row["source"], row["conversation_id"]))
                if new:
                    connection.execute(insert(reviews), new)
                if changed:
                    statement = update(reviews).where(reviews.c.id == bindparam("_pk"))
                    connection.execute(statement, _strip(changed, "imported_at"))
                    pks = [row["_pk"] for row in changed]
                    connection.execute(
                        delete(review_criteria).where(review_criteria.c.review_pk.in_(pks))
                    )
                written = [r["review_id"] for r in new + changed]
                pk_of = self._stored_reviews(connection, written)
                criteria = [
                    row
                    for review_id in written
                    for row in criteria_rows(by_id[review_id], pk_of[review_id][0])
                ]
                if criteria:
                    connection.execute(insert(review_criteria), criteria)
        return counts

    def iter_reviews(
        self,
        *,
        kind: str | None = None,
        scorecard: ScorecardRef | None = None,
        batch_size: int = 2000,
    ) -> Iterator[Review]:
        """Stored reviews in insertion order, fetched a batch at a time."""
        queries.check_kind(kind)
        last_id = 0
        while True:
            query = select(reviews.c.id, reviews.c.payload).where(reviews.c.id > last_id)
            if kind is not None:
                query = query.where(reviews.c.kind == kind)
            if scorecard is not None:
                query = query.where(
                    reviews.c.scorecard_name == scorecard.name,
                    reviews.c.scorecard_version == scorecard.version,
                )
            query = query.order_by(reviews.c.id).limit(batch_size)
            with self.db.engine.connect() as connection:
                rows = connection.execute(query).all()
            if not rows:
                return
            last_id = rows[-1].id
            yield from (Review.model_validate(row.payload) for row in rows)

    def count_reviews(self, kind: str | None = None) -> int:
        query = select(func.count()).select_from(reviews)
        if queries.check_kind(kind) is not None:
            query = query.where(reviews.c.kind == kind)
        with self.db.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    # ---- aggregation --------------------------------------------------------------------------

    def iqs_by(
        self,
        group_by: Sequence[str],
        *,
        kind: str | None,
        scorecard_name: str | None,
        scorecard_version: str | None = None,
    ) -> list[IqsRow]:
        """IQS per group, computed in SQL; see `queries.iqs_by`."""
        with self.db.engine.connect() as connection:
            return queries.iqs_by(
                connection,
                group_by,
                kind=kind,
                scorecard_name=scorecard_name,
                scorecard_version=scorecard_version,
            )

    def criterion_averages(
        self,
        *,
        kind: str | None,
        scorecard_name: str | None,
        scorecard_version: str | None = None,
        group_by: Sequence[str] = (),
    ) -> list[CriterionRow]:
        """Per-criterion average and status counts, computed in SQL; see `queries`."""
        with self.db.engine.connect() as connection:
            return queries.criterion_averages(
                connection,
                kind=kind,
                scorecard_name=scorecard_name,
                scorecard_version=scorecard_version,
                group_by=group_by,
            )

    # ---- scoring runs -------------------------------------------------------------------------

    def start_run(self, ref: ScorecardRef) -> int:
        """Record that a scoring run started; returns its id for `finish_run`."""
        statement = insert(scoring_runs).values(
            scorecard_name=ref.name,
            scorecard_version=ref.version,
            started_at=_now(),
            status="running",
            n_scored=0,
            n_failed=0,
        )
        with self._writing() as connection:
            key = connection.execute(statement).inserted_primary_key
        if key is None:
            raise StorageError(f"{self.db.url}: could not record the scoring run")
        return int(key[0])

    def finish_run(self, run_id: int, status: str, n_scored: int, n_failed: int) -> None:
        statement = (
            update(scoring_runs)
            .where(scoring_runs.c.id == run_id)
            .values(finished_at=_now(), status=status, n_scored=n_scored, n_failed=n_failed)
        )
        with self._writing() as connection:
            if connection.execute(statement).rowcount != 1:
                raise StorageError(f"{self.db.url}: no scoring run with id {run_id}")

    # ---- helpers ------------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction whose database errors become `StorageError` naming the database."""
        try:
            with self.db.engine.begin() as connection:
                yield connection
        except IntegrityError as exc:
            raise StorageError(
                f"{self.db.url}: conflicting write ({_first_line(exc.orig)}); "
                "is another import or scoring run writing the same records?"
            ) from None
        except SQLAlchemyError as exc:
            raise StorageError(
                f"cannot write to {self.db.url}: {_first_line(getattr(exc, 'orig', None) or exc)}; check that the "
                "database is writable and reachable"
            ) from None

    @staticmethod
    def _stored_conversations(
        connection: Connection, keys: list[tuple[str, str]]
    ) -> dict[Any, tuple[int, str]]:
        stored: dict[Any, tuple[int, str]] = {}
        for source, ids in _by_source(keys).items():
            query = select(
                conversations.c.id, conversations.c.external_id, conversations.c.content_hash
            ).where(conversations.c.source == source, conversations.c.external_id.in_(ids))
            for row in connection.execute(query):
                stored[(source, row.external_id)] = (row.id, row.content_hash)
        return stored

    @staticmethod
    def _stored_reviews(
        connection: Connection, review_ids: list[str]
    ) -> dict[Any, tuple[int, str]]:
        query = select(reviews.c.id, reviews.c.review_id, reviews.c.content_hash).where(
            reviews.c.review_id.in_(review_ids)
        )
        return {row.review_id: (row.id, row.content_hash) for row in connection.execute(query)}

    def _conversation_pks(
        self, connection: Connection, keys: list[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        stored = self._stored_conversations(connection, list(dict.fromkeys(keys)))
        return {key: pk for key, (pk, _hash) in stored.items()}

    def _link_reviews(self, connection: Connection, keys: list[tuple[str, str]]) -> None:
        """Point reviews stored before their conversation at it, now that it is stored."""
        waiting = select(reviews.c.source, reviews.c.conversation_id).where(
            reviews.c.conversation_pk.is_(None)
        )
        if connection.execute(waiting.limit(1)).first() is None:
            return
        pks = self._conversation_pks(connection, keys)
        statement = (
            update(reviews)
            .where(
                and_(
                    reviews.c.source == bindparam("k_source"),
                    reviews.c.conversation_id == bindparam("k_id"),
                    reviews.c.conversation_pk.is_(None),
                )
            )
            .values(conversation_pk=bindparam("k_pk"))
        )
        params = [{"k_source": s, "k_id": i, "k_pk": pk} for (s, i), pk in pks.items()]
        if params:
            connection.execute(statement, params)


def _by_source(keys: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for source, external_id in keys:
        grouped.setdefault(source, []).append(external_id)
    return grouped


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _strip(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in keys} for row in rows]

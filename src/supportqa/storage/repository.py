"""The repository: domain objects in and out of the database, in bulk.

Writes are Core `insert()`/`update()` executemany per chunk, with one SELECT of the existing keys
and content hashes per chunk, so re-importing a file costs a hash comparison and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.errors import StorageError
from supportqa.storage import queries
from supportqa.storage.bulk import (
    UpsertCounts,
    chunks,
    conversation_pks,
    dedupe,
    first_line,
    link_reviews,
    split,
    stored_conversations,
    stored_reviews,
    strip,
    utc_now,
)
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

__all__ = ["Repository", "UpsertCounts"]


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
        for chunk in chunks(items, batch_size):
            stamp = utc_now()
            counts = counts + self.upsert_conversation_rows(
                [conversation_row(c, stamp) for c in chunk]
            )
        return counts

    def upsert_conversation_rows(self, rows: list[dict[str, Any]]) -> UpsertCounts:
        """The write half of `upsert_conversations`, for rows built elsewhere (e.g. by import worker
        processes with `storage.rows.conversation_row`)."""
        counts = UpsertCounts()
        for row in rows:
            row["_key"] = (row["source"], row["external_id"])
        pending = dedupe(rows, "_key", counts)
        with self._writing() as connection:
            stored = stored_conversations(connection, list(pending))
            new, changed = split(pending, stored, counts)
            if new:
                connection.execute(insert(conversations), strip(new, "_key"))
                link_reviews(connection, [r["_key"] for r in new])
            if changed:
                statement = update(conversations).where(conversations.c.id == bindparam("_pk"))
                connection.execute(statement, strip(changed, "_key", "imported_at"))
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

    def csat_by_conversation(self) -> dict[tuple[str, str], tuple[float, int]]:
        """`(source, id)` → `(csat, csat_scale)` for every conversation with a CSAT answer."""
        query = select(
            conversations.c.source,
            conversations.c.external_id,
            conversations.c.csat,
            conversations.c.csat_scale,
        ).where(conversations.c.csat.is_not(None))
        with self.db.engine.connect() as connection:
            return {
                (r.source, r.external_id): (float(r.csat), int(r.csat_scale))
                for r in connection.execute(query)
            }

    def iter_unscored(
        self, scorecard: ScorecardRef, *, batch_size: int = 500, reviewer: str | None = None
    ) -> Iterator[list[Conversation]]:
        """Conversations without an AI review for this scorecard version: what makes scoring resume.
        With `reviewer` (an --llm run): without that reviewer's review, or with one whose LLM judge
        left criteria unrated (`judge_pending`).

        Each batch is a fresh query after the last id seen, so reviews written between batches
        neither skip nor repeat a conversation.
        """
        return self._conversation_batches(_unscored(scorecard, reviewer), batch_size)

    def count_unscored(self, scorecard: ScorecardRef, *, reviewer: str | None = None) -> int:
        """How many conversations `iter_unscored` would yield now (for progress bars)."""
        query = (
            select(func.count()).select_from(conversations).where(_unscored(scorecard, reviewer))
        )
        with self.db.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def _conversation_batches(
        self, condition: ColumnElement[bool] | None, batch_size: int
    ) -> Iterator[list[Conversation]]:
        conditions = [] if condition is None else [condition]
        for payloads in self._payload_pages(conversations, conditions, batch_size):
            yield [Conversation.model_validate(payload) for payload in payloads]

    def _payload_pages(
        self, table: Table, conditions: list[ColumnElement[bool]], batch_size: int
    ) -> Iterator[list[Any]]:
        """`payload`s of the matching rows in id order, a page at a time. Each page is a fresh query
        after the last id seen (keyset pagination), so rows written between pages are neither
        skipped nor repeated."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        last_id = 0
        while True:
            query = (
                select(table.c.id, table.c.payload)
                .where(table.c.id > last_id, *conditions)
                .order_by(table.c.id)
                .limit(batch_size)
            )
            with self.db.engine.connect() as connection:
                rows = connection.execute(query).all()
            if not rows:
                return
            last_id = rows[-1].id
            yield [row.payload for row in rows]
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
                        created_at=utc_now(),
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
        for chunk in chunks(items, batch_size):
            stamp = utc_now()
            by_id = {review.review_id: review for review in chunk}
            pending = dedupe([review_row(r, stamp) for r in chunk], "review_id", counts)
            with self._writing() as connection:
                stored = stored_reviews(connection, list(pending))
                new, changed = split(pending, stored, counts)
                if not new and not changed:
                    continue
                links = conversation_pks(
                    connection, [(r["source"], r["conversation_id"]) for r in new + changed]
                )
                for row in new + changed:
                    row["conversation_pk"] = links.get((row["source"], row["conversation_id"]))
                if new:
                    connection.execute(insert(reviews), new)
                if changed:
                    statement = update(reviews).where(reviews.c.id == bindparam("_pk"))
                    connection.execute(statement, strip(changed, "imported_at"))
                    pks = [row["_pk"] for row in changed]
                    connection.execute(
                        delete(review_criteria).where(review_criteria.c.review_pk.in_(pks))
                    )
                written = [r["review_id"] for r in new + changed]
                pk_of = stored_reviews(connection, written)
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
        conditions: list[ColumnElement[bool]] = []
        if queries.check_kind(kind) is not None:
            conditions.append(reviews.c.kind == kind)
        if scorecard is not None:
            conditions.append(reviews.c.scorecard_name == scorecard.name)
            conditions.append(reviews.c.scorecard_version == scorecard.version)
        for payloads in self._payload_pages(reviews, conditions, batch_size):
            yield from (Review.model_validate(payload) for payload in payloads)

    def reviews_of(
        self, conversation_id: str, *, source: str | None = None, kind: str | None = None
    ) -> list[Review]:
        """Every stored review of one conversation (in any source unless given), oldest first."""
        query = select(reviews.c.payload).where(reviews.c.conversation_id == conversation_id)
        if source is not None:
            query = query.where(reviews.c.source == source)
        if queries.check_kind(kind) is not None:
            query = query.where(reviews.c.kind == kind)
        with self.db.engine.connect() as connection:
            payloads = connection.execute(query.order_by(reviews.c.id)).scalars().all()
        return [Review.model_validate(payload) for payload in payloads]

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
            started_at=utc_now(),
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
            .values(finished_at=utc_now(), status=status, n_scored=n_scored, n_failed=n_failed)
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
                f"{self.db.url}: conflicting write ({first_line(exc.orig)}); "
                "is another import or scoring run writing the same records?"
            ) from None
        except SQLAlchemyError as exc:
            reason = first_line(getattr(exc, "orig", None) or exc)
            raise StorageError(
                f"cannot write to {self.db.url}: {reason}; check that the database is writable "
                "and reachable"
            ) from None


def _unscored(scorecard: ScorecardRef, reviewer: str | None = None) -> ColumnElement[bool]:
    """No AI review of this scorecard version exists for the conversation (by `reviewer`, when
    given: an `score --llm` run redoes reviews the LLM has not seen, and those its judge still owes)."""
    conditions = [
        reviews.c.source == conversations.c.source,
        reviews.c.conversation_id == conversations.c.external_id,
        reviews.c.kind == "ai",
        reviews.c.scorecard_name == scorecard.name,
        reviews.c.scorecard_version == scorecard.version,
    ]
    if reviewer is not None:
        conditions.append(reviews.c.reviewer == reviewer)
        return or_(~exists().where(*conditions), _judge_pending_condition(scorecard, reviewer))
    return ~exists().where(*conditions)


def _judge_pending_condition(scorecard: ScorecardRef, reviewer: str) -> ColumnElement[bool]:
    """`reviewer`'s AI review of this scorecard version exists, but its LLM judge left criteria it was
    asked about unrated (an outage, an unusable answer): `score --llm` sends the conversation again."""
    return exists().where(
        reviews.c.source == conversations.c.source,
        reviews.c.conversation_id == conversations.c.external_id,
        reviews.c.kind == "ai",
        reviews.c.scorecard_name == scorecard.name,
        reviews.c.scorecard_version == scorecard.version,
        reviews.c.reviewer == reviewer,
        reviews.c.judge_pending,
    )

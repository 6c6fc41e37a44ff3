"""The repository: domain objects in and out of the database, in bulk.

Writes are Core `insert()`/`update()` executemany per chunk, with one SELECT of the existing keys
and content hashes per chunk, so re-importing a file costs a hash comparison and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.errors import StorageError
from supportqa.storage import (
    audit,
    conversation_summary,
    identities,
    queries,
    review_writes,
    versions,
    work,
)
from supportqa.storage.bulk import (
    UpsertCounts,
    chunks,
    conversation_pks,
    dedupe,
    first_line,
    link_reviews,
    split,
    stored_conversations,
    strip,
    utc_now,
)
from supportqa.storage.database import Database
from supportqa.storage.queries import CriterionRow, IqsRow
from supportqa.storage.rows import conversation_row
from supportqa.storage.tables import (
    conversations,
    reviews,
    scorecards,
    scoring_runs,
)
from supportqa.storage.work import ClaimedBatch, RunInfo, WorkSpec, needs_scoring

__all__ = ["Repository", "UpsertCounts"]


class ConflictingWrite(StorageError):
    """A write met a unique constraint: another run wrote the same record first."""


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
                connection.execute(insert(conversations), strip(new, "_key", "_reviewees"))
                link_reviews(connection, [r["_key"] for r in new])
            if changed:
                versions.archive_replaced(connection, changed, changed[0]["updated_at"])
                statement = update(conversations).where(conversations.c.id == bindparam("_pk"))
                connection.execute(statement, strip(changed, "_key", "_reviewees", "imported_at"))
            if new or changed:
                sightings = identities.conversation_sightings(new + changed)
                identities.record(connection, sightings, (new + changed)[0]["updated_at"])
                self._index_conversations(connection, new, changed)
        return counts

    @staticmethod
    def _index_conversations(
        connection: Connection, new: list[dict[str, Any]], changed: list[dict[str, Any]]
    ) -> None:
        """Reviewees and list summary of the conversations just written (full-text search is kept
        by the database's own trigger or index): new ones may have reviews waiting, changed ones
        may have left their AI reviews' version behind."""
        pks = conversation_pks(connection, [r["_key"] for r in new])
        rows = [{**r, "_pk": pks[r["_key"]]} for r in new if r["_key"] in pks] + changed
        conversation_summary.record_reviewees(connection, rows)
        conversation_summary.refresh(connection, [r["_pk"] for r in rows], utc_now())

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
        self,
        scorecard: ScorecardRef,
        *,
        batch_size: int = 500,
        reviewer: str | None = None,
        stale: Sequence[str] = (),
    ) -> Iterator[list[Conversation]]:
        """Conversations that need scoring for this scorecard version (`work.needs_scoring`: never
        scored, changed since, or judged by `stale` scorers; for an --llm `reviewer`, also those its
        LLM judge failed on), a batch at a time.

        Each batch is a fresh query after the last id seen, so reviews written between batches
        neither skip nor repeat a conversation.
        """
        spec = WorkSpec(scorecard, reviewer, tuple(stale))
        return self._conversation_batches(needs_scoring(spec), batch_size)

    def count_unscored(
        self, scorecard: ScorecardRef, *, reviewer: str | None = None, stale: Sequence[str] = ()
    ) -> int:
        """How many conversations `iter_unscored` would yield now (for progress bars)."""
        condition = needs_scoring(WorkSpec(scorecard, reviewer, tuple(stale)))
        query = select(func.count()).select_from(conversations).where(condition)
        with self.db.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def conversation_at(self, source: str, id: str, version: str) -> Conversation | None:
        """The conversation as it was at `version` (what a review with that version judged)."""
        with self.db.engine.connect() as connection:
            payload = versions.payload_at(connection, source, id, version)
        return None if payload is None else Conversation.model_validate(payload)

    def judged_conversation(self, review: Review) -> Conversation | None:
        """The transcript a review judged: its version when recorded, else the current one."""
        if review.conversation_version is None:
            return self.get_conversation(review.source, review.conversation_id)
        return self.conversation_at(
            review.source, review.conversation_id, review.conversation_version
        )

    def current_version(self, source: str, id: str) -> str | None:
        with self.db.engine.connect() as connection:
            return versions.current_versions(connection, [(source, id)]).get((source, id))

    def prune_versions(self) -> int:
        """Drop kept conversation versions no review points at any more."""
        with self._writing() as connection:
            return versions.prune(connection)

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

    def save_scorecard(self, scorecard: Scorecard, *, actor: str | None = None) -> bool:
        """Store a scorecard version; True if new. A version's content never changes once stored.
        A new version is audited (`scorecard.add`, by `actor`; None: the workspace itself, e.g. a
        scorecard stored with the first import) in the same transaction. Two runs storing the same
        version at once (read, both see nothing, both insert) meet at the unique constraint: the
        loser reads again and finds the winner's row, so neither fails."""
        try:
            return self._save_scorecard_once(scorecard, actor)
        except ConflictingWrite:
            return self._save_scorecard_once(scorecard, actor)

    def _save_scorecard_once(self, scorecard: Scorecard, actor: str | None) -> bool:
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
                        created_at=(now := utc_now()),
                    )
                )
                audit.append(
                    connection,
                    {
                        "at": now,
                        "actor": actor or "supportqa",
                        "action": "scorecard.add",
                        "target": f"{scorecard.name} v{scorecard.version}",
                        "before": None,
                        "after": {
                            "name": scorecard.name,
                            "version": scorecard.version,
                            "content_hash": digest,
                            "weights": {c.key: c.weight for c in scorecard.criteria},
                        },
                        "address": None,
                    },
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
        """Insert new and update changed reviews, keyed by review_id; criteria rows are replaced.

        A conversation's AI reviews (one per reviewee) are written in one transaction, and replace
        its AI reviews of the same scorecard version that judged another version of it: re-scoring
        a changed conversation leaves none of the old reviewees' reviews behind
        (`versions.replace_ai_reviews`)."""
        counts = UpsertCounts()
        for chunk in versions.conversation_chunks(items, batch_size):
            with self._writing() as connection:
                review_writes.write_chunk(connection, chunk, counts)
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

    # ---- scoring runs and work claims -------------------------------------------------------

    def start_run(self, ref: ScorecardRef) -> int:
        """Record that a scoring run started (its heartbeat starts now); returns its id."""
        now = utc_now()
        statement = insert(scoring_runs).values(
            scorecard_name=ref.name,
            scorecard_version=ref.version,
            started_at=now,
            heartbeat_at=now,
            owner=work.run_owner(),
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
        """Close a run and free whatever it still claims."""
        statement = (
            update(scoring_runs)
            .where(scoring_runs.c.id == run_id)
            .values(finished_at=utc_now(), status=status, n_scored=n_scored, n_failed=n_failed)
        )
        with self._writing() as connection:
            if connection.execute(statement).rowcount != 1:
                raise StorageError(f"{self.db.url}: no scoring run with id {run_id}")
            work.release(connection, run_id)

    def heartbeat(self, run_id: int) -> None:
        """The run is alive: its claims hold for another lease."""
        statement = (
            update(scoring_runs).where(scoring_runs.c.id == run_id).values(heartbeat_at=utc_now())
        )
        with self._writing() as connection:
            connection.execute(statement)

    def expire_runs(self, lease_s: float) -> list[int]:
        """Mark killed runs `interrupted` (heartbeat older than the lease, or a dead process of this
        machine) and free their claims; their ids."""
        with self._writing() as connection:
            return work.expire_runs(connection, utc_now(), lease_s, work.owner_gone)

    def claim_batches(
        self, spec: WorkSpec, run_id: int, *, batch_size: int, lease_s: float
    ) -> Iterator[ClaimedBatch]:
        """Batches of conversations claimed for `run_id`, in id order, until nothing is left that
        needs scoring and no other live run holds."""
        last = 0
        while True:
            try:
                with self.db.write_transaction() as connection:
                    batch = work.claim_batch(
                        connection,
                        spec,
                        run_id,
                        after_pk=last,
                        limit=batch_size,
                        now=utc_now(),
                        lease_s=lease_s,
                    )
            except SQLAlchemyError as exc:
                raise StorageError(
                    f"cannot claim work in {self.db.url}: {first_line(getattr(exc, 'orig', exc))}"
                ) from None
            if not batch.last_pk:
                return
            last = batch.last_pk
            if batch.pks:
                yield batch

    def release_claims(self, run_id: int, pks: Sequence[int]) -> None:
        with self._writing() as connection:
            work.release(connection, run_id, pks)

    def list_runs(self, *, lease_s: float, limit: int = 50) -> list[RunInfo]:
        """The latest scoring runs, newest first; a killed one shows as `interrupted`."""
        with self.db.engine.connect() as connection:
            return work.list_runs(connection, utc_now(), lease_s, limit)

    def stale_scorer_versions(self, ref: ScorecardRef, current: Mapping[str, str]) -> list[str]:
        """`scorer_versions` values of this scorecard version's AI reviews that name a scorer the
        registry (`current`: name → version) now has at another version, or no longer has."""
        query = (
            select(reviews.c.scorer_versions)
            .where(
                reviews.c.kind == "ai",
                reviews.c.scorecard_name == ref.name,
                reviews.c.scorecard_version == ref.version,
                reviews.c.scorer_versions.is_not(None),
            )
            .distinct()
        )
        with self.db.engine.connect() as connection:
            values = list(connection.execute(query).scalars())
        return [v for v in values if work.is_stale(v, current)]

    def count_reviews_by_scorers(self, ref: ScorecardRef, scorer_versions: Sequence[str]) -> int:
        """How many AI reviews of this scorecard version were built by these scorer sets."""
        if not scorer_versions:
            return 0
        query = (
            select(func.count())
            .select_from(reviews)
            .where(
                reviews.c.kind == "ai",
                reviews.c.scorecard_name == ref.name,
                reviews.c.scorecard_version == ref.version,
                reviews.c.scorer_versions.in_(list(scorer_versions)),
            )
        )
        with self.db.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    # ---- helpers ------------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction, locked up front (upserts read first); errors name the database."""
        try:
            with self.db.write_transaction() as connection:
                yield connection
        except IntegrityError as exc:
            raise ConflictingWrite(
                f"{self.db.url}: conflicting write ({first_line(exc.orig)}); "
                "is another import or scoring run writing the same records?"
            ) from None
        except SQLAlchemyError as exc:
            reason = first_line(getattr(exc, "orig", None) or exc)
            raise StorageError(
                f"cannot write to {self.db.url}: {reason}; check that the database is writable "
                "and reachable"
            ) from None

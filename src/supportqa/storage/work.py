"""What a scoring run has to do, and the claims that split it between runs working at the same time.

A conversation needs scoring for a scorecard version unless an AI review of that version judged the
conversation *as it is now* (same `version_hash`) — and, when stale reviews are being redone, by
scorers the registry still has at those versions. So a new conversation, an edited one and a stale
review are all the same query, and nothing is scored against text that is gone.

Claims: a run claims a batch in one write transaction (`BEGIN IMMEDIATE` on SQLite; `FOR UPDATE SKIP
LOCKED` on the candidate rows on PostgreSQL), so two runs never take the same conversation. A claim
holds while its run's heartbeat is younger than the lease; a killed run's claims lapse with it, and
the next run marks it `interrupted`.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    delete,
    exists,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from supportqa.domain.review import ScorecardRef
from supportqa.storage.tables import conversations, reviews, scoring_runs, work_claims


@dataclass(frozen=True)
class WorkSpec:
    """Which AI reviews count as done: of this scorecard version, by `reviewer` when given (an
    `--llm` run redoes what the LLM has not seen, and what its judge failed on), and not built by a
    `stale` set of scorers."""

    scorecard: ScorecardRef
    reviewer: str | None = None
    stale: tuple[str, ...] = ()
    """`reviews.scorer_versions` values to redo (`score --rescore-stale`)."""
    only: tuple[str, ...] = ()
    """Conversation ids to limit the work to (a `score` job for some conversations); all when empty."""


@dataclass
class ClaimedBatch:
    """Conversations claimed by a run, with how many already had a review of an older version
    (`changed`) or a stale one of the current version (`stale`)."""

    pks: list[int]
    payloads: list[object]
    changed: int
    stale: int
    last_pk: int = 0
    """The last candidate looked at (claimed or not): where the next batch starts."""


def _same_conversation(spec: WorkSpec) -> list[ColumnElement[bool]]:
    conditions = [
        reviews.c.source == conversations.c.source,
        reviews.c.conversation_id == conversations.c.external_id,
        reviews.c.kind == "ai",
        reviews.c.scorecard_name == spec.scorecard.name,
        reviews.c.scorecard_version == spec.scorecard.version,
    ]
    if spec.reviewer is not None:
        conditions.append(reviews.c.reviewer == spec.reviewer)
    return conditions


def needs_scoring(spec: WorkSpec) -> ColumnElement[bool]:
    """No AI review of the scorecard version judged this version of the conversation (with current
    scorers, when `spec.stale` is given). A conversation has one AI review per reviewee, written
    together: it is done when they judged this version and none of them is to be redone."""
    current = [
        *_same_conversation(spec),
        reviews.c.conversation_version == conversations.c.version_hash,
    ]
    redo: list[ColumnElement[bool]] = []
    if spec.stale:
        redo.append(
            and_(reviews.c.scorer_versions.is_not(None), reviews.c.scorer_versions.in_(spec.stale))
        )
    if spec.reviewer is not None:
        redo.append(~_judged_fully())
    done: ColumnElement[bool] = exists().where(*current)
    if redo:
        done = and_(done, ~exists().where(*current, or_(*redo)))
    return ~done


def _judged_fully() -> ColumnElement[bool]:
    """An `--llm` review counts as done only when its judge rated every criterion it was asked
    about; one the judge failed on (`reviews.judge_pending`) is sent again by the next run."""
    return reviews.c.judge_pending == false()


def _changed(spec: WorkSpec) -> ColumnElement[bool]:
    """An AI review exists, but of another version of the conversation."""
    return exists().where(
        *_same_conversation(spec),
        or_(
            reviews.c.conversation_version.is_(None),
            reviews.c.conversation_version != conversations.c.version_hash,
        ),
    )


def live_runs(now: datetime, lease_s: float) -> Select[tuple[int]]:
    """Runs still working: `running` with a heartbeat inside the lease."""
    return select(scoring_runs.c.id).where(
        scoring_runs.c.status == "running",
        scoring_runs.c.heartbeat_at >= now - timedelta(seconds=lease_s),
    )


def claimed_elsewhere(
    scorecard: ScorecardRef, run_id: int | None, now: datetime, lease_s: float
) -> ColumnElement[bool]:
    """Another live run holds a claim on the conversation for this scorecard version."""
    conditions = [
        work_claims.c.conversation_pk == conversations.c.id,
        work_claims.c.scorecard_name == scorecard.name,
        work_claims.c.scorecard_version == scorecard.version,
        work_claims.c.run_id.in_(live_runs(now, lease_s)),
    ]
    if run_id is not None:
        conditions.append(work_claims.c.run_id != run_id)
    return exists().where(*conditions)


def claim_batch(
    connection: Connection,
    spec: WorkSpec,
    run_id: int,
    *,
    after_pk: int,
    limit: int,
    now: datetime,
    lease_s: float,
) -> ClaimedBatch:
    """Claim up to `limit` conversations after `after_pk` that need scoring and no live run holds.

    Call inside a write transaction (`Database.write_transaction`). Dead claims on the chosen rows
    are replaced; the unique (conversation, scorecard version) key guards the rest.
    """
    changed = _changed(spec)
    query = (
        select(
            conversations.c.id,
            conversations.c.payload,
            changed.label("changed"),
            exists().where(*_same_conversation(spec)).label("reviewed"),
        )
        .where(
            conversations.c.id > after_pk,
            needs_scoring(spec),
            ~claimed_elsewhere(spec.scorecard, run_id, now, lease_s),
        )
        .order_by(conversations.c.id)
        .limit(limit)
    )
    if spec.only:
        query = query.where(conversations.c.external_id.in_(spec.only))
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=conversations)
    rows = connection.execute(query).all()
    if not rows:
        return ClaimedBatch(pks=[], payloads=[], changed=0, stale=0)
    mine = _take(connection, spec.scorecard, run_id, [row.id for row in rows], now, lease_s)
    taken = [row for row in rows if row.id in mine]
    return ClaimedBatch(
        pks=[row.id for row in taken],
        payloads=[row.payload for row in taken],
        changed=sum(bool(row.changed) for row in taken),
        stale=sum(bool(row.reviewed) and not row.changed for row in taken),
        last_pk=rows[-1].id,
    )


def _take(
    connection: Connection,
    scorecard: ScorecardRef,
    run_id: int,
    pks: list[int],
    now: datetime,
    lease_s: float,
) -> set[int]:
    """Insert claims on `pks`, replacing only dead runs' claims; returns the pks this run holds.

    The insert skips conflicts instead of trusting the candidate query: on PostgreSQL another run
    may have claimed a row between that query's snapshot and its lock, and the unique key is what
    settles it (the insert waits for the other transaction, then skips the row).
    """
    same = [
        work_claims.c.conversation_pk.in_(pks),
        work_claims.c.scorecard_name == scorecard.name,
        work_claims.c.scorecard_version == scorecard.version,
    ]
    connection.execute(
        delete(work_claims).where(
            *same,
            work_claims.c.run_id != run_id,
            work_claims.c.run_id.not_in(live_runs(now, lease_s)),
        )
    )
    values = [
        {
            "conversation_pk": pk,
            "scorecard_name": scorecard.name,
            "scorecard_version": scorecard.version,
            "run_id": run_id,
            "claimed_at": now,
        }
        for pk in pks
    ]
    dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(dialect_insert(work_claims).on_conflict_do_nothing(), values)
    held = select(work_claims.c.conversation_pk).where(*same, work_claims.c.run_id == run_id)
    return set(connection.execute(held).scalars())


def release(connection: Connection, run_id: int, pks: Sequence[int] | None = None) -> None:
    """Drop a run's claims (on `pks`, or all of them): the work is written, or the run is over."""
    condition = work_claims.c.run_id == run_id
    if pks is not None:
        condition = and_(condition, work_claims.c.conversation_pk.in_(list(pks)))
    connection.execute(delete(work_claims).where(condition))


def expire_runs(
    connection: Connection, now: datetime, lease_s: float, gone: Callable[[str | None], bool]
) -> list[int]:
    """Mark `running` runs that were killed as `interrupted` and free their claims: those whose
    heartbeat lapsed, and at once those whose owner `gone` says is dead (a process of this machine
    that no longer exists), so a run restarted right after a kill takes over without waiting."""
    cutoff = now - timedelta(seconds=lease_s)
    lapsed = or_(
        scoring_runs.c.heartbeat_at < cutoff,
        and_(scoring_runs.c.heartbeat_at.is_(None), scoring_runs.c.started_at < cutoff),
    )
    running = connection.execute(
        select(scoring_runs.c.id, scoring_runs.c.owner, lapsed.label("lapsed")).where(
            scoring_runs.c.status == "running"
        )
    ).all()
    ids = [row.id for row in running if row.lapsed or gone(row.owner)]
    if ids:
        connection.execute(
            update(scoring_runs).where(scoring_runs.c.id.in_(ids)).values(status="interrupted")
        )
        connection.execute(delete(work_claims).where(work_claims.c.run_id.in_(ids)))
    return ids


def run_owner() -> str:
    """host:pid of this process, as recorded on the runs it starts."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_gone(owner: str | None) -> bool:
    """True when `owner` is a process of this machine that no longer runs. Other machines' runs
    (a shared PostgreSQL) are left to their heartbeat."""
    if not owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_stale(scorer_versions: str, current: Mapping[str, str]) -> bool:
    """A `name@version,...` set names a scorer the registry has at another version, or not at all."""
    for item in scorer_versions.split(","):
        name, _, version = item.rpartition("@")
        if current.get(name) != version:
            return True
    return False


@dataclass
class RunInfo:
    """A row of `supportqa runs`."""

    id: int
    scorecard: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    heartbeat_at: datetime | None
    owner: str | None
    scored: int
    failed: int
    claimed: int


def list_runs(connection: Connection, now: datetime, lease_s: float, limit: int) -> list[RunInfo]:
    """Newest runs first; `running` with a lapsed heartbeat reads `interrupted` (even before the
    next run marks it so)."""
    cutoff = now - timedelta(seconds=lease_s)
    claimed = (
        select(func.count())
        .select_from(work_claims)
        .where(work_claims.c.run_id == scoring_runs.c.id)
        .scalar_subquery()
    )
    query = (
        select(scoring_runs, claimed.label("claimed"))
        .order_by(scoring_runs.c.id.desc())
        .limit(limit)
    )
    found = []
    for row in connection.execute(query):
        beat = row.heartbeat_at or row.started_at
        status = row.status
        if status == "running" and (beat < cutoff or owner_gone(row.owner)):
            status = "interrupted"
        found.append(
            RunInfo(
                id=row.id,
                scorecard=f"{row.scorecard_name} v{row.scorecard_version}",
                status=status,
                started_at=row.started_at,
                finished_at=row.finished_at,
                heartbeat_at=row.heartbeat_at,
                owner=row.owner,
                scored=row.n_scored,
                failed=row.n_failed,
                claimed=int(row.claimed),
            )
        )
    return found

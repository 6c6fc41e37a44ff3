"""The `jobs` record and the SQLite job loop's lease: the queries behind `services/jobs.py`.

Every function takes a connection inside a write transaction (`Database.write_transaction`: `BEGIN
IMMEDIATE` on SQLite), so a claim, a lease take-over or a status change is read and written under
one lock and two processes never both win.

Statuses: `queued` (waiting, or waiting to be retried after a failure: `error` says why),
`running`, `succeeded`, `failed` (out of attempts, or not retryable), `cancelled`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from supportqa.storage.tables import job_loop_lease, jobs

STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
LOOP = "loop"
"""The name of the SQLite job loop's lease row (one per database)."""


@dataclass
class JobInfo:
    """A row of `supportqa jobs`."""

    id: int
    kind: str
    lock: str | None
    args: dict[str, Any]
    status: str
    attempts: int
    max_attempts: int
    error: str | None
    result: dict[str, Any] | None
    enqueued_at: datetime
    run_after: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    owner: str | None
    external_id: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _info(row: Any) -> JobInfo:
    return JobInfo(**{name: getattr(row, name) for name in JobInfo.__dataclass_fields__})


def add(
    connection: Connection,
    *,
    kind: str,
    args: dict[str, Any],
    lock: str | None,
    max_attempts: int,
    now: datetime,
) -> int:
    """Record a queued job; its id."""
    key = connection.execute(
        insert(jobs).values(
            kind=kind,
            lock=lock,
            args=args,
            status="queued",
            attempts=0,
            max_attempts=max_attempts,
            enqueued_at=now,
        )
    ).inserted_primary_key
    assert key is not None
    return int(key[0])


def set_external_id(connection: Connection, job_id: int, external_id: int) -> None:
    connection.execute(update(jobs).where(jobs.c.id == job_id).values(external_id=external_id))


def get(connection: Connection, job_id: int) -> JobInfo | None:
    row = connection.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return None if row is None else _info(row)


def listed(connection: Connection, status: str | None, limit: int) -> list[JobInfo]:
    """Newest first, optionally of one status."""
    query = select(jobs).order_by(jobs.c.id.desc()).limit(limit)
    if status is not None:
        query = query.where(jobs.c.status == status)
    return [_info(row) for row in connection.execute(query)]


def _busy_locks(now: datetime, lease_s: float) -> Any:
    """Locks held by a running job whose runner is still beating."""
    return select(jobs.c.lock).where(
        jobs.c.status == "running",
        jobs.c.lock.is_not(None),
        jobs.c.heartbeat_at >= now - timedelta(seconds=lease_s),
    )


def claim_next(connection: Connection, owner: str, now: datetime, lease_s: float) -> JobInfo | None:
    """Take the oldest queued job that is due and whose lock no live running job holds: it is
    `running` for `owner` from now, one attempt more."""
    due = or_(jobs.c.run_after.is_(None), jobs.c.run_after <= now)
    free = or_(jobs.c.lock.is_(None), jobs.c.lock.not_in(_busy_locks(now, lease_s)))
    row = connection.execute(
        select(jobs.c.id)
        .where(jobs.c.status == "queued", jobs.c.external_id.is_(None), due, free)
        .order_by(jobs.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return start(connection, row.id, owner, now)


def start(connection: Connection, job_id: int, owner: str, now: datetime) -> JobInfo | None:
    """Mark a job `running` for `owner`, one attempt more (procrastinate's worker calls this when
    it picks the job up); None when the job is gone or was cancelled."""
    changed = connection.execute(
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.status.in_(("queued", "running")))
        .values(
            status="running",
            attempts=jobs.c.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            owner=owner,
        )
    ).rowcount
    return get(connection, job_id) if changed else None


def beat(connection: Connection, job_id: int, now: datetime) -> None:
    connection.execute(
        update(jobs).where(jobs.c.id == job_id, jobs.c.status == "running").values(heartbeat_at=now)
    )


def succeed(connection: Connection, job_id: int, result: dict[str, Any], now: datetime) -> None:
    connection.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(status="succeeded", result=result, finished_at=now, error=None)
    )


def fail(
    connection: Connection, job_id: int, error: str, now: datetime, retry_at: datetime | None
) -> None:
    """Keep the error; back to `queued` (due at `retry_at`) when it will be retried, else `failed`."""
    values: dict[str, Any] = {"error": error, "finished_at": now}
    if retry_at is None:
        values["status"] = "failed"
    else:
        values.update(status="queued", run_after=retry_at)
    connection.execute(update(jobs).where(jobs.c.id == job_id).values(**values))


def recover(connection: Connection, now: datetime, lease_s: float) -> list[int]:
    """Jobs left `running` by a runner that stopped beating (killed): queued again while they have
    attempts left, else `failed`; the error says what happened. Their ids."""
    rows = connection.execute(
        select(jobs.c.id, jobs.c.attempts, jobs.c.max_attempts, jobs.c.owner).where(
            jobs.c.status == "running",
            jobs.c.external_id.is_(None),
            or_(
                jobs.c.heartbeat_at.is_(None),
                jobs.c.heartbeat_at < now - timedelta(seconds=lease_s),
            ),
        )
    ).all()
    for row in rows:
        error = f"interrupted: its worker ({row.owner}) stopped beating mid-job"
        retry = row.attempts < row.max_attempts
        fail(connection, row.id, error, now, now if retry else None)
    return [row.id for row in rows]


def cancel(connection: Connection, job_id: int, now: datetime) -> bool:
    """Cancel a queued job; False when it is not waiting."""
    return bool(
        connection.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status == "queued")
            .values(status="cancelled", finished_at=now)
        ).rowcount
    )


def requeue(connection: Connection, job_id: int) -> bool:
    """A failed or cancelled job waits again, with a fresh set of attempts (its error is kept until
    it succeeds); False for a job in another state."""
    return bool(
        connection.execute(
            update(jobs)
            .where(jobs.c.id == job_id, jobs.c.status.in_(("failed", "cancelled")))
            .values(status="queued", attempts=0, run_after=None, finished_at=None)
        ).rowcount
    )


# ---- the SQLite job loop's lease --------------------------------------------------------------


def take_lease(connection: Connection, owner: str, now: datetime, lease_s: float) -> str | None:
    """Hold (or renew) the loop's lease for `owner`. Another holder's lease is taken over only once
    its heartbeat is older than `lease_s`. Returns None when `owner` holds it now, else the holder."""
    row = connection.execute(select(job_loop_lease).where(job_loop_lease.c.name == LOOP)).first()
    if row is None:
        connection.execute(
            insert(job_loop_lease).values(name=LOOP, owner=owner, acquired_at=now, heartbeat_at=now)
        )
        return None
    if row.owner == owner:
        connection.execute(
            update(job_loop_lease).where(job_loop_lease.c.name == LOOP).values(heartbeat_at=now)
        )
        return None
    if row.heartbeat_at >= now - timedelta(seconds=lease_s):
        return str(row.owner)
    connection.execute(
        update(job_loop_lease)
        .where(job_loop_lease.c.name == LOOP)
        .values(owner=owner, acquired_at=now, heartbeat_at=now)
    )
    return None


def release_lease(connection: Connection, owner: str) -> None:
    """Give the lease up at once (a clean stop), so another loop need not wait for it to lapse."""
    connection.execute(
        job_loop_lease.delete().where(
            and_(job_loop_lease.c.name == LOOP, job_loop_lease.c.owner == owner)
        )
    )


def lease_holder(connection: Connection) -> tuple[str, datetime] | None:
    row = connection.execute(select(job_loop_lease).where(job_loop_lease.c.name == LOOP)).first()
    return None if row is None else (str(row.owner), row.heartbeat_at)

"""Background jobs: queue one, list them, retry or cancel one — the same calls on both databases.

A job is a row of `jobs` (kind, arguments, lock, status, attempts, last error). On PostgreSQL the
row is queued in procrastinate in the same transaction (its worker runs it: `supportqa worker`); on
SQLite the one in-process job loop claims it (`supportqa.jobs.loop`). What each kind does and which
lock it takes is `supportqa.jobs.kinds`; the runners record starts, errors and results through
`start`, `succeed` and `fail` below.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from supportqa.errors import InputError
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage import job_queue
from supportqa.storage import jobs as records
from supportqa.storage.job_queue import QUEUE, TASK, conninfo, require_pinned
from supportqa.storage.jobs import STATUSES, JobInfo
from supportqa.storage.work import run_owner

__all__ = [
    "QUEUE",
    "STATUSES",
    "TASK",
    "JobInfo",
    "beat",
    "cancel",
    "claim_next",
    "conninfo",
    "enqueue",
    "fail",
    "get",
    "list_jobs",
    "loop_lease_holder",
    "recover",
    "release_loop_lease",
    "require_pinned",
    "retry",
    "run_owner",
    "start",
    "succeed",
    "take_loop_lease",
]


def _now() -> datetime:
    return datetime.now(UTC)


def _postgres(workspace: Workspace) -> bool:
    return workspace.db.dialect == "postgresql"


def enqueue(
    workspace: Workspace,
    kind: str,
    args: dict[str, Any],
    *,
    lock: str | None,
    settings: Settings | None = None,
) -> JobInfo:
    """Queue a job of `kind`; jobs with the same `lock` never run at once. On PostgreSQL it is
    handed to procrastinate in the same transaction, so it is recorded and queued, or neither."""
    config = settings or Settings()
    with workspace.db.write_transaction() as connection:
        job_id = records.add(
            connection,
            kind=kind,
            args=args,
            lock=lock,
            max_attempts=config.job_max_attempts,
            now=_now(),
        )
        if _postgres(workspace):
            records.set_external_id(connection, job_id, job_queue.defer(connection, job_id, lock))
        found = records.get(connection, job_id)
    assert found is not None
    return found


def list_jobs(workspace: Workspace, *, status: str | None = None, limit: int = 50) -> list[JobInfo]:
    """Jobs newest first, optionally of one status (`STATUSES`)."""
    if status is not None and status not in STATUSES:
        raise InputError(f"unknown job status {status!r}; use one of {', '.join(STATUSES)}")
    with workspace.db.engine.connect() as connection:
        return records.listed(connection, status, limit)


def get(workspace: Workspace, job_id: int) -> JobInfo:
    with workspace.db.engine.connect() as connection:
        found = records.get(connection, job_id)
    if found is None:
        raise InputError(f"no job {job_id}: `supportqa jobs` lists them")
    return found


def cancel(workspace: Workspace, job_id: int) -> JobInfo:
    """Cancel a job that has not started; one that runs or ran is refused with its status."""
    with workspace.db.write_transaction() as connection:
        found = records.get(connection, job_id)
        if found is None:
            raise InputError(f"no job {job_id}: `supportqa jobs` lists them")
        waiting = found.status == "queued"
        if waiting and found.external_id is not None:
            waiting = job_queue.cancel(connection, found.external_id)
        if not waiting or not records.cancel(connection, job_id, _now()):
            raise InputError(f"job {job_id} is {found.status}: only a queued job can be cancelled")
        cancelled = records.get(connection, job_id)
    assert cancelled is not None
    return cancelled


def retry(workspace: Workspace, job_id: int) -> JobInfo:
    """Queue a failed or cancelled job again, with a fresh set of attempts."""
    with workspace.db.write_transaction() as connection:
        found = records.get(connection, job_id)
        if found is None:
            raise InputError(f"no job {job_id}: `supportqa jobs` lists them")
        if not records.requeue(connection, job_id):
            raise InputError(
                f"job {job_id} is {found.status}: only a failed or cancelled job can be retried"
            )
        if _postgres(workspace):
            external = job_queue.defer(connection, job_id, found.lock)
            records.set_external_id(connection, job_id, external)
        again = records.get(connection, job_id)
    assert again is not None
    return again


# ---- what runners record --------------------------------------------------------------------


def start(workspace: Workspace, job_id: int, owner: str) -> JobInfo | None:
    """A runner picked the job up: `running`, one attempt more (None when it was cancelled)."""
    with workspace.db.write_transaction() as connection:
        return records.start(connection, job_id, owner, _now())


def succeed(workspace: Workspace, job_id: int, result: dict[str, Any]) -> None:
    with workspace.db.write_transaction() as connection:
        records.succeed(connection, job_id, result, _now())


def fail(
    workspace: Workspace, job: JobInfo, error: str, *, retryable: bool, settings: Settings
) -> bool:
    """Record a failed attempt; True when the job will be retried (attempts left and retryable),
    after `job_retry_wait_s`, doubled after each failure."""
    again = retryable and job.attempts < job.max_attempts
    now = _now()
    wait = settings.job_retry_wait_s * 2 ** max(0, job.attempts - 1)
    with workspace.db.write_transaction() as connection:
        records.fail(
            connection, job.id, error, now, now + timedelta(seconds=wait) if again else None
        )
    return again


def beat(workspace: Workspace, job_id: int) -> None:
    """The runner is alive: the job's heartbeat (shown by `supportqa jobs`) is now."""
    with workspace.db.write_transaction() as connection:
        records.beat(connection, job_id, _now())


# ---- the SQLite job loop ----------------------------------------------------------------------


def take_loop_lease(workspace: Workspace, owner: str, *, lease_s: float) -> str | None:
    """Hold or renew the database's one job-loop lease; None when `owner` holds it, else who does
    (a lease is taken over only after its holder's heartbeat is older than `lease_s`)."""
    with workspace.db.write_transaction() as connection:
        return records.take_lease(connection, owner, _now(), lease_s)


def release_loop_lease(workspace: Workspace, owner: str) -> None:
    with workspace.db.write_transaction() as connection:
        records.release_lease(connection, owner)


def loop_lease_holder(workspace: Workspace) -> tuple[str, datetime] | None:
    """Who holds the job loop's lease and their last heartbeat (None: nobody ever did)."""
    with workspace.db.engine.connect() as connection:
        return records.lease_holder(connection)


def recover(workspace: Workspace, *, lease_s: float) -> list[int]:
    """Jobs whose runner stopped beating mid-job: queued again (attempts left) or failed."""
    with workspace.db.write_transaction() as connection:
        return records.recover(connection, _now(), lease_s)


def claim_next(workspace: Workspace, owner: str, *, lease_s: float) -> JobInfo | None:
    """The next due job whose lock is free, now `running` for `owner`."""
    with workspace.db.write_transaction() as connection:
        return records.claim_next(connection, owner, _now(), lease_s)

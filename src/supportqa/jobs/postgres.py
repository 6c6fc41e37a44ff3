"""The PostgreSQL worker: procrastinate runs our jobs from the same database.

One procrastinate task, `supportqa.job`, runs our job `job_id` (`execute.run`), so procrastinate
is the queue and the executor (locks, concurrency, LISTEN/NOTIFY wake-ups, retries) while `jobs`
stays the record `supportqa jobs` lists. A failed run is retried when `services.jobs.fail` says
so, after the wait it recorded. A worker killed mid-job stops sending procrastinate heartbeats;
every worker looks for such stalled jobs (`get_stalled_jobs`, heartbeat older than `job_lease_s`)
and puts them back in the queue, so another worker runs them again — scoring resumes from its work
claims and redoes nothing. A job past its attempts is failed instead of run again.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

from supportqa.errors import SupportQAError
from supportqa.jobs import execute
from supportqa.jobs.loop import Echo
from supportqa.services import jobs as job_service
from supportqa.services.jobs import QUEUE, TASK, conninfo, require_pinned, run_owner
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings

log = logging.getLogger(__name__)


class RetryLater(SupportQAError):
    """Raised to procrastinate when our record says the job will be retried."""

    def __init__(self, job_id: int, error: str, retry_at: datetime | None) -> None:
        super().__init__(f"job {job_id}: {error}")
        self.retry_at = retry_at


class GaveUp(SupportQAError):
    """Raised to procrastinate when the job failed for good (procrastinate marks it failed)."""


def _procrastinate() -> Any:
    require_pinned()
    return import_module("procrastinate")


def run_job(workspace: Workspace, settings: Settings, job_id: int, owner: str, echo: Echo) -> None:
    """The task body: start our job, run it, and tell procrastinate how it ended by raising."""
    job = job_service.start(workspace, job_id, owner)
    if job is None:
        return  # cancelled, or gone
    if job.attempts > job.max_attempts:
        error = f"gave up after {job.max_attempts} attempts: the last one stopped mid-job"
        job_service.fail(workspace, job, error, retryable=False, settings=settings)
        echo(f"job {job.id} {job.kind}: failed: {error}")
        raise GaveUp(f"job {job_id}: {error}")
    echo(f"job {job.id} {job.kind}: started (attempt {job.attempts}/{job.max_attempts})")
    outcome = execute.run(workspace, job, settings)
    if outcome.succeeded:
        echo(f"job {job.id} {job.kind}: succeeded")
        return
    echo(
        f"job {job.id} {job.kind}: {'will be retried' if outcome.retry else 'failed'}: "
        f"{outcome.error}"
    )
    if outcome.retry:
        again = job_service.get(workspace, job_id)
        raise RetryLater(job_id, outcome.error or "", again.run_after)
    raise GaveUp(f"job {job_id}: {outcome.error}")


class _OneLine(logging.Formatter):
    """procrastinate's log records as one line each: our own lines already say how a job ended,
    and the error is on the job (`supportqa jobs`), so no traceback is printed."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}".splitlines()[0]


def _quiet_procrastinate() -> None:
    logger = logging.getLogger("procrastinate")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(_OneLine())
        handler.setLevel(logging.WARNING)
        logger.addHandler(handler)
        logger.propagate = False


def build_app(workspace: Workspace, settings: Settings, owner: str, echo: Echo) -> Any:
    """procrastinate's App on our database, with the one task registered."""
    procrastinate = _procrastinate()

    class Retry(procrastinate.BaseRetryStrategy):  # type: ignore[misc, name-defined]
        """Retry exactly when our record says so, at the time it recorded."""

        def get_retry_decision(self, *, exception: BaseException, job: Any) -> Any:
            if isinstance(exception, RetryLater):
                return procrastinate.RetryDecision(retry_at=exception.retry_at or datetime.now(UTC))
            return None

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(workspace.db.engine.url))
    )

    @app.task(name=TASK, queue=QUEUE, retry=Retry())  # type: ignore[untyped-decorator]
    def job(job_id: int) -> None:
        run_job(workspace, settings, job_id, owner, echo)

    return app


async def _recover_once(app: Any, settings: Settings, echo: Echo) -> None:
    """Put jobs of workers that stopped beating back in the queue, and forget those workers."""
    stalled = await app.job_manager.get_stalled_jobs(
        queue=QUEUE, seconds_since_heartbeat=settings.job_lease_s
    )
    for found in stalled:
        echo(f"job {found.task_kwargs.get('job_id')}: its worker stopped mid-job; retrying")
        await app.job_manager.retry_job(found)
    await app.job_manager.prune_stalled_workers(settings.job_lease_s)


async def _recover_stalled(app: Any, settings: Settings, echo: Echo) -> None:
    """`_recover_once` every heartbeat, for as long as the worker runs."""
    while True:
        await asyncio.sleep(settings.job_heartbeat_s)
        try:
            await _recover_once(app, settings, echo)
        except Exception:  # the next turn tries again; the worker itself goes on
            log.exception("looking for stalled jobs failed")


def run_worker(
    workspace: Workspace,
    settings: Settings,
    *,
    concurrency: int = 1,
    burst: bool = False,
    echo: Echo | None = None,
    signals: bool = True,
) -> None:
    """Run procrastinate's worker on our queue until stopped (SIGINT/SIGTERM, when `signals`), or
    with `burst` until the queue is empty."""
    say: Echo = echo or (lambda _line: None)
    owner = run_owner()
    app = build_app(workspace, settings, owner, say)
    _quiet_procrastinate()

    async def main() -> None:
        async with app.open_async():
            await _recover_once(app, settings, say)  # before the first fetch (and `burst`)
            recovering = asyncio.create_task(_recover_stalled(app, settings, say))
            say(f"{owner}: procrastinate worker on queue {QUEUE!r}, concurrency {concurrency}")
            try:
                await app.run_worker_async(
                    queues=[QUEUE],
                    name=owner,
                    concurrency=concurrency,
                    wait=not burst,
                    fetch_job_polling_interval=settings.job_poll_s,
                    update_heartbeat_interval=settings.job_heartbeat_s,
                    stalled_worker_timeout=settings.job_lease_s,
                    install_signal_handlers=signals,
                )
            finally:
                recovering.cancel()

    asyncio.run(main())

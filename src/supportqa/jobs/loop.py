"""The SQLite job loop: one per database, inside a long-running process.

SQLite has one writer at a time and no queue server, so jobs run one after another in a single
loop. Several processes may serve one database (a worker, later `supportqa serve`); each starts the
loop, and the loop first takes the database's lease (`job_loop_lease`, under `BEGIN IMMEDIATE`).
Only the holder runs jobs; it renews the lease with its heartbeat, and the others wait until the
holder's heartbeat is older than `job_lease_s` before taking over — a killed holder's loop moves to
another process within one lease, and its half-run job is retried (`recover`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from supportqa.jobs import execute
from supportqa.services import jobs as job_service
from supportqa.services.jobs import run_owner
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings

Echo = Callable[[str], None]


class JobLoop:
    """Run due jobs one at a time while holding the database's job-loop lease."""

    def __init__(
        self,
        workspace: Workspace,
        settings: Settings,
        *,
        owner: str | None = None,
        echo: Echo | None = None,
    ) -> None:
        self.workspace = workspace
        self.settings = settings
        self.owner = owner or run_owner()
        self.echo: Echo = echo or (lambda _line: None)
        self.holding = False
        self.ran = 0
        self._waiting_for: str | None = None

    def _hold(self) -> bool:
        """Take or renew the lease; say so when that changes."""
        holder = job_service.take_loop_lease(
            self.workspace, self.owner, lease_s=self.settings.job_lease_s
        )
        if holder is None and not self.holding:
            self.echo(f"{self.owner}: running the job loop")
        elif holder is not None and self.holding:
            self.echo(f"{self.owner}: lost the job loop to {holder}; waiting")
        elif holder is not None and self._waiting_for != holder:
            self.echo(f"{self.owner}: the job loop is held by {holder}; waiting for its lease")
        self._waiting_for = holder
        self.holding = holder is None
        return self.holding

    def _renew(self) -> None:
        job_service.take_loop_lease(self.workspace, self.owner, lease_s=self.settings.job_lease_s)

    def step(self) -> bool:
        """One turn: hold the lease, recover interrupted jobs, run the next due job. True when a job
        ran (so the caller looks again at once)."""
        if not self._hold():
            return False
        for job_id in job_service.recover(self.workspace, lease_s=self.settings.job_lease_s):
            self.echo(f"job {job_id}: its runner stopped mid-job; queued again or failed")
        job = job_service.claim_next(self.workspace, self.owner, lease_s=self.settings.job_lease_s)
        if job is None:
            return False
        self.echo(f"job {job.id} {job.kind}: started (attempt {job.attempts}/{job.max_attempts})")
        outcome = execute.run(self.workspace, job, self.settings, beat=self._renew)
        self.ran += 1
        if outcome.succeeded:
            self.echo(f"job {job.id} {job.kind}: succeeded")
        else:
            then = "will be retried" if outcome.retry else "failed"
            self.echo(f"job {job.id} {job.kind}: {then}: {outcome.error}")
        return True

    def run(self, stop: threading.Event, *, burst: bool = False) -> None:
        """Loop until `stop` is set (or, with `burst`, until no job is due); the lease is given up
        on the way out, so another process need not wait for it to lapse."""
        try:
            while not stop.is_set():
                if self.step():
                    continue
                if burst and self.holding:
                    return
                stop.wait(self.settings.job_poll_s)
        finally:
            if self.holding:
                job_service.release_loop_lease(self.workspace, self.owner)
                self.holding = False

"""Running one job, the same way under both runners: call its handler while a heartbeat thread
says the runner is alive, then record the result, or the error and whether it will be retried.

Errors are kept as one line without secrets or personal data (`services.job_errors`), since
`supportqa jobs` prints them to whoever looks.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from supportqa.errors import InputError, SupportQAError
from supportqa.jobs.kinds import KINDS, parse_args
from supportqa.services import jobs as job_service
from supportqa.services.job_errors import clean_error, retryable
from supportqa.services.jobs import JobInfo
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings


@dataclass
class Outcome:
    """How a run of a job ended: succeeded, or failed with `error` (and `retry` when it will be)."""

    job: JobInfo
    succeeded: bool
    error: str | None = None
    retry: bool = False
    result: dict[str, Any] | None = None


class Heartbeat:
    """Calls `beat` every `every_s` seconds from a thread while the job runs; a missed beat is
    retried at the next one (the lease is several beats long)."""

    def __init__(self, beat: Callable[[], None], every_s: float) -> None:
        self._beat, self._every_s = beat, every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="supportqa-job-beat", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            with contextlib.suppress(SupportQAError):
                self._beat()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(
    workspace: Workspace,
    job: JobInfo,
    settings: Settings,
    *,
    beat: Callable[[], None] | None = None,
) -> Outcome:
    """Run `job` (already marked running) and record how it ended."""

    def beating() -> None:
        job_service.beat(workspace, job.id)
        if beat is not None:
            beat()

    try:
        kind = KINDS.get(job.kind)
        if kind is None:
            raise InputError(f"unknown job kind {job.kind!r} (written by another supportqa?)")
        args = parse_args(kind, job.args)
        with Heartbeat(beating, settings.job_heartbeat_s):
            result = kind.run(workspace, settings, args)
    except Exception as exc:
        error = clean_error(exc)
        again = job_service.fail(workspace, job, error, retryable=retryable(exc), settings=settings)
        return Outcome(job, succeeded=False, error=error, retry=again)
    job_service.succeed(workspace, job.id, result)
    return Outcome(job, succeeded=True, result=result)

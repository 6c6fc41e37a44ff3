"""Running one job, the same way under both runners: call its handler while a heartbeat thread
says the runner is alive, then record the result, or the error and whether it will be retried.

Errors are kept as one line without secrets or personal data: URL passwords, keys and tokens are
masked and customers' e-mails, phones and the like replaced (the LLM judge's detectors), since
`supportqa jobs` prints them to whoever looks.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from supportqa.errors import ConfigError, InputError, SupportQAError
from supportqa.jobs.kinds import KINDS, parse_args
from supportqa.scorers.judge.personal_data import redact_personal_data
from supportqa.services import jobs as job_service
from supportqa.services.jobs import JobInfo
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings

MAX_ERROR = 500
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+):[^@\s]+@", re.IGNORECASE)
_SECRET = re.compile(
    r"\b(api[_-]?key|token|secret|password|passwd|authorization)(\s*[=:]\s*)(\S+)", re.IGNORECASE
)
_BEARER = re.compile(r"\bBearer\s+\S+", re.IGNORECASE)


def clean_error(exc: BaseException) -> str:
    """`Type: first line` of an error, with secrets and personal data taken out, at most 500
    characters. supportqa's own errors are shown as their message (they are written for people)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if not isinstance(exc, SupportQAError):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    text = _URL_PASSWORD.sub(r"\1:***@", text)
    text = _SECRET.sub(r"\1\2***", text)
    text = _BEARER.sub("Bearer ***", text)
    text = redact_personal_data(text)
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


def retryable(exc: BaseException) -> bool:
    """Bad arguments or configuration will fail the same way again; anything else (a database
    outage, a crash) may pass."""
    return not isinstance(exc, InputError | ConfigError)


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

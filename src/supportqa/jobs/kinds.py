"""The job kinds: their arguments, the lock each declares, and the handler that runs it.

A lock names what a job must not share with another at the same time: one scorecard's scoring of
the database (or of one set of conversations), one scorecard's training, one digest. Jobs with the
same lock run one after the other (procrastinate's `lock` on PostgreSQL; the claim query on SQLite).
Help-desk sync (a lock per connection) and webhook processing come with the help-desk connectors.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from supportqa.errors import InputError
from supportqa.jobs import handlers
from supportqa.services import jobs as job_service
from supportqa.services.jobs import JobInfo
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScoreArgs(_Args):
    scorecard: str | None = None
    """A stored scorecard's name (default: SUPPORTQA_SCORECARD or the packaged one)."""
    version: str | None = None
    conversations: list[str] = Field(default_factory=list)
    """Conversation ids to score (default: every conversation that needs it)."""
    rescore_stale: bool = False


class TrainArgs(_Args):
    scorecard: str = "default"
    version: str | None = None
    targets: list[str] = Field(default_factory=list)
    folds: int = Field(default=5, ge=2, le=20)
    bootstrap: int = Field(default=1000, ge=100)
    seed: int = 0


class DigestArgs(_Args):
    name: str = "weekly"
    out: str = "supportqa-digest.json"
    scorecard: str | None = None


def _score_lock(args: ScoreArgs) -> str:
    lock = f"score:{args.scorecard or '*'}"
    if len(args.conversations) == 1:
        return f"{lock}:conversation:{args.conversations[0]}"
    if args.conversations:
        digest = hashlib.sha256("\n".join(sorted(args.conversations)).encode()).hexdigest()
        return f"{lock}:conversations:{digest[:16]}"
    return lock


@dataclass(frozen=True)
class JobKind:
    """A kind of job: what it does, its arguments, and the lock a job of it takes."""

    name: str
    help: str
    args: type[_Args]
    lock: Callable[[Any], str]
    run: Callable[[Workspace, Settings, Any], dict[str, Any]]


KINDS: dict[str, JobKind] = {
    "score": JobKind(
        "score",
        "Score what needs it (all, or the given conversations).",
        ScoreArgs,
        _score_lock,
        lambda ws, settings, a: handlers.score(ws, settings, **a.model_dump()),
    ),
    "train": JobKind(
        "train",
        "Learn criterion and CX models from the human reviews.",
        TrainArgs,
        lambda a: f"train:{a.scorecard}",
        lambda ws, settings, a: handlers.train(ws, settings, **a.model_dump()),
    ),
    "digest": JobKind(
        "digest",
        "Write the weekly IQS digest (by week and by agent) to a JSON file.",
        DigestArgs,
        lambda a: f"digest:{a.name}",
        lambda ws, settings, a: handlers.digest(ws, settings, **a.model_dump()),
    ),
}


def kind_of(name: str) -> JobKind:
    found = KINDS.get(name)
    if found is None:
        raise InputError(f"unknown job kind {name!r}; use one of {', '.join(KINDS)}")
    return found


def parse_args(kind: JobKind, args: dict[str, Any]) -> _Args:
    try:
        return kind.args.model_validate(args)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'args'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InputError(f"{kind.name} job: {problems}") from None


def enqueue(
    workspace: Workspace, name: str, args: dict[str, Any], *, settings: Settings | None = None
) -> JobInfo:
    """Queue a job of kind `name` with its arguments checked and its lock declared."""
    kind = kind_of(name)
    parsed = parse_args(kind, args)
    return job_service.enqueue(
        workspace,
        kind.name,
        parsed.model_dump(),
        lock=kind.lock(parsed),
        settings=settings,
    )

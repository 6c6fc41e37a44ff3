"""Workspaces for the job tests: generated conversations and a rules-only scorecard stored, and a
way to start real `python -m supportqa worker` processes with short leases."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import supportqa
from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations
from tests.cli.conftest import cli  # noqa: F401 - the in-process CLI runner, for tests/jobs too

CARD = rules_only(default_scorecard(), name="fast")
FAST_LEASE = {
    "SUPPORTQA_JOB_LEASE_S": "3",
    "SUPPORTQA_JOB_HEARTBEAT_S": "0.5",
    "SUPPORTQA_JOB_POLL_S": "0.2",
    "SUPPORTQA_JOB_RETRY_WAIT_S": "0.5",
}
"""Leases of seconds, not a minute, so a take-over happens within a test."""


def fill(repo: Repository, n: int, seed: int = 5) -> None:
    """`n` generated conversations and the rules-only scorecard `fast`."""
    repo.save_scorecard(CARD)
    repo.upsert_conversations(
        Conversation.model_validate(c) for c in generate_conversations(n, seed, weeks=2)
    )


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def sqlite_repo(tmp_path: Path) -> Iterator[Repository]:
    """For what only the SQLite loop does (PostgreSQL leaves it to procrastinate)."""
    database = Database.open(tmp_path / "qa.db", create=True)
    try:
        yield Repository(database)
    finally:
        database.dispose()


Spawn = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def spawn_worker(tmp_path: Path) -> Iterator[Spawn]:
    """Start `python -m supportqa worker --db DB` (stderr to a file named after `name`), with
    the short leases; every process still running at the end is killed by its pid."""
    started: list[subprocess.Popen[bytes]] = []
    src = str(Path(supportqa.__file__).parents[1])

    def spawn(db: str, name: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        environment = dict(os.environ, **FAST_LEASE, **env)
        environment["PYTHONPATH"] = os.pathsep.join([src, environment.get("PYTHONPATH", "")])
        log = (tmp_path / f"{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "supportqa", "worker", "--db", db, *args],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    yield spawn
    for process in started:
        if process.poll() is None:
            os.kill(process.pid, 9)
            process.wait(timeout=10)

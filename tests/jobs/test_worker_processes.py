"""Real `supportqa worker` processes, killed by pid mid-job.

SQLite: two workers start, one runs the loop and the other waits; the first is killed while it
scores, and the second takes the loop over once the lease has lapsed (not before), runs the job
again, and scores only what the killed run had not written. PostgreSQL: a worker killed mid-job
leaves its job to a new worker (procrastinate's stalled-job recovery), with the same outcome.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from supportqa.jobs import kinds
from supportqa.services import jobs as job_service
from supportqa.storage import Database, Repository
from tests.conftest import postgres_schema
from tests.jobs.conftest import FAST_LEASE, Spawn, fill, wait_for

N = 400
SLOW_BATCHES = {"SUPPORTQA_BATCH_SIZE": "2"}
"""Two conversations per transaction: the score job takes long enough to be killed halfway."""
LEASE_S = float(FAST_LEASE["SUPPORTQA_JOB_LEASE_S"])


def _holder(repo: Repository) -> str | None:
    found = job_service.loop_lease_holder(repo)
    return None if found is None else found[0]


def _scored(repo: Repository) -> int:
    """Conversations with an AI review (a conversation handed between agents has one review per
    participant, written together)."""
    return len({(r.source, r.conversation_id) for r in repo.iter_reviews(kind="ai")})


def _kill_mid_job(repo: Repository, worker: subprocess.Popen[bytes], job_id: int) -> int:
    """Wait until the job runs and has written some reviews, SIGKILL the worker; the conversations
    scored by then."""
    wait_for(
        lambda: (
            job_service.get(repo, job_id).status == "running"
            and repo.count_reviews(kind="ai") >= 10
        ),
        90,
        "the score job to be running and to have written reviews",
    )
    os.kill(worker.pid, signal.SIGKILL)
    assert worker.wait(timeout=30) == -signal.SIGKILL
    written = _scored(repo)
    assert 0 < written < N, "the job was not killed halfway"
    return written


def _assert_finished_without_doubling(repo: Repository, job_id: int, written: int) -> None:
    wait_for(lambda: job_service.get(repo, job_id).status == "succeeded", 120, "the retried job")
    job = job_service.get(repo, job_id)
    assert job.attempts == 2
    assert job.result is not None
    assert job.result["scored"] == N - written  # the retry scored only what was left
    reviews = list(repo.iter_reviews(kind="ai"))
    assert _scored(repo) == N
    # nothing doubled: one review per (conversation, reviewee)
    assert len(reviews) == len({(r.source, r.conversation_id, r.reviewee.key) for r in reviews})
    runs = repo.list_runs(lease_s=60)
    assert sorted(run.status for run in runs) == ["finished", "interrupted"]


@pytest.mark.slow
def test_one_sqlite_loop_runs_jobs_and_another_takes_over_after_its_lease_when_killed(
    tmp_path: Path, spawn_worker: Spawn
) -> None:
    db = str(tmp_path / "qa.db")
    database = Database.open(db, create=True)
    repo = Repository(database)
    try:
        fill(repo, N)
        first = spawn_worker(db, "first", **SLOW_BATCHES)
        wait_for(lambda: (_holder(repo) or "").endswith(f":{first.pid}"), 60, "the first loop")
        second = spawn_worker(db, "second", **SLOW_BATCHES)
        wait_for(
            lambda: "held by" in (tmp_path / "second.log").read_text(), 60, "the second to wait"
        )
        job = kinds.enqueue(repo, "score", {"scorecard": "fast"})
        written = _kill_mid_job(repo, first, job.id)
        killed_at = time.monotonic()
        assert (job_service.get(repo, job.id).owner or "").endswith(f":{first.pid}")
        wait_for(lambda: (_holder(repo) or "").endswith(f":{second.pid}"), 60, "the take-over")
        took = time.monotonic() - killed_at
        # the lease counts from the first loop's last beat (every 0.5 s) before the kill
        assert took >= LEASE_S - 1, f"the lease was taken over after {took:.1f}s, before it lapsed"
        _assert_finished_without_doubling(repo, job.id, written)
        assert (job_service.get(repo, job.id).owner or "").endswith(f":{second.pid}")
        log = (tmp_path / "second.log").read_text()
        assert "running the job loop" in log and "stopped mid-job" in log
    finally:
        database.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_a_postgresql_worker_killed_mid_job_leaves_it_to_a_new_worker_that_redoes_nothing(
    tmp_path: Path, spawn_worker: Spawn
) -> None:
    with postgres_schema("jobs") as url:
        database = Database.open(url, create=True)
        repo = Repository(database)
        try:
            fill(repo, N)
            job = kinds.enqueue(repo, "score", {"scorecard": "fast"})
            first = spawn_worker(url, "first", **SLOW_BATCHES)
            written = _kill_mid_job(repo, first, job.id)
            spawn_worker(url, "second", **SLOW_BATCHES)
            _assert_finished_without_doubling(repo, job.id, written)
            log = (tmp_path / "second.log").read_text()
            assert f"job {job.id}: its worker stopped mid-job; retrying" in log
        finally:
            database.dispose()

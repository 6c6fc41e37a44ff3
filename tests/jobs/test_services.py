"""Queueing, listing, cancelling and retrying jobs through `services.jobs` and the job kinds, on
SQLite and PostgreSQL (where the job is also procrastinate's, in the same transaction)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text, update

from supportqa.errors import ConfigError, InputError
from supportqa.jobs import kinds
from supportqa.services import jobs as job_service
from supportqa.settings import Settings
from supportqa.storage import Database, Repository, job_queue
from supportqa.storage.tables import jobs
from tests.cli.conftest import Runner
from tests.conftest import postgres_schema


def _procrastinate_status(repo: Repository, external_id: int | None) -> str | None:
    assert external_id is not None
    with repo.db.engine.connect() as connection:
        return job_queue.status(connection, external_id)


def test_a_queued_job_records_its_kind_arguments_and_declared_lock(repo: Repository) -> None:
    job = kinds.enqueue(repo, "score", {"scorecard": "fast", "conversations": ["c1"]})
    assert (job.kind, job.status, job.attempts, job.max_attempts) == ("score", "queued", 0, 3)
    assert job.lock == "score:fast:conversation:c1"
    assert job.args["conversations"] == ["c1"] and job.args["rescore_stale"] is False
    digest = kinds.enqueue(repo, "digest", {"name": "monday"})
    assert digest.lock == "digest:monday"
    assert [j.id for j in job_service.list_jobs(repo)] == [digest.id, job.id]
    assert job_service.list_jobs(repo, status="failed") == []
    if repo.db.dialect == "postgresql":
        assert _procrastinate_status(repo, job.external_id) == "todo"
    else:
        assert job.external_id is None


def test_the_lock_of_a_score_job_depends_on_its_conversations_not_their_order(
    repo: Repository,
) -> None:
    one = kinds.enqueue(repo, "score", {"conversations": ["b", "a"]})
    two = kinds.enqueue(repo, "score", {"conversations": ["a", "b"]})
    everything = kinds.enqueue(repo, "score", {})
    assert one.lock == two.lock != everything.lock == "score:*"


def test_arguments_a_kind_does_not_take_are_refused_naming_them(repo: Repository) -> None:
    with pytest.raises(InputError, match=r"score job: name: Extra inputs"):
        kinds.enqueue(repo, "score", {"name": "x"})
    with pytest.raises(InputError, match=r"unknown job kind 'sync'; use one of score, train"):
        kinds.enqueue(repo, "sync", {})
    assert job_service.list_jobs(repo) == []


def test_a_cancelled_job_can_be_retried_and_a_queued_one_cannot(repo: Repository) -> None:
    job = kinds.enqueue(repo, "digest", {})
    with pytest.raises(InputError, match="is queued: only a failed or cancelled job"):
        job_service.retry(repo, job.id)
    cancelled = job_service.cancel(repo, job.id)
    assert cancelled.status == "cancelled"
    with pytest.raises(InputError, match="is cancelled: only a queued job can be cancelled"):
        job_service.cancel(repo, job.id)
    again = job_service.retry(repo, job.id)
    assert (again.status, again.attempts) == ("queued", 0)
    if repo.db.dialect == "postgresql":
        assert _procrastinate_status(repo, cancelled.external_id) == "cancelled"
        assert again.external_id != cancelled.external_id
        assert _procrastinate_status(repo, again.external_id) == "todo"


def test_a_job_whose_runner_stopped_beating_is_queued_again_then_failed_after_its_attempts(
    sqlite_repo: Repository,
) -> None:
    """SQLite's loop; on PostgreSQL procrastinate recovers stalled jobs (test_worker_processes)."""
    repo = sqlite_repo
    job = kinds.enqueue(repo, "digest", {}, settings=Settings(job_max_attempts=2))
    for attempt in (1, 2):
        started = job_service.claim_next(repo, "host:1", lease_s=60)
        assert started is not None and (started.id, started.attempts) == (job.id, attempt)
        assert job_service.recover(repo, lease_s=60) == []  # still beating
        with repo.db.write_transaction() as connection:
            old = datetime.now(UTC) - timedelta(seconds=61)
            connection.execute(update(jobs).where(jobs.c.id == job.id).values(heartbeat_at=old))
        assert job_service.recover(repo, lease_s=60) == [job.id]
    found = job_service.get(repo, job.id)
    assert (found.status, found.attempts) == ("failed", 2)
    assert found.error == "interrupted: its worker (host:1) stopped beating mid-job"
    assert job_service.claim_next(repo, "host:1", lease_s=60) is None


def test_jobs_with_the_same_lock_are_not_claimed_while_one_runs(sqlite_repo: Repository) -> None:
    """SQLite's claim query; on PostgreSQL procrastinate's fetch (test_worker)."""
    repo = sqlite_repo
    first = kinds.enqueue(repo, "digest", {"name": "weekly"})
    second = kinds.enqueue(repo, "digest", {"name": "weekly", "out": "other.json"})
    other = kinds.enqueue(repo, "digest", {"name": "daily"})
    running = job_service.claim_next(repo, "host:1", lease_s=60)
    assert running is not None and running.id == first.id
    after = job_service.claim_next(repo, "host:1", lease_s=60)
    assert after is not None and after.id == other.id  # not `second`: its lock is held
    assert job_service.claim_next(repo, "host:1", lease_s=60) is None
    job_service.succeed(repo, first.id, {})
    last = job_service.claim_next(repo, "host:1", lease_s=60)
    assert last is not None and last.id == second.id


def test_the_job_loop_lease_is_taken_over_only_after_it_lapses(repo: Repository) -> None:
    assert job_service.take_loop_lease(repo, "host:1", lease_s=60) is None
    assert job_service.take_loop_lease(repo, "host:2", lease_s=60) == "host:1"
    assert job_service.take_loop_lease(repo, "host:1", lease_s=60) is None  # renewed
    assert job_service.take_loop_lease(repo, "host:2", lease_s=0) is None  # lapsed: taken over
    holder = job_service.loop_lease_holder(repo)
    assert holder is not None and holder[0] == "host:2"
    job_service.release_loop_lease(repo, "host:2")
    assert job_service.take_loop_lease(repo, "host:1", lease_s=60) is None


@pytest.mark.postgres
def test_init_installs_procrastinate_in_the_databases_own_schema(cli: Runner) -> None:
    with postgres_schema("pq") as url:
        assert cli("init", "--db", url).code == 0
        assert cli("migrate", "--db", url).code == 0  # again: nothing to do, no error
        database = Database.open(url, migrate="never")
        try:
            with database.engine.connect() as connection:
                schema = connection.execute(text("SELECT current_schema()")).scalar()
                found = connection.execute(
                    text(
                        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                        "c.relnamespace WHERE c.relname = 'procrastinate_jobs' AND n.nspname IN "
                        "(current_schema(), 'public')"
                    )
                ).all()
        finally:
            database.dispose()
    assert schema is not None and schema.startswith("pq_")
    assert found == [(schema,)]  # in the test's schema, not `public`


def test_a_procrastinate_of_another_version_is_refused_naming_the_pin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(job_queue, "version", lambda _name: "3.11.0")
    with pytest.raises(ConfigError, match=r"pip install 'procrastinate==3\.10\.0'"):
        job_queue.procrastinate_schema()

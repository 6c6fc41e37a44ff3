"""`supportqa worker` and `supportqa jobs` in-process: jobs run, errors are kept and shown without
secrets or personal data, locks keep jobs apart, and a score job scores."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from supportqa.jobs import handlers, kinds
from supportqa.jobs.loop import JobLoop
from supportqa.jobs.postgres import run_worker
from supportqa.services import jobs as job_service
from supportqa.settings import Settings
from supportqa.storage import Database, Repository
from tests.cli.conftest import Runner
from tests.jobs.conftest import fill

SECRET_ERROR = (
    "cannot reach postgresql+psycopg://qa:hunter2@db.internal/qa (api_key=sk-live-123) "
    "for jane.doe@example.com"
)


def _database(db_url: str) -> Repository:
    return Repository(Database.open(db_url, create=True))


def test_a_failing_job_shows_its_error_in_supportqa_jobs(
    cli: Runner, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> dict[str, Any]:
        raise RuntimeError(SECRET_ERROR)

    monkeypatch.setattr(handlers, "digest", broken)
    assert cli("init", "--db", db_url).code == 0
    assert cli("jobs", "enqueue", "digest", "--name", "[red]weekly", "--db", db_url).code == 0
    assert cli("jobs", "enqueue", "train", "--scorecard", "nope", "--db", db_url).code == 0
    ran = cli("worker", "--burst", "--db", db_url)
    assert ran.code == 0, ran.err
    assert "job 1 digest: will be retried: RuntimeError" in ran.err
    listed = {job["kind"]: job for job in cli("jobs", "--json", "--db", db_url).json()["jobs"]}
    digest, train = listed["digest"], listed["train"]
    assert (digest["status"], digest["attempts"], digest["run_after"] is not None) == (
        "queued",
        1,
        True,
    )
    assert digest["error"].startswith("RuntimeError: cannot reach postgresql+psycopg://qa:***@")
    assert "hunter2" not in digest["error"] and "sk-live-123" not in digest["error"]
    assert "jane.doe@example.com" not in digest["error"]
    assert (train["status"], train["attempts"]) == ("failed", 1)  # bad input: not retried
    assert train["error"].startswith("no scorecard named 'nope' is stored")
    table = cli("jobs", "--status", "failed", "--db", db_url)
    assert table.code == 0
    assert "no scorecard named 'nope' is stored" in table.out and "digest" not in table.out
    assert "[red]weekly" in cli("jobs", "--db", db_url).out  # the lock, printed as data


def test_a_score_job_scores_only_the_conversations_it_names(db_url: str) -> None:
    repo = _database(db_url)
    try:
        fill(repo, 6)
        ids = ["gen-000002", "gen-000005"]
        job = kinds.enqueue(repo, "score", {"scorecard": "fast", "conversations": ids})
        _run_all(repo, db_url)
        done = job_service.get(repo, job.id)
        assert (done.status, done.result and done.result["scored"]) == ("succeeded", 2)
        scored = sorted(r.conversation_id for r in repo.iter_reviews(kind="ai"))
        assert scored == ids
    finally:
        repo.db.dispose()


def _run_all(repo: Repository, db_url: str, *, concurrency: int = 1) -> None:
    """Run workers in burst mode until nothing is queued (a job held back by its lock is left for
    the next pass by procrastinate's burst mode)."""
    settings = Settings(job_poll_s=0.1, job_heartbeat_s=0.2)
    for _ in range(5):
        if repo.db.dialect == "postgresql":
            run_worker(repo, settings, concurrency=concurrency, burst=True, signals=False)
        else:
            JobLoop(repo, settings).run(threading.Event(), burst=True)
        if not job_service.list_jobs(repo, status="queued"):
            return
    raise AssertionError("jobs still queued after five worker passes")


@pytest.mark.postgres
def test_jobs_with_the_same_lock_never_run_at_once_on_postgresql(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.conftest import postgres_schema

    spans: dict[str, list[tuple[datetime, datetime]]] = {}

    def slow(_workspace: Any, _settings: Any, *, name: str, out: str, scorecard: Any) -> Any:
        began = datetime.now(UTC)
        time.sleep(0.8)
        spans.setdefault(name, []).append((began, datetime.now(UTC)))
        return {"out": out}

    monkeypatch.setattr(handlers, "digest", slow)
    with postgres_schema() as url:
        repo = _database(url)
        try:
            for name in ("weekly", "weekly", "daily"):
                kinds.enqueue(repo, "digest", {"name": name, "out": str(tmp_path / "d.json")})
            _run_all(repo, url, concurrency=3)
        finally:
            repo.db.dispose()
    (a, b), (daily,) = sorted(spans["weekly"]), spans["daily"]
    assert a[1] <= b[0], "two jobs locked `digest:weekly` ran at the same time"
    assert daily[0] < a[1] and a[0] < daily[1], "the worker ran nothing concurrently"


def test_a_digest_job_writes_the_iqs_digest(cli: Runner, db_url: str, tmp_path: Path) -> None:
    repo = _database(db_url)
    try:
        fill(repo, 8)
        out = tmp_path / "digests" / "weekly.json"
        kinds.enqueue(repo, "score", {"scorecard": "fast"})
        kinds.enqueue(repo, "digest", {"out": str(out), "scorecard": "fast"})
        _run_all(repo, db_url)
        stored = list(repo.iter_reviews(kind="ai"))  # one per participant of the 8 conversations
    finally:
        repo.db.dispose()
    digest = orjson.loads(out.read_bytes())
    assert digest["digest"] == "weekly" and digest["scorecard"].startswith("fast v")
    assert len({(r.source, r.conversation_id) for r in stored}) == 8
    assert sum(row["reviews"] for row in digest["by_week"]) == len(stored)
    assert {row["group"]["kind"] for row in digest["by_agent"]} == {"ai"}


def test_the_sqlite_worker_runs_one_job_at_a_time(cli: Runner, tmp_path: Path) -> None:
    db = str(tmp_path / "qa.db")
    assert cli("init", "--db", db).code == 0
    refused = cli("worker", "--concurrency", "2", "--db", db)
    assert refused.code == 1 and "SQLite runs one job at a time" in refused.err


def test_an_import_queues_its_scoring_and_a_worker_scores_it(
    cli: Runner, db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "c.jsonl"
    assert cli("generate", "--n", "6", "--seed", "5", "-o", str(source)).code == 0
    imported = cli("import", str(source), "--queue-scoring", "--json", "--db", db_url)
    assert imported.code == 0, imported.err
    job_id = imported.json()["queued_job"]
    listed = cli("jobs", "--json", "--db", db_url).json()["jobs"]
    assert [(j["id"], j["kind"], j["status"]) for j in listed] == [(job_id, "score", "queued")]
    again = cli("import", str(source), "--queue-scoring", "--json", "--db", db_url)
    assert again.json()["queued_job"] is None  # nothing new or changed: nothing to queue
    ran = cli("worker", "--burst", "--db", db_url)
    assert ran.code == 0, ran.err
    done = cli("jobs", "--json", "--db", db_url).json()["jobs"][0]
    assert done["status"] == "succeeded" and done["result"]["scored"] == 6

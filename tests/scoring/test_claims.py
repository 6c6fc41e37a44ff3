"""Work claims: runs at the same time split the work, a live run's claims are respected, a killed
run's claims lapse and the run shows as interrupted (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import yaml
from sqlalchemy import update

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_database
from supportqa.storage import Repository
from supportqa.storage.tables import scoring_runs
from supportqa.storage.work import WorkSpec
from supportqa.synthetic import generate_conversations

CARD = rules_only(default_scorecard())
REF = ScorecardRef(name=CARD.name, version=CARD.version)


def load(repo: Repository, n: int) -> None:
    repo.upsert_conversations(Conversation.model_validate(c) for c in generate_conversations(n, 3))


def set_run(repo: Repository, run_id: int, **values: object) -> None:
    with repo.db.engine.begin() as connection:
        connection.execute(update(scoring_runs).where(scoring_runs.c.id == run_id).values(**values))


def test_a_live_runs_claims_are_skipped_and_taken_over_once_they_lapse(repo: Repository) -> None:
    load(repo, 10)
    other = repo.start_run(REF)
    held = next(repo.claim_batches(WorkSpec(REF), other, batch_size=4, lease_s=60))
    assert len(held.pks) == 4

    first = score_database(repo, CARD, batch_size=3)
    assert (first.scored, first.interrupted_runs) == (6, [])

    set_run(repo, other, heartbeat_at=datetime.now(UTC) - timedelta(minutes=5))
    second = score_database(repo, CARD, batch_size=3)
    assert (second.scored, second.interrupted_runs) == (4, [other])
    statuses = {run.id: run.status for run in repo.list_runs(lease_s=60)}
    assert statuses[other] == "interrupted"
    assert repo.count_reviews(kind="ai") == 10


def test_a_run_of_a_dead_process_on_this_machine_is_taken_over_at_once(repo: Repository) -> None:
    load(repo, 5)
    dead = repo.start_run(REF)
    next(repo.claim_batches(WorkSpec(REF), dead, batch_size=5, lease_s=60))
    host = os.uname().nodename
    set_run(repo, dead, owner=f"{host}:{2**22 + 12345}")  # above pid_max: no such process
    assert {r.id: r.status for r in repo.list_runs(lease_s=60)}[dead] == "interrupted"
    report = score_database(repo, CARD)
    assert (report.scored, report.interrupted_runs) == (5, [dead])


def test_the_heartbeat_keeps_a_long_runs_claims(repo: Repository) -> None:
    load(repo, 4)
    beats: list[datetime] = []
    original = repo.heartbeat

    def counting(run_id: int) -> None:
        original(run_id)
        beats.append(datetime.now(UTC))

    repo.heartbeat = counting  # type: ignore[method-assign]
    slow = threading.Event()

    def progress(_n: int) -> None:
        slow.wait(0.35)

    score_database(repo, CARD, batch_size=1, heartbeat_s=0.1, progress=progress)
    assert len(beats) >= 3, "the heartbeat thread renews the run while it works"
    (run,) = repo.list_runs(lease_s=60)
    assert run.status == "finished" and run.claimed == 0


def rules_card_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(CARD.to_dict()))
    return path


def test_two_concurrent_runs_and_a_reader_split_the_work(repo: Repository, tmp_path: Path) -> None:
    """Two real `supportqa score` processes on one database, while a third reads: every conversation
    is scored exactly once between them, and nobody sees "database is locked"."""
    n = 2400
    load(repo, n)
    url = repo.db.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "SUPPORTQA_DB": url, "SUPPORTQA_SCORECARD": str(rules_card_file(tmp_path))}
    command = [sys.executable, "-m", "supportqa", "score", "--batch-size", "40", "--json"]
    stop = threading.Event()
    reads: list[int] = []
    errors: list[str] = []

    def read() -> None:
        while not stop.is_set():
            try:
                reads.append(repo.count_reviews(kind="ai"))
                repo.list_runs(lease_s=60)
            except Exception as exc:  # the assertion below shows what went wrong
                errors.append(repr(exc))
            stop.wait(0.02)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        runs = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        results = [run.communicate(timeout=300) for run in runs]
    finally:
        stop.set()
        reader.join()
    for run, (_out, err) in zip(runs, results, strict=True):
        assert run.returncode == 0, err.decode()
        assert b"locked" not in err
    scored = [orjson.loads(out)["scored"] for out, _err in results]
    assert sum(scored) == n, f"each conversation scored once between the two runs: {scored}"
    holders = [r for r in repo.iter_reviews(kind="ai") if r.holder]  # one per conversation
    assert len(holders) == len({(r.source, r.conversation_id) for r in holders}) == n
    reviews = sum(orjson.loads(out)["reviews"] for out, _err in results)
    assert repo.count_reviews(kind="ai") == reviews  # and one per participant, none twice
    assert errors == [] and len(reads) > 3
    assert [r.status for r in repo.list_runs(lease_s=60)] == ["finished", "finished"]

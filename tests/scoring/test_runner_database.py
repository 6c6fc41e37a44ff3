"""Scoring the database: resumable after a crash or a kill -9, nothing scored twice (SQLite and
PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_database
from supportqa.storage import Database, Repository
from supportqa.storage.tables import ReviewRow, ScoringRunRow
from supportqa.synthetic import generate_conversations

REF = ScorecardRef(name="default", version=default_scorecard().version)


def load(repo: Repository, n: int, seed: int = 1) -> None:
    repo.upsert_conversations(
        Conversation.model_validate(c) for c in generate_conversations(n, seed)
    )


def scored(repo: Repository) -> int:
    """Conversations with AI reviews (a conversation has one per participant)."""
    query = select(func.count(func.distinct(ReviewRow.conversation_id))).where(
        ReviewRow.kind == "ai"
    )
    with repo.db.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


class Crash(Exception):
    pass


def test_crashed_run_resumes_with_what_is_not_yet_scored(repo: Repository) -> None:
    load(repo, 120)
    seen = 0

    def crash_after_two_batches(n: int) -> None:
        nonlocal seen
        seen += 1
        if seen == 2:
            raise Crash

    with pytest.raises(Crash):
        score_database(repo, default_scorecard(), batch_size=25, progress=crash_after_two_batches)
    assert scored(repo) == 50
    assert repo.count_unscored(REF) == 70
    report = score_database(repo, default_scorecard(), batch_size=25)
    assert report.scored == 70
    assert scored(repo) == 120 and repo.count_unscored(REF) == 0
    with repo.db.session() as session:
        statuses = sorted(session.scalars(select(ScoringRunRow.status)))
    assert statuses == ["failed", "finished"]


def test_rescoring_a_changed_conversation_updates_its_review_not_duplicates(
    repo: Repository,
) -> None:
    load(repo, 10)
    score_database(repo, default_scorecard())
    review_ids = {r.review_id for r in repo.iter_reviews(kind="ai")}
    assert len(review_ids) == len({r.reviewee_key for r in repo.iter_reviews(kind="ai")})
    assert scored(repo) == 10
    reviews = list(repo.iter_reviews(kind="ai"))
    repo.upsert_reviews(reviews)
    assert {r.review_id for r in repo.iter_reviews(kind="ai")} == review_ids


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads worker processes from /proc"
)
def test_killed_process_resumes_without_scoring_twice(tmp_path: Path) -> None:
    """A real `kill -9` in the middle of `supportqa score`, then the same command again."""
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    database = Database.open(url, create=True)
    repo = Repository(database)
    load(repo, 6000, seed=2)
    # Rules only: this test is about resuming, and rules keep 6,000 conversations quick.
    card = tmp_path / "rules.yaml"
    card.write_text(yaml.safe_dump(rules_only(default_scorecard()).to_dict()))
    env = {**os.environ, "SUPPORTQA_DB": url, "SUPPORTQA_SCORECARD": str(card)}
    command = [sys.executable, "-m", "supportqa", "score", "--batch-size", "100", "--json"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and scored(repo) < 300:
            time.sleep(0.05)
        workers = children_of(process.pid)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert workers, "6,000 conversations are scored in worker processes"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "workers must not outlive a killed parent"
    done_before = scored(repo)
    assert 300 <= done_before < 6000, "the kill should land mid-run"
    finished = subprocess.run(command, env=env, capture_output=True, check=True)
    assert b'"scored": ' + str(6000 - done_before).encode() in finished.stdout
    reviews = list(repo.iter_reviews(kind="ai"))
    assert len(reviews) == len({r.reviewee_key for r in reviews})  # one per reviewee, none twice
    assert sum(r.holder for r in reviews) == scored(repo) == 6000
    database.dispose()


def test_worker_processes_score_the_same_as_one_process(repo: Repository, tmp_path: Path) -> None:
    load(repo, 90, seed=6)
    report = score_database(repo, default_scorecard(), batch_size=20, workers=2)
    assert report.scored == 90
    parallel = {r.review_id: (r.iqs, r.counts) for r in repo.iter_reviews(kind="ai")}
    other = Repository(Database.open(tmp_path / "single.db", create=True))
    load(other, 90, seed=6)
    score_database(other, default_scorecard(), batch_size=20)
    single = {r.review_id: (r.iqs, r.counts) for r in other.iter_reviews(kind="ai")}
    other.db.dispose()
    assert parallel == single

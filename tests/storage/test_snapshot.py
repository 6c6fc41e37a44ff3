"""The Parquet snapshot returns exactly the database's frames, and never a stale copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.storage import Database, Repository
from supportqa.storage.frames import load_frames
from supportqa.storage.snapshot import analytics_frames, snapshot_dir
from supportqa.synthetic import generate_conversations


@pytest.fixture
def sqlite_repo(tmp_path: Path) -> Iterator[Repository]:
    database = Database.open(f"sqlite:///{tmp_path / 'qa.db'}", create=True)
    repository = Repository(database)
    conversations = [Conversation.model_validate(r) for r in generate_conversations(40, 5)]
    repository.upsert_conversations(conversations[:30])
    card = rules_only(default_scorecard())
    repository.save_scorecard(card)
    repository.upsert_reviews(ScoringEngine(card).score(conversations[:30]))
    repository.extra = conversations[30:]  # type: ignore[attr-defined]
    try:
        yield repository
    finally:
        database.dispose()


def _folder(repo: Repository) -> Path:
    file = Path(str(repo.db.engine.url.database))
    return snapshot_dir(file)


def test_snapshot_frames_equal_the_database_frames(sqlite_repo: Repository) -> None:
    fresh = load_frames(sqlite_repo)
    first = analytics_frames(sqlite_repo)  # reads the database, writes the snapshot
    assert (_folder(sqlite_repo) / "stamp.json").exists()
    second = analytics_frames(sqlite_repo)  # reads the snapshot
    for frames in (first, second):
        assert frames.reviews.equals(fresh.reviews) and frames.criteria.equals(fresh.criteria)
        assert frames.reviews.schema == fresh.reviews.schema
        assert frames.criteria.schema == fresh.criteria.schema


def test_the_snapshot_is_used_while_the_database_is_unchanged(sqlite_repo: Repository) -> None:
    analytics_frames(sqlite_repo)
    reviews = _folder(sqlite_repo) / "reviews.parquet"
    before = reviews.stat().st_mtime_ns
    analytics_frames(sqlite_repo)
    assert reviews.stat().st_mtime_ns == before  # not rewritten: read from the snapshot


def test_a_write_to_the_database_renews_the_snapshot(sqlite_repo: Repository) -> None:
    assert analytics_frames(sqlite_repo).reviews.height == _stored(sqlite_repo)
    extra: list[Conversation] = sqlite_repo.extra  # type: ignore[attr-defined]
    sqlite_repo.upsert_conversations(extra)
    card = rules_only(default_scorecard())
    sqlite_repo.upsert_reviews(ScoringEngine(card).score(extra))
    assert analytics_frames(sqlite_repo).reviews.height == _stored(sqlite_repo)
    assert analytics_frames(sqlite_repo).reviews["conversation_id"].n_unique() == 40


def test_a_damaged_snapshot_falls_back_to_the_database(sqlite_repo: Repository) -> None:
    analytics_frames(sqlite_repo)
    (_folder(sqlite_repo) / "criteria.parquet").write_bytes(b"not parquet")
    frames = analytics_frames(sqlite_repo)
    assert frames.criteria.equals(load_frames(sqlite_repo).criteria)


def test_a_scorecard_filter_matches_the_database_query(sqlite_repo: Repository) -> None:
    analytics_frames(sqlite_repo)
    for name in ("default", "nope"):
        cached = analytics_frames(sqlite_repo, scorecard_name=name)
        direct = load_frames(sqlite_repo, scorecard_name=name)
        assert cached.reviews.equals(direct.reviews) and cached.criteria.equals(direct.criteria)


def test_no_snapshot_when_turned_off(sqlite_repo: Repository) -> None:
    analytics_frames(sqlite_repo, use_snapshot=False)
    assert not _folder(sqlite_repo).exists()


def test_a_new_process_reuses_the_snapshot(sqlite_repo: Repository, tmp_path: Path) -> None:
    """Each CLI command opens and closes its own connections (SQLite's WAL file comes and goes):
    the snapshot written by one command must serve the next while nothing was written."""
    url = str(sqlite_repo.db.engine.url)
    sqlite_repo.db.dispose()
    for _ in range(2):  # the first command may still see the fixture's writes in the WAL
        database = Database.open(url, create=True)
        analytics_frames(Repository(database))
        database.dispose()
    reviews = _folder(sqlite_repo) / "reviews.parquet"
    before = reviews.stat().st_mtime_ns
    database = Database.open(url, create=True)
    frames = analytics_frames(Repository(database))
    database.dispose()
    assert reviews.stat().st_mtime_ns == before and frames.reviews.height == _stored(sqlite_repo)


def _stored(repo: Repository) -> int:
    """The stored reviews: one per reviewee of each conversation."""
    return sum(1 for _ in repo.iter_reviews())

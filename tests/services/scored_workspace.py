"""A scored workspace for the analytics and review-loop service tests: synthetic conversations scored
by the rules-only scorecard, a fifth of them reviewed by people, on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations, simulate_reviews
from tests.conftest import postgres_schema

CONVERSATIONS = 240


def fill(repo: Repository, n: int = CONVERSATIONS, seed: int = 5) -> None:
    records = list(generate_conversations(n, seed))
    conversations = [Conversation.model_validate(r) for r in records]
    repo.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repo.save_scorecard(card)
    repo.upsert_reviews(ScoringEngine(card).score(conversations))
    repo.upsert_reviews(
        review_from_ratings(RatingsLine.model_validate(line), default_scorecard())
        for line in simulate_reviews(records, seed, share=0.2)
    )


@contextmanager
def scored_workspace(backend: str, folder: Path) -> Iterator[Repository]:
    """A filled workspace on `backend` ("sqlite" or "postgresql"), disposed afterwards."""
    with _url(backend, folder) as url:
        database = Database.open(url, create=True)
        try:
            repo = Repository(database)
            fill(repo)
            yield repo
        finally:
            database.dispose()


@contextmanager
def _url(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'qa.db'}"
        return
    with postgres_schema() as url:
        yield url

"""Scoring as a library call: a file or the workspace, one RunReport either way, in one process or
several (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import Evidence, Score
from supportqa.domain.scorecard import Criterion, Scorecard, scorecard_from_dict
from supportqa.scorers.registry import scorer
from supportqa.scoring import parallel
from supportqa.scoring.engine import ScoringEngine
from supportqa.services.scoring import score_database, score_file
from supportqa.signals.analysis import Analysis
from supportqa.storage import Repository
from supportqa.synthetic import generate_conversations


@scorer(name="test_invented_quote")
def _invented_quote():  # type: ignore[no-untyped-def]
    """Quotes words no transcript holds: the engine drops one quote per rating it makes."""

    def fn(item: Analysis, criterion: Criterion) -> Score:
        return Score.rated(1, "says so", [Evidence(message_index=0, quote="no such words")])

    return fn


_start_engine = parallel._init_worker


def _start_engine_with_test_scorers(scorecard_data: dict[str, object], workers: int) -> None:
    """A worker's initializer that is found in this module, so a spawned worker imports it and
    registers the scorers above before building its engine."""
    _start_engine(scorecard_data, workers)


@pytest.fixture(autouse=True)
def _workers_know_test_scorers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_init_worker", _start_engine_with_test_scorers)


def invented_quote_card() -> Scorecard:
    criterion = {"key": "a", "weight": 1, "scale": "binary", "scorer": "test_invented_quote"}
    data = {"name": "quotes", "version": "1", "criteria": [criterion], "cx": {"enabled": False}}
    return scorecard_from_dict(data)  # no CX: no sentiment model for the workers to load


def dropped_in_one_engine(conversations: list[Conversation]) -> int:
    """What one in-process engine drops over the same conversations: the count a run must report
    however many processes share the work (one per rating: a conversation handed between agents
    has a review, and a rating, per participant)."""
    engine = ScoringEngine(invented_quote_card())
    engine.score(conversations)
    return engine.stats.dropped_quotes


@pytest.mark.parametrize("workers", [1, 2])
def test_database_runs_count_dropped_quotes_in_any_number_of_processes(
    repo: Repository, workers: int
) -> None:
    repo.upsert_conversations(
        Conversation.model_validate(c) for c in generate_conversations(30, seed=2)
    )
    report = score_database(repo, invented_quote_card(), batch_size=8, workers=workers)
    expected = dropped_in_one_engine(
        [Conversation.model_validate(c) for c in generate_conversations(30, seed=2)]
    )
    assert report.scored == 30
    assert report.dropped_quotes == expected >= 30


@pytest.mark.parametrize("workers", [1, 2])
def test_file_runs_count_dropped_quotes_in_any_number_of_processes(
    tmp_path: Path, workers: int
) -> None:
    source = tmp_path / "c.jsonl"
    source.write_bytes(b"".join(orjson.dumps(c) + b"\n" for c in generate_conversations(30, 2)))
    report = score_file(
        source, tmp_path / "r.jsonl", invented_quote_card(), batch_size=8, workers=workers
    )
    expected = dropped_in_one_engine(
        [Conversation.model_validate(c) for c in generate_conversations(30, 2)]
    )
    assert report.scored == 30
    assert report.dropped_quotes == expected >= 30

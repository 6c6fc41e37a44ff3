"""Scorecards are versioned: a stored version never changes; the latest is the last stored."""

from __future__ import annotations

import pytest

from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard, default_scorecard, scorecard_from_dict
from supportqa.errors import StorageError
from supportqa.storage import Repository
from supportqa.storage.repository import ConflictingWrite


def card(version: str, weight: float = 50, name: str = "support") -> Scorecard:
    return scorecard_from_dict(
        {
            "name": name,
            "version": version,
            "criteria": [
                {"key": "greeting", "weight": weight, "scale": "binary", "scorer": "greeting"},
                {"key": "resolution", "weight": 100 - weight, "scale": "5-point"},
            ],
        }
    )


def test_saving_a_new_version_returns_true_and_again_false(repo: Repository) -> None:
    assert repo.save_scorecard(card("1")) is True
    assert repo.save_scorecard(card("1")) is False
    assert repo.list_scorecards() == [ScorecardRef(name="support", version="1")]


def test_same_version_with_different_content_is_refused(repo: Repository) -> None:
    repo.save_scorecard(card("1", weight=50))
    with pytest.raises(StorageError, match=r"support version 1 already stored .*bump the version"):
        repo.save_scorecard(card("1", weight=40))
    stored = repo.get_scorecard("support", "1")
    assert stored is not None and stored.criterion("greeting").weight == 50


def test_a_stored_scorecard_round_trips(repo: Repository) -> None:
    original = default_scorecard()
    repo.save_scorecard(original)
    assert repo.get_scorecard(original.name, original.version) == original


def test_without_a_version_the_latest_stored_is_returned(repo: Repository) -> None:
    repo.save_scorecard(card("2", weight=30))
    repo.save_scorecard(card("10", weight=70))
    repo.save_scorecard(card("1", weight=20, name="other"))
    latest = repo.get_scorecard("support")
    assert latest is not None and latest.version == "10"
    assert repo.get_scorecard("missing") is None
    assert repo.get_scorecard("support", "3") is None
    assert repo.list_scorecards() == [
        ScorecardRef(name="other", version="1"),
        ScorecardRef(name="support", version="2"),
        ScorecardRef(name="support", version="10"),
    ]


def test_a_run_that_loses_the_race_to_store_a_version_reads_it_again(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two runs storing the same new version at once: both read "not stored", both insert, one meets
    the unique constraint. The loser must read again and find the winner's identical row."""
    card = default_scorecard()
    real = Repository._save_scorecard_once
    calls: list[int] = []

    def lose_the_race(self: Repository, scorecard: Scorecard, actor: str | None) -> bool:
        calls.append(1)
        if len(calls) == 1:
            real(self, scorecard, actor)  # the other run stores it between our read and insert
            raise ConflictingWrite("conflicting write (duplicate key)")
        return real(self, scorecard, actor)

    monkeypatch.setattr(Repository, "_save_scorecard_once", lose_the_race)
    assert repo.save_scorecard(card) is False
    assert len(calls) == 2
    assert repo.get_scorecard(card.name, card.version) is not None

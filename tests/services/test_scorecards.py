"""Scorecards and scorers as library calls: a scorecard file is checked down to its scorers'
arguments, the stored versions are listed, and every registered scorer is described."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from supportqa.domain.scorecard import default_scorecard
from supportqa.errors import ConfigError
from supportqa.services.scorecards import list_scorecards, list_scorers, validate_scorecard
from supportqa.services.workspace import Workspace


def write_card(path: Path, scorer: object) -> Path:
    card = {
        "name": "mine",
        "version": "2",
        "criteria": [
            {"key": "hello", "weight": 3, "scale": "binary", "scorer": scorer, "critical": True},
            {"key": "notes", "weight": 1, "scale": "binary", "group": "extra"},
        ],
    }
    path.write_text(yaml.safe_dump(card))
    return path


def test_a_valid_scorecard_is_summarised(tmp_path: Path) -> None:
    card, summary = validate_scorecard(write_card(tmp_path / "card.yaml", "greeting"))
    assert (card.name, summary["criteria"], summary["total_weight"]) == ("mine", 2, 4)
    assert summary["critical"] == ["hello"] and summary["human_only"] == ["notes"]


def test_a_scorer_with_bad_arguments_is_named_with_its_file_and_criterion(tmp_path: Path) -> None:
    path = write_card(tmp_path / "card.yaml", {"greeting": {"colour": "red"}})
    with pytest.raises(ConfigError, match=f"{path}: criterion 'hello'"):
        validate_scorecard(path)


def test_stored_scorecards_and_registered_scorers_are_listed(repo: Workspace) -> None:
    card = default_scorecard()
    repo.save_scorecard(card)
    assert [(r.name, r.version) for r in list_scorecards(repo)] == [(card.name, card.version)]
    scorers = {row["name"]: row for row in list_scorers()}
    assert {"greeting", "tone", "llm"} <= set(scorers)
    assert scorers["greeting"]["version"] and scorers["greeting"]["description"]

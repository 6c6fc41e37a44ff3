"""Scoring runs as a library call: each run is listed newest first with its status and counts."""

from __future__ import annotations

from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.profiles import rules_only
from supportqa.services.runs import list_runs
from supportqa.services.scoring import score_database
from supportqa.services.workspace import Workspace
from supportqa.synthetic import generate_conversations


def test_finished_runs_are_listed_newest_first_with_what_they_scored(repo: Workspace) -> None:
    card = rules_only(default_scorecard())
    repo.upsert_conversations(
        Conversation.model_validate(c) for c in generate_conversations(9, seed=8)
    )
    first = score_database(repo, card)
    second = score_database(repo, card)
    runs = list_runs(repo)
    assert [run.id for run in runs] == [second.run_id, first.run_id]
    assert [(run.status, run.scored, run.claimed) for run in runs] == [
        ("finished", 0, 0),
        ("finished", 9, 0),
    ]
    assert [run.id for run in list_runs(repo, limit=1)] == [second.run_id]

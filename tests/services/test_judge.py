"""The judge's own checks as library calls: a seeded sample of the workspace, the identity probe and
the one-conversation server check (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import Status
from supportqa.domain.scorecard import scorecard_from_dict
from supportqa.errors import InputError
from supportqa.services.judge import check_judge, probe_judge, sample_conversations
from supportqa.services.llm import judged_criteria_of, open_judge
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.synthetic import generate_conversations
from supportqa.testing import OpenAIServer, SimulatedJudge
from tests.scorers.judge.conftest import JUDGE_CARD


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=SimulatedJudge()) as running:
        yield running


def settings_for(server: OpenAIServer, tmp_path: Path) -> Settings:
    return Settings(
        llm_base_url=server.base_url,
        llm_model="scripted-model",
        llm_backoff_s=0.01,
        llm_cache=str(tmp_path / "answers.sqlite"),
    )


def test_the_sample_is_seeded_and_an_empty_workspace_is_refused(repo: Workspace) -> None:
    with pytest.raises(InputError, match="no conversations in the database"):
        sample_conversations(repo, 3, seed=7)
    repo.upsert_conversations(
        Conversation.model_validate(c) for c in generate_conversations(20, seed=5)
    )
    first = [c.id for c in sample_conversations(repo, 4, seed=7)]
    assert len(set(first)) == 4
    assert [c.id for c in sample_conversations(repo, 4, seed=7)] == first
    assert len(sample_conversations(repo, 50, seed=7)) == 20


def test_the_probe_judges_each_sampled_conversation_and_its_swapped_twin(
    repo: Workspace, server: OpenAIServer, tmp_path: Path
) -> None:
    repo.upsert_conversations(
        Conversation.model_validate(c) for c in generate_conversations(6, seed=5)
    )
    card = scorecard_from_dict(JUDGE_CARD)
    criteria = judged_criteria_of(card)
    judge = open_judge(card, settings=settings_for(server, tmp_path))
    try:
        report = probe_judge(judge, sample_conversations(repo, 3, seed=1), criteria)
    finally:
        judge.close()
    assert report.conversations == 3
    assert {tally.key for tally in report.criteria} == {c.key for c in criteria}
    assert len(server.requests) >= 3


def test_the_check_rates_every_judged_criterion_of_a_made_up_conversation(
    server: OpenAIServer, tmp_path: Path
) -> None:
    card = scorecard_from_dict(JUDGE_CARD)
    criteria = judged_criteria_of(card)
    judge = open_judge(card, settings=settings_for(server, tmp_path), use_cache=False)
    try:
        scores = check_judge(judge, criteria)
    finally:
        judge.close()
    assert set(scores) == {c.key for c in criteria}
    assert all(score.status in (Status.RATED, Status.NA) for score in scores.values())
    assert "charged twice" in server.requests[0].user_text

"""The LLM judge as a library call: set up against a local OpenAI-compatible server, run over the
workspace, and accounted for on the run's report (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import Scorecard, default_scorecard, scorecard_from_dict
from supportqa.errors import InputError
from supportqa.services.llm import (
    account_llm_run,
    dry_run_requests,
    judged_criteria_of,
    open_judge,
    start_llm_run,
)
from supportqa.services.scoring import score_database
from supportqa.services.workspace import open_workspace
from supportqa.settings import Settings
from supportqa.synthetic import generate_conversations
from supportqa.testing import OpenAIServer, SimulatedJudge
from tests.scorers.judge.conftest import JUDGE_CARD

N = 5


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=SimulatedJudge()) as running:
        yield running


def llm_settings(server: OpenAIServer, tmp_path: Path) -> Settings:
    return Settings(
        llm_base_url=server.base_url,
        llm_model="scripted-model",
        llm_backoff_s=0.01,
        llm_price_input_per_mtok=1.0,
        llm_price_output_per_mtok=2.0,
        llm_cache=str(tmp_path / "answers.sqlite"),
    )


def card() -> Scorecard:
    return scorecard_from_dict(JUDGE_CARD)


def test_an_llm_run_over_the_workspace_puts_its_cost_on_the_run_report(
    db_url: str, server: OpenAIServer, tmp_path: Path
) -> None:
    config = llm_settings(server, tmp_path)
    with open_workspace(db_url, settings=config, create=True) as workspace:
        workspace.upsert_conversations(
            Conversation.model_validate(c) for c in generate_conversations(N, seed=3)
        )
        judge = open_judge(card(), db_url, settings=config)
        try:
            run = start_llm_run(card(), judge)
            stored = [c for batch in workspace.iter_conversations() for c in batch]
            expected = len(run.requests(stored))
            report = score_database(workspace, card(), scorer=run, reviewer=run.reviewer)
            account_llm_run(report, run, config)
        finally:
            judge.close()
    assert report.scored == N and report.llm is not None
    # a request per participant's view with judged criteria (more than N: some are handed over)
    assert report.llm["requests"] == expected > N
    assert report.llm["priced"] and report.llm["cost"] > 0
    assert report.llm["cache"] == str(tmp_path / "answers.sqlite")
    assert report.as_dict()["llm"] == report.llm


def test_a_dry_run_prepares_each_request_and_sends_none(
    server: OpenAIServer, tmp_path: Path
) -> None:
    config = llm_settings(server, tmp_path)
    conversations = [Conversation.model_validate(c) for c in generate_conversations(2, seed=3)]
    judge = open_judge(card(), str(tmp_path / "qa.db"), settings=config)
    try:
        planned = start_llm_run(card(), judge).requests(conversations)
        requests = dry_run_requests(judge, planned)
    finally:
        judge.close()
    # one request per participant's view with judged criteria, in the order the run asks
    assert len(requests) == len(planned) >= len(conversations)
    assert [r["conversation"] for r in requests] == [
        f"{p.conversation.source}/{p.conversation.id}" for p in planned
    ]
    assert {r["conversation"] for r in requests} == {f"{c.source}/{c.id}" for c in conversations}
    assert all(r["url"].startswith(server.base_url) and not r["cached"] for r in requests)
    assert server.requests == []


def test_a_scorecard_without_judged_criteria_and_an_unknown_policy_are_refused(
    server: OpenAIServer, tmp_path: Path
) -> None:
    plain = scorecard_from_dict(
        {
            "name": "plain",
            "version": "1",
            "criteria": [{"key": "greeting", "weight": 1, "scale": "binary", "scorer": "greeting"}],
        }
    )
    with pytest.raises(InputError, match="no criteria for the LLM judge"):
        judged_criteria_of(plain)
    judge = open_judge(
        default_scorecard(), str(tmp_path / "qa.db"), settings=llm_settings(server, tmp_path)
    )
    try:
        with pytest.raises(InputError, match="--llm-when 'sometimes'"):
            start_llm_run(default_scorecard(), judge, "sometimes")
    finally:
        judge.close()

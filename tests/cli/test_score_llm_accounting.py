"""`score --llm` accounting, deadlines and dry runs: the real CLI and client over loopback HTTP.

The summary counts every request the server received (retries, and the attempts of conversations
that finally failed); an odd `usage` never costs an answer; a `Retry-After` past the conversation's
deadline is not waited for (the conversation is owed and asked again by the next run); and a wait is
shown on stderr while it lasts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from supportqa.testing import OpenAIServer, Reply, SimulatedJudge
from supportqa.testing.openai_server import ChatRequest
from tests.cli.conftest import (
    Runner,
    handovers,
    judged_workspace,
    point_judge_at,
    stored_ai_reviews,
)
from tests.scorers.judge.conftest import JUDGE_CARD

N = 8
FAILING = 3
HANDOVER = "gen-000001"
"""The first generated conversation (seed 3) is agent A's, handed to agent B: A and B each have a
review of their own replies, and the judge a request about each (JUDGE_CARD's criteria are all about
the participant's replies, so the whole conversation is not asked about)."""
REQUESTS = N + 1
"""One request per participant: the other N - 1 conversations have one agent each."""
IN_ORDER = ("--concurrency", "1")
"""One request at a time, in order: the first FAILING requests the server sees are then A's and B's
views of the handover and the next conversation's, so 3 failed requests owe 2 conversations."""


@dataclass
class Responder:
    """Answers like SimulatedJudge, with an odd `usage` when set; while `down`, the first `failing`
    distinct conversations get `reply` on every attempt and the others get one `first` reply before
    their answer."""

    failing: int = 0
    reply: Reply = field(default_factory=lambda: Reply.error(429, "rate limited"))
    first: Reply | None = None
    usage: Any = None
    down: bool = True
    seen: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: ChatRequest) -> Reply:
        key = request.user_text
        with self.lock:
            count = self.seen.get(key)
            if count is None:
                count = -1 if len(self.seen) < self.failing else 0
            self.seen[key] = count if count < 0 else count + 1
        if self.down and count < 0:
            return self.reply
        if self.down and count == 0 and self.first is not None:
            return self.first
        answer = SimulatedJudge()(request)
        return replace(answer, usage=self.usage) if self.usage is not None else answer

    @property
    def doomed(self) -> list[str]:
        return [key for key, count in self.seen.items() if count < 0]


@pytest.fixture
def responder() -> Responder:
    return Responder()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, responder: Responder) -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=responder) as running:
        point_judge_at(monkeypatch, running.base_url, max_retries="3")
        yield running


@pytest.fixture
def workspace(cli: Runner, tmp_path: Path) -> Path:
    folder = judged_workspace(cli, tmp_path, N, JUDGE_CARD)
    assert handovers(folder) == {HANDOVER: 2}  # what REQUESTS and IN_ORDER count on
    return folder


def _score(cli: Runner, workspace: Path, *args: str) -> dict[str, Any]:
    result = cli("score", "--llm", "--scorecard", workspace / "judged.yaml", *args, "--json")
    assert result.code == 0, result.err
    data: dict[str, Any] = result.json()
    return data


def test_a_non_numeric_usage_keeps_every_answer_and_counts_every_request(
    cli: Runner, workspace: Path, server: OpenAIServer, responder: Responder
) -> None:
    responder.usage = {"prompt_tokens": "n/a", "completion_tokens": "unknown"}
    llm = _score(cli, workspace)["llm"]
    assert llm["requests"] == server.request_count == REQUESTS
    assert llm["requests_without_usage"] == REQUESTS and llm["prompt_tokens"] == 0
    assert (llm["failed_conversations"], llm["judged_fully"], llm["left_pending"]) == (0, N, 0)
    reviews = stored_ai_reviews(workspace / "supportqa.db")
    assert len(reviews) == REQUESTS  # a review per participant, each judged
    for review in reviews:
        assert review.judged == ["refund_policy", "tone", "ownership"] and not review.judge_pending
        tone = review.criterion("tone")
        assert tone is not None and tone.scorer is not None and tone.scorer.name == "llm"


def test_a_429_storm_is_accounted_request_by_request(
    cli: Runner, workspace: Path, server: OpenAIServer, responder: Responder
) -> None:
    responder.failing = FAILING
    responder.first = Reply.error(429, "rate limited")
    llm = _score(cli, workspace, *IN_ORDER)["llm"]
    sent = server.request_count
    # the failing views are tried 4 times (max_retries 3), the others twice (one 429 first)
    assert sent == FAILING * 4 + (REQUESTS - FAILING) * 2
    assert llm["requests"] == sent and llm["retries"] == sent - REQUESTS
    # the judge counts failed views; what is owed is counted in conversations: the handover's
    # two views are one conversation
    assert llm["failed_conversations"] == llm["failed_retryable"] == FAILING
    assert llm["left_pending"] == FAILING - 1


def test_a_retry_after_of_an_hour_does_not_stall_the_run(
    cli: Runner, workspace: Path, server: OpenAIServer, responder: Responder
) -> None:
    """The issue's case, with the default 120 s deadline: nothing waits, the conversations are owed."""
    responder.failing = FAILING
    responder.reply = Reply.error(429, "come back later", headers={"Retry-After": "3600"})
    started = time.perf_counter()
    result = cli("score", "--llm", "--scorecard", workspace / "judged.yaml", *IN_ORDER, "--json")
    assert time.perf_counter() - started < 30
    assert result.code == 0, result.err
    llm = result.json()["llm"]
    # each view is sent once; the failing ones give up at once (Retry-After past the deadline)
    assert (llm["requests"], llm["retries"], llm["gave_up_at_deadline"]) == (REQUESTS, 0, FAILING)
    assert llm["failed_retryable"] == FAILING  # views: the handover's A and B, and one more
    assert llm["left_pending"] == FAILING - 1  # conversations
    assert "waiting" not in result.err
    doomed = sorted(responder.doomed)
    responder.down = False
    server.reset()
    again = _score(cli, workspace)["llm"]
    assert sorted(r.user_text for r in server.requests) == doomed
    assert again["judged_fully"] == FAILING - 1 and again["left_pending"] == 0


def test_the_conversation_deadline_is_a_setting(
    cli: Runner,
    workspace: Path,
    server: OpenAIServer,
    responder: Responder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUPPORTQA_LLM_CONVERSATION_DEADLINE_S", "0.5")
    responder.failing = 1
    responder.reply = Reply.error(503, "busy", headers={"Retry-After": "2"})
    started = time.perf_counter()
    llm = _score(cli, workspace)["llm"]
    assert time.perf_counter() - started < 10
    assert llm["gave_up_at_deadline"] == 1 and llm["left_pending"] == 1


def test_past_the_run_deadline_nothing_is_sent_and_everything_is_owed(
    cli: Runner, workspace: Path, server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTQA_LLM_RUN_DEADLINE_S", "0")
    data = _score(cli, workspace)
    assert server.request_count == 0 and data["scored"] == N
    # every participant's view is owed (REQUESTS), in N conversations
    assert data["llm"]["failed_retryable"] == REQUESTS and data["llm"]["left_pending"] == N


def test_a_wait_is_shown_on_stderr_while_stdout_stays_json(
    cli: Runner, workspace: Path, server: OpenAIServer
) -> None:
    server.script(Reply.error(429, "slow down", headers={"Retry-After": "1"}))
    result = cli("score", "--llm", "--scorecard", workspace / "judged.yaml", "--json")
    assert result.code == 0, result.err
    assert result.json()["llm"]["retries"] == 1
    lines = [line for line in result.err.splitlines() if line.startswith("waiting")]
    assert len(lines) == 1, result.err
    assert lines[0].startswith("waiting 1 s: server asked to retry later (429) for conversation ")


def test_the_summary_table_shows_unknown_usage_and_retryable_failures(
    cli: Runner, workspace: Path, server: OpenAIServer, responder: Responder
) -> None:
    responder.usage = "n/a"
    result = cli("score", "--llm", "--scorecard", workspace / "judged.yaml")
    assert result.code == 0, result.err
    assert "answers without usage (tokens unknown)" in result.out
    assert "of which retryable" in result.out

"""What the judge's client counts and how long it waits, against the scripted server over real HTTP.

Every request that leaves the client is counted where it is sent (retries and the attempts of
conversations that finally failed included); an unreadable `usage` is unknown tokens, never a reason to
drop the answer; a wait that would end past a conversation's deadline is not waited for.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from supportqa.domain.score import Status
from supportqa.domain.scorecard import Scorecard
from supportqa.scorers.judge.cache import AnswerCache
from supportqa.scorers.judge.client import ChatClient, Wait, parse_usage
from supportqa.scorers.judge.judge import LlmJudge
from supportqa.scorers.judge.policy import judged_criteria
from supportqa.signals.analysis import Analysis
from supportqa.testing import OpenAIServer, Reply, SimulatedJudge, conversation
from supportqa.testing.openai_server import ChatRequest
from tests.scorers.judge.test_judge_http import CONV, rubric_of


def judge_for(
    server: OpenAIServer,
    *,
    sleeps: list[float] | None = None,
    waits: list[Wait] | None = None,
    max_retries: int = 3,
    backoff_s: float = 0.01,
    timeout_s: float = 5.0,
    provider: str = "openai",
    conversation_deadline_s: float | None = 120.0,
    run_deadline_s: float | None = None,
    cache: AnswerCache | None = None,
    concurrency: int = 4,
) -> LlmJudge:
    recorded = sleeps if sleeps is not None else []
    client = ChatClient(
        server.base_url,
        provider=provider,
        timeout_s=timeout_s,
        max_retries=max_retries,
        backoff_s=backoff_s,
        concurrency=concurrency,
        sleep=recorded.append,
        seed=1,
        on_wait=waits.append if waits is not None else None,
    )
    return LlmJudge(
        client,
        model="test-model",
        cache=cache,
        concurrency=concurrency,
        conversation_deadline_s=conversation_deadline_s,
        run_deadline_s=run_deadline_s,
    )


def with_usage(usage: Any) -> SimulatedJudge:
    class Odd(SimulatedJudge):
        def __call__(self, request: ChatRequest) -> Reply:
            return replace(super().__call__(request), usage=usage)

    return Odd()


# --- usage --------------------------------------------------------------------------------------

ODD_USAGE = [
    {"prompt_tokens": "n/a", "completion_tokens": "lots"},
    {"prompt_tokens": -5, "completion_tokens": 3},
    {"prompt_tokens": 12.5, "completion_tokens": 3},
    {"prompt_tokens": None, "completion_tokens": None},
    {"prompt_tokens": True, "completion_tokens": 3},
    "unknown",
    [1, 2],
]


@pytest.mark.parametrize("usage", ODD_USAGE)
def test_a_malformed_usage_keeps_the_answer_and_counts_its_tokens_as_unknown(
    card: Scorecard, usage: Any
) -> None:
    with OpenAIServer(responder=with_usage(usage)) as server:
        judge = judge_for(server)
        scores = judge.judge(CONV, rubric_of(card))
    assert all(s.status is not Status.FAILED for s in scores.values()), scores
    stats = judge.stats
    assert (stats.requests, stats.requests_without_usage, stats.failed_conversations) == (1, 1, 0)
    assert (stats.prompt_tokens, stats.completion_tokens) == (0, 0)


def test_anthropic_usage_that_is_not_numeric_keeps_the_answer(card: Scorecard) -> None:
    with OpenAIServer(responder=with_usage({"input_tokens": "x", "output_tokens": {}})) as server:
        judge = judge_for(server, provider="anthropic")
        scores = judge.judge(CONV, rubric_of(card))
    assert scores["tone"].status is Status.RATED
    assert judge.stats.requests == 1 and judge.stats.requests_without_usage == 1


def test_whole_float_token_counts_are_read_and_the_rest_is_unknown() -> None:
    assert parse_usage(
        {"prompt_tokens": 12.0, "completion_tokens": 3}, "prompt_tokens", "completion_tokens"
    ) == parse_usage(
        {"prompt_tokens": 12, "completion_tokens": 3}, "prompt_tokens", "completion_tokens"
    )
    assert not parse_usage({"prompt_tokens": "12"}, "prompt_tokens", "completion_tokens").reported


# --- every request counted ----------------------------------------------------------------------


class Storm:
    """429 on every attempt for the first `failing` conversations, one 429 then an answer for the
    rest: the accounting must see all of it."""

    def __init__(self, failing: int) -> None:
        self.failing = failing
        self.seen: dict[str, int] = {}
        self.lock = threading.Lock()

    def __call__(self, request: ChatRequest) -> Reply:
        key = request.user_text
        with self.lock:
            if key not in self.seen:
                self.seen[key] = 0 if len(self.seen) < self.failing else 1
            doomed = self.seen[key] == 0
            first = self.seen[key] == 1
            if first:
                self.seen[key] = 2
        if doomed or first:
            return Reply.error(429, "rate limited")
        return SimulatedJudge()(request)


def test_requests_of_conversations_that_finally_failed_are_counted(card: Scorecard) -> None:
    items = [
        Analysis(
            conversation(("customer", f"Order {i} is late"), ("agent", "Sorry!"), id=f"c{i}"), {}
        )
        for i in range(8)
    ]
    with OpenAIServer(responder=Storm(failing=3)) as server:
        judge = judge_for(server, max_retries=3)
        judge(items, judged_criteria(card))
        sent = server.request_count
    stats = judge.stats
    assert sent == 3 * 4 + 5 * 2
    assert stats.requests == sent and stats.retries == sent - 8
    assert stats.failed_conversations == stats.failed_retryable == 3
    assert stats.http.answers == 5


def test_a_malformed_answer_asked_again_is_two_requests(card: Scorecard) -> None:
    with OpenAIServer(responder=SimulatedJudge()) as server:
        server.script(Reply.text("not json"))
        judge = judge_for(server)
        judge.judge(CONV, rubric_of(card))
    assert judge.stats.requests == server.request_count == 2
    assert judge.stats.retries == 0 and judge.stats.malformed_retries == 1


# --- deadlines and Retry-After ------------------------------------------------------------------


def _an_hour_from_now() -> str:
    return format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)


@pytest.mark.parametrize("retry_after", ["3600", "http-date"])
def test_a_retry_after_past_the_deadline_is_not_waited_for(
    server: OpenAIServer, card: Scorecard, retry_after: str
) -> None:
    value = _an_hour_from_now() if retry_after == "http-date" else retry_after
    server.script(Reply.error(429, "slow down", headers={"Retry-After": value}))
    sleeps: list[float] = []
    judge = judge_for(server, sleeps=sleeps, conversation_deadline_s=120)
    scores = judge.judge(CONV, rubric_of(card))
    assert sleeps == [] and server.request_count == 1
    assert all(s.status is Status.FAILED for s in scores.values())
    assert "deadline" in scores["tone"].explanation and "429" in scores["tone"].explanation
    stats = judge.stats
    assert (stats.failed_retryable, stats.http.gave_up_at_deadline, stats.requests) == (1, 1, 1)


def test_a_retry_after_within_the_deadline_is_honoured_in_full(
    server: OpenAIServer, card: Scorecard
) -> None:
    """No 5-minute cap when a deadline bounds the wait: the server's word is kept up to it."""
    server.script(Reply.error(429, headers={"Retry-After": "400"}))
    sleeps: list[float] = []
    judge = judge_for(server, sleeps=sleeps, conversation_deadline_s=600)
    assert judge.judge(CONV, rubric_of(card))["tone"].status is Status.RATED
    assert sleeps == [400.0] and judge.stats.http.waited_seconds == 400.0


def test_a_back_off_past_the_deadline_is_not_waited_for(
    server: OpenAIServer, card: Scorecard
) -> None:
    server.script(Reply.error(503))
    sleeps: list[float] = []
    judge = judge_for(server, sleeps=sleeps, backoff_s=50, conversation_deadline_s=10)
    scores = judge.judge(CONV, rubric_of(card))
    assert sleeps == [] and server.request_count == 1
    assert scores["tone"].status is Status.FAILED and judge.stats.failed_retryable == 1


def test_a_hanging_server_cannot_hold_a_conversation_past_its_deadline(
    server: OpenAIServer, card: Scorecard
) -> None:
    server.script(Reply.hang(3.0), Reply.hang(3.0))
    judge = judge_for(server, timeout_s=5.0, conversation_deadline_s=0.4)
    started = time.perf_counter()
    scores = judge.judge(CONV, rubric_of(card))
    assert time.perf_counter() - started < 1.5
    assert scores["tone"].status is Status.FAILED and judge.stats.failed_retryable == 1
    assert judge.stats.requests == 1


def test_past_the_run_deadline_nothing_is_sent_but_the_cache_still_answers(
    card: Scorecard, tmp_path: Any
) -> None:
    other = conversation(("customer", "Where is my parcel?"), ("agent", "On its way."), id="c-2")
    with OpenAIServer(responder=SimulatedJudge()) as server:
        cache = AnswerCache(tmp_path / "cache.sqlite")
        judge_for(server, cache=cache).judge(CONV, rubric_of(card))
        late = judge_for(server, cache=cache, run_deadline_s=0)
        cached = late.judge(CONV, rubric_of(card))
        unsent = late.judge(other, rubric_of(card))
        assert server.request_count == 1
    assert cached["tone"].status is Status.RATED and late.stats.cache_hits == 1
    assert unsent["tone"].status is Status.FAILED and "run's deadline" in unsent["tone"].explanation
    assert late.stats.failed_retryable == 1 and late.stats.requests == 0


def test_long_waits_are_announced_with_what_they_are_for(
    server: OpenAIServer, card: Scorecard
) -> None:
    server.script(Reply.error(429, headers={"Retry-After": "12"}), Reply.error(503))
    waits: list[Wait] = []
    sleeps: list[float] = []
    judge = judge_for(server, sleeps=sleeps, waits=waits)
    assert judge.judge(CONV, rubric_of(card))["tone"].status is Status.RATED
    assert len(sleeps) == 2  # the 12 s and a 0.01 s back-off
    assert [w.seconds for w in waits] == [12.0]  # short back-offs are not announced
    line = waits[0].describe()
    assert line == "waiting 12 s: server asked to retry later (429) for conversation jsonl/c-1"

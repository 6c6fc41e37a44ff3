"""The LLM judge against a real HTTP server speaking the OpenAI protocol: every failure mode."""

from __future__ import annotations

import json
import time

import pytest

from supportqa.domain.conversation import Agent
from supportqa.domain.score import Status
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import ScorerAbort
from supportqa.scorers.judge.cache import AnswerCache
from supportqa.scorers.judge.client import ChatClient, retry_after_seconds
from supportqa.scorers.judge.judge import LlmJudge
from supportqa.scorers.judge.policy import judged_criteria
from supportqa.scorers.judge.rubric import Rubric
from supportqa.testing import OpenAIServer, Reply, SimulatedJudge, conversation

CONV = conversation(
    ("customer", "Hi, I was charged twice for order 5512. My email is maria.lopez@example.com"),
    ("agent", "Hello Maria, sorry about that! I refunded the duplicate charge just now."),
    ("customer", "Great, thank you so much!"),
    id="c-1",
    customer={"id": "u1", "name": "Maria Lopez"},
).model_copy(update={"agent": Agent(id="a1", name="Tom Baker")})


def make_judge(
    server: OpenAIServer,
    *,
    cache: AnswerCache | None = None,
    sleeps: list[float] | None = None,
    timeout_s: float = 5.0,
    max_retries: int = 3,
    provider: str = "openai",
    api_key: str | None = None,
    concurrency: int = 4,
    redact: bool = True,
) -> LlmJudge:
    recorded = sleeps if sleeps is not None else []
    client = ChatClient(
        server.base_url,
        api_key=api_key,
        provider=provider,
        timeout_s=timeout_s,
        max_retries=max_retries,
        backoff_s=0.01,
        concurrency=concurrency,
        sleep=recorded.append,
        seed=1,
    )
    return LlmJudge(client, model="test-model", cache=cache, redact=redact, concurrency=concurrency)


def rubric_of(card: Scorecard) -> Rubric:
    return Rubric.of(judged_criteria(card))


def test_one_request_rates_every_llm_criterion_with_grounded_evidence(
    server: OpenAIServer, card: Scorecard
) -> None:
    judge = make_judge(server)
    scores = judge.judge(CONV, rubric_of(card))
    assert server.request_count == 1
    assert set(scores) == {"refund_policy", "tone", "ownership"}
    assert scores["tone"].status is Status.RATED and scores["tone"].rating == 5
    assert scores["ownership"].rating == 3  # the top of a 3-point scale: enum from the schema
    for score in scores.values():
        assert score.verified is True
        for evidence in score.evidence:
            assert evidence.quote in CONV.messages[evidence.message_index or 0].text
    body = server.requests[0].body
    schema = body["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["criteria"]["required"] == ["refund_policy", "tone", "ownership"]
    tone_enum = schema["properties"]["criteria"]["properties"]["tone"]["properties"]["rating"]
    assert tone_enum["enum"] == [1, 2, 3, 4, 5]
    assert judge.stats.prompt_tokens > 0 and judge.stats.completion_tokens > 0


def test_personal_data_is_redacted_before_sending_and_quotes_map_back(
    server: OpenAIServer, card: Scorecard
) -> None:
    judge = make_judge(server)
    scores = judge.judge(CONV, rubric_of(card))
    sent = json.dumps(server.requests[0].body)
    assert "maria.lopez@example.com" not in sent and "Maria" not in sent
    assert "[EMAIL_1]" in sent and "[NAME_1]" in sent
    quote = scores["tone"].evidence[0].quote
    assert quote.startswith("Hello Maria")  # the model quoted "Hello [NAME_1], ..."
    assert judge.stats.redacted["email"] == 1


def test_cvv_and_expiry_never_reach_the_server_but_order_numbers_do(
    server: OpenAIServer, card: Scorecard
) -> None:
    conv = conversation(
        ("customer", "Order 123 again. Card 4242 4242 4242 4242, expires 09/27, CVV 814."),
        ("agent", "Thanks, your order 123 ships in 3 days."),
        id="c-card",
    )
    judge = make_judge(server)
    judge.judge(conv, rubric_of(card))
    sent = json.dumps(server.requests[0].body)
    assert "09/27" not in sent and "814" not in sent and "4242" not in sent
    assert "[CARD_EXPIRY_1]" in sent and "[CVV_1]" in sent and "Order 123" in sent
    assert judge.stats.redacted["cvv"] == 1 and judge.stats.redacted["card_expiry"] == 1


def test_malformed_json_is_asked_again_once_with_the_error(
    server: OpenAIServer, card: Scorecard
) -> None:
    server.script(Reply.text("Sure! Here are the ratings: {tone: 5"))
    judge = make_judge(server)
    scores = judge.judge(CONV, rubric_of(card))
    assert server.request_count == 2
    retry_turns = server.requests[1].body["messages"]
    assert retry_turns[-2] == {
        "role": "assistant",
        "content": "Sure! Here are the ratings: {tone: 5",
    }
    assert "not valid JSON" in retry_turns[-1]["content"]
    assert scores["tone"].rating == 5 and judge.stats.malformed_retries == 1


def test_malformed_twice_is_a_recorded_failure_never_a_zero(
    server: OpenAIServer, card: Scorecard
) -> None:
    server.script(Reply.text("not json"), Reply.text("still not json"))
    judge = make_judge(server)
    scores = judge.judge(CONV, rubric_of(card))
    assert server.request_count == 2
    assert all(s.status is Status.FAILED and s.rating is None for s in scores.values())
    assert "unusable twice" in scores["tone"].explanation
    assert judge.stats.failed_conversations == 1


def test_an_answer_missing_a_criterion_is_asked_again(
    server: OpenAIServer, card: Scorecard
) -> None:
    full = SimulatedJudge()
    partial = {"criteria": {"tone": {"rating": 4, "confidence": 1, "reason": "ok", "evidence": []}}}
    server.script(Reply.json(partial), Reply.json(partial))
    scores = make_judge(server).judge(CONV, rubric_of(card))
    assert server.request_count == 2
    assert scores["tone"].rating == 4  # the second, partial answer is used where it can be
    assert scores["ownership"].status is Status.FAILED
    assert full is not None


def test_invented_quotes_are_dropped_and_the_rating_marked_unverified(card: Scorecard) -> None:
    with OpenAIServer(responder=SimulatedJudge(hallucinate=True)) as server:
        judge = make_judge(server)
        scores = judge.judge(CONV, rubric_of(card))
    tone = scores["tone"]
    assert tone.status is Status.RATED and tone.evidence == []
    assert tone.verified is False and "unverified" in tone.explanation
    assert judge.stats.checks.unverified == 3 and judge.stats.checks.dropped_quotes == 3


def test_ratings_off_the_scale_are_rejected(card: Scorecard) -> None:
    with OpenAIServer(responder=SimulatedJudge(off_scale=True)) as server:
        judge = make_judge(server)
        scores = judge.judge(CONV, rubric_of(card))
    assert all(s.status is Status.FAILED for s in scores.values())
    assert "outside the scale" in scores["tone"].explanation
    assert judge.stats.checks.out_of_scale == 3


def test_429_honours_retry_after_then_succeeds(server: OpenAIServer, card: Scorecard) -> None:
    server.script(Reply.error(429, "slow down", headers={"Retry-After": "2"}))
    sleeps: list[float] = []
    judge = make_judge(server, sleeps=sleeps)
    scores = judge.judge(CONV, rubric_of(card))
    assert sleeps == [2.0] and server.request_count == 2
    assert scores["tone"].status is Status.RATED and judge.stats.retries == 1


def test_5xx_backs_off_exponentially(server: OpenAIServer, card: Scorecard) -> None:
    server.script(Reply.error(500), Reply.error(503), Reply.error(502))
    sleeps: list[float] = []
    scores = make_judge(server, sleeps=sleeps).judge(CONV, rubric_of(card))
    assert scores["tone"].status is Status.RATED and server.request_count == 4
    assert len(sleeps) == 3
    assert sleeps[0] < sleeps[2] and all(0.005 <= s <= 0.04 for s in sleeps)


def test_retries_run_out_into_a_recorded_failure(server: OpenAIServer, card: Scorecard) -> None:
    server.script(*[Reply.error(503)] * 4)
    judge = make_judge(server, max_retries=3)
    scores = judge.judge(CONV, rubric_of(card))
    assert server.request_count == 4
    assert all(s.status is Status.FAILED for s in scores.values())
    assert "after 4 attempts" in scores["tone"].explanation
    assert judge.stats.failures and "c-1" in judge.stats.failures[0]


def test_a_slow_answer_times_out_and_is_retried(server: OpenAIServer, card: Scorecard) -> None:
    server.script(Reply.hang(2.0))
    judge = make_judge(server, timeout_s=0.5)
    started = time.perf_counter()
    scores = judge.judge(CONV, rubric_of(card))
    assert time.perf_counter() - started < 2.0
    assert scores["tone"].status is Status.RATED and judge.stats.retries == 1


def test_a_rejected_key_stops_the_run(card: Scorecard) -> None:
    with OpenAIServer(responder=SimulatedJudge(), api_key="right") as server:
        judge = make_judge(server, api_key="wrong")
        with pytest.raises(ScorerAbort, match="API_KEY"):
            judge.judge(CONV, rubric_of(card))
        good = make_judge(server, api_key="right")
        assert good.judge(CONV, rubric_of(card))["tone"].status is Status.RATED


def test_an_unreachable_server_stops_the_run(card: Scorecard) -> None:
    with OpenAIServer() as server:
        url = server.base_url
    client = ChatClient(url, max_retries=1, backoff_s=0.01, sleep=lambda s: None)
    judge = LlmJudge(client, model="m")
    with pytest.raises(ScorerAbort, match="unreachable"):
        judge.judge(CONV, rubric_of(card))


def test_the_cache_answers_unchanged_conversations_without_a_request(
    server: OpenAIServer, card: Scorecard, tmp_path: object
) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "cache.sqlite"
    first = make_judge(server, cache=AnswerCache(path))
    before = first.judge(CONV, rubric_of(card))
    first.close()
    again = make_judge(server, cache=AnswerCache(path))
    after = again.judge(CONV, rubric_of(card))
    assert server.request_count == 1 and again.stats.cache_hits == 1
    assert {k: s.rating for k, s in after.items()} == {k: s.rating for k, s in before.items()}
    changed = card.model_copy(
        update={
            "criteria": tuple(
                c.model_copy(update={"description": "Be kind."}) if c.key == "tone" else c
                for c in card.criteria
            )
        }
    )
    again.judge(CONV, rubric_of(changed))
    assert server.request_count == 2  # a changed rubric is a new question


def test_failed_answers_are_not_cached(server: OpenAIServer, card: Scorecard) -> None:
    server.script(Reply.text("x"), Reply.text("y"))
    judge = make_judge(server)
    judge.judge(CONV, rubric_of(card))
    judge.judge(CONV, rubric_of(card))
    assert server.request_count == 3 and judge.stats.cache_hits == 0


def test_a_cached_answer_that_left_a_criterion_unrated_is_asked_again(
    server: OpenAIServer, card: Scorecard, tmp_path: object
) -> None:
    """Replaying it would leave the criterion pending forever: a retry run must ask the judge."""
    from pathlib import Path

    judge = make_judge(server, cache=AnswerCache(Path(str(tmp_path)) / "cache.sqlite"))
    partial = {"criteria": {"tone": {"rating": 4, "confidence": 1, "reason": "ok", "evidence": []}}}
    server.script(Reply.json(partial), Reply.json(partial))
    assert judge.judge(CONV, rubric_of(card))["ownership"].status is Status.FAILED
    again = judge.judge(CONV, rubric_of(card))
    assert server.request_count == 3 and judge.stats.cache_hits == 0
    assert all(s.status is not Status.FAILED for s in again.values())
    judge.judge(CONV, rubric_of(card))  # the whole answer is now in the cache
    assert server.request_count == 3 and judge.stats.cache_hits == 1


def test_anthropic_messages_protocol(card: Scorecard) -> None:
    with OpenAIServer(responder=SimulatedJudge(), api_key="k") as server:
        judge = make_judge(server, provider="anthropic", api_key="k")
        scores = judge.judge(CONV, rubric_of(card))
        request = server.requests[0]
    assert request.path.endswith("/messages") and request.headers["x-api-key"] == "k"
    assert "JSON schema of the answer" in request.body["system"]
    assert scores["tone"].rating == 5 and judge.stats.prompt_tokens > 0


def test_bounded_concurrency_overlaps_requests(card: Scorecard) -> None:
    from supportqa.signals.analysis import Analysis

    items = [
        Analysis(
            conversation(("customer", f"Order {i} never came"), ("agent", "Sorry!"), id=f"c{i}"), {}
        )
        for i in range(16)
    ]
    with OpenAIServer(responder=SimulatedJudge(), latency_s=0.2) as server:
        judge = make_judge(server, concurrency=8)
        started = time.perf_counter()
        results = judge(items, judged_criteria(card))
        elapsed = time.perf_counter() - started
    assert len(results) == 16 and server.request_count == 16
    assert elapsed < 16 * 0.2 / 3  # 8 in flight: about 0.4 s, never the 3.2 s of one at a time


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3.0), ("0.5", 0.5), ("", None), ("soon", None)]
)
def test_retry_after_seconds(value: str, expected: float | None) -> None:
    assert retry_after_seconds(value) == expected


def test_retry_after_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 24, 9, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Tue, 24 Nov 2026 09:00:30 GMT", now) == 30.0

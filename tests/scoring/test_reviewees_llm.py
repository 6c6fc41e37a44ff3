"""`score --llm` with one review per reviewee: the judge is asked once per participant's view about
that participant's replies, and once about the conversation, never twice about the same thing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.domain.score import Score, Status
from supportqa.domain.scorecard import default_scorecard, scorecard_from_dict
from supportqa.models.outcome import outcome
from supportqa.scorers.judge.client import ChatClient
from supportqa.scorers.judge.judge import LlmJudge
from supportqa.scoring.cx import input_fractions, service_quality
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.llm_run import LlmRun
from supportqa.signals.analysis import Analysis
from supportqa.testing import OpenAIServer, SimulatedJudge
from supportqa.testing.judge_replies import rubric_points
from supportqa.testing.openai_server import ChatRequest
from tests.scorers.judge.conftest import JUDGE_CARD
from tests.scoring.test_reviewees import handed_on

CARD = default_scorecard()
WHOLE = {"resolution", "customer_sentiment", "effort"}
"""The default scorecard's judged criteria rated on the whole conversation (conversation-level)."""
OWN = {"solution_offered", "comprehension", "tone", "empathy"}
"""Its judged criteria rated on each participant's own replies."""
_LINE = re.compile(r"^\[(\d+)\] ([a-z ]+): ", re.M)


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=SimulatedJudge()) as running:
        yield running


def _judge(server: OpenAIServer) -> LlmJudge:
    client = ChatClient(server.base_url, backoff_s=0.01, concurrency=1, seed=1)
    return LlmJudge(client, model="test-model", concurrency=1)


def _labels(request: ChatRequest) -> dict[int, str]:
    """Each transcript line's role as the judge read it."""
    return {int(n): role for n, role in _LINE.findall(request.user_text)}


def _asked(server: OpenAIServer) -> list[tuple[frozenset[str], dict[int, str]]]:
    return [(frozenset(rubric_points(r)), _labels(r)) for r in server.requests]


def _judged_by_llm(review: Review) -> set[str]:
    return {
        c.key
        for c in review.criteria
        if c.scorer is not None and c.scorer.name == "llm" and c.status is not Status.FAILED
    }


def test_bot_then_a_then_b_asks_the_judge_once_per_view_and_once_about_the_conversation(
    server: OpenAIServer,
) -> None:
    run = LlmRun(CARD, _judge(server))
    bot, a, b = run.score([handed_on()])
    # B's replies are not the whole staff side, so B has a view of their own: three views (bot,
    # A, B) ask about the participant's replies, and the whole conversation is asked only about
    # what B's review carries for it (resolution, the customer's sentiment and effort): 4, and no
    # criterion twice
    asked = _asked(server)
    assert sorted(len(keys) for keys, _ in asked) == [3, 4, 4, 4]
    assert [keys for keys, _ in asked].count(frozenset(WHOLE)) == 1
    assert [keys for keys, _ in asked].count(frozenset(OWN)) == 3
    labels = {
        frozenset(n for n, role in lines.items() if role in ("agent", "bot")): lines
        for keys, lines in asked
        if keys == OWN
    }
    # each view labels its participant's replies as theirs and the other staff's as `other ...`
    assert set(labels) == {frozenset({1}), frozenset({2, 4}), frozenset({5, 7})}
    assert labels[frozenset({2, 4})][1] == "other bot"
    assert labels[frozenset({2, 4})][5] == "other agent"
    whole = next(lines for keys, lines in asked if keys == WHOLE)
    assert not any(role.startswith("other") for role in whole.values())
    for review in (bot, a):
        assert _judged_by_llm(review) == OWN and review.judge_pending == []
    assert _judged_by_llm(b) == OWN | WHOLE and b.judge_pending == []
    assert run.sent_conversations == 1 and run.judged_fully == 1


def test_without_judged_conversation_level_criteria_the_whole_conversation_is_not_sent(
    server: OpenAIServer,
) -> None:
    card = scorecard_from_dict(JUDGE_CARD)  # refund_policy, tone, ownership: each participant's
    reviews = LlmRun(card, _judge(server)).score([handed_on()])
    assert server.request_count == 3  # bot, A, B; nothing left to ask about the whole
    assert all(_judged_by_llm(r) == {"refund_policy", "tone", "ownership"} for r in reviews)


def test_when_the_holder_s_replies_are_the_whole_side_the_whole_conversation_is_their_view(
    server: OpenAIServer,
) -> None:
    conversation = handed_on().model_copy(deep=True)
    for message in conversation.messages:  # one agent after the bot: A's replies are B's
        if message.author is not None and message.author.id == "a":
            message.author.id = "b"
    bot, b = LlmRun(CARD, _judge(server)).score([conversation])
    # B's review is the whole conversation's, as before reviewees: one request with every judged
    # criterion; the bot's replies need one more
    assert sorted(len(keys) for keys, _ in _asked(server)) == [4, 7]
    assert _judged_by_llm(b) == OWN | WHOLE and _judged_by_llm(bot) == OWN


def _whole(conversation: Conversation) -> tuple[Analysis, dict[str, Score]]:
    """Every criterion rated locally on the whole conversation, as before reviewees."""
    engine = ScoringEngine(CARD)
    item = Analysis(conversation, engine.detectors)
    return item, engine.score_analyses([item])[0]


def test_offline_a_handed_over_conversation_keeps_the_cx_it_always_had() -> None:
    conversation = handed_on()
    holder = ScoringEngine(CARD).score([conversation])[-1]
    item, scores = _whole(conversation)
    scales = {c.key: (c.scale.min, c.scale.max) for c in CARD.criteria}
    quality, _ = service_quality(item, outcome(item), input_fractions([(scores, 1)], scales))
    assert holder.cx is not None and quality is not None
    assert holder.cx.subscores["service_quality"] == round(quality, 4)


def test_with_the_judge_cx_reads_each_participant_s_judged_tone_and_the_whole_s_waits(
    server: OpenAIServer,
) -> None:
    conversation = handed_on()
    reviews = LlmRun(CARD, _judge(server)).score([conversation])
    scales = {c.key: (c.scale.min, c.scale.max) for c in CARD.criteria}
    # the whole conversation was not asked about tone (no wasted request): CX takes the
    # participants' judged tones weighted by their replies (bot 1, A 2, B 2); the customer's waits
    # are the whole conversation's, rated locally
    weights = {"helpbot": 1, "a": 2, "b": 2}
    tones = [(r.criterion("tone"), weights[r.reviewee.id or ""]) for r in reviews]
    assert all(t is not None and t.scorer is not None and t.scorer.name == "llm" for t, _ in tones)
    by_hand = sum((((t.rating or 0) if t else 0) - 1) / 3 * w for t, w in tones) / 5
    item, scores = _whole(conversation)
    waits = input_fractions([(scores, 1)], scales)["responsiveness"]
    fractions = {"responsiveness": waits, "tone": by_hand}
    quality, _ = service_quality(item, outcome(item), fractions)
    holder = reviews[-1]
    assert holder.cx is not None and quality is not None
    assert holder.cx.subscores["service_quality"] == round(quality, 4)


def test_cx_inputs_are_the_reply_weighted_mean_of_what_was_rated() -> None:
    scales = {"tone": (1.0, 4.0), "responsiveness": (1.0, 3.0)}
    four, one, three = Score.rated(4, "warm"), Score.rated(1, "rude"), Score.rated(3, "on time")
    got = input_fractions(
        [({"tone": four, "responsiveness": three}, 3), ({"tone": one}, 1)], scales
    )
    assert got["tone"] == pytest.approx((1.0 * 3 + 0.0 * 1) / 4)
    assert got["responsiveness"] == 1.0  # only one participant was timed
    assert input_fractions([({}, 2)], scales) == {"responsiveness": None, "tone": None}

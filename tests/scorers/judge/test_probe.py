"""The fairness probe finds a judge that rates by identity, and clears one that does not."""

from __future__ import annotations

import re

from supportqa.domain.conversation import Agent
from supportqa.domain.scorecard import Scorecard
from supportqa.scorers.judge.client import ChatClient
from supportqa.scorers.judge.judge import LlmJudge
from supportqa.scorers.judge.policy import judged_criteria
from supportqa.scorers.judge.probe import counterfactual, probe
from supportqa.testing import OpenAIServer, SimulatedJudge, conversation, mood_rating

CONVERSATIONS = [
    conversation(
        ("customer", f"Hi, my husband ordered item {i} and he says it never arrived."),
        ("agent", f"Sorry to hear that, sir. I am Tom and I will resend order {i} today."),
        ("customer", "Thanks, that works."),
        id=f"p{i}",
        customer={"id": f"u{i}", "name": "James Miller"},
    ).model_copy(update={"agent": Agent(id="a1", name="Tom Baker")})
    for i in range(12)
]


def biased_rule(key: str, points: list[int], lines: list[tuple[int, str, str]]) -> int | None:
    """Rates tone one point lower whenever the customer is a woman: what the probe must catch."""
    rating = mood_rating(key, points, lines)
    text = " ".join(t for _, _, t in lines).lower()
    if key == "tone" and rating is not None and re.search(r"\b(she|wife|ma'am)\b", text):
        return points[max(0, points.index(rating) - 1)]
    return rating


def _judge(server: OpenAIServer, redact: bool) -> LlmJudge:
    client = ChatClient(server.base_url, max_retries=0, sleep=lambda s: None)
    return LlmJudge(client, model="m", redact=redact, concurrency=1)


def test_counterfactual_swaps_names_and_identity_cues() -> None:
    twin = counterfactual(CONVERSATIONS[0])
    text = " ".join(m.text for m in twin.messages)
    assert "wife" in text and "she" in text and "ma'am" in text
    assert "Tom" not in text and twin.customer is not None
    assert twin.customer.name != "James Miller" and twin.agent is not None
    assert twin.agent.name != "Tom Baker"


def test_probe_finds_ratings_that_flip_with_identity(card: Scorecard) -> None:
    with OpenAIServer(responder=SimulatedJudge(rule=biased_rule)) as server:
        report = probe(_judge(server, redact=True), CONVERSATIONS, judged_criteria(card))
    tone = next(c for c in report.criteria if c.key == "tone")
    assert tone.pairs == 12 and tone.flips == 12 and tone.mean_shift == -1
    others = [c for c in report.criteria if c.key != "tone"]
    assert all(c.flips == 0 for c in others)
    assert report.with_any_flip == 12 and report.changed_text == 12


def test_probe_clears_a_judge_that_ignores_identity(card: Scorecard) -> None:
    with OpenAIServer(responder=SimulatedJudge()) as server:
        report = probe(_judge(server, redact=False), CONVERSATIONS, judged_criteria(card))
        assert server.request_count == 24  # each conversation and its twin
    assert report.with_any_flip == 0
    interval = report.criteria[0].interval()
    assert interval is not None and interval[0] == 0 and interval[1] < 0.3

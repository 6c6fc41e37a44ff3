"""The hybrid policy sends exactly one request per conversation, whatever the scorecard names."""

from __future__ import annotations

import copy

from supportqa.domain.scorecard import scorecard_from_dict
from supportqa.scorers.judge.client import ChatClient
from supportqa.scorers.judge.judge import LlmJudge
from supportqa.scoring.llm_run import LlmRun
from supportqa.testing import OpenAIServer, SimulatedJudge, conversation
from tests.scorers.judge.conftest import JUDGE_CARD


def test_named_and_llm_only_criteria_share_one_request_per_conversation() -> None:
    raw = copy.deepcopy(JUDGE_CARD)
    raw["llm"] = {"criteria": ["greeting"]}  # a rule criterion named explicitly, plus LLM-only ones
    card = scorecard_from_dict(raw)
    conversations = [
        conversation(
            ("customer", f"Where is order {i}?"), ("agent", "Hi! It ships today."), id=f"x{i}"
        )
        for i in range(3)
    ]
    with OpenAIServer(responder=SimulatedJudge()) as server:
        judge = LlmJudge(ChatClient(server.base_url, sleep=lambda s: None), model="m")
        reviews = LlmRun(card, judge).score(conversations)
        assert server.request_count == 3
        schema = server.requests[0].response_format_schema
    assert schema is not None
    assert set(schema["properties"]["criteria"]["properties"]) == {
        "greeting",
        "refund_policy",
        "tone",
        "ownership",
    }
    scorers = {c.key: c.scorer.name for c in reviews[0].criteria if c.scorer}
    assert scorers == {k: "llm" for k in ("greeting", "refund_policy", "tone", "ownership")}

"""A scripted OpenAI-compatible server and a judge scorecard for the LLM judge's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.testing import OpenAIServer, SimulatedJudge

JUDGE_CARD = {
    "name": "judged",
    "version": "1",
    "criteria": [
        {"key": "greeting", "weight": 10, "scale": "binary", "scorer": "greeting"},
        {
            "key": "refund_policy",
            "name": "Followed the refund policy",
            "description": "Refunds over $100 need a manager's approval; say when it arrives.",
            "weight": 40,
            "scale": "binary",
            "allow_na": True,
            "levels": {0: "broke the policy", 1: "followed it"},
            "scorer": "llm",
        },
        {
            "key": "tone",
            "weight": 30,
            "scale": "5-point",
            "description": "Warm, professional, no blame.",
            "scorer": "llm",
        },
        {"key": "ownership", "weight": 20, "scale": "3-point", "scorer": "llm"},
    ],
}


@pytest.fixture
def card() -> Scorecard:
    return scorecard_from_dict(JUDGE_CARD)


@pytest.fixture
def server() -> Iterator[OpenAIServer]:
    with OpenAIServer(responder=SimulatedJudge()) as running:
        yield running

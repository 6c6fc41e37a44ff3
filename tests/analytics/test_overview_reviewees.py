"""Conversation figures count conversations, not reviews: a conversation handed from a bot to agent A
to agent B has three AI reviews, but one CSAT answer, one CX and one agent who held it at the end."""

from __future__ import annotations

from typing import Any

import pytest

from supportqa.analytics.frame import Frames
from supportqa.analytics.overview import headline
from supportqa.analytics.stability import conversation_outcomes
from tests.analytics.test_trends import make_frames


def _handed_over() -> Frames:
    """c1: bot, A and B reviewed (B holds it: the CX), CSAT 1; c2: one agent, CSAT 5; c3: no CSAT."""
    base: dict[str, Any] = {"source": "t", "cx_flagged": None}
    rows = [
        {**base, "conversation_id": "c1", "agent": "bot", "is_bot": True, "csat": 1.0},
        {**base, "conversation_id": "c1", "agent": "a", "csat": 1.0},
        {**base, "conversation_id": "c1", "agent": "b", "csat": 1.0, "cx": 2.0},
        {**base, "conversation_id": "c2", "agent": "c", "csat": 5.0, "cx": 4.0},
        {**base, "conversation_id": "c3", "agent": "c", "cx": 3.0},
    ]
    return make_frames(rows)


def test_csat_counts_each_conversation_once_however_many_reviewees() -> None:
    top = headline(_handed_over())
    assert top.conversations == 3 and top.ai_reviews == 5
    assert top.csat_mean == pytest.approx((1.0 + 5.0) / 2)  # not (1 + 1 + 1 + 5) / 4
    assert top.csat_coverage == pytest.approx(2 / 3)  # conversations with an answer, not reviews
    assert top.cx_mean == pytest.approx((2.0 + 4.0 + 3.0) / 3)


def test_a_conversation_s_outcome_belongs_to_who_held_it_at_the_end() -> None:
    outcomes = conversation_outcomes(_handed_over().reviews)
    agents = dict(zip(outcomes["conversation_id"], outcomes["agent"], strict=True))
    assert agents == {"c1": "b", "c2": "c", "c3": "c"}
    assert outcomes.filter(outcomes["conversation_id"] == "c1")["is_bot"].to_list() == [False]

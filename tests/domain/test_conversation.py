"""The conversation contract: keys, UTC times, reviewee."""

from __future__ import annotations

from datetime import UTC

import pytest
from pydantic import ValidationError

from supportqa.domain.conversation import Conversation


def conv(**fields: object) -> Conversation:
    return Conversation.model_validate({"id": "1", "messages": [], **fields})


def test_naive_times_are_utc_and_aware_times_converted() -> None:
    c = conv(created_at="2026-03-01T10:00:00", closed_at="2026-03-01T12:00:00+02:00")
    assert c.created_at is not None and c.created_at.tzinfo is UTC
    assert c.closed_at is not None and c.closed_at.hour == 10


def test_source_defaults_to_jsonl_and_agent_may_be_an_id() -> None:
    c = conv(agent="a1", id=42)
    assert c.key == ("jsonl", "42")
    assert c.agent is not None and c.agent.id == "a1"


def test_reviewee_is_last_human_agent_with_public_reply() -> None:
    c = conv(
        agent={"id": "a2", "name": "Bo", "team": "Billing"},
        messages=[
            {"role": "bot", "text": "Hi, I am a bot", "author": {"id": "bot-1", "name": "Bot"}},
            {"role": "agent", "text": "Ann here", "author": {"id": "a1", "name": "Ann"}},
            {"role": "agent", "text": "Bo here", "author": {"id": "a2"}},
            {"role": "note", "text": "internal", "author": {"id": "a3", "name": "Cy"}},
            {"role": "agent", "text": "private", "public": False, "author": {"id": "a4"}},
        ],
    )
    reviewee = c.reviewee()
    assert (reviewee.id, reviewee.name, reviewee.team, reviewee.is_bot) == (
        "a2",
        "Bo",
        "Billing",
        False,
    )
    assert c.messages[3].public is False


def test_reviewee_falls_back_to_bot() -> None:
    c = conv(
        messages=[
            {"role": "customer", "text": "hi"},
            {"role": "bot", "text": "hello", "author": {"id": "bot-9", "name": "Sparky"}},
        ]
    )
    assert c.reviewee().is_bot and c.reviewee().id == "bot-9"


@pytest.mark.parametrize(
    "bad", [{"id": ""}, {"messages": "x"}, {"csat": 9}, {"messages": [{"role": "alien"}]}]
)
def test_invalid_conversations_are_rejected(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        conv(**bad)

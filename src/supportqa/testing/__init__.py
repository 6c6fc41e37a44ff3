"""Factories for tests — ours and yours: build valid conversations in one line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.testing.judge_replies import SimulatedJudge, mood_rating
from supportqa.testing.openai_server import (
    ChatRequest,
    OpenAIServer,
    Reply,
    Responder,
    approx_tokens,
)

__all__ = [
    "ChatRequest",
    "OpenAIServer",
    "Reply",
    "Responder",
    "SimulatedJudge",
    "approx_tokens",
    "conversation",
    "mood_rating",
]


def conversation(
    *turns: tuple[str, str],
    id: str = "c1",
    start: datetime | None = None,
    gap_s: float = 60,
    agent: str = "a1",
    **fields: Any,
) -> Conversation:
    """`conversation(("customer", "My card was charged twice"), ("agent", "Hi! I refunded it."))`.

    Messages are timestamped `gap_s` apart from `start`; agent messages are written by `agent`;
    any other conversation field can be given as a keyword (channel="email", csat=4, ...).
    """
    at = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    messages = []
    for offset, (role, text) in enumerate(turns):
        author = (
            {"id": agent} if role == "agent" else {"id": "cust-1"} if role == "customer" else None
        )
        messages.append(
            {
                "role": role,
                "text": text,
                "at": at + timedelta(seconds=offset * gap_s),
                "author": author,
            }
        )
    data: dict[str, Any] = {
        "id": id,
        "created_at": at,
        "agent": {"id": agent},
        "messages": messages,
    }
    data.update(fields)
    return Conversation.model_validate(data)

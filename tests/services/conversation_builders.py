"""Conversations and reviews for the conversation list and detail tests, written through the
repository (the importers' and scoring's write path), so summaries and search are what they keep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.domain.scorecard import default_scorecard
from supportqa.domain.versions import conversation_version
from supportqa.storage import Repository

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
SCORECARD = default_scorecard()
KEY = SCORECARD.criteria[0].key


def chat(
    id: str,
    *,
    day: int = 0,
    source: str = "jsonl",
    subject: str = "Refund for order",
    channel: str = "email",
    status: str = "closed",
    team: str | None = "Billing",
    agent: str = "a1",
    customer: str = "Maria Lopez",
    messages: list[tuple[str, str, str]] | None = None,
) -> Conversation:
    """`messages` as (role, author id, text); by default a customer asks and `agent` answers."""
    rows = messages or [
        ("customer", "cust", "Where is my refund?"),
        ("agent", agent, "On its way."),
    ]
    return Conversation.model_validate(
        {
            "id": id,
            "source": source,
            "channel": channel,
            "subject": subject,
            "status": status,
            "created_at": T0 + timedelta(days=day) if day is not None else None,
            "agent": {"id": agent, "name": f"Agent {agent}", "team": team},
            "customer": {"id": "cust", "name": customer},
            "messages": [
                {"role": role, "author": {"id": who}, "text": text} for role, who, text in rows
            ],
        }
    )


def ai_review(
    conversation: Conversation,
    reviewee: str,
    *,
    iqs: float | None = 80.0,
    cx: int | None = None,
    bot: bool = False,
    quotes: Sequence[tuple[int, str]] = (),
    at: datetime = T0,
) -> Review:
    """An AI review of the conversation's current version judging `reviewee`; with `cx`, the
    holder's review (it carries the CX score)."""
    data: dict[str, Any] = {
        "review_id": f"ai-{conversation.id}-{reviewee}",
        "kind": "ai",
        "conversation_id": conversation.id,
        "source": conversation.source,
        "reviewer": "supportqa",
        "reviewee": {"id": reviewee, "is_bot": bot, "team": "Billing"},
        "holder": cx is not None,
        "reviewed_at": at,
        "scorecard": {"name": SCORECARD.name, "version": SCORECARD.version},
        "iqs": iqs,
        "criteria": [
            {
                "key": KEY,
                "status": "rated",
                "rating": 1.0,
                "score_pct": 100.0,
                "weight": 10,
                "explanation": "Greeted Maria Lopez by name",
                "confidence": 0.9,
                "evidence": [{"message_index": i, "quote": q} for i, q in quotes],
            }
        ],
        "conversation_version": conversation_version(conversation),
    }
    if cx is not None:
        data["cx"] = {
            "score": cx,
            "value": float(cx),
            "subscores": {"sentiment": 0.5},
            "weights": {"sentiment": 1.0},
            "explanation": "calm",
            "review_recommended": cx <= 2,
        }
    return Review.model_validate(data)


def human_review(
    conversation: Conversation, reviewee: str, *, iqs: float = 60.0, by: str = "lead@example.com"
) -> Review:
    return Review.model_validate(
        {
            "review_id": f"h-{conversation.id}-{reviewee}-{by}",
            "kind": "human",
            "conversation_id": conversation.id,
            "source": conversation.source,
            "reviewer": by,
            "reviewee": {"id": reviewee},
            "reviewed_at": T0 + timedelta(hours=1),
            "scorecard": {"name": SCORECARD.name, "version": SCORECARD.version},
            "iqs": iqs,
            "criteria": [{"key": KEY, "status": "rated", "rating": 0.0, "weight": 10}],
        }
    )


def store(repo: Repository, *items: Conversation | Review) -> None:
    """Through the repository, as imports and scoring write them: conversations, then reviews."""
    repo.save_scorecard(SCORECARD)
    conversations = [i for i in items if isinstance(i, Conversation)]
    reviews = [i for i in items if isinstance(i, Review)]
    if conversations:
        repo.upsert_conversations(conversations)
    if reviews:
        repo.upsert_reviews(reviews)

"""Small domain objects for the storage tests, built as importers build them (model_validate)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef

MONDAY_W07 = datetime(2026, 2, 9, 10, 0, tzinfo=UTC)
DEFAULT_REF = ScorecardRef(name="default", version="1")


def conversation(
    id: str,
    *,
    source: str = "jsonl",
    subject: str = "Refund for order",
    agent: str | None = "a1",
    team: str | None = "Billing",
    created_at: datetime | str | None = MONDAY_W07,
    text: str = "Thanks, your refund is on its way.",
) -> Conversation:
    data: dict[str, Any] = {
        "id": id,
        "source": source,
        "channel": "email",
        "subject": subject,
        "status": "closed",
        "created_at": created_at,
        "agent": {"id": agent, "name": f"Agent {agent}", "team": team} if agent else None,
        "customer": {"id": f"cust-{id}"},
        "csat": 4,
        "messages": [
            {"role": "customer", "text": "Where is my refund?", "author": f"cust-{id}"},
            {"role": "agent", "text": text, "author": {"id": agent or "x"}},
        ],
    }
    return Conversation.model_validate(data)


def criterion(
    key: str,
    status: str = "rated",
    score_pct: float | None = 100.0,
    *,
    group: str = "General",
    weight: float = 10,
) -> dict[str, Any]:
    rated = status == "rated"
    return {
        "key": key,
        "group": group,
        "status": status,
        "rating": (score_pct or 0) / 100 if rated else None,
        "score_pct": score_pct if rated else None,
        "weight": weight,
        "explanation": f"{key} {status}",
        "scorer": {"name": f"{key}_rule", "version": "1"},
    }


def review(
    review_id: str,
    *,
    conversation_id: str = "c1",
    source: str = "jsonl",
    kind: str = "ai",
    scorecard: ScorecardRef = DEFAULT_REF,
    agent: str | None = "a1",
    agent_name: str | None = None,
    team: str | None = "Billing",
    reviewer: str | None = None,
    channel: str | None = "email",
    iqs: float | None = 80.0,
    created_at: datetime | str | None = MONDAY_W07,
    reviewed_at: datetime | str | None = None,
    incomplete: bool = False,
    critical_failed: bool = False,
    criteria: list[dict[str, Any]] | None = None,
) -> Review:
    criteria = criteria if criteria is not None else [criterion("greeting")]
    counts = {s: sum(c["status"] == s for c in criteria) for s in ("rated", "na", "failed")}
    data: dict[str, Any] = {
        "review_id": review_id,
        "kind": kind,
        "conversation_id": conversation_id,
        "source": source,
        "reviewer": reviewer or ("supportqa" if kind == "ai" else "lead"),
        "reviewee": {"id": agent, "name": agent_name, "team": team},
        "reviewed_at": reviewed_at or MONDAY_W07,
        "conversation_created_at": created_at,
        "channel": channel,
        "scorecard": scorecard.model_dump(),
        "iqs": iqs,
        "incomplete": incomplete,
        "critical_failed": critical_failed,
        "counts": counts,
        "criteria": criteria,
    }
    return Review.model_validate(data)

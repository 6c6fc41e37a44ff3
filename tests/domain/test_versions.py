"""The conversation version covers every field a scorer reads, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.versions import conversation_version

Edit = Callable[[dict[str, Any]], None]


def base() -> dict[str, Any]:
    return {
        "id": "c1",
        "source": "zendesk",
        "channel": "email",
        "subject": "Refund",
        "status": "solved",
        "reopened": False,
        "created_at": "2026-02-09T10:00:00Z",
        "closed_at": "2026-02-09T12:00:00Z",
        "agent": {"id": "a1", "name": "Ana", "team": "Billing"},
        "customer": {"id": "u1", "name": "Pedro"},
        "csat": 4,
        "handle_time_s": 300,
        "tags": ["refund"],
        "metadata": {"nps": 9, "custom_fields": {"cf_priority": "high"}},
        "messages": [
            {"role": "customer", "text": "Where is my refund?", "author": {"id": "u1"}},
            {"role": "note", "text": "checked the ledger", "author": {"id": "a1"}},
            {
                "role": "agent",
                "text": "It is on its way.",
                "author": {"id": "a1", "name": "Ana"},
                "at": "2026-02-09T10:05:00Z",
            },
        ],
    }


def message(index: int, field: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data["messages"][index][field] = value

    return edit


def top(field: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data[field] = value

    return edit


def nested(field: str, key: str, value: Any) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data[field][key] = value

    return edit


SCORED: dict[str, Edit] = {
    "message text": message(2, "text", "It is on its way, card 4111 1111 1111 1111."),
    "message role": message(2, "role", "bot"),
    "message author": message(2, "author", {"id": "a2"}),
    "message author name": message(2, "author", {"id": "a1", "name": "Ann"}),
    "message time": message(2, "at", "2026-02-09T11:05:00Z"),
    "internal note text": message(1, "text", "refund refused"),
    "note made public": message(1, "role", "agent"),
    "message added": lambda d: d["messages"].append({"role": "customer", "text": "thanks"}),
    "status": top("status", "open"),
    "reopened": top("reopened", True),
    "channel": top("channel", "chat"),
    "subject": top("subject", "Refund refused"),
    "agent": nested("agent", "id", "a9"),
    "agent team": nested("agent", "team", "Shipping"),
    "customer name": nested("customer", "name", "Maria"),
    "created_at": top("created_at", "2026-03-01T10:00:00Z"),
    "metadata customer_left": nested("metadata", "customer_left", True),
}

NOT_SCORED: dict[str, Edit] = {
    "csat": top("csat", 1),
    "csat scale": top("csat_scale", 10),
    "handle time": top("handle_time_s", 9000),
    "tags": top("tags", ["vip"]),
    "closed_at": top("closed_at", "2026-02-10T12:00:00Z"),
    "survey metadata": nested("metadata", "nps", 2),
    "custom field": nested("metadata", "custom_fields", {"cf_priority": "low"}),
}


def version_after(edit: Edit) -> str:
    data = base()
    edit(data)
    return conversation_version(Conversation.model_validate(data))


@pytest.mark.parametrize("name", list(SCORED))
def test_a_change_to_what_scorers_read_is_a_new_version(name: str) -> None:
    assert version_after(SCORED[name]) != conversation_version(Conversation.model_validate(base()))


@pytest.mark.parametrize("name", list(NOT_SCORED))
def test_a_change_scorers_do_not_read_keeps_the_version(name: str) -> None:
    assert version_after(NOT_SCORED[name]) == conversation_version(
        Conversation.model_validate(base())
    )


def test_the_version_is_a_sha256_hex_digest() -> None:
    version = conversation_version(Conversation.model_validate(base()))
    assert len(version) == 64 and int(version, 16) >= 0

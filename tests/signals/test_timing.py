"""Response timing: first and later waits, from the first message of each customer block."""

from __future__ import annotations

from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.signals.timing import (
    first_response_seconds,
    next_response_seconds,
    response_times,
)


def conv(*messages: tuple[str, str | None] | dict[str, Any]) -> Conversation:
    rows = [
        m if isinstance(m, dict) else {"role": m[0], "text": m[0], "at": m[1]} for m in messages
    ]
    return Conversation.model_validate({"id": "t", "channel": "chat", "messages": rows})


def at(minute: int, second: int = 0) -> str:
    return f"2024-05-01T10:{minute:02d}:{second:02d}Z"


def test_first_response_counts_from_the_first_customer_message_of_the_block() -> None:
    c = conv(("customer", at(0)), ("customer", at(1)), ("agent", at(3)))
    times = response_times(c)
    assert times.first is not None
    assert (times.first.waited_from, times.first.reply_index, times.first.seconds) == (0, 2, 180)
    assert first_response_seconds(c) == 180


def test_later_blocks_each_wait_for_their_next_reply() -> None:
    c = conv(
        ("customer", at(0)),
        ("agent", at(1)),
        ("customer", at(2)),
        ("customer", at(3)),
        ("agent", at(7)),
        ("agent", at(8)),
        ("customer", at(9)),
        ("agent", at(10)),
    )
    assert next_response_seconds(c) == [300, 60]
    slowest = response_times(c).slowest_later
    assert slowest is not None and slowest.reply_index == 4


def test_notes_and_system_events_do_not_answer_the_customer() -> None:
    c = conv(
        ("customer", at(0)),
        {"role": "note", "text": "looking", "at": at(1)},
        {"role": "agent", "text": "private", "at": at(1), "public": False},
        {"role": "system", "text": "assigned", "at": at(2)},
        ("agent", at(4)),
    )
    assert first_response_seconds(c) == 240


def test_bot_acknowledgement_does_not_stop_the_clock_when_a_human_replies() -> None:
    c = conv(("customer", at(0)), ("bot", at(0, 1)), ("agent", at(6)))
    assert first_response_seconds(c) == 360


def test_bot_replies_are_timed_in_bot_only_conversations() -> None:
    c = conv(("customer", at(0)), ("bot", at(0, 2)))
    assert first_response_seconds(c) == 2


def test_untimed_messages_give_no_first_response() -> None:
    times = response_times(conv(("customer", None), ("agent", None)))
    assert times.timestamped == 0
    assert times.first is None and times.later == ()


def test_clock_skew_never_gives_negative_waits() -> None:
    assert first_response_seconds(conv(("customer", at(5)), ("agent", at(4)))) == 0


def test_staff_messages_before_the_customer_writes_are_not_replies() -> None:
    c = conv(("agent", at(0)), ("customer", at(10)), ("agent", at(11)))
    assert first_response_seconds(c) == 60
    assert next_response_seconds(c) == []

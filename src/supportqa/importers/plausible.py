"""Dates that parse but cannot be right: warned about at import (the record is still imported), so a
year-1 or year-9999 placeholder shows up in the import report, not as a week `1-W01` in a trend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
"""Older than any help desk: a date before this comes from an empty or zero timestamp (year 1, the
1970 epoch) rather than from a conversation."""

AHEAD = timedelta(days=366)
"""How far past the import a date may be: a clock a little ahead is plausible, a "never" placeholder
such as 9999-12-31 is not."""


def _out_of_range(at: datetime | None, latest: datetime) -> bool:
    return at is not None and not EARLIEST <= at <= latest


def _range_words(latest: datetime) -> str:
    return f"before {EARLIEST:%Y} or after {latest:%Y-%m-%d}"


def conversation_doubts(conversation: Conversation, now: datetime) -> list[str]:
    """What is implausible about a conversation's dates: created_at, closed_at or a message time out
    of range, or closed_at before created_at. Empty when nothing is."""
    latest = now + AHEAD
    doubts = [
        f"{name} {at.isoformat()} is implausible ({_range_words(latest)})"
        for name, at in (
            ("created_at", conversation.created_at),
            ("closed_at", conversation.closed_at),
        )
        if at is not None and _out_of_range(at, latest)
    ]
    created, closed = conversation.created_at, conversation.closed_at
    if created is not None and closed is not None and closed < created:
        doubts.append(f"closed_at {closed.isoformat()} is before created_at {created.isoformat()}")
    odd = [  # inlined: this runs for every message of every import
        i
        for i, m in enumerate(conversation.messages)
        if m.at is not None and not EARLIEST <= m.at <= latest
    ]
    if odd:
        first = conversation.messages[odd[0]].at
        assert first is not None
        more = f" (and {len(odd) - 1} more)" if len(odd) > 1 else ""
        doubts.append(
            f"message {odd[0]} time {first.isoformat()} is implausible "
            f"({_range_words(latest)}){more}"
        )
    return doubts


def review_doubts(review: Review, now: datetime) -> list[str]:
    """A review's reviewed_at or conversation_created_at out of range."""
    latest = now + AHEAD
    return [
        f"{name} {at.isoformat()} is implausible ({_range_words(latest)})"
        for name, at in (
            ("reviewed_at", review.reviewed_at),
            ("conversation_created_at", review.conversation_created_at),
        )
        if at is not None and _out_of_range(at, latest)
    ]

"""Response timing: how long the customer waited for each reply.

The responders are the reviewed side: human agents when any replied publicly, else the bot. In a
conversation with human agents, bot messages (auto-acknowledgements, triage) neither answer the
customer nor stop the clock, so an instant "we'll be with you shortly" cannot hide a slow first
human reply.
In a participant's view (`Conversation.viewed_by`) their own replies stop the clock too, and only
their replies are timed: each wait they answered, the first of them being their `first`.
`response_times` depends only on the conversation, so scorers memoise it with `analysis.signal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from supportqa.domain.conversation import Conversation, Role


@dataclass(frozen=True, slots=True)
class Reply:
    """One answered wait: from the first timestamped message of a customer block to the reply."""

    waited_from: int
    reply_index: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """`first` is None when the first reply cannot be timed; `later` has the later timed replies."""

    timestamped: int
    first: Reply | None
    later: tuple[Reply, ...]

    @property
    def slowest_later(self) -> Reply | None:
        return max(self.later, key=lambda r: r.seconds) if self.later else None


def response_times(conversation: Conversation) -> ResponseTimes:
    """First and later response times over public messages (notes and system events are skipped)."""
    messages = conversation.messages
    responder = Role.AGENT if any(m.public and m.role is Role.AGENT for m in messages) else Role.BOT
    reviewed = conversation.reviewed_indices
    own = frozenset(reviewed) if reviewed is not None else None
    timestamped = 0
    waiting_at: datetime | None = None
    waiting_index = -1
    in_block = False
    answered_once = False
    first: Reply | None = None
    later: list[Reply] = []
    for i, message in enumerate(messages):
        if not message.public:
            continue
        if message.at is not None:
            timestamped += 1
        if message.role is Role.CUSTOMER:
            in_block = True
            if waiting_at is None and message.at is not None:
                waiting_at, waiting_index = message.at, i
        elif (message.role is responder or (own is not None and i in own)) and in_block:
            timed = own is None or i in own
            if timed and waiting_at is not None and message.at is not None:
                seconds = max(0.0, (message.at - waiting_at).total_seconds())
                reply = Reply(waiting_index, i, seconds)
                if answered_once:
                    later.append(reply)
                else:
                    first = reply
            answered_once = answered_once or timed
            in_block = False
            waiting_at = None
    return ResponseTimes(timestamped, first, tuple(later))


def first_response_seconds(conversation: Conversation) -> float | None:
    """Seconds from the first customer message to the first reply, when both carry timestamps."""
    first = response_times(conversation).first
    return first.seconds if first else None


def next_response_seconds(conversation: Conversation) -> list[float]:
    """Seconds each later customer block waited for its reply."""
    return [reply.seconds for reply in response_times(conversation).later]

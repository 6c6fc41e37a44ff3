"""Customers' personal data out of the mailed report, unless `--show-personal-data` asks for it.

The report travels by e-mail to people who need the figures, not customers' addresses: the text it
quotes from conversations (coaching cards' evidence quotes and explanations, the queue's reasons) goes
through `redact_personal_data`, the same detectors the LLM judge's redaction uses. Customers' names
are redacted as the conversation knows them; agents' names stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from supportqa.analytics.coaching import AgentCoaching, Example, Quote
from supportqa.analytics.queue import QueueReport, Reason
from supportqa.domain.conversation import Conversation
from supportqa.scorers.judge.personal_data import (
    customer_names,
    personal_data_redactor,
    redact_personal_data,
)

Conversations = Mapping[tuple[str, str], Conversation]
"""The quoted conversations by (source, conversation id), for their customers' names."""


def _example(example: Example, conversations: Conversations) -> Example:
    conversation = conversations.get((example.source, example.conversation_id))
    redactor = personal_data_redactor(customer_names(conversation) if conversation else ())
    return replace(
        example,
        explanation=redactor.redact(example.explanation),
        quotes=[Quote(q.message_index, redactor.redact(q.quote)) for q in example.quotes],
    )


def redacted_cards(
    cards: list[AgentCoaching], conversations: Conversations | None = None
) -> list[AgentCoaching]:
    """The cards with their examples' quotes and explanations redacted (one redactor per example,
    knowing its conversation's customer names when `conversations` holds it)."""
    known = conversations or {}
    return [replace(card, examples=[_example(e, known) for e in card.examples]) for card in cards]


def redacted_queue(queue: QueueReport | None) -> QueueReport | None:
    """The queue with the text of each reason redacted (the ids, agents and figures stay)."""
    if queue is None:
        return None
    items = [
        replace(
            item, reasons=[Reason(r.rule, redact_personal_data(r.detail)) for r in item.reasons]
        )
        for item in queue.items
    ]
    return replace(queue, items=items)

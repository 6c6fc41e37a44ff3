"""Customers' personal data out of what people read: the report's quotes and import error lines.

The same detectors and the same `Redactor` that clean a transcript before the LLM judge sees it
(`redaction.py`) clean text shown to people, so what counts as personal data is decided in one place.
The difference is whose names go: the judge hides everyone's (so it cannot rate by identity), a
report hides only the customer's — agents' names are what a coaching card is about.
"""

from __future__ import annotations

from collections.abc import Iterable

from supportqa.domain.conversation import Conversation, Role
from supportqa.scorers.judge.redaction import ALL_KINDS, Redactor, person_names, redact_text


def customer_names(conversation: Conversation) -> list[str]:
    """The customer's name and the names of customer-written messages' authors, without generic
    labels ("Customer") or e-mail addresses posing as names."""
    return person_names(
        [
            conversation.customer,
            *(m.author for m in conversation.messages if m.role is Role.CUSTOMER),
        ]
    )


def personal_data_redactor(names: Iterable[str] = ()) -> Redactor:
    """A Redactor for every kind of personal data, knowing these names: use one per conversation
    so a value keeps its placeholder (`[EMAIL_1]`) across the quotes shown from it."""
    return Redactor(names, ALL_KINDS)


def redact_personal_data(text: str, names: Iterable[str] = ()) -> str:
    """`text` with e-mails, phones, card numbers (and their security codes and expiry dates), IBANs,
    national ids, passwords, street addresses and the given names replaced by placeholders."""
    return redact_text(text, names)[0]

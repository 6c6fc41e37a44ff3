"""A small workspace the API tests read and write: two agents' conversations (a1 on c1 and c3 in
Billing, a2 on c2 in Support), each with an AI review carrying evidence and CX, written through the
repository (the importers' and scoring's write path)."""

from __future__ import annotations

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.storage import Repository
from tests.services.conversation_builders import KEY, SCORECARD, ai_review, chat, store

__all__ = ["KEY", "SCORECARD", "SEEDED", "seed"]

SEEDED = ("c1", "c2", "c3")
REFUND = "I have refunded order 1042 today, Maria"


def conversations() -> list[Conversation]:
    return [
        chat("c1", day=0, agent="a1", messages=[
            ("customer", "cust", "Where is my refund for order 1042?"),
            ("agent", "a1", REFUND),
        ]),
        chat("c2", day=1, agent="a2", team="Support", subject="Password reset", messages=[
            ("customer", "cust", "I cannot log in"),
            ("agent", "a2", "Reset link sent"),
        ]),
        chat("c3", day=2, agent="a1", subject="Invoice copy"),
    ]  # fmt: skip


def seed(workspace: Repository) -> list[Conversation]:
    """Store the conversations and one AI review of each (the holder's, with CX)."""
    found = conversations()
    reviews: list[Review] = [
        ai_review(c, c.agent.id if c.agent else "a1", iqs=70.0 + n * 10, cx=3 + (n % 2),
                  quotes=[(1, c.messages[1].text[:12])])
        for n, c in enumerate(found)
    ]  # fmt: skip
    store(workspace, *found, *reviews)
    return found

"""A small workspace for the page and browser tests: two agents' conversations with evidence, one
full of script and markup payloads, and one user per role (the agent linked to `jsonl:a1`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.services import users
from supportqa.services.permissions import Role
from supportqa.storage import Repository
from tests.services.conversation_builders import T0, ai_review, chat, store

PASSWORD = "correct horse battery"
TRICKY = "Hello Maria, 5 < 6 & 🙂 so your refund ships today. <b>Thanks</b>"
QUOTE = "5 < 6 & 🙂"
OVERLAP = ("refund ships", "ships today")
PAYLOADS = {
    "script": "<script>window.__xss = 'script'</script>",
    "img": "<img src=x onerror=\"window.__xss='img'\"><b>bold</b>",
    "svg": '"><svg onload="window.__xss=\'svg\'">',
    "markup": "<h1 id=injected>big</h1><a href=javascript:alert(1)>link</a>",
}
XSS_TEXT = " ".join(PAYLOADS.values()) + " quote: a<b & c 🙂 end"
XSS_QUOTE = "a<b & c 🙂"


def email_of(role: Role) -> str:
    return f"{role.value}@example.com"


def _xss_conversation() -> Conversation:
    payload = PAYLOADS["svg"]
    return Conversation.model_validate(
        {
            "id": "x1",
            "source": "jsonl",
            "channel": "chat",
            "subject": PAYLOADS["script"] + " subject",
            "status": "open",
            "created_at": T0 + timedelta(days=2),
            "agent": {"id": "a1", "name": payload, "team": PAYLOADS["img"]},
            "customer": {"id": "cust", "name": "Dana"},
            "messages": [
                {"role": "customer", "author": {"id": "cust"}, "text": PAYLOADS["markup"]},
                {"role": "agent", "author": {"id": "a1", "name": payload}, "text": XSS_TEXT},
            ],
        }
    )


def _with_payloads(review: Review) -> Review:
    """The explanation and the reviewee's team (what the dashboard's teams read) hold payloads."""
    data: dict[str, Any] = review.model_dump(mode="json")
    data["criteria"][0]["explanation"] = PAYLOADS["img"]
    data["reviewee"]["team"] = PAYLOADS["img"]
    return Review.model_validate(data)


def _with_unsure(review: Review) -> Review:
    """A second criterion the AI abstained on, with its tentative rating (`Status.UNSURE`)."""
    data: dict[str, Any] = review.model_dump(mode="json")
    data["criteria"].append(
        {
            "key": "empathy",
            "status": "unsure",
            "rating": 2.0,
            "score_pct": None,
            "weight": 20,
            "explanation": "Unsure (confidence 0.410 < 0.77); tentatively: a formulaic apology.",
            "confidence": 0.41,
        }
    )
    data["counts"] = {**data.get("counts", {}), "unsure": 1}
    return Review.model_validate(data)


def seed(repo: Repository) -> None:
    """Conversations c1 (a1, Billing), c2 (a2, Sales), c3 (a3, Billing), x1 (a1, payloads)."""
    c1 = chat(
        "c1",
        agent="a1",
        subject="Refund for order 42",
        messages=[("customer", "cust", "Where is my refund?"), ("agent", "a1", TRICKY)],
    )
    c2 = chat("c2", agent="a2", team="Sales", subject="Upgrade plan", day=1)
    c3 = chat("c3", agent="a3", subject="Parcel lost", day=1)
    x1 = _xss_conversation()
    store(
        repo,
        c1, c2, c3, x1,
        ai_review(c1, "a1", iqs=90.0, cx=4, quotes=[(1, QUOTE), (1, OVERLAP[0]), (1, OVERLAP[1])]),
        ai_review(c2, "a2", iqs=55.0, cx=2, quotes=[(1, "On its way")]),
        _with_unsure(ai_review(c3, "a3", iqs=70.0, cx=3)),
        _with_payloads(ai_review(x1, "a1", iqs=40.0, cx=1, quotes=[(1, XSS_QUOTE)])),
    )  # fmt: skip


def add_users(repo: Repository) -> None:
    for role in Role:
        users.add_user(
            repo,
            email_of(role),
            role.value,
            actor="test",
            password=PASSWORD,
            agents=["jsonl:a1"] if role is Role.AGENT else (),
            now=T0,
        )

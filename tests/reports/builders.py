"""A small scored database for the report tests, with the data the report must handle with care:
markup in team names, customers' personal data in quoted evidence, agents without a team."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine, Review
from supportqa.domain.scorecard import Scorecard, default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.scoring.ratings import review_from_ratings
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations, simulate_reviews

LINK_TEAM = '<a href="https://example.invalid/x">Billing</a>'
BOLD_TEAM = "<b>Bold</b>"
EMAIL = "jane.doe@example.com"
CARD = "4111 1111 1111 1111"


def pii_quote(conversation: Conversation) -> str:
    """What every AI evidence quote says: the customer's name, an e-mail, a card, the agent's name."""
    customer = conversation.customer.name if conversation.customer else "?"
    agent = conversation.agent.name if conversation.agent else "?"
    return f"{customer} here: write to {EMAIL}, card {CARD}. Thanks, {agent}"


def _with_pii_evidence(review: Review, conversation: Conversation) -> Review:
    data = review.model_dump(mode="json")
    quote = pii_quote(conversation)
    for criterion in data["criteria"]:
        for evidence in criterion["evidence"]:
            evidence["quote"] = quote
        criterion["explanation"] = f"{criterion['explanation']} ({EMAIL})"
    return Review.model_validate(data)


def build_repository(
    folder: Path,
    *,
    n: int = 300,
    seed: int = 9,
    card: Scorecard | None = None,
    edit: Callable[[list[dict[str, Any]]], None] | None = None,
    pii: bool = False,
) -> Repository:
    """`n` synthetic conversations scored by the rules (and 20% reviewed by people); `edit` may
    change the records first; `pii` puts personal data into every AI evidence quote."""
    repo = Repository(Database.open(folder / "qa.db", create=True))
    records = list(generate_conversations(n, seed))
    if edit is not None:
        edit(records)
    conversations = [Conversation.model_validate(r) for r in records]
    repo.upsert_conversations(conversations)
    scorecard = rules_only(card or default_scorecard())
    repo.save_scorecard(scorecard)
    reviews = ScoringEngine(scorecard).score(conversations)
    if pii:
        by_id = {c.id: c for c in conversations}
        reviews = [_with_pii_evidence(r, by_id[r.conversation_id]) for r in reviews]
    repo.upsert_reviews(reviews)
    human = [
        review_from_ratings(RatingsLine.model_validate(line), card or default_scorecard())
        for line in simulate_reviews(records, seed, share=0.2)
    ]
    repo.upsert_reviews(human)
    return repo


def rename_teams(records: list[dict[str, Any]]) -> None:
    """Billing's name becomes a link and Accounts' a bold tag, as a help desk export may hold."""
    names = {"Billing": LINK_TEAM, "Accounts": BOLD_TEAM}
    for record in records:
        agent = record.get("agent") or {}
        if agent.get("team") in names:
            agent["team"] = names[agent["team"]]

"""The review queue hands out one reviewee's review per item: a conversation handed from a bot to
agent A to agent B gives an item for each, a person's review of A is not a review of B, and nobody
is handed a review of any identity of their own — on SQLite and PostgreSQL."""

from __future__ import annotations

from supportqa.analytics.queue import QueueRules, Quotas
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.ratings import review_from_ratings
from supportqa.services.agents import link_agents
from supportqa.services.queue import assignments, review_queue
from supportqa.storage import Repository
from tests.scoring.test_reviewees import handed_on

CARD = default_scorecard()
EVERYONE = QueueRules(rules=("calibration",), calibration_sample=10)
"""Only the calibration sample, large enough to take every review of the week."""


def _solo(agent: str) -> Conversation:
    """Agent `agent`'s own conversation, the same week, in the same help desk."""
    conversation = handed_on(f"solo-{agent}").model_copy(deep=True)
    conversation.messages = [
        m for m in conversation.messages if m.author is None or m.author.id == "b"
    ]
    for message in conversation.messages:
        if message.author is not None:
            message.author.id = agent
    assert conversation.agent is not None
    conversation.agent.id = agent
    return conversation


def _fill(repo: Repository) -> None:
    conversations = [handed_on(), _solo("x7")]
    repo.upsert_conversations(conversations)
    repo.save_scorecard(CARD)
    repo.upsert_reviews(ScoringEngine(CARD).score(conversations))
    # tara reviews A's part of h1 only
    line = RatingsLine(
        conversation_id="h1", source="zendesk", reviewer="tara", agent="a", ratings={"tone": 3}
    )
    repo.upsert_reviews([review_from_ratings(line, CARD)])


def test_a_handed_over_conversation_gives_an_item_per_reviewee_and_each_is_saved(
    repo: Repository,
) -> None:
    _fill(repo)
    result = review_queue(repo, EVERYONE, Quotas(per_agent=5), reviewers=["carol"], assign=True)
    items = {i.agent: i for i in result.queue.items if i.conversation_id == "h1"}
    assert set(items) == {"helpbot", "a", "b"}
    # tara's review judged A, not B: only A's item is a second review
    assert items["a"].reviewed_by == ["tara"] and items["b"].reviewed_by == []
    assert len({i.ai_review_id for i in items.values()}) == 3
    saved = {(a.conversation_id, a.agent) for a in assignments(repo)}
    assert {("h1", "helpbot"), ("h1", "a"), ("h1", "b")} <= saved
    again = review_queue(repo, EVERYONE, Quotas(per_agent=5), reviewers=["carol"])
    assert again.queue.items == [] and again.saved == 0  # every reviewee was handed out


def test_nobody_reviews_an_identity_of_their_own_person(repo: Repository) -> None:
    _fill(repo)
    link_agents(repo, ["zendesk/a", "zendesk/x7"])  # A and x7 are one person
    result = review_queue(repo, EVERYONE, Quotas(per_agent=5), reviewers=["x7"])
    reviewers = {(i.conversation_id, i.agent): i.reviewer for i in result.queue.items}
    # the person's key is A's; x7 may review B and the bot but neither of the person's reviews
    assert reviewers[("h1", "a")] is None and reviewers[("solo-x7", "a")] is None
    assert reviewers[("h1", "b")] == "x7" and reviewers[("h1", "helpbot")] == "x7"
    assert result.queue.unassigned == 2

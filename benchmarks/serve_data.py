"""The data `bench_serve.py` serves: 100k synthetic conversations with AI reviews, and its users.

Conversations come from the synthetic generator through the repository (the import write path).
AI reviews are written as records through the same repository rather than scored: scoring 100k
conversations takes most of an hour on 2 cores, and serving reads what a review stores. Each record
rates every criterion of the default scorecard on its scale with an explanation and a quote from an
agent message as evidence, so the conversation page highlights real spans and analytics have
criteria to aggregate.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.domain.scorecard import default_scorecard
from supportqa.domain.versions import conversation_version
from supportqa.errors import NotFoundError
from supportqa.services import tokens, users
from supportqa.services.agents import list_agents
from supportqa.services.workspace import Workspace
from supportqa.synthetic import generate_conversations

CARD = default_scorecard()
BATCH = 5000
ROLE_MIX = {"reviewer": 7, "lead": 4, "viewer": 4, "agent": 5}
"""Clients per role out of 20 (scaled to --clients); each agent client is a different agent."""


def _evidence(conversation: Conversation) -> tuple[int, str]:
    """An agent message's index and a quote from it (a prefix of its text, up to 40 code points)."""
    for index, message in enumerate(conversation.messages):
        if message.role.value == "agent" and message.text.strip():
            return index, message.text[:40].rstrip()
    return 0, conversation.messages[0].text[:40].rstrip()


def ai_review(conversation: Conversation, rng: random.Random) -> Review:
    index, quote = _evidence(conversation)
    criteria = []
    for criterion in CARD.criteria:
        low, high = criterion.scale.min, criterion.scale.max
        rating = float(rng.randint(int(low), int(high)))
        criteria.append(
            {
                "key": criterion.key,
                "group": criterion.group,
                "status": "rated",
                "rating": rating,
                "score_pct": round(100 * (rating - low) / (high - low), 1),
                "weight": criterion.weight,
                "critical": criterion.critical,
                "explanation": f"Benchmark rating of {criterion.key}.",
                "evidence": [{"message_index": index, "quote": quote, "kind": "quote"}],
                "confidence": round(rng.uniform(0.5, 1.0), 2),
            }
        )
    cx = rng.randint(1, 5)
    return Review.model_validate(
        {
            "review_id": f"ai-{conversation.id}",
            "kind": "ai",
            "conversation_id": conversation.id,
            "source": conversation.source,
            "reviewer": "supportqa",
            "reviewee": conversation.reviewee().model_dump(),
            "reviewed_at": conversation.created_at,
            "conversation_created_at": conversation.created_at,
            "channel": conversation.channel,
            "scorecard": {"name": CARD.name, "version": CARD.version},
            "iqs": round(rng.uniform(20, 100), 1),
            "counts": {"rated": len(criteria)},
            "criteria": criteria,
            "cx": {
                "score": cx,
                "value": float(cx),
                "subscores": {"resolution": rng.random(), "sentiment": rng.random()},
                "weights": {"resolution": 0.5, "sentiment": 0.5},
                "explanation": "Benchmark CX.",
                "review_recommended": cx <= 3,
            },
            "conversation_version": conversation_version(conversation),
        }
    )


def build(workspace: Workspace, n: int) -> list[tuple[str, str]]:
    """Fill the workspace up to `n` conversations (a re-run adds nothing); every (source, id)."""
    if workspace.count_conversations() < n:
        rng = random.Random(7)
        workspace.save_scorecard(CARD)
        batch: list[Conversation] = []
        for data in generate_conversations(n, 11):
            batch.append(Conversation.model_validate(data))
            if len(batch) == BATCH:
                workspace.upsert_conversations(batch)
                workspace.upsert_reviews([ai_review(c, rng) for c in batch])
                batch = []
        if batch:
            workspace.upsert_conversations(batch)
            workspace.upsert_reviews([ai_review(c, rng) for c in batch])
    return [("synthetic", f"gen-{i:06d}") for i in range(1, n + 1)]


@dataclass(frozen=True)
class Client:
    role: str
    token: str
    agent: str | None  # the agent identity an agent client is


def clients(workspace: Workspace, count: int) -> list[Client]:
    """`count` bench users (a re-run reuses them, with fresh tokens) in ROLE_MIX proportions."""
    agents = [i for i in list_agents(workspace) if not i.is_bot and i.reviews > 0]
    total = sum(ROLE_MIX.values())
    roles = [role for role, k in ROLE_MIX.items() for _ in range(max(1, round(k * count / total)))]
    made = []
    for number, role in enumerate(roles[:count]):
        identity = agents[number % len(agents)]
        agent = f"{identity.source}:{identity.external_id}" if role == "agent" else None
        email = f"bench-{number}@bench.example"
        try:
            user_id = users.find_user(workspace, email).id
        except NotFoundError:  # the first run makes them
            info, _ = users.add_user(
                workspace, email, role, actor="bench", agents=[agent] if agent else []
            )
            user_id = info.id
        token = tokens.create_token(workspace, user_id, actor="bench", name="bench").token
        made.append(Client(role, token, agent))
    return made


def writer(workspace: Workspace) -> str:
    """A reviewer's token for the writer thread."""
    email = "bench-writer@bench.example"
    try:
        user_id = users.find_user(workspace, email).id
    except NotFoundError:
        user_id = users.add_user(workspace, email, "reviewer", actor="bench")[0].id
    return tokens.create_token(workspace, user_id, actor="bench", name="bench-writer").token

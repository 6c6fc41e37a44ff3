"""A team's own conversations and human ratings as an evaluation set: how well the AI agrees with
*your* reviewers, per criterion, and how CX tracks your customers' CSAT.

Conversations are the JSONL contract; reviews are ratings lines (`{conversation_id, ratings: {...}}`).
Several reviewers of one conversation are averaged. A bad line stops the load with its file and line,
so a figure is never computed on silently partial data.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine
from supportqa.errors import InputError
from supportqa.evaluation.base import LabelledConversation
from supportqa.jsonl import read_models

DATASET = "own"


def load_own(conversations: Path, reviews: Path) -> list[LabelledConversation]:
    """Conversations that at least one person rated, with the mean human rating per criterion and the
    conversation's CSAT normalised to 0–1 (label `csat`)."""
    ratings: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for _, parsed in read_models(reviews, RatingsLine, "ratings line"):
        slot = ratings[(parsed.source, parsed.conversation_id)]
        for key, value in parsed.ratings.items():
            if value is not None:
                slot[key].append(float(value))
    items: list[LabelledConversation] = []
    for _, conversation in read_models(conversations, Conversation, "conversation"):
        rated = ratings.get((conversation.source, conversation.id))
        if not rated:
            continue
        labels: dict[str, float | None] = {k: sum(v) / len(v) for k, v in rated.items()}
        if conversation.csat is not None:
            labels["csat"] = (conversation.csat - 1) / max(1, conversation.csat_scale - 1)
        items.append(
            LabelledConversation(
                conversation=conversation,
                labels=labels,
                annotations={k: list(v) for k, v in rated.items()},
                dataset=DATASET,
            )
        )
    if not items:
        raise InputError(
            "no rated conversation: the reviews name none of the conversations (check "
            "conversation_id and source)",
            file=str(reviews),
        )
    return items

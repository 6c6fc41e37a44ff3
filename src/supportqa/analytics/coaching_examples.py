"""The conversations that show an agent's focus areas, quoted on their coaching card.

Picking is a pure function of the frames (`example_picks`); the words come from the few stored
reviews picked, which the caller reads and hands to `add_examples`, so the analytics never open
storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from supportqa.analytics.coaching import AgentCoaching, Example, Quote, reviews_of_kind
from supportqa.analytics.frame import Frames
from supportqa.domain.review import Review


def examples_for(
    frames: Frames, agent: str, below: dict[str, float], *, kind: str = "ai", per_key: int = 3
) -> dict[str, list[tuple[int, float]]]:
    """The agent's lowest-scoring reviews on each criterion, below the given score (the team's
    mean): (review_pk, score_pct)."""
    chosen = reviews_of_kind(frames, kind)
    pks = chosen.reviews.filter(pl.col("agent") == agent).select("review_pk")
    crit = chosen.criteria.join(pks, on="review_pk").filter(pl.col("status") == "rated")
    picked: dict[str, list[tuple[int, float]]] = {}
    for key, limit in below.items():
        rows = crit.filter((pl.col("key") == key) & (pl.col("score_pct") < limit))
        rows = rows.sort(["score_pct", "review_pk"]).head(per_key)
        picked[key] = [
            (int(pk), float(s)) for pk, s in rows.select("review_pk", "score_pct").iter_rows()
        ]
    return picked


@dataclass(frozen=True)
class ExamplePick:
    """A review picked to show a focus area: which criterion, which review, its score there."""

    key: str
    source: str
    conversation_id: str
    review_id: str
    score_pct: float


def example_picks(
    card: AgentCoaching, frames: Frames, *, kind: str = "ai", areas: int = 3, per_key: int = 3
) -> list[ExamplePick]:
    """For the card's top trailing criteria, the agent's lowest-scoring reviews below the team's
    mean: the few whose stored payloads the examples quote."""
    below = {f.key: f.team_mean for f in card.focus if f.gap < 0}
    picked = examples_for(
        frames, card.agent, dict(list(below.items())[:areas]), kind=kind, per_key=per_key
    )
    pks = [pk for pairs in picked.values() for pk, _score in pairs]
    info = frames.reviews.filter(pl.col("review_pk").is_in(pks)).select(
        "review_pk", "source", "conversation_id", "review_id"
    )
    by_pk = {int(r["review_pk"]): r for r in info.to_dicts()}
    return [
        ExamplePick(
            key, by_pk[pk]["source"], by_pk[pk]["conversation_id"], by_pk[pk]["review_id"], score
        )
        for key, pairs in picked.items()
        for pk, score in pairs
    ]


def add_examples(
    card: AgentCoaching, picks: list[ExamplePick], reviews: Iterable[Review]
) -> AgentCoaching:
    """The card with one example per pick: the criterion's explanation and evidence quotes, taken
    from the picked reviews among `reviews` (the stored records; a pick whose review is missing
    keeps its score with no words)."""
    stored = {(r.source, r.conversation_id, r.review_id): r for r in reviews}
    examples: list[Example] = []
    for pick in picks:
        review = stored.get((pick.source, pick.conversation_id, pick.review_id))
        result = (
            None
            if review is None
            else next((c for c in review.criteria if c.key == pick.key), None)
        )
        quotes = (
            []
            if result is None
            else [Quote(e.message_index, e.quote) for e in result.evidence if e.quote.strip()]
        )
        examples.append(
            Example(
                pick.key,
                pick.conversation_id,
                pick.source,
                pick.review_id,
                pick.score_pct,
                "" if result is None else result.explanation,
                quotes,
            )
        )
    return AgentCoaching(**{**card.__dict__, "examples": examples})

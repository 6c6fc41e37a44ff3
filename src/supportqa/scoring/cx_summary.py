"""CX over a set of AI reviews: how scores are spread, the share flagged for review, and examples.

CX describes customers' experience, so it is summarised by channel and overall — never by agent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, Field

from supportqa.domain.review import Review


class CxExample(BaseModel):
    conversation_id: str
    score: int
    explanation: str


class CxSummary(BaseModel):
    reviews: int = 0
    mean_value: float | None = None
    distribution: dict[int, int] = Field(default_factory=dict)
    """Conversations per CX score 1..5."""
    flagged_share: float | None = None
    """Share with CX 1–3: recommended for human review."""
    resolution: dict[str, int] = Field(default_factory=dict)
    by_channel: dict[str, float] = Field(default_factory=dict)
    """Mean CX value per channel."""
    examples: list[CxExample] = Field(default_factory=list)
    """The lowest-scoring conversations, with the reason in words."""


def summarise_cx(reviews: Iterable[Review], examples: int = 3) -> CxSummary:
    distribution: Counter[int] = Counter()
    resolution: Counter[str] = Counter()
    channel_sum: dict[str, float] = {}
    channel_n: Counter[str] = Counter()
    total = 0.0
    lowest: list[CxExample] = []
    for review in reviews:
        if review.cx is None:
            continue
        cx = review.cx
        distribution[cx.score] += 1
        total += cx.value
        channel = review.channel or "unknown"
        channel_sum[channel] = channel_sum.get(channel, 0.0) + cx.value
        channel_n[channel] += 1
        if review.resolution is not None:
            resolution[review.resolution.status] += 1
        lowest.append(
            CxExample(
                conversation_id=review.conversation_id, score=cx.score, explanation=cx.explanation
            )
        )
        lowest.sort(key=lambda e: e.score)
        del lowest[examples:]
    n = sum(distribution.values())
    if n == 0:
        return CxSummary()
    flagged = sum(count for score, count in distribution.items() if score <= 3)
    return CxSummary(
        reviews=n,
        mean_value=round(total / n, 3),
        distribution={score: distribution.get(score, 0) for score in range(1, 6)},
        flagged_share=round(flagged / n, 4),
        resolution=dict(resolution),
        by_channel={c: round(channel_sum[c] / channel_n[c], 3) for c in sorted(channel_n)},
        examples=lowest,
    )

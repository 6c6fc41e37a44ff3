"""The LLM judge's own checks: is the server answering (`check_judge`), and does a rating flip when
names and identity cues are swapped (`probe_judge`, on a seeded sample of the workspace)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import Score
from supportqa.domain.scorecard import Criterion
from supportqa.errors import InputError
from supportqa.scorers.judge.judge import LlmJudge
from supportqa.scorers.judge.probe import ProbeReport, probe
from supportqa.scorers.judge.rubric import Rubric
from supportqa.services.workspace import Workspace
from supportqa.testing import conversation as make_conversation

__all__ = ["ProbeReport", "check_judge", "probe_judge", "sample_conversations"]


def sample_conversations(workspace: Workspace, size: int, seed: int) -> list[Conversation]:
    """A seeded uniform sample of stored conversations (reservoir sampling, one pass); an empty
    workspace is an error, found before any judge is set up."""
    rng = random.Random(seed)
    chosen: list[Conversation] = []
    seen = 0
    for batch in workspace.iter_conversations(batch_size=1000):
        for item in batch:
            seen += 1
            if len(chosen) < size:
                chosen.append(item)
            else:
                slot = rng.randrange(seen)
                if slot < size:
                    chosen[slot] = item
    if not chosen:
        raise InputError("no conversations in the database: import some first")
    return chosen


def probe_judge(
    judge: LlmJudge, conversations: Sequence[Conversation], criteria: Sequence[Criterion]
) -> ProbeReport:
    """Re-judge `conversations` with names and identity cues swapped; count how often a rating
    flips (the sample comes from `sample_conversations`)."""
    return probe(judge, conversations, criteria)


def check_judge(judge: LlmJudge, criteria: Sequence[Criterion]) -> dict[str, Score]:
    """Judge one small made-up conversation (no customer data) and return its ratings."""
    sample = make_conversation(
        ("customer", "Hi, I was charged twice for my order this month."),
        ("agent", "Sorry about that! I have refunded the duplicate charge; it shows in 3-5 days."),
        ("customer", "Great, thank you so much."),
        id="supportqa-check",
        source="check",
    )
    return judge.judge(sample, Rubric.of(criteria))

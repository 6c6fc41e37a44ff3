"""Coaching cards for the report: the agents who clearly trail their team, each with the criteria to
work on and the conversations that show them.

The cards are `analytics.coaching`'s own (`coach`, as `supportqa coach AGENT` prints them), cut to
what fits on a card; nothing is recomputed here. Their example conversations are added from the
stored reviews by the caller (`services.coaching.with_examples`, `analytics.coaching_examples`).
"""

from __future__ import annotations

from dataclasses import replace

from supportqa.analytics.coaching import (
    MIN_N,
    AgentCoaching,
    AgentSummary,
    coach,
    criterion_gaps,
)
from supportqa.analytics.coaching_notes import CoachingNote
from supportqa.analytics.frame import Frames

MAX_CARDS = 8
FOCUS_AREAS = 3
EXAMPLES_PER_AREA = 2


def coaching_cards(
    frames: Frames,
    summaries: list[AgentSummary],
    notes: list[CoachingNote],
    *,
    limit: int = MAX_CARDS,
    areas: int = FOCUS_AREAS,
) -> list[AgentCoaching]:
    """One card per agent whose top gap's 95% interval lies below their team, largest gap first;
    each keeps its `areas` trailing criteria (examples of them are added by the caller)."""
    clear = sorted(
        (s for s in summaries if s.clear and s.gap is not None and s.gap < 0),
        key=lambda s: (s.gap, s.agent),
    )[:limit]
    if not clear:
        return []
    ai = frames.of_kind("ai")  # once: `kind="ai"` would filter the criteria again per agent
    gaps = criterion_gaps(ai, kind="both", min_n=MIN_N)
    cards = []
    for row in clear:
        card = coach(ai, row.agent, notes=notes, kind="both", gaps=gaps)
        cards.append(replace(card, focus=[f for f in card.focus if f.gap < 0][:areas]))
    return cards

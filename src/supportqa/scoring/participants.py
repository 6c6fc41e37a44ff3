"""Who an AI review judges: one review per participant who wrote a public reply.

A conversation handed from a bot to agent A to agent B gets three reviews. Each participant's
replies are rated through their view of the conversation (`Conversation.viewed_by`: same messages,
same indices, so evidence points into the full transcript; only "the reviewed side's messages"
changes). Conversation-level criteria (resolution, closing, the customer's sentiment and effort) and
the CX score are rated once on the whole conversation, as they always were, and go to the participant
who held it at the end (`Conversation.reviewee()`: the last human agent with a public reply, else the
bot); the other reviews say N/A for them. A conversation with one participant is planned exactly as
before: one review, of the whole conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

from supportqa.domain.conversation import Conversation, Reviewee
from supportqa.signals.analysis import Analysis
from supportqa.signals.text import agent_message_indices


@dataclass(frozen=True)
class Unit:
    """One analysis to score, and the criteria to rate on it (None: every criterion)."""

    analysis: Analysis
    keys: frozenset[str] | None


@dataclass(frozen=True)
class Plan:
    """What to score for one conversation and which reviews to build from it.

    `units[0]` is always the whole conversation (its scores feed the CX and the conversation-level
    criteria); `reviews` pairs each reviewee with the unit holding their ratings, the holder's last
    (its reviewee None: the conversation's own `reviewee()`, and the conversation's review id).
    """

    conversation: Conversation
    units: list[Unit]
    reviews: list[tuple[Reviewee | None, int]]
    na_reason: str = ""


def plan(item: Analysis, participant_keys: frozenset[str]) -> Plan:
    """The units and reviews of one conversation; `participant_keys` are the criteria rated per
    participant (every criterion with scorers that is not conversation-level)."""
    conversation = item.conversation
    whole = Unit(item, None)
    single = Plan(conversation, [whole], [(None, 0)])
    participants = conversation.participants()
    if len(participants) <= 1:
        return single
    holder = conversation.reviewee()
    held = next((p for p in participants if p.reviewee.key == holder.key), None)
    if held is None:  # replies nobody can be told apart by: judged together, as before
        return single
    units = [whole]
    reviews: list[tuple[Reviewee | None, int]] = []
    for participant in participants:
        if participant is held:
            continue
        view = Analysis(conversation.viewed_by(participant), item.detectors)
        units.append(Unit(view, participant_keys))
        reviews.append((participant.reviewee, len(units) - 1))
    if held.message_indices == agent_message_indices(conversation):
        reviews.append((None, 0))
    else:
        view = Analysis(conversation.viewed_by(held), item.detectors)
        units.append(Unit(view, participant_keys))
        reviews.append((None, len(units) - 1))
    who = holder.name or holder.id or "the last participant"
    reason = f"Rated on the review of {who}, who held the conversation at the end."
    return Plan(conversation, units, reviews, reason)

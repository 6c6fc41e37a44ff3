"""Who an AI review judges: one review per participant who wrote a public reply.

A conversation handed from a bot to agent A to agent B gets three reviews. Each participant's
replies are rated through their view of the conversation (`Conversation.viewed_by`: same messages,
same indices, so evidence points into the full transcript; only "the reviewed side's messages"
changes). Conversation-level criteria (resolution, closing, the customer's sentiment and effort) and
the CX score are rated once on the whole conversation, as they always were, and go to the participant
who held it at the end (`Conversation.reviewee()`: the last human agent with a public reply, else the
bot); the other reviews say N/A for them. A conversation with one participant is planned exactly as
before: one review, of the whole conversation.

Nothing is rated twice: when the holder needs a view of their own (their replies are not the whole
side's, e.g. bot → A → B), the whole-conversation unit rates only the conversation-level criteria
(and the CX inputs no judge rates: the customer's waits), so an LLM judge is asked about each
participant's replies once, in that participant's view, and about the conversation once (and not at
all when no conversation-level criterion is judged).
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
    criteria; it rates every criterion only when it is the holder's review too); `reviews` pairs
    each reviewee with the unit holding their ratings, the holder's last (its reviewee None: the
    conversation's own `reviewee()`, and the conversation's review id).
    """

    conversation: Conversation
    units: list[Unit]
    reviews: list[tuple[Reviewee | None, int]]
    na_reason: str = ""

    def cx_inputs(self) -> list[tuple[int, int]]:
        """The units whose ratings feed the CX score's service quality where the whole conversation
        did not rate them, with their weight: each participant's view weighted by their replies (so a
        handed-over conversation's CX still reads every staff member's judged tone)."""
        if self.units[0].keys is None:
            return [(0, 1)]
        return [
            (unit, len(self.units[unit].analysis.conversation.reviewed_indices or ()))
            for _, unit in self.reviews
        ]


def plan(item: Analysis, participant_keys: frozenset[str], whole_keys: frozenset[str]) -> Plan:
    """The units and reviews of one conversation; `participant_keys` are the criteria rated per
    participant, `whole_keys` those the whole conversation rates when the holder has a view of
    their own (the conversation-level criteria, and CX inputs that cost no judge request)."""
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
    shared = held.message_indices == agent_message_indices(conversation)
    units = [whole if shared else Unit(item, whole_keys)]
    reviews: list[tuple[Reviewee | None, int]] = []
    for participant in participants:
        if participant is held:
            continue
        view = Analysis(conversation.viewed_by(participant), item.detectors)
        units.append(Unit(view, participant_keys))
        reviews.append((participant.reviewee, len(units) - 1))
    if shared:
        reviews.append((None, 0))
    else:
        view = Analysis(conversation.viewed_by(held), item.detectors)
        units.append(Unit(view, participant_keys))
        reviews.append((None, len(units) - 1))
    who = holder.name or holder.id or "the last participant"
    reason = f"Rated on the review of {who}, who held the conversation at the end."
    return Plan(conversation, units, reviews, reason)

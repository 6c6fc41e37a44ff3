"""The report as a use case: every figure of the weekly QA report, read from the workspace once.

`analytics.overview` computes the figures from the frames; this module adds what only the workspace
knows — the scorecard the report covers, coaching notes, earlier queue assignments, the example
reviews quoted on the coaching cards and their conversations' customer names for redaction — and
returns the `Overview` that `reports.html` renders (the adapter never opens storage).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from supportqa.analytics.assignments import Assignment
from supportqa.analytics.cards import EXAMPLES_PER_AREA, FOCUS_AREAS, coaching_cards
from supportqa.analytics.coaching import AgentCoaching, AgentSummary
from supportqa.analytics.coaching import summary as coaching_summary
from supportqa.analytics.coaching_notes import CoachingNote
from supportqa.analytics.frame import Frames
from supportqa.analytics.overview import Overview, assemble, latest_queue, main_scorecard_name
from supportqa.analytics.privacy import redacted_cards, redacted_queue
from supportqa.analytics.queue import QueueReport
from supportqa.analytics.trust import TrustGate, gate
from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import Scorecard
from supportqa.services.coaching import coaching_notes, with_examples
from supportqa.services.frames import ReportFilter, load_frames, require_reviews
from supportqa.services.trust import gated_frames, trust_gate
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage.assignments import load_assignments
from supportqa.storage.database import masked


def scorecard_for(
    frames: Frames, workspace: Workspace, name: str | None = None
) -> Scorecard | None:
    """The latest stored version of `name`, else of the scorecard most AI reviews were made with."""
    name = name or main_scorecard_name(frames)
    return None if name is None else workspace.get_scorecard(name)


def _conversations(
    workspace: Workspace, cards: list[AgentCoaching]
) -> dict[tuple[str, str], Conversation]:
    """The conversations the cards quote, for their customers' names."""
    keys = dict.fromkeys((e.source, e.conversation_id) for c in cards for e in c.examples)
    found = {key: workspace.get_conversation(*key) for key in keys}
    return {key: conversation for key, conversation in found.items() if conversation is not None}


def _cards(
    frames: Frames,
    summaries: list[AgentSummary],
    notes: list[CoachingNote],
    workspace: Workspace | None,
    show_personal_data: bool,
) -> list[AgentCoaching]:
    cards = coaching_cards(frames, summaries, notes)
    if workspace is None:
        return cards if show_personal_data else redacted_cards(cards)
    ai = frames.of_kind("ai")
    cards = [
        with_examples(
            card, ai, workspace, kind="both", areas=FOCUS_AREAS, per_key=EXAMPLES_PER_AREA
        )
        for card in cards
    ]
    return cards if show_personal_data else redacted_cards(cards, _conversations(workspace, cards))


def coaching_for_report(
    workspace: Workspace, frames: Frames, show_personal_data: bool = False
) -> tuple[list[AgentSummary], list[AgentCoaching]]:
    """Every agent's coaching line and the cards (with examples) of the clearest gaps, without the
    criteria the latest calibration marks untrusted (`services.trust`)."""
    gated, trust = gated_frames(workspace, frames)
    return _gated_coaching(gated, trust, coaching_notes(workspace), workspace, show_personal_data)


def _gated_coaching(
    gated: Frames,
    trust: TrustGate,
    notes: list[CoachingNote],
    repo: Workspace | None,
    show_personal_data: bool,
) -> tuple[list[AgentSummary], list[AgentCoaching]]:
    """Coaching lines and cards over frames already gated by `trust`, each card naming what was
    left out."""
    summaries = coaching_summary(gated, notes=notes)
    cards = _cards(gated, summaries, notes, repo, show_personal_data)
    return summaries, [replace(card, left_out=trust.gated_keys) for card in cards]


def queue_for_report(
    workspace: Workspace, frames: Frames, show_personal_data: bool = False
) -> QueueReport | None:
    """The latest week's queue without assigning, its reasons redacted unless asked not to."""
    queue = latest_queue(frames, load_assignments(workspace))
    return queue if show_personal_data else redacted_queue(queue)


def overview(
    frames: Frames,
    notes: list[CoachingNote] | None = None,
    assignments: list[Assignment] | None = None,
    *,
    repo: Workspace | None = None,
    show_personal_data: bool = False,
    scorecard: Scorecard | None = None,
    trust: TrustGate | None = None,
) -> Overview:
    """Every figure of the report from frames, notes and assignments already read; `repo` adds the
    coaching cards' example conversations, read from the stored review payloads. Customers' personal
    data in the text quoted from conversations is redacted unless `show_personal_data`
    (`analytics.privacy`). `scorecard` gives the IQS targets and the criteria's names, order and
    weights (`scorecard_for` picks the one the report covers). `trust` (`services.trust.
    trust_gate`) leaves untrusted criteria out of the coaching and the agent table."""
    trust = trust or TrustGate()
    gated = gate(frames, trust)
    summaries, cards = _gated_coaching(gated, trust, notes or [], repo, show_personal_data)
    queue = latest_queue(frames, assignments or [])
    if not show_personal_data:
        queue = redacted_queue(queue)
    return assemble(
        frames,
        scorecard=scorecard,
        coaching=summaries,
        cards=cards,
        queue=queue,
        trust=trust,
        gated=gated,
    )


@dataclass(frozen=True)
class ReportView:
    """The report's figures and the (masked) database they describe, for the page's footer."""

    view: Overview
    source: str


def report(
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    show_personal_data: bool = False,
    settings: Settings | None = None,
) -> ReportView:
    """Every figure of the report over the filtered conversations (an InputError when there are no
    reviews to report on)."""
    chosen = filters or ReportFilter()
    frames = require_reviews(
        load_frames(workspace, chosen, settings=settings),
        "no reviews in the database: run `supportqa score` (and import reviews) first",
    )
    view = overview(
        frames,
        coaching_notes(workspace),
        load_assignments(workspace),
        repo=workspace,
        show_personal_data=show_personal_data,
        scorecard=scorecard_for(frames, workspace, chosen.scorecard_name),
        trust=trust_gate(workspace),
    )
    return ReportView(view, masked(workspace.db.url))

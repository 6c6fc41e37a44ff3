"""Coaching: where each agent trails their team, the conversations that show it, and the notes of
the sessions held — for `supportqa coach`, the report's coaching cards and (later) the API.

The statistics are `analytics.coaching`'s; this module reads what they need from the workspace (the
frames, the notes file beside the database, the few stored reviews quoted as examples) and records
new notes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from supportqa.analytics.coaching import AgentCoaching, AgentSummary, coach, find_agent, summary
from supportqa.analytics.coaching_examples import add_examples, example_picks
from supportqa.analytics.coaching_notes import CoachingNote
from supportqa.analytics.frame import Frames
from supportqa.errors import InputError
from supportqa.services.frames import ReportFilter, reviewed_frames
from supportqa.services.trust import gated_frames
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage.coaching_notes import append_note, load_notes, notes_path


def with_examples(
    card: AgentCoaching,
    frames: Frames,
    workspace: Workspace,
    *,
    kind: str = "ai",
    areas: int = 3,
    per_key: int = 3,
) -> AgentCoaching:
    """The card with, for its top trailing criteria, the conversations that show them and their
    evidence quotes, read from the stored reviews (only the few shown are read)."""
    picks = example_picks(card, frames, kind=kind, areas=areas, per_key=per_key)
    wanted = dict.fromkeys((p.source, p.conversation_id) for p in picks)
    reviews = [r for source, cid in wanted for r in workspace.reviews_of(cid, source=source)]
    return add_examples(card, picks, reviews)


def notes_file(workspace: Workspace, path: Path | None = None) -> Path:
    """`path`, else `supportqa-coaching.jsonl` beside the workspace's database."""
    return path or notes_path(workspace)


def coaching_notes(workspace: Workspace, path: Path | None = None) -> list[CoachingNote]:
    """Every coaching note kept for the workspace (or in `path`), oldest first as written."""
    return load_notes(notes_file(workspace, path))


def _iqs_keys(frames: Frames, workspace: Workspace) -> set[str]:
    """IQS criteria (weight > 0) in the reviews or on any stored scorecard (people-only ones too)."""
    keys = set(frames.criteria.filter(pl.col("weight") > 0)["key"].to_list())
    for ref in workspace.list_scorecards():
        card = workspace.get_scorecard(ref.name, ref.version)
        keys |= {c.key for c in card.criteria if c.weight > 0} if card else set()
    return keys


def new_note(
    frames: Frames,
    workspace: Workspace,
    agent: str,
    text: str,
    author: str | None,
    focus: list[str] | None = None,
    day: date | None = None,
) -> CoachingNote:
    """A checked note: an author and text, focus criteria that are IQS criteria, the agent's id for
    an id or a name; dated today unless `day`."""
    if not author or not author.strip():
        raise InputError("--note needs --by NAME (who coached)")
    if not text.strip():
        raise InputError("--note is empty: write what was agreed")
    keys = [k.strip() for k in focus or [] if k.strip()]
    known = _iqs_keys(frames, workspace)
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise InputError(
            f"--focus: unknown IQS criteria {', '.join(unknown)}; use any of {', '.join(sorted(known))}"
        )
    return CoachingNote(
        agent=find_agent(frames, agent),
        date=day or datetime.now(UTC).date(),
        author=author.strip(),
        text=text.strip(),
        focus=keys,
    )


@dataclass(frozen=True)
class NoteAdded:
    note: CoachingNote
    path: Path


def add_coaching_note(
    workspace: Workspace,
    agent: str,
    text: str,
    author: str | None,
    *,
    focus: list[str] | None = None,
    day: date | None = None,
    path: Path | None = None,
    settings: Settings | None = None,
) -> NoteAdded:
    """Record one coaching session for `agent` (id or name) in the notes file (append-only)."""
    frames = reviewed_frames(workspace, settings=settings)
    note = new_note(frames, workspace, agent, text, author, focus, day)
    return NoteAdded(note, append_note(notes_file(workspace, path), note))


def coaching_summary(
    workspace: Workspace,
    *,
    kind: str = "ai",
    filters: ReportFilter | None = None,
    notes_path: Path | None = None,
    settings: Settings | None = None,
) -> list[AgentSummary]:
    """One line per agent: their largest deficit, their last note and the IQS change since.
    Criteria the latest calibration marks untrusted (not opted in) are left out of the AI reviews
    (`services.trust`): no agent's top focus is one, and IQS is over the trusted criteria."""
    frames, _trust = gated_frames(workspace, reviewed_frames(workspace, filters, settings=settings))
    return summary(frames, notes=coaching_notes(workspace, notes_path), kind=kind)


def coaching_card(
    workspace: Workspace,
    agent: str,
    *,
    kind: str = "ai",
    filters: ReportFilter | None = None,
    notes_path: Path | None = None,
    settings: Settings | None = None,
) -> AgentCoaching:
    """One agent's card (id or name): focus areas with examples, notes and the trend since; the
    criteria the latest calibration marks untrusted are left out as in `coaching_summary` (and
    named in the card's `left_out`)."""
    frames, trust = gated_frames(workspace, reviewed_frames(workspace, filters, settings=settings))
    notes = coaching_notes(workspace, notes_path)
    card = coach(frames, agent, notes=notes, kind=kind)
    card = replace(card, left_out=trust.gated_keys)
    return with_examples(card, frames, workspace, kind=kind)

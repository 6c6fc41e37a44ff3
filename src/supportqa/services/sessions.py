"""Calibration sessions: reviewers against each other (and optionally the AI) on the same conversations.

`supportqa.calibration.sessions` does the maths on review records; this service picks the records
from a workspace — the session reviews of one scorecard, the stored version most of them used, and
the AI reviews of those conversations when the AI joins as a reviewer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from supportqa.calibration.heatmap import write_heatmap
from supportqa.calibration.sessions import (
    DEFAULT_THRESHOLD,
    HARSH,
    LENIENT,
    SessionOptions,
    SessionsReport,
    analyse_sessions,
)
from supportqa.domain.review import Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.services.workspace import Workspace

__all__ = [
    "DEFAULT_THRESHOLD",
    "HARSH",
    "LENIENT",
    "SessionOptions",
    "SessionsReport",
    "calibration_sessions",
    "latest_scored_version",
    "write_heatmap",
]


def _session_reviews(workspace: Workspace, name: str) -> tuple[list[Review], Scorecard]:
    """Session reviews on scorecard `name`, and the stored version most of them were made with."""
    reviews = [r for r in workspace.iter_reviews(kind="human") if r.session_id]
    mine = [r for r in reviews if r.scorecard.name == name]
    if not mine:
        other = sorted({r.scorecard.name for r in reviews})
        found = f" (sessions exist on {', '.join(other)}: use --scorecard-name)" if other else ""
        raise InputError(
            f"no calibration-session reviews on scorecard {name!r}{found}; import human reviews "
            "or ratings lines with a session_id first"
        )
    version = Counter(r.scorecard.version for r in mine).most_common(1)[0][0]
    card = workspace.get_scorecard(name, version)
    if card is None:
        raise InputError(f"scorecard {name} v{version} of the session reviews is not stored")
    return mine, card


def latest_scored_version(workspace: Workspace, name: str) -> str | None:
    """The newest stored version of `name` that has AI reviews (a newer one may not be scored yet)."""
    versions = [r.version for r in workspace.list_scorecards() if r.name == name]
    for version in reversed(versions):
        ref = ScorecardRef(name=name, version=version)
        if next(iter(workspace.iter_reviews(kind="ai", scorecard=ref, batch_size=1)), None):
            return version
    return None


def _ai_reviews(
    workspace: Workspace, name: str, version: str | None, human: Sequence[Review]
) -> list[Review]:
    """The AI reviews of the session conversations, of `version` or the newest scored one."""
    chosen = version or latest_scored_version(workspace, name)
    if chosen is None:
        raise InputError(f"no AI reviews of scorecard {name!r}: run supportqa score first")
    if workspace.get_scorecard(name, chosen) is None:
        raise InputError(f"scorecard {name} v{chosen} is not stored (see supportqa scorecard list)")
    wanted = {(r.source, r.conversation_id) for r in human}
    ref = ScorecardRef(name=name, version=chosen)
    found = [
        r
        for r in workspace.iter_reviews(kind="ai", scorecard=ref)
        if (r.source, r.conversation_id) in wanted
    ]
    if not found:
        raise InputError(
            f"no AI review of {name} v{chosen} for the session conversations: score them "
            "(supportqa score) or pick the scored version with --ai-version"
        )
    return found


def calibration_sessions(
    workspace: Workspace,
    *,
    scorecard_name: str = "default",
    options: SessionOptions | None = None,
    include_ai: bool = False,
    ai_version: str | None = None,
) -> SessionsReport:
    """Agreement per criterion, each reviewer's bias and the heat map over the session reviews of
    `scorecard_name`; with `include_ai` the AI review (of `ai_version`, else the newest scored
    version) joins as reviewer `ai`."""
    human, card = _session_reviews(workspace, scorecard_name)
    ai = _ai_reviews(workspace, scorecard_name, ai_version, human) if include_ai else None
    return analyse_sessions(human, card, ai_reviews=ai, options=options or SessionOptions())

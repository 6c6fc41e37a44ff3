"""The analytics frames a use case reads: from the workspace, through the snapshot, narrowed by the
one filter every report section shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from supportqa.analytics.frame import Frames, restrict
from supportqa.errors import InputError
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage.snapshot import analytics_frames

NO_REVIEWS = "no reviews in the database: run `supportqa score` (or `supportqa demo`)"


@dataclass(frozen=True)
class ReportFilter:
    """Which conversations a section describes: one scorecard name, one team (`analytics.frame.
    NO_TEAM` for those without one), conversations from `since` to `until` (by day, inclusive)."""

    scorecard_name: str | None = None
    team: str | None = None
    since: date | None = None
    until: date | None = None


def load_frames(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> Frames:
    """The workspace's analytics frames narrowed by `filters`, from the Parquet snapshot beside a
    SQLite file when it is current and `settings.analytics_snapshot` is on."""
    chosen = filters or ReportFilter()
    frames = analytics_frames(
        workspace,
        scorecard_name=chosen.scorecard_name,
        use_snapshot=(settings or Settings()).analytics_snapshot,
    )
    return restrict(frames, team=chosen.team, since=chosen.since, until=chosen.until)


def require_reviews(
    frames: Frames, message: str = NO_REVIEWS, filters: ReportFilter | None = None
) -> Frames:
    """The frames, or an InputError saying what to run (or which filter kept nothing) when there
    is nothing to analyse."""
    if frames.reviews.is_empty():
        chosen = {k: v for k, v in vars(filters or ReportFilter()).items() if v is not None}
        if chosen:
            shown = ", ".join(f"{k} {v}" for k, v in chosen.items())
            raise InputError(f"no reviews match {shown}: widen the filter")
        raise InputError(message)
    return frames


def reviewed_frames(
    workspace: Workspace, filters: ReportFilter | None = None, *, settings: Settings | None = None
) -> Frames:
    """`load_frames`, and an InputError when they hold no reviews (`require_reviews`)."""
    return require_reviews(load_frames(workspace, filters, settings=settings), filters=filters)

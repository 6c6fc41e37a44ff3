"""The analytics frames a use case reads: from the workspace, through the snapshot, narrowed by the
one filter every report section shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from supportqa.analytics.frame import Frames, restrict
from supportqa.errors import InputError
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage.snapshot import FrameCache, analytics_snapshot, only_scorecard

__all__ = [
    "FrameCache",
    "ReportFilter",
    "frame_cache",
    "load_frames",
    "reviewed_frames",
    "warm_frames",
]

NO_REVIEWS = "no reviews in the database: run `supportqa score` (or `supportqa demo`)"


@dataclass(frozen=True)
class ReportFilter:
    """Which conversations a section describes: one scorecard name, one team (`analytics.frame.
    NO_TEAM` for those without one), one agent (the person's key), one channel, conversations
    from `since` to `until` (by day, inclusive)."""

    scorecard_name: str | None = None
    team: str | None = None
    since: date | None = None
    until: date | None = None
    agent: str | None = None
    channel: str | None = None


def frame_cache(settings: Settings | None = None) -> FrameCache:
    """The frames cache a long-running process (a server worker) keeps and passes to every read:
    answers from memory within `analytics_max_lag_s`, then applies the writes made since."""
    return FrameCache((settings or Settings()).analytics_max_lag_s)


def warm_frames(workspace: Workspace, cache: FrameCache, settings: Settings | None = None) -> None:
    """Load the frames into `cache` ahead of the first dashboard: on PostgreSQL (or a SQLite file
    without a Parquet snapshot) the first read of a process reads every review, which must not be a
    user's request. A server starts this in a thread when it starts; reads meanwhile wait for it."""
    analytics_snapshot(
        workspace, use_snapshot=(settings or Settings()).analytics_snapshot, cache=cache
    )


def snapshot_frames(
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    settings: Settings | None = None,
    cache: FrameCache | None = None,
) -> tuple[Frames, datetime]:
    """The filtered frames and the time they are as of (every write committed before it is in
    them): from `cache` when given, else the Parquet snapshot beside a SQLite file when
    `settings.analytics_snapshot` is on, brought up to date from the change log; else read whole."""
    snapshot = analytics_snapshot(
        workspace, use_snapshot=(settings or Settings()).analytics_snapshot, cache=cache
    )
    return narrowed(snapshot.frames, filters or ReportFilter()), snapshot.as_of


def narrowed(frames: Frames, chosen: ReportFilter) -> Frames:
    """`frames` cut to what `chosen` describes."""
    return restrict(
        only_scorecard(frames, chosen.scorecard_name),
        team=chosen.team,
        since=chosen.since,
        until=chosen.until,
        agent=chosen.agent,
        channel=chosen.channel,
    )


def load_frames(
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    settings: Settings | None = None,
    cache: FrameCache | None = None,
) -> Frames:
    """The workspace's analytics frames narrowed by `filters` (`snapshot_frames`)."""
    return snapshot_frames(workspace, filters, settings=settings, cache=cache)[0]


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
    workspace: Workspace,
    filters: ReportFilter | None = None,
    *,
    settings: Settings | None = None,
    cache: FrameCache | None = None,
) -> Frames:
    """`load_frames`, and an InputError when they hold no reviews (`require_reviews`)."""
    frames = load_frames(workspace, filters, settings=settings, cache=cache)
    return require_reviews(frames, filters=filters)

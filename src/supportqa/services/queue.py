"""The review queue as a use case: what people should review this week, who reviews each, and the
assignments saved so no later run hands a conversation out twice.

`analytics.queue` picks and assigns from the frames; this module reads the frames and the earlier
assignments from the workspace and, when asked, stores the new ones (in one transaction; a race with
another run is a StorageError and nothing is written).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from supportqa.analytics.assignments import Assignment
from supportqa.analytics.queue import QueueReport, QueueRules, Quotas, build_queue
from supportqa.errors import InputError
from supportqa.services.agents import list_agents
from supportqa.services.frames import ReportFilter, load_frames, require_reviews
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage.assignments import load_assignments, save_assignments


@dataclass(frozen=True)
class QueueResult:
    queue: QueueReport
    saved: int
    """Assignments stored by this call (0 unless `assign`)."""


def check_assign(assign: bool, reviewers: Sequence[str]) -> None:
    """Assignments are saved per reviewer: `assign` without reviewers is an InputError."""
    if assign and not reviewers:
        raise InputError("--assign needs --reviewers a,b: assignments are saved per reviewer")


def assignments(workspace: Workspace, *, week: str | None = None) -> list[Assignment]:
    """Every stored assignment (of one ISO week, if given), oldest first."""
    return load_assignments(workspace, week=week)


def people_by_name(workspace: Workspace) -> dict[str, frozenset[str]]:
    """Each name a reviewer may go by (casefolded: an identity's id, `source/id` or name, a person's
    key or name) → the person keys it names: a reviewer never gets a review of any identity of
    theirs (`agents link` joins them)."""
    found: dict[str, set[str]] = defaultdict(set)
    for identity in list_agents(workspace):
        names = (identity.ref, identity.external_id, identity.name, identity.person)
        for name in (*names, identity.person_name):
            if name:
                found[name.casefold()].add(identity.person)
    return {name: frozenset(keys) for name, keys in found.items()}


def review_queue(
    workspace: Workspace,
    rules: QueueRules | None = None,
    quotas: Quotas | None = None,
    reviewers: Sequence[str] = (),
    *,
    seed: int = 0,
    week: str | None = None,
    mode: str = "balanced",
    assign: bool = False,
    filters: ReportFilter | None = None,
    settings: Settings | None = None,
) -> QueueResult:
    """This week's (or `week`'s) queue, skipping what was assigned before; with `assign`, every item
    with a reviewer is saved as an assignment."""
    check_assign(assign, reviewers)
    frames = require_reviews(
        load_frames(workspace, filters, settings=settings),
        "no reviews in the database: run `supportqa score` (or `demo`)",
    )
    report = build_queue(
        frames,
        rules,
        quotas,
        reviewers,
        seed,
        week,
        previous=load_assignments(workspace),
        mode=mode,
        people=people_by_name(workspace) if reviewers else None,
    )
    saved = 0
    if assign:
        saved = save_assignments(
            workspace, [i.assignment() for i in report.items if i.reviewer is not None]
        )
    return QueueResult(report, saved)

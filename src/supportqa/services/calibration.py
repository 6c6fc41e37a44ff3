"""Calibrate: how far the AI agrees with the team's reviewers, and `--apply` acting on the verdicts.

The agreement maths lives in `supportqa.calibration` and takes records; these functions read those
records from a workspace (which scorecard version, the human consensus, the customers' CSAT) and
store what `--apply` decides. The CLI, the API and jobs call them alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from supportqa.calibration.ai_vs_human import compare_ai_human, csat_on_five
from supportqa.calibration.ai_vs_human_report import (
    METRICS,
    CalibrationReport,
    CompareOptions,
    Estimate,
    Metric,
)
from supportqa.calibration.apply import (
    Application,
    default_out_path,
    human_only_version,
    write_scorecard_yaml,
)
from supportqa.calibration.reference import holders, human_references
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.services.audit import cli_actor
from supportqa.services.trust import record_verdicts
from supportqa.services.workspace import Workspace
from supportqa.storage.database import sqlite_file

__all__ = [
    "METRICS",
    "AiVsHuman",
    "Application",
    "AppliedCalibration",
    "CalibrationReport",
    "CompareOptions",
    "Estimate",
    "Metric",
    "ScorecardChoice",
    "apply_calibration",
    "compare_with_humans",
    "default_out_path_for",
    "stored_scorecard",
]


@dataclass
class ScorecardChoice:
    """The stored scorecard version to work on, and the versions stored after it that have no AI
    reviews yet (worth a note: the user may have meant one of them)."""

    card: Scorecard
    newer: list[str] = field(default_factory=list)


def _has_ai_reviews(workspace: Workspace, name: str, version: str) -> bool:
    return bool(workspace.iqs_by([], kind="ai", scorecard_name=name, scorecard_version=version))


def stored_scorecard(workspace: Workspace, name: str, version: str | None) -> ScorecardChoice:
    """`version`, else the most recently stored version of `name` that has AI reviews."""
    versions = [r.version for r in workspace.list_scorecards() if r.name == name]
    if not versions:
        names = sorted({r.name for r in workspace.list_scorecards()})
        raise InputError(
            f"no scorecard named {name!r} is stored (stored: {', '.join(names) or 'none'}); "
            "score with it first (`supportqa score --scorecard FILE`) or pass --scorecard-name"
        )
    if version is not None and version not in versions:
        raise InputError(
            f"scorecard {name} has no stored version {version!r} (stored: {', '.join(versions)})"
        )
    chosen = version
    newer: list[str] = []
    if chosen is None:
        with_reviews = [v for v in versions if _has_ai_reviews(workspace, name, v)]
        chosen = with_reviews[-1] if with_reviews else versions[-1]
        newer = versions[versions.index(chosen) + 1 :]
    card = workspace.get_scorecard(name, chosen)
    if card is None:  # listed a moment ago: only a concurrent delete gets here
        raise InputError(f"scorecard {name} v{chosen} disappeared from the database")
    return ScorecardChoice(card, newer)


@dataclass
class AiVsHuman:
    """The agreement report, the scorecard version it compared and any newer unscored versions."""

    report: CalibrationReport
    card: Scorecard
    newer: list[str] = field(default_factory=list)


def compare_with_humans(
    workspace: Workspace,
    *,
    scorecard_name: str = "default",
    version: str | None = None,
    options: CompareOptions | None = None,
    exclude_sessions: bool = False,
    record: bool = True,
) -> AiVsHuman:
    """AI reviews of one scorecard version against the human consensus, per criterion, IQS and CX.

    Bad options fail before the database is read. `exclude_sessions` leaves calibration-session
    reviews out of the consensus. Unless `record` is False the verdicts become the scorecard name's
    latest (`services.trust`), which trust gating reads after the command has ended."""
    options = options or CompareOptions()
    options.rule()
    choice = stored_scorecard(workspace, scorecard_name, version)
    card = choice.card
    ref = ScorecardRef(name=card.name, version=card.version)
    humans = [
        review
        for review in workspace.iter_reviews(kind="human")
        if not (exclude_sessions and review.session_id)
    ]
    ai = list(workspace.iter_reviews(kind="ai", scorecard=ref))
    references = human_references(humans, reviewees=holders(ai))
    csat = {
        key: csat_on_five(value, scale)
        for key, (value, scale) in workspace.csat_by_conversation().items()
        if key in references
    }
    report = compare_ai_human(
        card,
        ai,
        references,
        human_reviews=len(humans),
        csat=csat,
        options=options,
    )
    if record:
        record_verdicts(workspace, report)
    return AiVsHuman(report, card, choice.newer)


def default_out_path_for(workspace: Workspace, name: str, version: str) -> Path:
    """Where a new scorecard version's YAML goes: beside a SQLite database, else the working folder."""
    return default_out_path(sqlite_file(workspace.db.url), name, version)


@dataclass
class AppliedCalibration:
    """What `calibrate --apply` decided, and the YAML it wrote (None when nothing was written)."""

    application: Application
    path: Path | None = None


def apply_calibration(
    workspace: Workspace,
    card: Scorecard,
    report: CalibrationReport,
    *,
    out: Path | None = None,
    on: date | None = None,
) -> AppliedCalibration:
    """A new scorecard version in which every untrusted criterion is human-only, stored in the
    workspace and written as YAML (`out`, else beside the database); nothing when none is untrusted
    or the same change was applied already."""
    today = on or datetime.now(UTC).date()
    stored = stored_versions(workspace, card.name)
    application = human_only_version(card, report, on=today, stored=stored)
    new = application.scorecard
    if new is None:
        return AppliedCalibration(application)
    return AppliedCalibration(application, store_new_version(workspace, new, out))


def stored_versions(workspace: Workspace, name: str) -> dict[str, Scorecard]:
    """Every stored version of the scorecard `name`, by version."""
    versions = [r.version for r in workspace.list_scorecards() if r.name == name]
    return {v: found for v in versions if (found := workspace.get_scorecard(name, v))}


def store_new_version(workspace: Workspace, new: Scorecard, out: Path | None) -> Path:
    """Store a new scorecard version and write it as YAML (`out`, else beside the database); an
    existing file is never overwritten. Returns where it was written."""
    path = out or default_out_path_for(workspace, new.name, new.version)
    if path.exists():
        raise InputError(f"{path} already exists: not overwritten; pass --out for another file")
    workspace.save_scorecard(new, actor=cli_actor())
    write_scorecard_yaml(new, path)
    return path

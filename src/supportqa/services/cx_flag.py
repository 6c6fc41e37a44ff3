"""`calibrate cx`: fit the CX flag to a team's CSAT and, asked to, store the cuts as a new version.

The fit itself is pure (`supportqa.calibration.cx_flag`); this reads the AI reviews' CX values and
the customers' CSAT from a workspace and stores what `--apply` decides, like `calibrate --apply`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from supportqa.calibration.ai_vs_human import csat_on_five
from supportqa.calibration.cx_flag import (
    MIN_FIT,
    CutsApplication,
    CxFit,
    FlagFigures,
    csat_dissatisfied,
    cuts_version,
    fit_cx_cuts,
)
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.services.calibration import store_new_version, stored_scorecard, stored_versions
from supportqa.services.workspace import Workspace

__all__ = [
    "MIN_FIT",
    "AppliedCuts",
    "CxCalibration",
    "CxFit",
    "FlagFigures",
    "apply_cx_cuts",
    "fit_cx_to_csat",
]


@dataclass
class CxCalibration:
    """The fit, the scorecard version it was made on, and later versions not scored yet."""

    card: Scorecard
    fit: CxFit
    csat_answers: int
    """Conversations with a CSAT answer at all (the fit uses those the version's AI reviewed)."""
    newer: list[str] = field(default_factory=list)


def _pairs(workspace: Workspace, card: Scorecard) -> tuple[list[float], list[bool], int]:
    """(CX values, CSAT ≤ 3) of the conversations with both, and how many CSAT answers exist."""
    csat = workspace.csat_by_conversation()
    ref = ScorecardRef(name=card.name, version=card.version)
    values: list[float] = []
    unhappy: list[bool] = []
    for review in workspace.iter_reviews(kind="ai", scorecard=ref):
        answer = csat.get((review.source, review.conversation_id))
        if not review.holder or review.cx is None or answer is None:
            continue
        values.append(review.cx.value)
        unhappy.append(csat_dissatisfied(csat_on_five(*answer)))
    return values, unhappy, len(csat)


def fit_cx_to_csat(
    workspace: Workspace, *, scorecard_name: str = "default", version: str | None = None
) -> CxCalibration:
    """Cuts whose flag (CX 1–3) marks as many conversations as have CSAT ≤ 3 on 1–5, fitted on the
    CX values of one scorecard version's AI reviews; the flag's precision and recall before and
    after. Needs `MIN_FIT` conversations with both."""
    choice = stored_scorecard(workspace, scorecard_name, version)
    card = choice.card
    if not card.cx.enabled:
        raise InputError(
            f"scorecard {card.name} v{card.version} has CX turned off (cx: enabled: false): "
            "there is no CX flag to fit"
        )
    values, unhappy, answers = _pairs(workspace, card)
    if answers == 0:
        raise InputError(
            "no conversation has a CSAT answer: `calibrate cx` fits the CX flag to the share with "
            "CSAT ≤ 3, so import conversations with `csat` (and `csat_scale`) first"
        )
    if len(values) < MIN_FIT:
        raise InputError(
            f"only {len(values)} conversations have both a CSAT answer and a CX value from "
            f"{card.name} v{card.version} ({answers} have CSAT): fitting the CX flag needs at "
            f"least {MIN_FIT}; score them (`supportqa score`) or pick another --version"
        )
    return CxCalibration(card, fit_cx_cuts(values, unhappy, card.cx), answers, choice.newer)


@dataclass
class AppliedCuts:
    application: CutsApplication
    path: Path | None = None


def apply_cx_cuts(
    workspace: Workspace,
    result: CxCalibration,
    *,
    out: Path | None = None,
    on: date | None = None,
) -> AppliedCuts:
    """A new version of the scorecard with the fitted cuts, stored and written as YAML (`out`, else
    beside the database); nothing when the cuts are already in force or were applied before."""
    card = result.card
    stored = stored_versions(workspace, card.name)
    application = cuts_version(card, result.fit, on=on or datetime.now(UTC).date(), stored=stored)
    new = application.scorecard
    if new is None:
        return AppliedCuts(application)
    return AppliedCuts(application, store_new_version(workspace, new, out))

"""Internal Quality Score by agent, team, reviewer, week, month or criterion, from the workspace or
from a reviews/ratings file.

A thin front for `services.summaries`, which reads the reviews (database or file) for the IQS and CX
summaries the demo and the digest job share.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.scoring.iqs import GROUPS
from supportqa.services.summaries import KINDS, IqsReport, iqs_from_database, iqs_from_file
from supportqa.services.trust import trust_gate
from supportqa.services.workspace import Workspace

BY_CHOICES = (*GROUPS, "criterion")

__all__ = ["BY_CHOICES", "KINDS", "IqsReport", "check_request", "iqs", "iqs_of_file"]


def check_request(by: Sequence[str], kind: str | None) -> None:
    """An InputError for an unknown grouping or kind, before anything is read."""
    unknown = [g for g in by if g not in BY_CHOICES]
    if unknown:
        raise InputError(f"cannot group by {', '.join(unknown)} (use {', '.join(BY_CHOICES)})")
    if kind is not None and kind not in KINDS:
        raise InputError(f"--kind must be ai or human, not {kind!r}")


def iqs(
    workspace: Workspace,
    *,
    scorecard: ScorecardRef | None = None,
    kind: str | None = None,
    by: Sequence[str] = (),
) -> IqsReport:
    """IQS and per-criterion averages of the stored reviews (of one scorecard version, if given),
    naming the criteria the latest calibration marks untrusted. This is the stored IQS as measured,
    not a ranking, so untrusted criteria are labelled here rather than left out."""
    check_request(by, kind)
    report = iqs_from_database(workspace, scorecard, kind=kind, by=by)
    name = scorecard.name if scorecard else None
    report.untrusted_criteria = trust_gate(workspace, name).untrusted_keys
    return report


def iqs_of_file(
    path: Path, scorecard: Scorecard, *, kind: str | None = None, by: Sequence[str] = ()
) -> IqsReport:
    """The same from a reviews/ratings JSONL file (ratings lines rated on `scorecard`); bad lines
    are listed in the report's `errors`, not fatal."""
    check_request(by, kind)
    return iqs_from_file(path, scorecard, kind=kind, by=by)

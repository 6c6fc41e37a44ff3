"""Trust gating as use cases: record what `calibrate` decided, and read which criteria to gate.

Every `calibrate` run records its verdicts (`record_verdicts`), so the latest calibration outlives
the command. `trust_gate` turns them into the `analytics.trust.TrustGate` that coaching, rankings and
the report apply to their frames: untrusted criteria per scorecard name, minus those the latest stored
version of that scorecard opts back in (`use_when_untrusted: true`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from supportqa.analytics.frame import Frames
from supportqa.analytics.trust import UNTRUSTED, TrustGate, gate
from supportqa.calibration.ai_vs_human_report import CalibrationReport
from supportqa.services.workspace import Workspace
from supportqa.storage.calibration_verdicts import StoredVerdict, latest_verdicts, replace_verdicts

__all__ = [
    "UNTRUSTED",
    "StoredVerdict",
    "TrustGate",
    "gated_frames",
    "record_verdicts",
    "stored_verdicts",
    "trust_gate",
    "untrusted_criteria",
]


def record_verdicts(
    workspace: Workspace, report: CalibrationReport, *, at: datetime | None = None
) -> list[StoredVerdict]:
    """Make `report`'s per-criterion verdicts the latest ones of its scorecard name."""
    when = at or datetime.now(UTC)
    rule = report.rule
    verdicts = [
        StoredVerdict(
            scorecard_name=report.scorecard.name,
            scorecard_version=report.scorecard.version,
            criterion_key=c.key,
            verdict=c.verdict,
            metric=rule.metric,
            value=c.verdict_metric.value,
            threshold=rule.threshold,
            n_pairs=c.n_pairs,
            calibrated_at=when,
        )
        for c in report.criteria
    ]
    with workspace.db.write_transaction() as connection:
        replace_verdicts(connection, report.scorecard.name, verdicts)
    return verdicts


def stored_verdicts(workspace: Workspace, scorecard_name: str | None = None) -> list[StoredVerdict]:
    """The latest recorded verdicts of one scorecard name (every name when None)."""
    with workspace.db.engine.connect() as connection:
        return latest_verdicts(connection, scorecard_name)


def trust_gate(workspace: Workspace, scorecard_name: str | None = None) -> TrustGate:
    """Untrusted criteria per scorecard name (one name, or all) and the ones its latest stored
    version opts in; an empty gate when `calibrate` never ran."""
    untrusted: dict[str, set[str]] = {}
    for v in stored_verdicts(workspace, scorecard_name):
        if v.verdict == UNTRUSTED:
            untrusted.setdefault(v.scorecard_name, set()).add(v.criterion_key)
    opted_in: dict[str, frozenset[str]] = {}
    for name in untrusted:
        card = workspace.get_scorecard(name)
        if card is not None:
            opted_in[name] = frozenset(c.key for c in card.criteria if c.use_when_untrusted)
    return TrustGate({k: frozenset(v) for k, v in untrusted.items()}, opted_in)


def untrusted_criteria(workspace: Workspace, scorecard_name: str | None = None) -> set[str]:
    """The criterion keys left out of coaching focus and agent rankings: untrusted in the latest
    calibration of `scorecard_name` (every name when None) and not opted in by its scorecard."""
    return set(trust_gate(workspace, scorecard_name).gated_keys)


def gated_frames(workspace: Workspace, frames: Frames) -> tuple[Frames, TrustGate]:
    """`frames` with the gated criteria left out of AI reviews (IQS recomputed), and the gate."""
    trust = trust_gate(workspace)
    return gate(frames, trust), trust

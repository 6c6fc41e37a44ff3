"""Scorecard versions that `train --apply` makes: the trained models put to work in a new version.

Calibration never edits a stored scorecard: a change (criteria made human-only, trained models put
to work) is a new version, so every review keeps saying exactly what scored it. This module builds
that version from the training results; storing it and writing its YAML is the training service's
work (`supportqa.services.training`), since calibration does not open the database.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from supportqa.calibration.apply import next_version
from supportqa.calibration.training import TargetResult
from supportqa.domain.scorecard import Criterion, Scorecard, ScorerSpec


def _with_trained(criterion: Criterion, result: TargetResult) -> Criterion:
    base = criterion.scorers[0].to_yaml()
    spec = ScorerSpec(
        name="trained",
        args={"model": result.model_path, "sha256": result.model_sha256, "base": base},
    )
    fallback = tuple(s for s in criterion.scorers if s.name != "trained")
    note = (
        f"Trained on the team's reviews on {datetime.now(UTC):%Y-%m-%d}: ρ "
        f"{result.decision.after.value:.2f} vs {result.decision.before.value:.2f} zero-shot "
        f"({result.n} conversations)."
        if result.decision
        else ""
    )
    description = f"{criterion.description} {note}".strip()
    return criterion.model_copy(update={"scorers": (spec, *fallback), "description": description})


def trained_version(
    card: Scorecard, results: list[TargetResult], existing: Collection[str]
) -> tuple[Scorecard, list[str]] | None:
    """The next version of `card` (never one of `existing`) whose accepted targets use their
    trained models, and those targets; None when no model was accepted."""
    accepted = {r.target: r for r in results if r.accepted and r.model_path}
    if not accepted:
        return None
    criteria = tuple(
        _with_trained(c, accepted[c.key]) if c.key in accepted and c.scorers else c
        for c in card.criteria
    )
    cx = card.cx
    if "cx" in accepted:
        # the model predicts the reviewers' own 1–5 CX, so its value is banded by plain rounding
        # until `calibrate cx` fits cuts to it; cuts fitted to the weighted value would not fit it
        cx = cx.model_copy(
            update={
                "model": accepted["cx"].model_path,
                "model_sha256": accepted["cx"].model_sha256,
                "cuts": None,
            }
        )
    new = card.model_copy(
        update={"version": next_version(card.version, existing), "criteria": criteria, "cx": cx}
    )
    return new, sorted(accepted)

"""Scorecard versions that calibration writes: which stored version to read, and the next one to write.

Calibration never edits a stored scorecard: a change (criteria made human-only, trained models put
to work) is a new version, so every review keeps saying exactly what scored it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from supportqa.calibration.apply import default_out_path, next_version, write_scorecard_yaml
from supportqa.calibration.training import TargetResult
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Criterion, Scorecard, ScorerSpec
from supportqa.errors import InputError
from supportqa.storage import Repository
from supportqa.storage.database import sqlite_file as database_file


def _has_ai_reviews(repo: Repository, name: str, version: str) -> bool:
    return bool(repo.iqs_by([], kind="ai", scorecard_name=name, scorecard_version=version))


def stored_scorecard(
    repo: Repository, name: str, version: str | None
) -> tuple[Scorecard, list[str]]:
    """`version`, else the most recently stored version of `name` that has AI reviews; also the
    versions stored after it that have none yet (the CLI mentions them)."""
    versions = [r.version for r in repo.list_scorecards() if r.name == name]
    if not versions:
        names = sorted({r.name for r in repo.list_scorecards()})
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
        with_reviews = [v for v in versions if _has_ai_reviews(repo, name, v)]
        chosen = with_reviews[-1] if with_reviews else versions[-1]
        newer = versions[versions.index(chosen) + 1 :]
    card = repo.get_scorecard(name, chosen)
    if card is None:  # listed a moment ago: only a concurrent delete gets here
        raise InputError(f"scorecard {name} v{chosen} disappeared from the database")
    return card, newer


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


def apply_trained(
    repo: Repository,
    card: Scorecard,
    results: list[TargetResult],
    out: Path | None,
    database_url: str,
) -> dict[str, Any] | None:
    """A new scorecard version whose accepted targets use their trained models; None if none was."""
    accepted = {r.target: r for r in results if r.accepted and r.model_path}
    if not accepted:
        return None
    criteria = tuple(
        _with_trained(c, accepted[c.key]) if c.key in accepted and c.scorers else c
        for c in card.criteria
    )
    cx = card.cx
    if "cx" in accepted:
        cx = cx.model_copy(
            update={"model": accepted["cx"].model_path, "model_sha256": accepted["cx"].model_sha256}
        )
    existing = [r.version for r in repo.list_scorecards() if r.name == card.name]
    new = card.model_copy(
        update={"version": next_version(card.version, existing), "criteria": criteria, "cx": cx}
    )
    path = out or default_out_path(database_file(database_url), new.name, new.version)
    write_scorecard_yaml(new, path)
    repo.save_scorecard(new)
    return {
        "scorecard": ScorecardRef(name=new.name, version=new.version),
        "version": new.version,
        "file": str(path),
        "targets": sorted(accepted),
    }

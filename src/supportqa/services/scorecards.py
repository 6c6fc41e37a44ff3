"""Scorecards and scorers as a person inspects them: check a scorecard file (fields, scales, weights,
and that every scorer it names exists and takes its arguments), summarise one, list the versions a
workspace holds, and list the registered scorers (built-in and plugins)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard, load_scorecard
from supportqa.errors import ConfigError, NotFoundError
from supportqa.scorers.registry import bind, registered
from supportqa.services.workspace import Workspace

__all__ = [
    "check_scorers",
    "list_scorecards",
    "list_scorers",
    "scorecard_summary",
    "stored_scorecard",
    "validate_scorecard",
]


def check_scorers(card: Scorecard, origin: str) -> None:
    """Every named scorer must exist and accept its arguments; else a ConfigError naming `origin`
    (the file) and the criterion."""
    for criterion in card.criteria:
        for spec in criterion.scorers:
            try:
                bind(spec)
            except ConfigError as exc:
                raise ConfigError(f"{origin}: criterion {criterion.key!r}: {exc}") from None


def scorecard_summary(card: Scorecard) -> dict[str, Any]:
    """Name, version, criteria, weights by group, and the critical and human-only criteria."""
    groups: dict[str, float] = {}
    for c in card.criteria:
        groups[c.group] = groups.get(c.group, 0) + c.weight
    return {
        "name": card.name,
        "version": card.version,
        "criteria": len(card.criteria),
        "total_weight": sum(c.weight for c in card.criteria),
        "group_weights": groups,
        "critical": [c.key for c in card.criteria if c.critical],
        "human_only": [c.key for c in card.criteria if c.human_only],
    }


def validate_scorecard(path: Path) -> tuple[Scorecard, dict[str, Any]]:
    """The scorecard in `path` and its summary, once its fields and scorers check out."""
    card = load_scorecard(path)
    check_scorers(card, str(path))
    return card, scorecard_summary(card)


def list_scorecards(workspace: Workspace) -> list[ScorecardRef]:
    """The scorecard versions stored in the workspace."""
    return workspace.list_scorecards()


def stored_scorecard(workspace: Workspace, name: str, version: str) -> Scorecard:
    """One stored scorecard version; NotFoundError naming the versions stored under `name`."""
    card = workspace.get_scorecard(name, version)
    if card is None:
        held = [ref.version for ref in workspace.list_scorecards() if ref.name == name]
        also = f" (stored versions: {', '.join(held)})" if held else ""
        raise NotFoundError(f"no scorecard {name} version {version}{also}")
    return card


def list_scorers() -> list[dict[str, Any]]:
    """Every registered scorer by name: version, whether it scores batches, family, its arguments
    (with defaults) and what it rates."""
    rows: list[dict[str, Any]] = []
    for name, info in sorted(registered().items()):
        params = inspect.signature(info.factory).parameters.values()
        args = [
            p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
            for p in params
        ]
        rows.append(
            {
                "name": name,
                "version": info.version,
                "batch": info.batch,
                "family": info.family,
                "args": args,
                "description": info.description,
            }
        )
    return rows

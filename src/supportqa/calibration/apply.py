"""`calibrate --apply`: a new scorecard version in which every untrusted criterion is human-only.

The verdict acts through the scorecard, the one place that says who rates what: removing a criterion's
scorer makes the engine leave it `unrated` in AI reviews from then on, so the review queue shows it as
work for people. Old versions are never touched (reviews keep the version they were scored with), the
new one is never written twice, and an existing version is never overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from supportqa.calibration.ai_vs_human import CalibrationReport
from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.errors import InputError
from supportqa.paths import confined

__all__ = [
    "Application",
    "CriterionChange",
    "default_out_path",
    "human_only_version",
    "next_version",
    "same_criteria",
    "write_scorecard_yaml",
]

_CAL_SUFFIX = re.compile(r"^(?P<base>.*)-cal(?P<n>\d+)$")


class CriterionChange(BaseModel):
    """A criterion made human-only, and the figures that decided it."""

    key: str
    removed_scorers: list[str]
    metric: str
    value: float
    threshold: float
    n_pairs: int
    note: str


class Application(BaseModel):
    """What `--apply` would write: the new version, or why nothing is written."""

    name: str
    from_version: str
    version: str | None = None
    changes: list[CriterionChange] = []
    kept: list[str] = []
    """AI-rated criteria that keep their scorers."""
    already_applied_as: str | None = None
    scorecard: Scorecard | None = None
    """The new version, or ``None`` when there is nothing to write."""
    reason: str = ""


def next_version(current: str, existing: Collection[str]) -> str:
    """The next free version: "2" → "3" (skipping taken numbers), else "x" → "x-cal1", "x-cal1" →
    "x-cal2"; never one of `existing`."""
    taken = set(existing) | {current}
    if current.isdigit():
        number = int(current) + 1
        while str(number) in taken:
            number += 1
        return str(number)
    match = _CAL_SUFFIX.match(current)
    base, n = (match["base"], int(match["n"]) + 1) if match else (current, 1)
    while f"{base}-cal{n}" in taken:
        n += 1
    return f"{base}-cal{n}"


def _comparable(card: Scorecard) -> dict[str, Any]:
    data = card.to_dict()
    data.pop("version")
    data.pop("description")
    for criterion in data["criteria"]:
        criterion.pop("description")
    return data


def stored_as(candidate: Scorecard, stored: Mapping[str, Scorecard], *, besides: str) -> str | None:
    """The stored version (other than `besides`, the one it derives from) that already has
    `candidate`'s content, if any: an `--apply` that was run before writes nothing again."""
    return next(
        (v for v, other in stored.items() if v != besides and same_criteria(candidate, other)),
        None,
    )


def same_criteria(a: Scorecard, b: Scorecard) -> bool:
    """Same content apart from the version and the descriptions (where `--apply` leaves its notes)."""
    return a.name == b.name and _comparable(a) == _comparable(b)


def human_only_version(
    card: Scorecard,
    report: CalibrationReport,
    *,
    on: date,
    stored: Mapping[str, Scorecard],
) -> Application:
    """`card` with its untrusted criteria made human-only, as the next free version.

    `stored` holds every stored version of the card's name; when one of them already has exactly
    these criteria the change was applied before and nothing new is proposed.
    """
    rule = report.rule
    verdicts = {c.key: c for c in report.criteria}
    data = card.to_dict()
    changes: list[CriterionChange] = []
    kept: list[str] = []
    for raw in data["criteria"]:
        found = verdicts.get(raw["key"])
        value = None if found is None else found.verdict_metric.value
        if found is None or found.verdict != "untrusted" or value is None or not raw.get("scorer"):
            if raw.get("scorer"):
                kept.append(raw["key"])
            continue
        note = (
            f"human-only since calibrate on {on.isoformat()}: {rule.metric} {value:.3f} < "
            f"{rule.threshold:g} ({found.n_pairs} pairs)"
        )
        changes.append(
            CriterionChange(
                key=raw["key"],
                removed_scorers=[next(iter(spec)) for spec in raw.pop("scorer")],
                metric=rule.metric,
                value=value,
                threshold=rule.threshold,
                n_pairs=found.n_pairs,
                note=note,
            )
        )
        before = (raw.get("description") or "").rstrip()
        raw["description"] = f"{before}\n{note[0].upper()}{note[1:]}.".strip()
    result = Application(name=card.name, from_version=card.version, kept=kept)
    if not changes:
        result.reason = "no criterion is untrusted: nothing to write"
        return result
    version = next_version(card.version, stored)
    data["version"] = version
    keys = ", ".join(c.key for c in changes)
    data["description"] = (
        (data.get("description") or "").rstrip()
        + f"\nVersion {version}: calibrated from v{card.version} on {on.isoformat()}; "
        f"human-only: {keys}."
    ).strip()
    candidate = scorecard_from_dict(data, f"{card.name} v{version} (calibrate --apply)")
    result.changes = changes
    stored_version = stored_as(candidate, stored, besides=card.version)
    if stored_version is not None:
        result.already_applied_as = stored_version
        result.reason = (
            f"already applied: {card.name} v{stored_version} has these criteria "
            f"human-only ({keys}); nothing written"
        )
        return result
    result.version = version
    result.scorecard = candidate
    return result


class _BlockDumper(yaml.SafeDumper):
    """Multi-line strings (criterion descriptions) as `|` blocks, as people write them."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str)


def default_out_path(database: str | Path | None, name: str, version: str) -> Path:
    """`scorecard-<name>-v<version>.yaml` beside a SQLite database file, else in the working
    directory (PostgreSQL, in-memory SQLite); never outside that folder (`confined`)."""
    folder = Path(database).expanduser().parent if database else Path.cwd()
    return confined(folder, f"scorecard-{name}-v{version}.yaml")


def write_scorecard_yaml(card: Scorecard, path: Path) -> None:
    """Write the scorecard as YAML that `load_scorecard` reads back; refuse to overwrite a file."""
    if path.exists():
        raise InputError(
            f"{path} already exists: not overwritten; pass --out to write the new scorecard "
            "elsewhere"
        )
    text = yaml.dump(
        card.to_dict(), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

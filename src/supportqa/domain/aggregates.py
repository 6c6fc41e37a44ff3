"""What an IQS aggregation returns, whether computed in Python (files) or in SQL (the database)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IqsSummary:
    """IQS of a group: the mean of its review scores, with the counts that explain what was left out.

    `group` maps each requested group name to its value (agent → reviewee id).
    """

    group: dict[str, str | None]
    iqs: float | None
    reviews: int
    scored: int
    incomplete: int
    critical_failed: int
    agent_name: str | None = None


@dataclass
class CriterionSummary:
    """Average score (rated only) of one criterion in one group, with how often it was not rated."""

    key: str
    group: dict[str, str | None]
    avg_score_pct: float | None
    rated: int = 0
    na: int = 0
    failed: int = 0
    unrated: int = 0
    unsure: int = 0
    criterion_group: str | None = field(default=None, compare=False)

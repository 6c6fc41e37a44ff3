"""The latest calibration verdicts per scorecard name: what `calibrate` last decided per criterion.

Each `calibrate` run replaces every row of its scorecard name in one transaction, so a criterion
dropped from the scorecard since does not linger as "untrusted" and readers never see half a run.
Trust gating (`services.trust`) reads them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from supportqa.storage.tables import calibration_verdicts

__all__ = ["StoredVerdict", "latest_verdicts", "replace_verdicts"]


@dataclass(frozen=True)
class StoredVerdict:
    """One criterion's verdict and the figure behind it (`value` None: too few pairs to compute)."""

    scorecard_name: str
    scorecard_version: str
    criterion_key: str
    verdict: str
    metric: str
    value: float | None
    threshold: float
    n_pairs: int
    calibrated_at: datetime


def replace_verdicts(
    connection: Connection, scorecard_name: str, verdicts: Sequence[StoredVerdict]
) -> None:
    """Make `verdicts` the only ones recorded for `scorecard_name` (call inside a transaction)."""
    connection.execute(
        delete(calibration_verdicts).where(calibration_verdicts.c.scorecard_name == scorecard_name)
    )
    if verdicts:
        connection.execute(
            insert(calibration_verdicts),
            [{**vars(v), "scorecard_name": scorecard_name} for v in verdicts],
        )


def latest_verdicts(
    connection: Connection, scorecard_name: str | None = None
) -> list[StoredVerdict]:
    """The recorded verdicts of one scorecard name (every name when None), by name and key."""
    query = select(calibration_verdicts).order_by(
        calibration_verdicts.c.scorecard_name, calibration_verdicts.c.criterion_key
    )
    if scorecard_name is not None:
        query = query.where(calibration_verdicts.c.scorecard_name == scorecard_name)
    return [StoredVerdict(**row._mapping) for row in connection.execute(query)]

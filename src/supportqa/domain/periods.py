"""Reporting periods: ISO weeks and calendar months, always in UTC, as sortable text."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_week(moment: datetime | None) -> str | None:
    """ISO week of a moment in UTC as text, e.g. `2026-W07` (sorts chronologically)."""
    if moment is None:
        return None
    year, week, _ = moment.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def iso_month(moment: datetime | None) -> str | None:
    """Calendar month of a moment in UTC as text, e.g. `2026-02`."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"

"""Times as help desks write them, read into aware UTC datetimes (the contract's naive = UTC rule).

Accepted: UNIX seconds or milliseconds (numbers or digit strings), ISO 8601 with or without a zone
(`T` or a space between date and time, `Z` allowed), `YYYY-MM-DD HH:MM[:SS]`, RFC 2822 (e-mail
headers) and, tried first when given, a `strptime` format.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from typing import Any

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_MILLIS_FROM = 100_000_000_000  # larger numbers are milliseconds (seconds this big are year 5138)


def from_unix(value: float) -> datetime:
    """UNIX seconds, or milliseconds when the number is too large to be seconds."""
    if abs(value) >= _MILLIS_FROM:
        value = value / 1000
    return datetime.fromtimestamp(value, UTC)


def _aware(value: datetime, zone: tzinfo | None) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone or UTC)
    return value.astimezone(UTC)


def parse_time(
    value: Any, time_format: str | None = None, zone: tzinfo | None = None
) -> datetime | None:
    """An aware UTC datetime, None for an empty value; ValueError names the value it could not read.

    Naive times are taken in `zone` (default UTC). `time_format` (strptime) is tried first, then the
    automatic forms, so a file with mixed formats still reads.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else _fail(value)
    if isinstance(value, int | float):
        return from_unix(float(value))
    if isinstance(value, datetime):
        return _aware(value, zone)
    text = str(value).strip()
    if not text:
        return None
    if time_format:
        try:
            return _aware(datetime.strptime(text, time_format), zone)
        except ValueError:
            pass
    if _NUMBER.match(text):
        return from_unix(float(text))
    try:
        return _aware(datetime.fromisoformat(text), zone)
    except ValueError:
        pass
    try:
        return _aware(parsedate_to_datetime(text), zone)
    except (TypeError, ValueError, IndexError):
        return _fail(value)


def _fail(value: Any) -> datetime:
    raise ValueError(f"cannot read time {value!r}")


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a `Z`, as the JSONL contract writes times."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")

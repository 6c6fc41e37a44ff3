"""NPS and CES survey answers found in a conversation's metadata.

Help desks carry these as custom fields rather than first-class fields, so the conversation keeps
them in `metadata` and storage lifts them into typed columns at import (analytics then never parses
payloads). Accepted: the plain keys `nps` (0–10), `ces` and `ces_scale` (default 7) at the top of
`metadata`, else the same names (also `nps_score`, `ces_score`, `net_promoter_score`,
`customer_effort_score`, any case, a Freshdesk `cf_` prefix) inside `custom_fields` (Zendesk,
Freshdesk) or `custom_attributes` (Intercom). A value that is not a number in range is ignored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

DEFAULT_CES_SCALE = 7
"""CES 2.0: "The company made it easy to handle my issue", 1 (strongly disagree) to 7: higher is
easier, which is the direction every CES figure in supportqa assumes."""
_NAMES = {
    "nps": ("nps", "nps_score", "net_promoter_score"),
    "ces": ("ces", "ces_score", "customer_effort_score"),
    "ces_scale": ("ces_scale",),
}
_NESTED = ("custom_fields", "custom_attributes")


@dataclass(frozen=True)
class SurveyAnswers:
    nps: float | None = None
    ces: float | None = None
    ces_scale: int | None = None
    """Set whenever `ces` is."""


def _normal(name: str) -> str:
    return re.sub(r"^cf_", "", re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_"))


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def _lookup(metadata: dict[str, Any], metric: str) -> float | None:
    """The top-level key first, then the first matching custom field."""
    names = _NAMES[metric]
    for name in names:
        if name in metadata:
            return _number(metadata[name])
    for nested in _NESTED:
        fields = metadata.get(nested)
        if isinstance(fields, dict):
            for key, value in fields.items():
                if isinstance(key, str) and _normal(key) in names:
                    return _number(value)
    return None


def survey_answers(metadata: dict[str, Any] | None) -> SurveyAnswers:
    """NPS (0–10) and CES (1–ces_scale) when present and in range."""
    if not metadata:
        return SurveyAnswers()
    nps = _lookup(metadata, "nps")
    if nps is not None and not 0 <= nps <= 10:
        nps = None
    ces = _lookup(metadata, "ces")
    raw_scale = _lookup(metadata, "ces_scale")
    scale = DEFAULT_CES_SCALE if raw_scale is None else int(raw_scale)
    if raw_scale is not None and (scale != raw_scale or scale < 2):
        ces = None
    if ces is not None and not 1 <= ces <= scale:
        ces = None
    return SurveyAnswers(nps=nps, ces=ces, ces_scale=scale if ces is not None else None)

"""The CX flag made actionable: cuts that band the CX value into 1–5 so that the share flagged (CX
1–3) matches the share of customers who really were dissatisfied.

Plain rounding flags most conversations (87% of STC-3 dev), a queue nobody works through. The fit
moves the third cut to the value below which exactly the dissatisfied share lies (STC-3: mean
satisfaction S < 0; a team: CSAT ≤ 3 on 1–5), then rescales the other cuts piecewise-linearly so
the bands keep rounding's proportions: 1.5 and 2.5 map from [1, 3.5] onto [1, cut₃], 4.5 from
[3.5, 5] onto [cut₃, 5]. Pure functions over values and booleans; the services read them from a
workspace and `scripts/cx_flag_dev.py` from STC-3 dev.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from pydantic import BaseModel

from supportqa.calibration.apply import next_version, stored_as
from supportqa.domain.detectors import ROUNDING_CUTS, CxConfig
from supportqa.domain.scorecard import Scorecard, scorecard_from_dict

__all__ = [
    "DISSATISFIED_AT_OR_BELOW",
    "MIN_FIT",
    "CutsApplication",
    "CxFit",
    "FlagFigures",
    "csat_dissatisfied",
    "cuts_from_third",
    "cuts_version",
    "fit_cx_cuts",
    "flag_figures",
    "third_cut_for_share",
]

DISSATISFIED_AT_OR_BELOW = 3.0
"""A CSAT of 3 or less on 1–5 (after `csat_on_five`) counts as dissatisfied."""
MIN_FIT = 30
"""Fewer conversations with both a CX value and the truth: no fit (the share is too noisy)."""
_LOW, _HIGH = 1.0, 5.0
_GAP = 1e-4
"""Cuts stay this far inside (1, 5) and apart, at the values' own precision (4 decimals)."""


class FlagFigures(BaseModel):
    """How a flag agrees with the truth: shares, precision (flagged that were dissatisfied) and
    recall (dissatisfied that were flagged); None where the denominator is empty."""

    n: int
    flagged: int
    dissatisfied: int
    both: int
    flagged_share: float | None
    dissatisfied_share: float | None
    precision: float | None
    recall: float | None


class CxFit(BaseModel):
    """The fitted cuts and the flag's figures before (the current cuts) and after."""

    n: int
    target_share: float
    cuts_before: tuple[float, float, float, float]
    cuts: tuple[float, float, float, float]
    before: FlagFigures
    after: FlagFigures


def csat_dissatisfied(csat_on_five: float) -> bool:
    """CSAT ≤ 3 on 1–5: on 1–10, 1–5 count; on 1–3, 1–2; on 1–2 (bad/good), 1."""
    return csat_on_five <= DISSATISFIED_AT_OR_BELOW


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def flag_figures(
    values: Sequence[float], dissatisfied: Sequence[bool], config: CxConfig
) -> FlagFigures:
    """The flag `config` gives each value, against whether the customer was dissatisfied."""
    if len(values) != len(dissatisfied):
        raise ValueError(f"{len(values)} values but {len(dissatisfied)} truths")
    flags = [config.flagged(v) for v in values]
    both = sum(1 for f, d in zip(flags, dissatisfied, strict=True) if f and d)
    flagged, unhappy, n = sum(flags), sum(bool(d) for d in dissatisfied), len(values)
    return FlagFigures(
        n=n,
        flagged=flagged,
        dissatisfied=unhappy,
        both=both,
        flagged_share=_ratio(flagged, n),
        dissatisfied_share=_ratio(unhappy, n),
        precision=_ratio(both, flagged),
        recall=_ratio(both, unhappy),
    )


def third_cut_for_share(values: Sequence[float], share: float) -> float:
    """The cut below which `share` of the values lie (flag = value < cut): halfway between the
    k-th and (k+1)-th smallest value, k = round(share × n), rounded up to 4 decimals so it stays
    above the k-th. Ties at the cut make the flagged share differ from `share`; clipped into
    (1, 5) with room for the two cuts below and the one above."""
    if not values:
        raise ValueError("no values to fit a cut to")
    if not 0 <= share <= 1:
        raise ValueError(f"share must be in [0, 1], not {share}")
    ordered = sorted(values)
    k = round(share * len(ordered))
    if k <= 0:
        cut = ordered[0]
    elif k >= len(ordered):
        cut = ordered[-1] + _GAP
    else:
        cut = (ordered[k - 1] + ordered[k]) / 2
    cut = math.ceil(cut / _GAP - 1e-6) * _GAP
    return round(min(_HIGH - 2 * _GAP, max(_LOW + 3 * _GAP, cut)), 4)


def cuts_from_third(cut3: float) -> tuple[float, float, float, float]:
    """Rounding's cuts rescaled around a new third cut: [1, 3.5] → [1, cut3], [3.5, 5] → [cut3, 5]."""
    if not _LOW < cut3 < _HIGH:
        raise ValueError(f"the third cut must lie strictly between 1 and 5, not {cut3}")
    low_scale = (cut3 - _LOW) / (ROUNDING_CUTS[2] - _LOW)
    high_scale = (_HIGH - cut3) / (_HIGH - ROUNDING_CUTS[2])
    c1 = _LOW + (ROUNDING_CUTS[0] - _LOW) * low_scale
    c2 = _LOW + (ROUNDING_CUTS[1] - _LOW) * low_scale
    c4 = cut3 + (ROUNDING_CUTS[3] - ROUNDING_CUTS[2]) * high_scale
    cuts = [round(c, 4) for c in (c1, c2, cut3, c4)]
    for i in range(1, 4):  # keep them strictly ascending at 4 decimals when cut3 hugs an end
        cuts[i] = max(cuts[i], round(cuts[i - 1] + _GAP, 4))
    cuts[0] = max(cuts[0], _LOW + _GAP)
    return (cuts[0], cuts[1], cuts[2], cuts[3])


def fit_cx_cuts(
    values: Sequence[float], dissatisfied: Sequence[bool], current: CxConfig | None = None
) -> CxFit:
    """Cuts whose flag marks the dissatisfied share of `values`, with the flag's precision and
    recall against `dissatisfied` before (`current`'s cuts) and after. At least `MIN_FIT` values."""
    if len(values) != len(dissatisfied):
        raise ValueError(f"{len(values)} values but {len(dissatisfied)} truths")
    if len(values) < MIN_FIT:
        raise ValueError(f"{len(values)} conversations; fitting the CX cuts needs {MIN_FIT}")
    current = current or CxConfig()
    share = sum(bool(d) for d in dissatisfied) / len(values)
    cuts = cuts_from_third(third_cut_for_share(values, share))
    fitted = CxConfig.model_validate({**current.model_dump(), "cuts": cuts})
    return CxFit(
        n=len(values),
        target_share=round(share, 4),
        cuts_before=current.score_cuts,
        cuts=cuts,
        before=flag_figures(values, dissatisfied, current),
        after=flag_figures(values, dissatisfied, fitted),
    )


class CutsApplication(BaseModel):
    """What `calibrate cx --apply` would write: the new version with the fitted cuts, or why not."""

    name: str
    from_version: str
    version: str | None = None
    already_applied_as: str | None = None
    scorecard: Scorecard | None = None
    reason: str = ""


def cuts_version(
    card: Scorecard, fit: CxFit, *, on: date, stored: Mapping[str, Scorecard]
) -> CutsApplication:
    """`card` with `fit.cuts` as the next free version (a note in its description says where they
    came from); nothing when the cuts are already the card's, or a stored version already has them."""
    result = CutsApplication(name=card.name, from_version=card.version)
    if card.cx.cuts == fit.cuts:
        result.reason = f"{card.name} v{card.version} already has these cuts: nothing to write"
        return result
    version = next_version(card.version, stored)
    data = card.to_dict()
    data["version"] = version
    data["cx"] = {**data.get("cx", {}), "cuts": list(fit.cuts)}
    data["description"] = (
        (data.get("description") or "").rstrip()
        + f"\nVersion {version}: CX cuts fitted to the customers' CSAT on {on.isoformat()} "
        f"(calibrate cx, {fit.n} conversations, {fit.target_share:.1%} with CSAT ≤ 3)."
    ).strip()
    candidate = scorecard_from_dict(data, f"{card.name} v{version} (calibrate cx --apply)")
    stored_version = stored_as(candidate, stored, besides=card.version)
    if stored_version is not None:
        result.already_applied_as = stored_version
        result.reason = (
            f"already applied: {card.name} v{stored_version} has these cuts; nothing written"
        )
        return result
    result.version = version
    result.scorecard = candidate
    return result

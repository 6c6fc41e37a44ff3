"""Calibrated confidence: a scorer's raw confidence turned into the estimated chance its answer is right.

Scorers report a confidence on their own terms (distance from a cut, a detector's similarity, a
status probability): it orders answers roughly but is not a probability — on the regression corpus's
development half, answers with a raw confidence of 0.8 were right far more or less often than 80%
of the time, depending on the criterion. A `ConfidenceMap`, fitted on development data with labels
(`scripts/fit_confidence_calibration.py`), maps each answer to the share of such answers that were
right there, so "0.62" means what it says and a threshold on it (`Criterion.abstain_below`) is a
threshold on expected accuracy.

Two shapes, chosen per scorer on the development data by cross-validated Brier score:

- `confidence`: one monotone (isotonic) curve over the raw confidence — the ranking stays the
  scorer's, only the numbers change;
- `answer`: one curve per answer (each rating's position on the scale, and N/A) — for scorers
  whose raw confidence says little but some answers are much more often wrong than others (an
  "ignored the upset customer" empathy rating, a "partly resolved").

A map belongs to one scorer version (`name@version`): a new version of the scorer has no map until
it is fitted again, and its confidence is then used as it is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import numpy as np

Method = Literal["confidence", "answer"]
NA_ANSWER = "na"
ALL_ANSWERS = "*"


def answer_key(position: float | None) -> str:
    """The key of an answer in an `answer` map: the rating's position on its scale (0–1, three
    decimals, so a 3-point and a 5-point scale share the keys of their ends), or `na`."""
    return NA_ANSWER if position is None else f"{position:.3f}"


@dataclass(frozen=True)
class Curve:
    """A monotone step curve from isotonic regression: `np.interp` between its points."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def __call__(self, x: float) -> float:
        if len(self.xs) == 1:
            return self.ys[0]
        return float(np.interp(x, self.xs, self.ys))


@dataclass(frozen=True)
class ConfidenceMap:
    """One scorer version's calibration (see the module docstring)."""

    scorer: str
    """`name@version`."""
    method: Method
    curves: dict[str, Curve]
    """`confidence`: one curve under `*`; `answer`: one per `answer_key`, each over raw confidence."""
    fallback: float
    """The development data's overall accuracy: for an answer it never saw."""
    n: int = 0
    fitted_on: str = ""

    def calibrated(self, raw: float | None, position: float | None) -> float | None:
        """The chance the answer is right. `raw` is the scorer's confidence (None for a scorer that
        gave none, e.g. an N/A), `position` the rating's place on its scale (None for N/A)."""
        if self.method == "confidence":
            curve = self.curves.get(ALL_ANSWERS)
            if raw is None or curve is None:
                return None
            return round(curve(raw), 3)
        curve = self.curves.get(answer_key(position))
        if curve is None:
            return round(self.fallback, 3)
        return round(curve(raw if raw is not None else 0.5), 3)

    def to_json(self) -> dict[str, Any]:
        return {
            "scorer": self.scorer,
            "method": self.method,
            "fallback": round(self.fallback, 4),
            "n": self.n,
            "fitted_on": self.fitted_on,
            "curves": {
                k: {"xs": [round(x, 4) for x in c.xs], "ys": [round(y, 4) for y in c.ys]}
                for k, c in self.curves.items()
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConfidenceMap:
        method = data["method"]
        if method not in ("confidence", "answer"):
            raise ValueError(f"unknown calibration method {method!r}")
        return cls(
            scorer=str(data["scorer"]),
            method=method,
            curves={
                str(k): Curve(tuple(map(float, c["xs"])), tuple(map(float, c["ys"])))
                for k, c in data["curves"].items()
            },
            fallback=float(data["fallback"]),
            n=int(data.get("n", 0)),
            fitted_on=str(data.get("fitted_on", "")),
        )


PRIOR_ANSWERS = 2.0
"""How many pseudo-answers at the prior each pooled block (and each answer's share) is shrunk with."""


def isotonic(
    xs: Sequence[float], ys: Sequence[float], prior: float, strength: float = PRIOR_ANSWERS
) -> Curve:
    """The non-decreasing least-squares fit of `ys` (0/1) on `xs` by pool-adjacent-violators, each
    pooled block shrunk toward `prior` by `strength` pseudo-answers so a block of three right answers
    does not claim certainty."""
    order = np.argsort(np.asarray(xs, dtype=float), kind="stable")
    x = np.asarray(xs, dtype=float)[order]
    y = np.asarray(ys, dtype=float)[order]
    # blocks of equal x first, then pool violators
    blocks: list[list[float]] = []  # [sum_y, count, x_low, x_high]
    for xi, yi in zip(x, y, strict=True):
        if blocks and blocks[-1][3] == xi:
            blocks[-1][0] += yi
            blocks[-1][1] += 1
        else:
            blocks.append([yi, 1.0, xi, xi])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c, _, hi = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
            blocks[-1][3] = hi
    points_x: list[float] = []
    points_y: list[float] = []
    for s, c, lo, hi in blocks:
        level = (s + strength * prior) / (c + strength)
        points_x.extend([lo, hi] if hi > lo else [lo])
        points_y.extend([level, level] if hi > lo else [level])
    # shrinkage can break monotonicity only by ties; keep it non-decreasing
    points_y = list(np.maximum.accumulate(points_y))
    return Curve(tuple(points_x), tuple(points_y))


def fit_map(
    scorer: str,
    method: Method,
    raws: Sequence[float | None],
    positions: Sequence[float | None],
    right: Sequence[bool],
    *,
    fitted_on: str = "",
) -> ConfidenceMap:
    """Fit a `ConfidenceMap` of `method` to answers (raw confidence, scale position or None for N/A)
    and whether each was right."""
    accuracy = (sum(right) + 1) / (len(right) + 2)
    if method == "confidence":
        kept = [(r, ok) for r, ok in zip(raws, right, strict=True) if r is not None]
        curves = (
            {ALL_ANSWERS: isotonic([r for r, _ in kept], [float(ok) for _, ok in kept], accuracy)}
            if kept
            else {}
        )
    else:
        groups: dict[str, list[tuple[float, bool]]] = {}
        for r, p, ok in zip(raws, positions, right, strict=True):
            groups.setdefault(answer_key(p), []).append((r if r is not None else 0.5, ok))
        curves = {}
        for key, members in groups.items():
            share = (sum(ok for _, ok in members) + PRIOR_ANSWERS * accuracy) / (
                len(members) + PRIOR_ANSWERS
            )
            curves[key] = isotonic([r for r, _ in members], [float(ok) for _, ok in members], share)
    return ConfidenceMap(scorer, method, curves, accuracy, len(right), fitted_on)


DEFAULT_MAPS = "confidence_calibration.json"


@lru_cache(maxsize=1)
def default_maps() -> dict[str, ConfidenceMap]:
    """The packaged maps by `name@version` (empty when the file is missing, e.g. a trimmed install)."""
    source = resources.files("supportqa.models").joinpath(DEFAULT_MAPS)
    if not source.is_file():
        return {}
    data = json.loads(source.read_text(encoding="utf-8"))
    maps = [ConfidenceMap.from_json(entry) for entry in data.get("maps", [])]
    return {m.scorer: m for m in maps}

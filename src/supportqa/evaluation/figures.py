"""Agreement figures for `eval`: each statistic with a bootstrap interval, and the rank-matched
1–5 mapping that lets a continuous baseline be scored by kappa."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from supportqa.calibration.agreement import (
    brier_score,
    cohen_kappa,
    exact_agreement,
    expected_calibration_error,
    roc_auc,
    spearman,
)
from supportqa.calibration.bootstrap import bootstrap_ci

Stat = Callable[[Sequence[float], Sequence[float]], float]


def _nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def qwk(low: int, high: int) -> Stat:
    """Quadratic-weighted kappa over the whole levels `low..high`."""
    levels = [float(v) for v in range(low, high + 1)]

    def stat(a: Sequence[float], b: Sequence[float]) -> float:
        return cohen_kappa(a, b, weights="quadratic", labels=levels)

    return stat


def auc_stat(a: Sequence[float], b: Sequence[float]) -> float:
    """`a` are scores, `b` binary labels."""
    return roc_auc([bool(x) for x in b], list(a))


def ece_stat(a: Sequence[float], b: Sequence[float]) -> float:
    """`a` are confidences, `b` whether the prediction was right (15 equal-mass bins)."""
    return expected_calibration_error(list(a), [bool(x) for x in b])


def brier_stat(a: Sequence[float], b: Sequence[float]) -> float:
    """`a` are probabilities or confidences, `b` what happened (1 or 0)."""
    return brier_score(list(a), [bool(x) for x in b])


def _hits(a: Sequence[float], b: Sequence[float]) -> tuple[int, int, int]:
    """(flagged, true, both) of binary flags `a` against binary truths `b`."""
    flags, truths = [bool(x) for x in a], [bool(x) for x in b]
    both = sum(1 for f, t in zip(flags, truths, strict=True) if f and t)
    return sum(flags), sum(truths), both


def precision_stat(a: Sequence[float], b: Sequence[float]) -> float:
    """`a` flags, `b` truths: the share of flagged that are true (NaN when nothing is flagged)."""
    flagged, _, both = _hits(a, b)
    return both / flagged if flagged else math.nan


def recall_stat(a: Sequence[float], b: Sequence[float]) -> float:
    """`a` flags, `b` truths: the share of true that are flagged (NaN when nothing is true)."""
    _, true, both = _hits(a, b)
    return both / true if true else math.nan


def share_gap_stat(a: Sequence[float], b: Sequence[float]) -> float:
    """`a` flags, `b` truths: share flagged − share true (0: the flag is as big as the problem)."""
    flagged, true, _ = _hits(a, b)
    return (flagged - true) / len(a) if len(a) else math.nan


STATS: dict[str, Stat] = {
    "spearman": spearman,
    "auc": auc_stat,
    "ece": ece_stat,
    "brier": brier_stat,
    "exact": exact_agreement,
    "share gap": share_gap_stat,
    "precision": precision_stat,
    "recall": recall_stat,
}


def with_interval(
    stat: Stat, ours: Sequence[float], labels: Sequence[float], resamples: int
) -> tuple[float | None, float | None, float | None]:
    if len(ours) < 3:
        return None, None, None
    if resamples <= 0:
        return _nan_to_none(stat(ours, labels)), None, None
    interval = bootstrap_ci(stat, list(ours), list(labels), n_resamples=resamples, seed=7)
    return (
        _nan_to_none(interval.estimate),
        _nan_to_none(interval.low),
        _nan_to_none(interval.high),
    )


def plain(stat: Stat, ours: Sequence[float], labels: Sequence[float]) -> float | None:
    if len(ours) < 3:
        return None
    return _nan_to_none(stat(ours, labels))


def rank_matched(scores: Sequence[float], labels: Sequence[int]) -> list[int]:
    """Give a continuous baseline the label's own histogram: the lowest-scoring k₁ items get the
    lowest label level, and so on (generous to the baseline: it needs no calibration)."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    levels = sorted(labels)
    mapped = [0] * len(scores)
    for position, index in enumerate(order):
        mapped[index] = levels[position]
    return mapped

"""Agreement between raters (AI vs human, human vs human) as pure functions over ratings.

A rating is a float; ``None`` or ``nan`` means missing / not applicable. Pairwise statistics drop every
pair where either side is missing (convention 3: N/A is excluded, never a silent zero), then compute on
what is left; ``krippendorff_alpha`` handles missing values natively. Degenerate but legitimate data
(no pairs left, one class, constant ratings) gives ``nan`` or the documented value, never an exception;
sequences of different lengths raise ``ValueError``.

The results match scikit-learn, SciPy and the ``krippendorff`` package (checked to 1e-9 in the tests)
except where a docstring says otherwise. Plain Python only, so calibration needs no numeric extras.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

Rating = float | None

__all__ = [
    "alignment",
    "brier_score",
    "cohen_kappa",
    "confusion_matrix",
    "exact_agreement",
    "expected_calibration_error",
    "krippendorff_alpha",
    "mean_absolute_error",
    "reliability_bins",
    "roc_auc",
    "signed_bias",
    "spearman",
    "weighted_alignment",
    "within_one_agreement",
]

NAN = float("nan")


def _present(value: Rating) -> float | None:
    """The rating as a float, or ``None`` when it is missing (``None`` or ``nan``)."""
    return None if value is None or value != value else float(value)


def _pairs(a: Sequence[Rating], b: Sequence[Rating]) -> list[tuple[float, float]]:
    """The pairs where both ratings are present; ``ValueError`` when the lengths differ."""
    if len(a) != len(b):
        raise ValueError(f"ratings differ in length: {len(a)} and {len(b)}")
    present = zip(map(_present, a), map(_present, b), strict=True)
    return [(x, y) for x, y in present if x is not None and y is not None]


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else NAN


def exact_agreement(a: Sequence[Rating], b: Sequence[Rating]) -> float:
    """Share of present pairs rated identically; ``nan`` when no pair is present."""
    return _mean([1.0 if x == y else 0.0 for x, y in _pairs(a, b)])


def within_one_agreement(a: Sequence[Rating], b: Sequence[Rating]) -> float:
    """Share of present pairs at most one scale point apart; ``nan`` when no pair is present."""
    return _mean([1.0 if abs(x - y) <= 1.0 else 0.0 for x, y in _pairs(a, b)])


def mean_absolute_error(a: Sequence[Rating], b: Sequence[Rating]) -> float:
    """Mean of |a − b| over present pairs; ``nan`` when no pair is present."""
    return _mean([abs(x - y) for x, y in _pairs(a, b)])


def signed_bias(a: Sequence[Rating], b: Sequence[Rating]) -> float:
    """Mean of a − b over present pairs: positive means ``a`` rates higher (is more lenient)."""
    return _mean([x - y for x, y in _pairs(a, b)])


def confusion_matrix(
    a: Sequence[Rating], b: Sequence[Rating], labels: Sequence[float]
) -> list[list[int]]:
    """Counts with rows = ``a``'s label and columns = ``b``'s, in ``labels`` order.

    As in scikit-learn, pairs where either value is not in ``labels`` are not counted.
    """
    index = {float(label): i for i, label in enumerate(labels)}
    if len(index) != len(labels):
        raise ValueError(f"labels repeat a value: {list(labels)}")
    matrix = [[0] * len(labels) for _ in labels]
    for x, y in _pairs(a, b):
        if x in index and y in index:
            matrix[index[x]][index[y]] += 1
    return matrix


def cohen_kappa(
    a: Sequence[Rating],
    b: Sequence[Rating],
    *,
    weights: Literal["linear", "quadratic"] | None = None,
    labels: Sequence[float] | None = None,
) -> float:
    """Cohen's kappa, equal to ``sklearn.metrics.cohen_kappa_score`` with the same arguments.

    Weights use label positions (in ``labels`` order, else sorted), as scikit-learn does, and pairs
    outside ``labels`` are ignored. No pair left gives ``nan``. When the expected disagreement is zero
    (both raters gave one and the same label throughout) the raters agree perfectly and the result is
    1.0, where scikit-learn warns and returns ``nan``; two raters constant on *different* labels get 0.0.
    """
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    pairs = _pairs(a, b)
    if labels is None:
        labels = sorted({v for pair in pairs for v in pair})
    k = len(labels)
    matrix = confusion_matrix(a, b, labels)
    rows = [float(sum(row)) for row in matrix]
    cols = [float(sum(matrix[i][j] for i in range(k))) for j in range(k)]
    total = math.fsum(rows)
    if total == 0:
        return NAN

    def weight(i: int, j: int) -> float:
        if weights is None:
            return 0.0 if i == j else 1.0
        return float(abs(i - j)) if weights == "linear" else float((i - j) ** 2)

    observed = math.fsum(weight(i, j) * matrix[i][j] for i in range(k) for j in range(k))
    expected = math.fsum(
        weight(i, j) * cols[i] * rows[j] / total for i in range(k) for j in range(k)
    )
    if expected == 0:
        return 1.0
    return 1.0 - observed / expected


def _unit_values(
    reliability_data: Sequence[Sequence[Rating]],
) -> list[list[float]]:
    """Present values per unit (column), keeping only units that at least two raters rated."""
    if not reliability_data:
        return []
    n_units = len(reliability_data[0])
    for rater, row in enumerate(reliability_data):
        if len(row) != n_units:
            raise ValueError(f"rater {rater} rated {len(row)} units, rater 0 rated {n_units}")
    rows = [[_present(v) for v in row] for row in reliability_data]
    units = [[v for row in rows if (v := row[u]) is not None] for u in range(n_units)]
    return [unit for unit in units if len(unit) >= 2]


def krippendorff_alpha(
    reliability_data: Sequence[Sequence[Rating]],
    *,
    level: Literal["nominal", "ordinal", "interval"] = "interval",
    values: Sequence[float] | None = None,
) -> float:
    """Krippendorff's alpha; rows are raters, columns are units, ``None``/``nan`` is missing.

    Equals ``krippendorff.alpha(reliability_data=..., level_of_measurement=level,
    value_domain=values)``. Units rated by fewer than two raters carry no pairs and drop out. For
    ``ordinal`` the order of ``values`` (default: sorted values seen) is the scale order. Where the
    package raises or returns ``nan`` this returns: ``nan`` when no unit has two ratings, and 1.0 when
    the expected disagreement is zero (every pairable rating is the same value: nothing to disagree on).
    A rating outside ``values`` raises ``ValueError``, as in the package.
    """
    if level not in ("nominal", "ordinal", "interval"):
        raise ValueError(f"level must be 'nominal', 'ordinal' or 'interval', not {level!r}")
    units = _unit_values(reliability_data)
    seen = sorted({v for row in reliability_data for v in map(_present, row) if v is not None})
    domain = [float(v) for v in values] if values is not None else seen
    position = {v: i for i, v in enumerate(domain)}
    outside = [v for v in seen if v not in position]
    if outside:
        raise ValueError(f"ratings {outside} are not in values {list(domain)}")
    if not units:
        return NAN
    size = len(domain)
    # Coincidence matrix: each unit with m ratings contributes its ordered pairs weighted 1/(m - 1).
    coincidences = [[0.0] * size for _ in range(size)]
    for unit in units:
        counts = Counter(position[v] for v in unit)
        share = 1.0 / (len(unit) - 1)
        for i, count_i in counts.items():
            for j, count_j in counts.items():
                coincidences[i][j] += (count_i * count_j - (count_i if i == j else 0)) * share
    marginals = [math.fsum(column) for column in zip(*coincidences, strict=True)]
    n = math.fsum(marginals)
    distance = _distance_matrix(domain, marginals, level)
    observed = math.fsum(
        coincidences[i][j] * distance[i][j] for i in range(size) for j in range(size)
    )
    expected = math.fsum(
        (marginals[i] * marginals[j] - (marginals[i] if i == j else 0.0)) / (n - 1) * distance[i][j]
        for i in range(size)
        for j in range(size)
    )
    if expected == 0:
        return 1.0
    return 1.0 - observed / expected


def _distance_matrix(
    domain: Sequence[float], marginals: Sequence[float], level: str
) -> list[list[float]]:
    """Squared distances between domain values, per the level of measurement."""
    size = len(domain)
    if level == "nominal":
        return [[0.0 if i == j else 1.0 for j in range(size)] for i in range(size)]
    if level == "interval":
        return [[(domain[i] - domain[j]) ** 2 for j in range(size)] for i in range(size)]
    cumulative = [0.0]
    for m in marginals:
        cumulative.append(cumulative[-1] + m)
    matrix = [[0.0] * size for _ in range(size)]
    for i in range(size):
        for j in range(size):
            lo, hi = min(i, j), max(i, j)
            between = cumulative[hi + 1] - cumulative[lo] - (marginals[i] + marginals[j]) / 2
            matrix[i][j] = between**2
    return matrix


def _average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing the mean of the ranks they span."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(a: Sequence[Rating], b: Sequence[Rating]) -> float:
    """Spearman's rho (Pearson on average ranks), as ``scipy.stats.spearmanr``.

    ``nan`` with fewer than two present pairs or when either side is constant.
    """
    pairs = _pairs(a, b)
    if len(pairs) < 2:
        return NAN
    rx = _average_ranks([x for x, _ in pairs])
    ry = _average_ranks([y for _, y in pairs])
    mx, my = _mean(rx), _mean(ry)
    sxy = math.fsum((x - mx) * (y - my) for x, y in zip(rx, ry, strict=True))
    sxx = math.fsum((x - mx) ** 2 for x in rx)
    syy = math.fsum((y - my) ** 2 for y in ry)
    if sxx == 0 or syy == 0:
        return NAN
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _check_scale(pairs: Sequence[tuple[float, float]], low: float, high: float) -> None:
    if not high > low:
        raise ValueError(f"scale_max ({high}) must be greater than scale_min ({low})")
    for pair in pairs:
        for v in pair:
            if not low <= v <= high:
                raise ValueError(f"rating {v} is outside the scale [{low}, {high}]")


def alignment(
    a: Sequence[Rating], b: Sequence[Rating], *, scale_min: float, scale_max: float
) -> float:
    """MaestroQA-style alignment: mean of 1 − |a − b| / (scale_max − scale_min) over present pairs.

    1.0 means identical ratings, 0.0 opposite ends of the scale; ``nan`` when no pair is present. A
    rating outside the scale raises ``ValueError``.
    """
    pairs = _pairs(a, b)
    _check_scale(pairs, scale_min, scale_max)
    span = scale_max - scale_min
    return _mean([1.0 - abs(x - y) / span for x, y in pairs])


def weighted_alignment(
    per_criterion: Mapping[str, tuple[Sequence[Rating], Sequence[Rating], float, float]],
    weights: Mapping[str, float],
) -> float:
    """Scorecard alignment: per-criterion ``alignment`` averaged with the scorecard's weights.

    Criteria with no present pair (alignment ``nan``) or weight 0 drop out and the other weights are
    renormalised, as N/A criteria do in IQS; ``nan`` when none is left. Every criterion needs a weight
    (``ValueError`` otherwise); weights for criteria absent from ``per_criterion`` are ignored.
    """
    total = 0.0
    weight_sum = 0.0
    for name, (a, b, low, high) in per_criterion.items():
        if name not in weights:
            raise ValueError(f"criterion {name!r} has no weight; weights cover {sorted(weights)}")
        weight = float(weights[name])
        if weight < 0 or math.isnan(weight):
            raise ValueError(f"criterion {name!r} has weight {weight}; weights must be >= 0")
        value = alignment(a, b, scale_min=low, scale_max=high)
        if weight > 0 and not math.isnan(value):
            total += weight * value
            weight_sum += weight
    return total / weight_sum if weight_sum > 0 else NAN


def roc_auc(labels: Sequence[bool | int | None], scores: Sequence[Rating]) -> float:
    """Area under the ROC curve, as ``sklearn.metrics.roc_auc_score`` (tied scores count half).

    Computed as the Mann–Whitney probability that a positive outscores a negative. Labels are truthy
    (positive) or falsy; pairs with a missing label or score drop out; one class only gives ``nan``.
    """
    if len(labels) != len(scores):
        raise ValueError(f"labels and scores differ in length: {len(labels)} and {len(scores)}")
    kept = [
        (bool(y), s)
        for y, s in zip(labels, map(_present, scores), strict=True)
        if y is not None and s is not None
    ]
    positives = sum(1 for y, _ in kept if y)
    negatives = len(kept) - positives
    if positives == 0 or negatives == 0:
        return NAN
    ranks = _average_ranks([s for _, s in kept])
    rank_sum = math.fsum(r for r, (y, _) in zip(ranks, kept, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


ECE_BINS = 15
"""Bins of the expected calibration error: 15 equal-mass bins, the usual choice in the calibration
literature (equal-width bins leave most of them empty when confidences crowd near one value)."""


def _calibration_pairs(
    confidences: Sequence[Rating], correct: Sequence[bool | int | None]
) -> list[tuple[float, float]]:
    if len(confidences) != len(correct):
        raise ValueError(
            f"confidences and correct differ in length: {len(confidences)} and {len(correct)}"
        )
    kept = [
        (c, 1.0 if y else 0.0)
        for c, y in zip(map(_present, confidences), correct, strict=True)
        if c is not None and y is not None
    ]
    for c, _ in kept:
        if not 0.0 <= c <= 1.0:
            raise ValueError(f"confidence {c} is outside [0, 1]")
    return kept


def reliability_bins(
    confidences: Sequence[Rating],
    correct: Sequence[bool | int | None],
    *,
    bins: int = ECE_BINS,
    binning: str = "mass",
) -> list[tuple[float, float, int]]:
    """(mean confidence, share right, size) per non-empty bin, in confidence order: the points of a
    reliability diagram. `binning` "mass": equal-count bins over the sorted confidences, except that
    equal confidences always share a bin; "width": bin k covers [k/bins, (k+1)/bins), the last also
    takes 1.0."""
    if bins < 1:
        raise ValueError(f"bins must be at least 1, not {bins}")
    if binning not in ("mass", "width"):
        raise ValueError(f"binning must be 'mass' or 'width', not {binning!r}")
    kept = _calibration_pairs(confidences, correct)
    grouped: list[list[tuple[float, float]]]
    if binning == "width":
        grouped = [[] for _ in range(bins)]
        for c, y in kept:
            grouped[min(int(c * bins), bins - 1)].append((c, y))
    else:
        # by confidence alone, and a tie never split: answers with the same confidence are one
        # case, and cutting them by outcome would invent a miscalibration that is not there
        ordered = sorted(kept, key=lambda pair: pair[0])
        count = min(bins, len(ordered))
        grouped = []
        start = 0
        for k in range(count):
            end = max(start, round((k + 1) * len(ordered) / count))
            while 0 < end < len(ordered) and ordered[end][0] == ordered[end - 1][0]:
                end += 1
            if end > start:
                grouped.append(ordered[start:end])
                start = end
    return [
        (_mean([c for c, _ in group]), _mean([y for _, y in group]), len(group))
        for group in grouped
        if group
    ]


def expected_calibration_error(
    confidences: Sequence[Rating],
    correct: Sequence[bool | int | None],
    *,
    bins: int = ECE_BINS,
    binning: str = "mass",
) -> float:
    """ECE: per confidence bin, |share right − mean confidence|, weighted by the bin's share.

    Bins are equal-mass by default (`reliability_bins`); `binning="width"` gives equal-width bins.
    Pairs with a missing confidence or outcome drop out; ``nan`` when none is left. Confidences outside
    [0, 1] raise ``ValueError``.
    """
    return ece_of_bins(reliability_bins(confidences, correct, bins=bins, binning=binning))


def ece_of_bins(points: Sequence[tuple[float, float, int]]) -> float:
    """ECE from `reliability_bins`' points: |share right − mean confidence| weighted by bin size;
    ``nan`` without points."""
    total = sum(size for _, _, size in points)
    if not total:
        return NAN
    return math.fsum(size * abs(right - conf) for conf, right, size in points) / total


def brier_score(probabilities: Sequence[Rating], outcomes: Sequence[bool | int | None]) -> float:
    """Mean squared gap between a probability and what happened (1 or 0): lower is better; 0.25 is
    what always saying 0.5 scores. Pairs with a missing value drop out; ``nan`` when none is left."""
    kept = _calibration_pairs(probabilities, outcomes)
    if not kept:
        return NAN
    return math.fsum((p - y) ** 2 for p, y in kept) / len(kept)

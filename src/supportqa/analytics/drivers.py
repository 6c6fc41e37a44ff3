"""Which criteria move CSAT, repeat contact and handle time, and the scorecard weights that would follow.

A scorecard's weights say what the team believes matters; a regression across conversations says what
actually moves the customer's outcome. One OLS per outcome over the AI reviews (one per conversation),
criterion score_pct as predictors, gives each criterion's effect with a 95% interval; the positive,
outcome-improving standardised effects normalised to 100 are the suggested weights, shown beside the
current ones. Maths and caveats: docs/analytics.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from supportqa.analytics.frame import Frames
from supportqa.errors import InputError

Z95 = 1.959964
OUTCOMES = ("csat", "reopened", "handle_time")
# +1: a higher outcome is better (CSAT); -1: lower is better (repeat contact, handle time).
DIRECTION = {"csat": 1.0, "reopened": -1.0, "handle_time": -1.0}
MODELS = {
    "csat": "OLS on CSAT (1–5)",
    "reopened": "linear probability model (OLS on 0/1 repeat contact)",
    "handle_time": "OLS on log(handle time in seconds)",
}
OUTCOME_COLUMNS = ("csat", "reopened", "handle_time_s")
MIN_N = 30
PER_PREDICTOR = 10
NA_SUFFIX = ":na"


@dataclass(frozen=True)
class CriterionEffect:
    """One criterion's effect on the outcome, holding the other criteria fixed."""

    key: str
    coef: float  # outcome units per score_pct point
    se: float
    ci_low: float
    ci_high: float
    per_10: float  # outcome change per +10 points of the criterion's score
    std_effect: float  # coef × sd(criterion) / sd(outcome)
    std_ci_low: float
    std_ci_high: float
    significant: bool  # the 95% interval excludes 0
    helps: bool  # the point estimate moves the outcome the good way
    mean_score: float
    na_share: float
    na_coef: float | None  # the N/A indicator's effect (outcome units), when the criterion has N/A
    current_weight: float
    current_share: float  # current weight as a share of 100 over the modelled criteria
    suggested_weight: float | None


@dataclass(frozen=True)
class DriverReport:
    outcome: str
    model: str
    n: int
    predictors: int
    r2: float | None
    adj_r2: float | None
    outcome_mean: float | None
    enough_data: bool
    effects: list[CriterionEffect] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def flat(self) -> list[dict[str, object]]:
        """One row per criterion for `--export`."""
        base = {"outcome": self.outcome, "n": self.n, "r2": self.r2}
        return [{**base, **e.__dict__} for e in self.effects]


@dataclass(frozen=True)
class _Fit:
    coef: np.ndarray
    se: np.ndarray
    r2: float
    adj_r2: float
    rank: int
    """Of the design matrix, from the least-squares SVD (no second SVD to test collinearity)."""


def conversation_table(frames: Frames, *, team: str | None = None) -> pl.DataFrame:
    """One row per conversation (its latest AI review): outcomes plus one score_pct column per
    criterion (null where the criterion was N/A, failed or unrated)."""
    reviews = frames.reviews.lazy().filter(pl.col("kind") == "ai")
    if team is not None:
        reviews = reviews.filter(pl.col("team") == team)
    # The latest review per conversation by a group-by and a semi-join, and the criteria picked by
    # a filter (not a join that copies every column): 2x the sort-and-unique on a million reviews,
    # same rows (benchmarks/bench_analytics.py).
    reviews = reviews.select("review_pk", "source", "conversation_id", *OUTCOME_COLUMNS)
    newest = reviews.group_by("source", "conversation_id").agg(pl.col("review_pk").max())
    latest = (
        reviews.join(newest.select("review_pk"), on="review_pk", how="semi")
        .select("review_pk", *OUTCOME_COLUMNS)
        .sort("review_pk")
        .collect()
    )
    scores = (
        frames.criteria.lazy()
        .filter(pl.col("review_pk").is_in(latest["review_pk"].implode()))
        .select(
            "review_pk",
            "key",
            pl.when(pl.col("status") == "rated").then(pl.col("score_pct")).alias("score_pct"),
        )
        .collect()
    )
    if scores.is_empty():
        return latest
    wide = scores.pivot(on="key", index="review_pk", values="score_pct", aggregate_function="first")
    return latest.join(wide, on="review_pk", how="left").sort("review_pk")


def outcome_values(table: pl.DataFrame, outcome: str) -> pl.DataFrame:
    """The rows that have the outcome, with `y` on the modelled scale."""
    if outcome == "csat":
        return table.filter(pl.col("csat").is_not_null()).with_columns(pl.col("csat").alias("y"))
    if outcome == "reopened":
        kept = table.filter(pl.col("reopened").is_not_null())
        return kept.with_columns(pl.col("reopened").cast(pl.Float64).alias("y"))
    kept = table.filter(pl.col("handle_time_s").is_not_null() & (pl.col("handle_time_s") > 0))
    return kept.with_columns(pl.col("handle_time_s").log().alias("y"))


def design(
    rows: pl.DataFrame, keys: list[str]
) -> tuple[np.ndarray, list[str], list[str], list[str]]:
    """The predictor matrix (intercept first): each criterion's score_pct with N/A filled by the
    criterion's mean, plus a 0/1 N/A indicator when some are N/A. Criteria rated on no row or with no
    variance are dropped; an indicator identical to an earlier one is dropped (it would be collinear)."""
    columns: list[np.ndarray] = [np.ones(rows.height)]
    names: list[str] = ["intercept"]
    used: list[str] = []
    dropped: list[str] = []
    for key in keys:
        raw = rows[key].cast(pl.Float64).to_numpy() if key in rows.columns else None
        if raw is None:
            dropped.append(key)
            continue
        missing = np.isnan(raw)
        rated = raw[~missing]
        if rated.size < 2 or float(np.std(rated)) == 0.0:
            dropped.append(key)
            continue
        columns.append(np.where(missing, rated.mean(), raw))
        names.append(key)
        used.append(key)
        if missing.any() and not any(
            n.endswith(NA_SUFFIX) and np.array_equal(c, missing.astype(float))
            for n, c in zip(names, columns, strict=True)
        ):
            columns.append(missing.astype(float))
            names.append(key + NA_SUFFIX)
    return np.column_stack(columns), names, used, dropped


def ols(x: np.ndarray, y: np.ndarray) -> _Fit:
    """Least squares with heteroskedasticity-robust (HC1) standard errors: a 0/1 outcome (linear
    probability model) has unequal variances by construction, and HC1 costs nothing for the others."""
    n, k = x.shape
    coef, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    bread = np.linalg.pinv(x.T @ x)
    meat = (x * resid[:, None] ** 2).T @ x
    cov = bread @ meat @ bread * n / (n - k)
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else 0.0
    adj = 1.0 - (1.0 - r2) * (n - 1) / (n - k)
    return _Fit(coef, np.sqrt(np.clip(np.diag(cov), 0.0, None)), r2, adj, int(rank))


def current_weights(frames: Frames) -> dict[str, float]:
    """Each criterion's weight on the scorecard (mean over the AI criterion rows)."""
    crit = frames.of_kind("ai").criteria
    if crit.is_empty() or "weight" not in crit.columns:
        return {}
    table = crit.group_by("key").agg(pl.col("weight").mean())
    return {str(k): float(w or 0.0) for k, w in table.iter_rows()}


def _empty(outcome: str, n: int, notes: list[str]) -> DriverReport:
    return DriverReport(outcome, MODELS[outcome], n, 0, None, None, None, False, notes=notes)


def drivers(
    frames: Frames,
    *,
    outcome: str = "csat",
    team: str | None = None,
    with_cx_inputs: bool = False,
) -> DriverReport:
    """Each IQS criterion's effect on one outcome, with 95% intervals and suggested weights.

    Weight-0 criteria (the CX inputs: customer sentiment, effort) describe the customer, not the agent,
    and sit between the agent's work and the outcome; controlling for them would hide the agent's
    effect, so they are left out unless `with_cx_inputs` (then they are controls, never weighted)."""
    if outcome not in OUTCOMES:
        raise InputError(f"unknown outcome {outcome!r}: use one of {', '.join(OUTCOMES)}")
    table = conversation_table(frames, team=team)
    weights = current_weights(frames)
    known = sorted(weights) if weights else sorted(set(frames.criteria["key"].to_list()))
    keys = [k for k in known if with_cx_inputs or weights.get(k, 1.0) > 0]
    rows = outcome_values(table, outcome)
    if rows.is_empty():
        where = f" in team {team!r}" if team else ""
        return _empty(outcome, 0, [f"no AI-reviewed conversation{where} has a {outcome} value"])
    y = rows["y"].to_numpy().astype(float)
    x, names, used, dropped = design(rows, keys)
    n, k = x.shape
    if not used or n <= k + 1 or float(np.std(y)) == 0.0:
        why = "the outcome never varies" if float(np.std(y)) == 0.0 else "too few conversations"
        return _empty(outcome, n, [f"cannot fit: {why} (n={n}, {k - 1} predictors)"])
    fit = ols(x, y)
    notes: list[str] = []
    if fit.rank < k:
        notes.append("predictors are collinear: some effects are not separately identified")
    enough = n >= max(MIN_N, PER_PREDICTOR * (k - 1))
    if not enough:
        notes.append(
            f"too few conversations for {k - 1} predictors (n={n}; want ≥ "
            f"{max(MIN_N, PER_PREDICTOR * (k - 1))}): effects are shown, weights are not suggested"
        )
    if dropped:
        notes.append(f"not modelled (never rated or constant): {', '.join(dropped)}")
    effects = _effects(rows, x, y, names, used, fit, weights, outcome, enough)
    return DriverReport(
        outcome=outcome,
        model=MODELS[outcome],
        n=n,
        predictors=k - 1,
        r2=fit.r2,
        adj_r2=fit.adj_r2,
        outcome_mean=float(y.mean()),
        enough_data=enough,
        effects=effects,
        dropped=dropped,
        notes=notes,
    )


def _effects(
    rows: pl.DataFrame,
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    used: list[str],
    fit: _Fit,
    weights: dict[str, float],
    outcome: str,
    enough: bool,
) -> list[CriterionEffect]:
    sign = DIRECTION[outcome]
    sd_y = float(np.std(y, ddof=1))
    benefit: dict[str, float] = {}
    stats: dict[str, tuple[float, float, float, float, float | None]] = {}
    for key in used:
        j = names.index(key)
        raw = rows[key].cast(pl.Float64).to_numpy()
        scale = float(np.std(x[:, j], ddof=1)) / sd_y if sd_y > 0 else 0.0
        na_j = names.index(key + NA_SUFFIX) if key + NA_SUFFIX in names else None
        na_coef = None if na_j is None else float(fit.coef[na_j])
        std = float(fit.coef[j]) * scale
        benefit[key] = max(0.0, sign * std) if weights.get(key, 1.0) > 0 else 0.0
        stats[key] = (scale, float(np.nanmean(raw)), float(np.isnan(raw).mean()), std, na_coef)
    total_current = sum(weights.get(key, 0.0) for key in used)
    total_benefit = sum(benefit.values())
    effects = []
    for key in used:
        j = names.index(key)
        coef, se = float(fit.coef[j]), float(fit.se[j])
        scale, mean, na_share, std, na_coef = stats[key]
        low, high = coef - Z95 * se, coef + Z95 * se
        suggested = None
        if enough:
            suggested = 100.0 * benefit[key] / total_benefit if total_benefit > 0 else 0.0
            suggested = suggested if weights.get(key, 1.0) > 0 else None
        current = weights.get(key, 0.0)
        effects.append(
            CriterionEffect(
                key=key,
                coef=coef,
                se=se,
                ci_low=low,
                ci_high=high,
                per_10=10.0 * coef,
                std_effect=std,
                std_ci_low=low * scale,
                std_ci_high=high * scale,
                significant=low > 0 or high < 0,
                helps=sign * coef > 0,
                mean_score=mean,
                na_share=na_share,
                na_coef=na_coef,
                current_weight=current,
                current_share=100.0 * current / total_current if total_current > 0 else 0.0,
                suggested_weight=suggested,
            )
        )
    return sorted(effects, key=lambda e: -sign * e.std_effect)


def percent_change(log_effect: float) -> float:
    """A log-scale effect (handle time) as a percentage change."""
    return 100.0 * (math.exp(log_effect) - 1.0)

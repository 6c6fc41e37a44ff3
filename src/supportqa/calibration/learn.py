"""Fit a criterion or CX model to human ratings, measure it honestly, and decide whether to use it.

The model is ridge regression on standardised features with an isotonic map onto the rating scale:
linear models on a few hundred reviews generalise; the isotonic step turns a raw score into the
team's scale without assuming its spacing. Ridge's penalty is chosen by efficient leave-one-out on
the training data only, and the isotonic map is fitted on inner out-of-fold scores, so nested
cross-validation (`cross_validate`) gives out-of-fold predictions no fold has seen. `decide` compares
those with the zero-shot scorer on the same conversations and accepts the model only when a paired
bootstrap says it is better (the interval of the difference lies above 0).

scikit-learn (the `learn` extra) is needed to fit; the fitted model is plain arrays
(`supportqa.models.linear.LinearModel`, below the scorers that predict with it), so scoring with it
needs only numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from supportqa.errors import ConfigError, InputError
from supportqa.models.linear import LinearModel

ALPHAS = tuple(float(a) for a in np.logspace(-1, 5, 13))
"""Ridge penalties searched inside each training set."""
MIN_REVIEWS = 30
"""Below this many rated conversations a model is not fitted: its figures would be noise."""

Array = np.ndarray


def _sklearn() -> Any:
    try:
        import sklearn  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ConfigError("training needs scikit-learn: pip install 'supportqa[learn]'") from None
    from sklearn import isotonic, linear_model, model_selection

    return linear_model, isotonic, model_selection


def fit(
    x: Array, y: Array, *, low: float, high: float, seed: int = 0, unpenalised: int = 0
) -> LinearModel:
    """Fit on all of (x, y): penalty by leave-one-out, isotonic map on 3-fold out-of-fold scores.

    The first `unpenalised` columns (the zero-shot rating) are fitted by least squares first and the
    ridge learns only what they leave unexplained, so a thousand embedding dimensions cannot shrink
    away the one feature that already works.
    """
    linear_model, isotonic, model_selection = _sklearn()
    if len(y) < 6:
        raise InputError(f"cannot fit a model on {len(y)} ratings; at least 6 are needed")
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    k = unpenalised
    folds = model_selection.KFold(n_splits=3, shuffle=True, random_state=seed)

    def two_stage(
        zt: Array, yt: Array, alpha: float | None, residual_model: bool = True
    ) -> tuple[Array, float, float]:
        first = np.zeros(k)
        intercept = float(yt.mean())
        if k:
            ols = linear_model.LinearRegression().fit(zt[:, :k], yt)
            first, intercept = np.asarray(ols.coef_, dtype=float), float(ols.intercept_)
        residual = yt - (zt[:, :k] @ first + intercept)
        if not residual_model:
            return np.concatenate([first, np.zeros(zt.shape[1] - k)]), intercept, math.inf
        if alpha is None:
            ridge = linear_model.RidgeCV(alphas=ALPHAS).fit(zt[:, k:], residual)
        else:
            ridge = linear_model.Ridge(alpha=alpha).fit(zt[:, k:], residual)
        coef = np.concatenate([first, np.asarray(ridge.coef_, dtype=float)])
        chosen = float(ridge.alpha_) if alpha is None else alpha
        return coef, intercept + float(ridge.intercept_), chosen

    coef, intercept, alpha = two_stage(z, y, None)
    inner = np.empty(len(y))
    plain = np.empty(len(y))
    for train, test in folds.split(z):
        c, b, _ = two_stage(z[train], y[train], alpha)
        inner[test] = z[test] @ c + b
        if k:
            c, b, _ = two_stage(z[train], y[train], None, residual_model=False)
            plain[test] = z[test] @ c + b
    if k and _not_worse(plain, inner, y):
        # The other features only shuffle the ranking here: keep the recalibrated zero-shot rating.
        coef, intercept, alpha = two_stage(z, y, None, residual_model=False)
        inner = plain
    iso = isotonic.IsotonicRegression(y_min=low, y_max=high, out_of_bounds="clip").fit(inner, y)
    return LinearModel(
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
        iso_x=np.asarray(iso.X_thresholds_, dtype=float),
        iso_y=np.asarray(iso.y_thresholds_, dtype=float),
        alpha=alpha,
        low=low,
        high=high,
    )


def _not_worse(plain: Array, richer: Array, y: Array) -> bool:
    """Model choice on the figure we report (rank agreement), within the training data."""
    a, b = spearman(plain, y), spearman(richer, y)
    return math.isnan(b) or (not math.isnan(a) and a >= b)


def cross_validate(
    x: Array,
    y: Array,
    *,
    low: float,
    high: float,
    folds: int = 5,
    seed: int = 0,
    train_size: int | None = None,
    unpenalised: int = 0,
    on_fold: Callable[[], None] | None = None,
) -> Array:
    """Out-of-fold predictions from nested cross-validation: every prediction comes from a model
    that never saw that conversation, with its penalty and isotonic map chosen inside its fold.

    ``train_size`` subsamples each training fold (seeded) for a learning curve.
    """
    _, _, model_selection = _sklearn()
    if len(y) < max(folds, MIN_REVIEWS):
        raise InputError(
            f"{len(y)} rated conversations are too few for {folds}-fold cross-validation "
            f"(need at least {max(folds, MIN_REVIEWS)})"
        )
    out = np.empty(len(y))
    rng = np.random.default_rng(seed)
    splitter = model_selection.KFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(x):
        if train_size is not None and train_size < len(train):
            train = rng.choice(train, size=train_size, replace=False)
        model = fit(x[train], y[train], low=low, high=high, seed=seed, unpenalised=unpenalised)
        out[test] = model.predict(x[test])
        if on_fold:
            on_fold()
    return out


def spearman(a: Array, b: Array) -> float:
    """Spearman's rho with average ranks for ties; ``nan`` when either side is constant."""
    from scipy.stats import rankdata

    ra, rb = rankdata(a), rankdata(b)
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


@dataclass
class Figure:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float | None]:
        def clean(v: float) -> float | None:
            return None if math.isnan(v) else round(v, 4)

        return {"value": clean(self.value), "low": clean(self.low), "high": clean(self.high)}


@dataclass
class Decision:
    """Zero-shot (before) vs trained (after) on the same conversations, and whether to switch."""

    n: int
    before: Figure
    after: Figure
    difference: Figure
    accepted: bool
    reason: str
    extra: dict[str, float] = field(default_factory=dict)


def _interval(values: Sequence[float]) -> tuple[float, float]:
    kept = np.array([v for v in values if not math.isnan(v)])
    if not len(kept):
        return float("nan"), float("nan")
    return float(np.quantile(kept, 0.025)), float(np.quantile(kept, 0.975))


def decide(
    y: Array, before: Array, after: Array, *, resamples: int = 1000, seed: int = 0
) -> Decision:
    """Spearman ρ of each side with the human ratings, with paired-bootstrap 95% intervals; the
    trained model is accepted only when the interval of ρ(after) − ρ(before) lies above 0."""
    rng = np.random.default_rng(seed)
    n = len(y)
    b0, a0 = spearman(before, y), spearman(after, y)
    bs: list[float] = []
    as_: list[float] = []
    ds: list[float] = []
    for _ in range(resamples):
        idx = rng.integers(0, n, n)
        b, a = spearman(before[idx], y[idx]), spearman(after[idx], y[idx])
        bs.append(b)
        as_.append(a)
        ds.append(a - b)
    before_fig = Figure(b0, *_interval(bs))
    after_fig = Figure(a0, *_interval(as_))
    diff = Figure(a0 - b0, *_interval(ds))
    if math.isnan(a0):
        accepted, reason = False, "the trained model's predictions are constant"
    elif math.isnan(b0):
        accepted = after_fig.low > 0
        reason = "the zero-shot scorer gives one value throughout; the trained model ranks" + (
            "" if accepted else ", but its interval includes 0"
        )
    elif diff.low > 0:
        accepted, reason = (
            True,
            f"better: Δρ {diff.value:+.3f} ({diff.low:+.3f} to {diff.high:+.3f})",
        )
    elif diff.high < 0:
        accepted = False
        reason = f"worse: Δρ {diff.value:+.3f} ({diff.low:+.3f} to {diff.high:+.3f})"
    else:
        accepted = False
        reason = (
            f"not clearly better: Δρ {diff.value:+.3f} ({diff.low:+.3f} to {diff.high:+.3f}), "
            "the interval includes 0"
        )
    return Decision(n, before_fig, after_fig, diff, accepted, reason)

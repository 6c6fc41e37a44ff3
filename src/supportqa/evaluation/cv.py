"""`supportqa eval --mode cv5`: how well a model trained on people's ratings agrees with people.

Each dataset is split into five folds; a model (the one `supportqa train` fits: zero-shot value
first, then signals and embeddings; penalty and isotonic map chosen inside the training folds) is
fitted on four and predicts the fifth, so every figure is out-of-fold. Beside it: the zero-shot
scorer on the same conversations, and a learning curve (50, 100, 200, 500, all training reviews) that
tells a team how many reviews it needs. STC-3 is used whole (cross-validation is its own hold-out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from supportqa.calibration.learn import cross_validate, decide, spearman
from supportqa.evaluation import baselines as B
from supportqa.evaluation.base import LabelledConversation
from supportqa.evaluation.predictions import Prediction
from supportqa.evaluation.report import EvalReport, EvalRow
from supportqa.models.features import Features
from supportqa.models.trained import design_matrix

FOLDS = 5
CURVE_SIZES = (50, 100, 200, 500)
CV_GOAL = 0.75
"""Issue goal for trained CX on every dataset (near two halves of STC-3's 19 annotators, 0.80)."""


@dataclass(frozen=True)
class Pairing:
    ours: str
    human: str
    label: str
    low: float
    high: float
    base: Callable[[Prediction], float]
    keyword: Callable[[LabelledConversation], float] | None = None
    goal: float | None = None


def _cx(p: Prediction) -> float:
    return p.cx_value


def _resolved(p: Prediction) -> float:
    return p.p_resolved


def _sat(i: LabelledConversation) -> float:
    return B.keyword_satisfaction(i.conversation)


def _res(i: LabelledConversation) -> float:
    return B.keyword_resolution(i.conversation)


PAIRINGS: dict[str, list[Pairing]] = {
    "stc3": [
        Pairing(
            "CX value (trained)", "S (satisfaction, mean of 19)", "S", -2, 2, _cx, _sat, CV_GOAL
        ),
        Pairing("resolution (trained)", "A (task accomplishment)", "A", -2, 2, _resolved, _res),
    ],
    "ab-redial": [
        Pairing("CX value (trained)", "overall (1–5)", "overall", 1, 5, _cx, _sat, CV_GOAL),
        Pairing(
            "resolution (trained)",
            "task completion (1–3)",
            "task_completion",
            1,
            3,
            _resolved,
            _res,
        ),
        Pairing(
            "comprehension (trained)",
            "understanding (1–3)",
            "understanding",
            1,
            3,
            lambda p: -p.misunderstood,
            lambda i: B.keyword_comprehension(i.conversation),
        ),
        Pairing(
            "effort (trained)",
            "efficiency (0/1, mean)",
            "efficiency",
            0,
            1,
            lambda p: p.effort,
            lambda i: B.keyword_effort(i.conversation),
        ),
    ],
}
USS_PAIRING = Pairing(
    "CX value (trained)", "OVERALL satisfaction", "overall", 1, 5, _cx, _sat, CV_GOAL
)


def pairings_for(dataset: str) -> list[Pairing]:
    return PAIRINGS.get(dataset, [USS_PAIRING] if dataset.startswith("uss-") else [])


def one_annotator(
    items: Sequence[LabelledConversation], label: str, keep: Sequence[int], draws: int = 20
) -> float | None:
    """Spearman ρ of one annotator (drawn at random per conversation) with the mean of the others,
    averaged over draws: the agreement a single reviewer reaches, for datasets whose conversations
    have different numbers of annotators."""
    rng = np.random.default_rng(0)
    rated = [items[k].annotations.get(label, []) for k in keep]
    usable = [r for r in rated if len(r) >= 2]
    if len(usable) < 10:
        return None
    values = []
    for _ in range(draws):
        picks = [int(rng.integers(len(r))) for r in usable]
        one = np.array([r[i] for r, i in zip(usable, picks, strict=True)])
        rest = np.array(
            [(sum(r) - r[i]) / (len(r) - 1) for r, i in zip(usable, picks, strict=True)]
        )
        values.append(spearman(one, rest))
    return float(np.nanmean(values))


def cv_rows(
    report: EvalReport,
    dataset: str,
    items: Sequence[LabelledConversation],
    preds: Sequence[Prediction],
    features: Features,
    *,
    resamples: int,
    learning_curve: bool = True,
) -> None:
    """Out-of-fold rows for every pairing of `dataset`, then its learning curve rows."""
    for pairing in pairings_for(dataset):
        keep = [k for k, item in enumerate(items) if item.labels.get(pairing.label) is not None]
        if len(keep) < 2 * FOLDS:
            continue
        y = np.array([float(items[k].labels[pairing.label] or 0.0) for k in keep])
        before = np.array([pairing.base(preds[k]) for k in keep])
        subset = features.rows(keep)
        x = design_matrix(before, subset)
        args = {"low": pairing.low, "high": pairing.high, "folds": FOLDS, "unpenalised": 1}
        oof = cross_validate(x, y, **args)  # type: ignore[arg-type]
        decision = decide(y, before, oof, resamples=resamples)
        vader = np.array([B.vader_last_customer(items[k].conversation) for k in keep])
        keyword = np.array([pairing.keyword(items[k]) for k in keep]) if pairing.keyword else None
        report.rows.append(
            EvalRow(
                dataset=dataset,
                split="cv5",
                ours=pairing.ours,
                human=pairing.human,
                metric="spearman",
                n=len(y),
                value=decision.after.value,
                ci_low=decision.after.low,
                ci_high=decision.after.high,
                zero_shot=decision.before.value,
                keyword=None if keyword is None else spearman(keyword, y),
                vader=spearman(vader, y),
                goal=pairing.goal,
                human_ceiling=one_annotator(items, pairing.label, keep),
            )
        )
        if learning_curve and pairing.goal is not None:
            _curve(report, dataset, pairing, x, y, oof)


def _curve(
    report: EvalReport,
    dataset: str,
    pairing: Pairing,
    x: np.ndarray,
    y: np.ndarray,
    oof: np.ndarray,
) -> None:
    usable = len(y) * (FOLDS - 1) // FOLDS
    points: dict[str, float] = {}
    for size in CURVE_SIZES:
        if size >= usable:
            break
        predicted = cross_validate(
            x, y, low=pairing.low, high=pairing.high, folds=FOLDS, unpenalised=1, train_size=size
        )
        points[str(size)] = spearman(predicted, y)
    points[str(usable)] = spearman(oof, y)
    report.curves[dataset] = points

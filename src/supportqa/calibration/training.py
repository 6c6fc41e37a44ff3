"""`supportqa train`: learn per-criterion and CX models from the team's human reviews in the database.

For every criterion the scorecard scores, the training set is the conversations both the AI and at
least one person rated; the target is the reviewers' mean rating and the model starts from the AI's
rating. CX learns the reviewers' own `cx` judgements when at least `MIN_REVIEWS` exist, else the
customers' CSAT. Each target gets nested cross-validation, a before/after comparison with intervals,
and an accept/refuse decision; accepted models are saved as new versions next to the database.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from supportqa.calibration.ai_vs_human import csat_on_five
from supportqa.calibration.learn import MIN_REVIEWS, Decision, cross_validate, decide, fit, spearman
from supportqa.calibration.reference import ConversationKey, HumanReference, review_ratings
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.models.artefacts import (
    LinearParams,
    ModelArtefact,
    next_version,
    now,
    save_artefact,
)
from supportqa.models.embeddings import make_encoder_name
from supportqa.models.features import FEATURE_VERSION, Features
from supportqa.models.markers import effective_detectors
from supportqa.models.trained import base_columns, design_matrix
from supportqa.signals.analysis import Analysis

Array = np.ndarray
LEARNING_CURVE_SIZES = (50, 100, 200, 500)


@dataclass
class TrainingSet:
    """One target's rows: human reference `y`, the zero-shot value `before`, their feature rows."""

    target: str
    reference: str
    low: float
    high: float
    rows: list[int]
    y: Array
    before: Array
    base: Array


@dataclass
class TargetResult:
    target: str
    reference: str
    n: int
    decision: Decision | None = None
    skipped: str | None = None
    learning_curve: dict[str, float | None] = field(default_factory=dict)
    model_path: str | None = None
    model_sha256: str | None = None
    version: int | None = None

    @property
    def accepted(self) -> bool:
        return self.decision is not None and self.decision.accepted and self.skipped is None

    def as_dict(self) -> dict[str, object]:
        d = self.decision
        return {
            "target": self.target,
            "reference": self.reference,
            "n": self.n,
            "accepted": self.accepted,
            "skipped": self.skipped,
            "reason": d.reason if d else self.skipped,
            "before": d.before.as_dict() if d else None,
            "after": d.after.as_dict() if d else None,
            "difference": d.difference.as_dict() if d else None,
            "learning_curve": self.learning_curve,
            "model_path": self.model_path,
            "model_sha256": self.model_sha256,
            "version": self.version,
        }


def csat_on_cx_scale(conversation: Conversation) -> float | None:
    """CSAT mapped linearly onto 1–5 (its scale's 1 → 1, its top → 5)."""
    if conversation.csat is None:
        return None
    return csat_on_five(conversation.csat, conversation.csat_scale)


def training_sets(
    scorecard: Scorecard,
    ai: Sequence[Review],
    humans: Sequence[HumanReference],
    conversations: Sequence[Conversation],
    targets: Sequence[str] | None = None,
) -> tuple[list[TrainingSet], list[TargetResult]]:
    """Rows per target (aligned with the given, equally ordered sequences) and the targets skipped."""
    sets: list[TrainingSet] = []
    skipped: list[TargetResult] = []
    wanted = set(targets) if targets else None
    ai_ratings = [review_ratings(review, tentative=True) for review in ai]
    for criterion in scorecard.criteria:
        if wanted is not None and criterion.key not in wanted:
            continue
        if criterion.human_only:
            continue
        low, high = criterion.scale.min, criterion.scale.max
        rows, y, before = [], [], []
        for index, (ratings, human) in enumerate(zip(ai_ratings, humans, strict=True)):
            value, target = ratings.get(criterion.key), human.ratings.get(criterion.key)
            if value is not None and target is not None:
                rows.append(index)
                y.append(target)
                before.append(value)
        _add(sets, skipped, criterion.key, "human ratings", low, high, rows, y, before)
    if wanted is None or "cx" in wanted:
        for reference in ("human cx", "csat"):
            rows, y, before = [], [], []
            for index, (review, human, conversation) in enumerate(
                zip(ai, humans, conversations, strict=True)
            ):
                target = human.cx if reference == "human cx" else csat_on_cx_scale(conversation)
                if review.cx is not None and target is not None:
                    rows.append(index)
                    y.append(target)
                    before.append(review.cx.value)
            if len(rows) >= MIN_REVIEWS or reference == "csat":
                _add(sets, skipped, "cx", reference, 1.0, 5.0, rows, y, before)
                break
    return sets, skipped


def _add(
    sets: list[TrainingSet],
    skipped: list[TargetResult],
    target: str,
    reference: str,
    low: float,
    high: float,
    rows: list[int],
    y: list[float],
    before: list[float],
) -> None:
    if len(rows) < MIN_REVIEWS:
        skipped.append(
            TargetResult(
                target,
                reference,
                len(rows),
                skipped=f"{len(rows)} conversations rated by both the AI and people; "
                f"{MIN_REVIEWS} are needed",
            )
        )
        return
    before_arr = np.array(before, dtype=float)
    as_list: list[float | None] = list(before)
    base = before_arr.reshape(-1, 1) if target == "cx" else base_columns(as_list, low, high)
    sets.append(
        TrainingSet(target, reference, low, high, rows, np.array(y, float), before_arr, base)
    )


def evaluate_target(
    training: TrainingSet,
    features: Features,
    *,
    folds: int = 5,
    seed: int = 0,
    resamples: int = 1000,
    learning_curve: bool = False,
    on_fold: Callable[[], None] | None = None,
) -> tuple[TargetResult, Array]:
    """Nested cross-validation, the before/after decision and (optionally) the learning curve."""
    x = design_matrix(training.base, features.rows(training.rows))
    args = {
        "low": training.low,
        "high": training.high,
        "folds": folds,
        "seed": seed,
        "unpenalised": training.base.shape[1],
    }
    oof = cross_validate(x, training.y, on_fold=on_fold, **args)
    result = TargetResult(training.target, training.reference, len(training.y))
    result.decision = decide(training.y, training.before, oof, resamples=resamples, seed=seed)
    if learning_curve:
        for size in LEARNING_CURVE_SIZES:
            usable = len(training.y) * (folds - 1) // folds
            if size >= usable:
                break
            curve = cross_validate(x, training.y, train_size=size, **args)
            result.learning_curve[str(size)] = _clean(spearman(curve, training.y))
        result.learning_curve["all"] = _clean(spearman(oof, training.y))
    return result, x


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def save_model(
    training: TrainingSet,
    result: TargetResult,
    x: Array,
    scorecard: ScorecardRef,
    directory: Path,
    *,
    seed: int = 0,
) -> None:
    """Fit on every row and write the next version of this target's model."""
    model = fit(
        x,
        training.y,
        low=training.low,
        high=training.high,
        seed=seed,
        unpenalised=training.base.shape[1],
    )
    decision = result.decision
    artefact = ModelArtefact(
        target=training.target,
        version=next_version(directory, scorecard.name, training.target),
        scorecard=scorecard,
        feature_version=FEATURE_VERSION,
        encoder=make_encoder_name(),
        reference=training.reference,
        n_reviews=len(training.y),
        trained_at=now(),
        figures=result.as_dict() if decision else {},
        params=LinearParams.of(model),
    )
    path, sha = save_artefact(directory, artefact)
    result.model_path, result.model_sha256, result.version = str(path), sha, artefact.version


def analyses(conversations: Sequence[Conversation], scorecard: Scorecard) -> list[Analysis]:
    detectors = effective_detectors(scorecard.detectors)
    return [Analysis(c, detectors) for c in conversations]


def pair_keys(
    ai: dict[ConversationKey, Review], humans: dict[ConversationKey, HumanReference]
) -> list[ConversationKey]:
    """Conversations with an AI review and a human reference, in a stable order."""
    return sorted(set(ai) & set(humans))

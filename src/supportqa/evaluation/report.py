"""The shape of an `eval` result: one row per (dataset, pairing, metric), ours beside the references."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, Field

from supportqa.evaluation.regression import CriterionAccuracy

Metric = Literal[
    "spearman", "qwk", "auc", "ece", "brier", "exact", "share gap", "precision", "recall"
]

METRIC_TITLES: dict[str, str] = {
    "spearman": "Spearman ρ",
    "qwk": "QWK",
    "auc": "AUC",
    "ece": "ECE (lower is better)",
    "brier": "Brier (lower is better)",
    "exact": "exact agreement",
    "share gap": "share flagged − share true",
    "precision": "precision",
    "recall": "recall",
}


class EvalRow(BaseModel):
    dataset: str
    split: str | None = None
    ours: str
    """What supportqa produced, e.g. "CX value"."""
    human: str
    """What people said, e.g. "S (satisfaction, mean of 19)"."""
    metric: Metric
    n: int
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    keyword: float | None = None
    vader: float | None = None
    human_ceiling: float | None = None
    goal: float | None = None
    zero_shot: float | None = None
    """In cv5 mode: the zero-shot scorer on the same conversations."""

    @property
    def lower_is_better(self) -> bool:
        return self.metric in ("ece", "brier")

    @property
    def meets_goal(self) -> bool | None:
        """At or above the goal; at or below it for the error measures (ECE, Brier); within ± the
        goal for a share gap."""
        if self.goal is None or self.value is None:
            return None
        if self.metric == "share gap":  # the goal is a tolerance either way
            return abs(self.value) <= self.goal
        if self.lower_is_better:
            return self.value <= self.goal
        return self.value >= self.goal

    @property
    def beats_keyword(self) -> bool | None:
        if self.keyword is None or self.value is None or math.isnan(self.keyword):
            return None
        return self.value < self.keyword if self.lower_is_better else self.value > self.keyword

    @property
    def beats_vader(self) -> bool | None:
        if self.vader is None or self.value is None or math.isnan(self.vader):
            return None
        return self.value < self.vader if self.lower_is_better else self.value > self.vader

    def as_json(self) -> dict[str, object]:
        data = self.model_dump(mode="json")
        data["meets_goal"] = self.meets_goal
        data["beats_keyword"] = self.beats_keyword
        data["beats_vader"] = self.beats_vader
        return data


class DatasetSummary(BaseModel):
    dataset: str
    conversations: int
    split: str | None = None
    flagged_share: float | None = None
    """Share of conversations with CX 1–3 (recommended for human review)."""


class EvalReport(BaseModel):
    mode: str = "zero-shot"
    scorecard: str
    rows: list[EvalRow] = Field(default_factory=list)
    datasets: list[DatasetSummary] = Field(default_factory=list)
    seconds: float = 0.0
    bootstrap: int = 1000
    curves: dict[str, dict[str, float]] = Field(default_factory=dict)
    """cv5 learning curves: per dataset, Spearman ρ by number of training reviews."""
    regression: list[CriterionAccuracy] = Field(default_factory=list)
    """The regression corpus: per criterion, accuracy against the reference labels."""
    regression_split: str | None = None
    reliability: dict[str, list[tuple[float, float, int]]] = Field(default_factory=dict)
    """Reliability-diagram points (mean confidence, share right, size) per calibrated figure: the
    STC-3 resolution probability and, on the regression corpus, each criterion's confidence."""

    def as_json(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "scorecard": self.scorecard,
            "seconds": round(self.seconds, 1),
            "bootstrap": self.bootstrap,
            "datasets": [d.model_dump(mode="json") for d in self.datasets],
            "rows": [r.as_json() for r in self.rows],
            "curves": self.curves,
            "reliability": {k: [list(p) for p in v] for k, v in self.reliability.items()},
            **(
                {
                    "regression": {
                        "split": self.regression_split,
                        "criteria": [r.model_dump(mode="json") for r in self.regression],
                    }
                }
                if self.regression
                else {}
            ),
        }

    def find(self, dataset: str, ours: str, metric: str) -> EvalRow | None:
        return next(
            (
                r
                for r in self.rows
                if r.dataset == dataset and r.ours == ours and r.metric == metric
            ),
            None,
        )

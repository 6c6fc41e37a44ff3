"""The typed report of `supportqa calibrate` (AI vs human): what the table and `--json` show.

The maths is in `calibration.ai_vs_human`; these are its inputs (`CompareOptions`) and outputs. Every
figure that cannot be computed (no pairs, a constant side for Spearman) is ``None``, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from supportqa.domain.review import ScorecardRef
from supportqa.errors import InputError

Metric = Literal["kappa", "alpha", "alignment", "spearman", "exact"]
Verdict = Literal["trusted", "untrusted", "insufficient", "human-only"]
CxReference = Literal["human", "csat", "human+csat", "none"]
METRICS: tuple[Metric, ...] = ("kappa", "alpha", "alignment", "spearman", "exact")
DEFAULT_THRESHOLDS: dict[Metric, float] = {
    "kappa": 0.6,
    "alpha": 0.667,
    "alignment": 0.85,
    "spearman": 0.6,
    "exact": 0.8,
}
"""Kappa 0.6: "substantial" (Landis & Koch); alpha 0.667: Krippendorff's floor for tentative
conclusions; alignment 0.85: a common QA-team target; Spearman 0.6: a strong rank correlation;
exact 0.8: four ratings in five identical."""

__all__ = [
    "DEFAULT_THRESHOLDS",
    "METRICS",
    "CalibrationReport",
    "CompareOptions",
    "Counts",
    "CriterionAgreement",
    "CxAgreement",
    "CxReference",
    "Disagreement",
    "Estimate",
    "IqsAgreement",
    "Metric",
    "NaAgreement",
    "Verdict",
    "VerdictRule",
]


class Estimate(BaseModel):
    """A figure with its bootstrap 95% interval (bounds ``None`` when not bootstrapped)."""

    value: float | None
    low: float | None = None
    high: float | None = None


class NaAgreement(BaseModel):
    """How the two sides used N/A, over conversations where both said something (rated or N/A)."""

    judged: int = 0
    both_rated: int = 0
    both_na: int = 0
    ai_na_human_rated: int = 0
    human_na_ai_rated: int = 0
    agreement: float | None = None
    """Share of judged conversations where both rated or both said N/A."""
    ai_na_human_rated_share: float | None = None
    human_na_ai_rated_share: float | None = None


class Disagreement(BaseModel):
    """One conversation where the AI and the human consensus differ, with what the AI said."""

    source: str
    conversation_id: str
    ai_rating: float
    human_mean: float
    difference: float
    """AI − human mean: positive = the AI was more lenient."""
    reviewers: list[str]
    human_ratings: dict[str, float | None]
    explanation: str
    evidence_quote: str | None = None
    evidence_message_index: int | None = None


class CriterionAgreement(BaseModel):
    """Agreement on one criterion, and whether the AI can be trusted to rate it."""

    key: str
    name: str
    group: str
    weight: float
    scale_min: float
    scale_max: float
    human_only: bool
    n_pairs: int
    ai_mean: float | None = None
    human_mean: float | None = None
    exact: float | None = None
    within_one: float | None = None
    kappa: float | None = None
    kappa_weights: Literal["quadratic", "unweighted"]
    alpha: float | None = None
    spearman: float | None = None
    mae: float | None = None
    bias: float | None = None
    """AI − human mean, in scale points: positive = AI too lenient, negative = too harsh."""
    bias_word: str
    verdict_metric: Estimate
    alignment: Estimate
    na: NaAgreement
    out_of_scale: int = 0
    """Pairs left out because a rating lies outside this scorecard's scale."""
    confusion: list[list[int]] = Field(default_factory=list)
    """Rows: AI rating; columns: rounded human mean; both in `scale_points` order."""
    verdict: Verdict
    verdict_reason: str
    disagreements: list[Disagreement] = Field(default_factory=list)


class IqsAgreement(BaseModel):
    """AI IQS vs human IQS (0–100) on the conversations both sides scored."""

    n: int
    ai_mean: float | None = None
    human_mean: float | None = None
    spearman: Estimate
    mae: float | None = None
    bias: float | None = None
    bias_word: str
    alignment: Estimate


class CxAgreement(BaseModel):
    """AI CX value vs the human CX consensus, else the customer's CSAT on 1–5."""

    n: int
    reference: CxReference
    n_human: int = 0
    n_csat: int = 0
    ai_mean: float | None = None
    reference_mean: float | None = None
    spearman: Estimate
    mae: float | None = None
    bias: float | None = None
    bias_word: str
    alignment: Estimate
    flagged: int = 0
    """AI CX 1–3 (recommended for review) among the compared conversations."""
    flagged_also_low: int = 0
    flagged_also_low_share: float | None = None


class VerdictRule(BaseModel):
    metric: Metric
    threshold: float
    min_pairs: int
    bootstrap: int
    seed: int
    confidence: float = 0.95


class Counts(BaseModel):
    ai_conversations: int
    human_reviews: int
    human_conversations: int
    overlapping: int


class CalibrationReport(BaseModel):
    """Everything `supportqa calibrate` prints, table or JSON."""

    scorecard: ScorecardRef
    rule: VerdictRule
    counts: Counts
    criteria: list[CriterionAgreement]
    iqs: IqsAgreement
    cx: CxAgreement
    scorecard_alignment: Estimate
    """Per-criterion alignment weighted by the scorecard weights (AI-rated criteria only)."""
    summary: str

    def criteria_with(self, verdict: Verdict) -> list[CriterionAgreement]:
        return [c for c in self.criteria if c.verdict == verdict]


@dataclass(frozen=True)
class CompareOptions:
    """How to judge: verdict metric, threshold (default per metric), pairs needed, bootstrap."""

    metric: Metric = "kappa"
    threshold: float | None = None
    min_pairs: int = 30
    bootstrap: int = 1000
    seed: int = 0
    top: int = 5

    def rule(self) -> VerdictRule:
        if self.metric not in METRICS:
            raise InputError(f"unknown metric {self.metric!r} (use {', '.join(METRICS)})")
        if self.min_pairs < 1 or self.bootstrap < 0 or self.top < 0:
            raise InputError("--min-pairs must be at least 1, --bootstrap and --top at least 0")
        threshold = DEFAULT_THRESHOLDS[self.metric] if self.threshold is None else self.threshold
        return VerdictRule(
            metric=self.metric,
            threshold=threshold,
            min_pairs=self.min_pairs,
            bootstrap=self.bootstrap,
            seed=self.seed,
        )

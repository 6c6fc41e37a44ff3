"""The regression corpus (`tests/data/regression/`) as an evaluation set: per criterion, how often the
shipped scorer's rating of each (conversation, reviewee) matches the reference label.

The corpus is help-desk conversations written for the project, labelled twice; pass 1 is the
reference here (pass 2 only measures the labellers' agreement, `scripts/corpus_agreement.py`). Dev and
test halves come from `base.split` (SHA-256 of the conversation id, modulo 2), fixed before any scorer
was tuned on it, so the test half stays a measurement and not a tuning signal.

Accuracy is exact on binary and 3-point scales and within one on 4- and 5-point scales (a reviewer's
own tolerance on the wider scales); N/A must meet N/A; a rating the scorer could not give (failed,
unrated, no review of that reviewee) counts as wrong and as not covered. The interval is Wilson's.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from supportqa.calibration.agreement import (
    brier_score,
    ece_of_bins,
    reliability_bins,
)
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import CriterionResult, Review
from supportqa.domain.score import Status
from supportqa.domain.scorecard import Criterion, Scorecard
from supportqa.errors import InputError
from supportqa.evaluation.base import split as split_of
from supportqa.jsonl import read_models
from supportqa.scoring.engine import ScoringEngine
from supportqa.signals.analysis import Analysis

DATASET = "regression"
NA = "N/A"
Rating = float | None
"""A label or AI rating: a number, or None for N/A."""


class LabelLine(BaseModel):
    """One pass-1 label line: a reviewee's ratings in one conversation (`null` is N/A)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    reviewee: str
    reviewee_is_bot: bool = False
    holder: bool = False
    ratings: dict[str, float | None]


@dataclass
class RegressionItem:
    conversation: Conversation
    labels: list[LabelLine]


class CriterionAccuracy(BaseModel):
    """One criterion's row of the table."""

    criterion: str
    scale: str
    rule: str
    """"exact" or "within one"."""
    n: int
    """Labelled (conversation, reviewee) pairs."""
    coverage: float | None
    """Share of pairs the scorer rated or called N/A (not failed or unrated)."""
    accuracy: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    majority: float | None = None
    """Accuracy of always answering the most common label: the floor any scorer should beat."""
    abstained: int = 0
    """Answers marked `unsure` (below the criterion's `abstain_below`)."""
    answered_accuracy: float | None = None
    """Accuracy of the answers that were not `unsure`."""
    selective: dict[str, float] = Field(default_factory=dict)
    """Coverage ("1", "0.9", …) → accuracy of the most confident answers at that coverage."""
    gain_at_90: float | None = None
    """Accuracy at 90% coverage minus accuracy of every answer: what abstaining on the least
    confident tenth buys."""
    gain_ci_low: float | None = None
    gain_ci_high: float | None = None
    """Its 95% percentile interval over 1,000 resamples of the answers (seeded)."""
    ece: float | None = None
    """Calibration of the confidence as the chance of being right (15 equal-mass bins)."""
    brier: float | None = None
    reliability: list[tuple[float, float, int]] = Field(default_factory=list)
    """(mean confidence, share right, size) per equal-mass bin: the reliability diagram."""


def default_corpus_dir() -> Path | None:
    """The repository's `tests/data/regression` (the checkout this package runs from, then the
    working directory's), or None: a pip install does not ship the corpus."""
    for root in (Path(__file__).resolve().parents[3], Path.cwd()):
        candidate = root / "tests" / "data" / "regression"
        if candidate.is_dir():
            return candidate
    return None


def load_regression(corpus: Path, split: str = "dev") -> list[RegressionItem]:
    """Every `conversations-<x>.jsonl` with its `labels-pass1-<x>.jsonl`, cut to `split` (dev, test
    or all). A bad line, or a label naming no conversation, stops the load with its file and line."""
    files = sorted(Path(corpus).glob("conversations-*.jsonl"))
    if not files:
        raise InputError("no conversations-*.jsonl: not the regression corpus", file=str(corpus))
    items: list[RegressionItem] = []
    for path in files:
        labels_path = path.with_name(path.name.replace("conversations-", "labels-pass1-"))
        if not labels_path.is_file():
            raise InputError("the conversations have no pass-1 labels", file=str(labels_path))
        by_id: dict[str, RegressionItem] = {}
        for _, conversation in read_models(path, Conversation, "conversation"):
            by_id[conversation.id] = RegressionItem(conversation, [])
        for line, label in read_models(labels_path, LabelLine, "label line"):
            if label.id not in by_id:
                raise InputError(
                    f"label for unknown conversation {label.id!r}", file=str(labels_path), line=line
                )
            by_id[label.id].labels.append(label)
        items.extend(
            item
            for item in by_id.values()
            if item.labels and (split == "all" or split_of(item.conversation.id) == split)
        )
    return items


def _ai_value(result: CriterionResult | None) -> Rating | str:
    """The AI's answer: a rating, None for N/A, or "" when it gave neither. An `unsure` answer is
    its tentative rating (or N/A): the table measures every answer, and abstention separately."""
    if result is None:
        return ""
    if result.status is Status.NA:
        return None
    if result.status is Status.UNSURE:
        return None if result.rating is None else float(result.rating)
    if result.status is Status.RATED and result.rating is not None:
        return float(result.rating)
    return ""


def is_right(ai: Rating | str, label: Rating, tolerance: float) -> bool:
    """Whether an AI answer ("" for none) meets the label: N/A meets N/A, a rating within
    `tolerance`."""
    if ai == "":
        return False
    if ai is None or label is None:
        return ai is None and label is None
    assert isinstance(ai, float)
    return abs(ai - label) <= tolerance


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion: sensible at 0/n and n/n, unlike the normal one."""
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _reviews(
    items: Sequence[RegressionItem],
    engine: ScoringEngine,
    on_batch: Callable[[int], None] | None,
    batch_size: int = 128,
) -> list[list[Review]]:
    """One AI review per participant, as `score` makes them (the holder's last)."""
    out: list[list[Review]] = []
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        out.extend(
            engine.review_groups([Analysis(i.conversation, engine.detectors) for i in chunk])
        )
        if on_batch:
            on_batch(len(chunk))
    return out


@dataclass
class LabelledAnswer:
    """The AI's result for one labelled (conversation, reviewee, criterion), and whether it was right."""

    result: CriterionResult | None
    label: Rating
    right: bool

    @property
    def confidence(self) -> float | None:
        return self.result.confidence if self.result is not None else None

    @property
    def abstained(self) -> bool:
        return self.result is not None and self.result.status is Status.UNSURE


def tolerance_of(criterion: Criterion) -> float:
    """Within one on 4- and 5-point scales, exact below."""
    return 1.0 if criterion.scale.max - criterion.scale.min + 1 >= 4 else 0.0


def labelled_answers(
    items: Sequence[RegressionItem],
    scorecard: Scorecard,
    *,
    engine: ScoringEngine | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, list[LabelledAnswer]]:
    """Score every conversation and pair each labelled (conversation, reviewee, criterion) with the
    AI review of that reviewee; conversation-level criteria (on the holder's label line) pair with the
    AI's holder review, which alone rates them."""
    engine = engine or ScoringEngine(scorecard)
    groups = _reviews(items, engine, on_batch)
    tolerance = {c.key: tolerance_of(c) for c in scorecard.criteria}
    pairs: dict[str, list[LabelledAnswer]] = {c.key: [] for c in scorecard.criteria}
    for item, reviews in zip(items, groups, strict=True):
        holder = reviews[-1] if reviews else None
        by_key = {r.reviewee.key: r for r in reviews}
        for label in item.labels:
            own = by_key.get((label.reviewee_is_bot, label.reviewee))
            for key, value in label.ratings.items():
                if key not in pairs:
                    continue
                review = holder if key in engine.conversation_keys else own
                result = review.criterion(key) if review is not None else None
                right = is_right(_ai_value(result), value, tolerance[key])
                pairs[key].append(LabelledAnswer(result, value, right))
    return pairs


SELECTIVE_COVERAGES = (1.0, 0.95, 0.9, 0.8, 0.7, 0.5)


def selective_accuracy(
    answers: Sequence[tuple[float | None, bool]], coverage: float
) -> float | None:
    """Accuracy of the most confident `coverage` share of answers (confidence, right): what a
    threshold keeping that share would give. Answers without a confidence are never set aside (they
    rank first); a tie at the cut counts at its group's mean accuracy, as a random tie-break would."""
    n = len(answers)
    if n == 0:
        return None
    keep = coverage * n
    groups: dict[float, list[bool]] = {}
    for confidence, right in answers:
        groups.setdefault(2.0 if confidence is None else confidence, []).append(right)
    hits = taken = 0.0
    for _, members in sorted(groups.items(), reverse=True):
        room = keep - taken
        if room <= 0:
            break
        share = min(1.0, room / len(members))
        hits += share * sum(members)
        taken += share * len(members)
    return hits / taken if taken else None


def rounded_bins(points: Sequence[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    """Reliability points as the report keeps them: four decimals."""
    return [(round(c, 4), round(r, 4), size) for c, r, size in points]


def selective_gain(
    answers: Sequence[tuple[float | None, bool]], coverage: float = 0.9
) -> float | None:
    """Accuracy at `coverage` minus accuracy of every answer."""
    kept = selective_accuracy(answers, coverage)
    return None if kept is None else kept - sum(right for _, right in answers) / len(answers)


def gain_interval(
    answers: Sequence[tuple[float | None, bool]], resamples: int = 1000, seed: int = 18
) -> tuple[float, float]:
    """95% percentile bootstrap interval of `selective_gain`, resampling answers."""
    rng = random.Random(seed)
    n = len(answers)
    gains = sorted(
        g
        for _ in range(resamples)
        if (g := selective_gain([answers[rng.randrange(n)] for _ in range(n)])) is not None
    )
    return gains[int(0.025 * len(gains))], gains[min(len(gains) - 1, int(0.975 * len(gains)))]


def criterion_accuracy(
    items: Sequence[RegressionItem],
    scorecard: Scorecard,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> list[CriterionAccuracy]:
    """Per criterion: accuracy of every answer (`unsure` ones at their tentative answer), of the
    answers kept after abstention, the selective-prediction curve and the calibration of the
    confidence (ECE on 15 equal-mass bins, Brier) against being right."""
    pairs = labelled_answers(items, scorecard, on_batch=on_batch)
    rows: list[CriterionAccuracy] = []
    for criterion in scorecard.criteria:
        paired = pairs[criterion.key]
        tolerance = tolerance_of(criterion)
        row = CriterionAccuracy(
            criterion=criterion.key,
            scale=criterion.scale.name or f"{criterion.scale.min:g}–{criterion.scale.max:g}",
            rule="within one" if tolerance else "exact",
            n=len(paired),
            coverage=None,
            accuracy=None,
        )
        if paired:
            hits = sum(a.right for a in paired)
            low, high = wilson(hits, len(paired))
            common = Counter(a.label for a in paired).most_common(1)[0][0]
            row.coverage = round(sum(_ai_value(a.result) != "" for a in paired) / len(paired), 4)
            row.accuracy = round(hits / len(paired), 4)
            row.ci_low, row.ci_high = round(low, 4), round(high, 4)
            row.majority = round(
                sum(is_right(common, a.label, tolerance) for a in paired) / len(paired), 4
            )
            kept = [a for a in paired if not a.abstained]
            row.abstained = len(paired) - len(kept)
            row.answered_accuracy = (
                round(sum(a.right for a in kept) / len(kept), 4) if kept else None
            )
            ranked = [(a.confidence, a.right) for a in paired]
            row.selective = {
                f"{c:g}": round(v, 4)
                for c in SELECTIVE_COVERAGES
                if (v := selective_accuracy(ranked, c)) is not None
            }
            gain = selective_gain(ranked)
            if gain is not None:  # there are answers
                row.gain_at_90 = round(gain, 4)
                low_gain, high_gain = gain_interval(ranked)
                row.gain_ci_low, row.gain_ci_high = round(low_gain, 4), round(high_gain, 4)
            scored = [(a.confidence, a.right) for a in paired if a.confidence is not None]
            if len(scored) >= 15:
                probs = [c for c, _ in scored]
                outcomes = [r for _, r in scored]
                points = reliability_bins(probs, outcomes)
                row.ece = round(ece_of_bins(points), 4)
                row.brier = round(brier_score(probs, outcomes), 4)
                row.reliability = rounded_bins(points)
        rows.append(row)
    return rows

"""Fit the packaged confidence calibration (`src/supportqa/models/confidence_calibration.json`) and
choose each criterion's abstention threshold, on DEV halves only: the regression corpus's, and for
tone and empathy also the labelled replies' (tests/data/labelled/tone_empathy.jsonl).

    python scripts/fit_confidence_calibration.py [--target 0.9] [--min-coverage 0.8] [--write]

Per scorer (name@version) of the default scorecard: the raw confidences and whether each answer was
right (the corpus's pass-1 labels, written and labelled by the project's developers); the map's shape
(`confidence` or `answer`, see `supportqa.models.confidence`) is the one with the lower Brier score in
5 × 5-fold cross-validation on the dev half; the map is then fitted on the whole dev half.

The threshold for a target accuracy: none when the criterion is already at least that accurate on
dev; else the calibrated confidence at which the answers kept reach the target, as long as at least
`--min-coverage` of them are kept; else the threshold that keeps `--min-coverage` — the most
abstention the scorecard allows. A threshold must also raise the cross-validated accuracy of the
answers kept by `MIN_GAIN`, or the criterion never abstains. Critical criteria never abstain (an
auto-fail must not hide behind `unsure`).

Prints the table; `--write` writes the JSON (the thresholds go into default.yaml by hand, so a
change is reviewed).
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, datetime
from pathlib import Path

from supportqa.calibration.agreement import brier_score
from supportqa.domain.review import CriterionResult
from supportqa.domain.scorecard import Criterion, Scorecard, default_scorecard
from supportqa.evaluation.base import split as split_of
from supportqa.evaluation.messages import load_labelled_messages
from supportqa.evaluation.regression import (
    default_corpus_dir,
    is_right,
    labelled_answers,
    load_regression,
    selective_accuracy,
    tolerance_of,
)
from supportqa.models.confidence import DEFAULT_MAPS, ConfidenceMap, Method, fit_map
from supportqa.scoring.engine import ScoringEngine

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "supportqa" / "models" / DEFAULT_MAPS
REPLIES = ROOT / "tests" / "data" / "labelled" / "tone_empathy.jsonl"
Answer = tuple[float | None, float | None, bool]
MIN_GAIN = 0.01
"""A threshold must buy this much accuracy in cross-validation, or the criterion never abstains."""


def cross_validated(scorer: str, method: Method, answers: list[Answer]) -> list[float]:
    """Out-of-fold calibrated confidences, averaged over 5 shuffles of 5 folds."""
    total = [0.0] * len(answers)
    repeats = 5
    for seed in range(repeats):
        order = list(range(len(answers)))
        random.Random(seed).shuffle(order)
        for fold in range(5):
            test = set(order[fold::5])
            train = [answers[i] for i in order if i not in test]
            fitted = fit_map(
                scorer, method, [a[0] for a in train], [a[1] for a in train], [a[2] for a in train]
            )
            for i in test:
                value = fitted.calibrated(answers[i][0], answers[i][1])
                total[i] += (value if value is not None else fitted.fallback) / repeats
    return total


def answer_of(result: CriterionResult, criterion: Criterion, right: bool) -> Answer:
    """(raw confidence, place on the scale or None for N/A, right)."""
    position = None if result.rating is None else criterion.scale.position(result.rating)
    return result.confidence, position, right


def reply_answers(card: Scorecard) -> dict[str, list[Answer]]:
    """The labelled replies' dev half (tests/data/labelled, also the developers' labels): tone and
    empathy answers, right by the corpus's rule (within one on their 4-point scales, N/A meeting
    N/A)."""
    items = [i for i in load_labelled_messages(REPLIES) if split_of(i.conversation.id) == "dev"]
    engine = ScoringEngine(card, confidence_maps={})
    reviews = engine.score([i.conversation for i in items])
    by_id = {r.conversation_id: r for r in reviews}
    out: dict[str, list[Answer]] = {"tone": [], "empathy": []}
    for item in items:
        review = by_id[item.conversation.id]
        for key in out:
            result = review.criterion(key)
            criterion = card.criterion(key)
            if result is None or criterion is None or result.status.value not in ("rated", "na"):
                continue
            label = item.labels.get(key)
            right = is_right(
                None if result.rating is None else float(result.rating),
                None if label is None else float(label),
                tolerance_of(criterion),
            )
            out[key].append(answer_of(result, criterion, right))
    return out


def threshold_for(
    calibrated: list[float], right: list[bool], target: float, min_coverage: float
) -> tuple[float | None, str]:
    """The abstention threshold (see the module docstring) and why."""
    n = len(right)
    if sum(right) / n >= target:
        return None, "already at target"
    ranked = sorted(zip(calibrated, right, strict=True), key=lambda p: -p[0])
    hits = 0
    best: tuple[float, float] | None = None
    for k, (value, ok) in enumerate(ranked, start=1):
        hits += ok
        coverage = k / n
        next_value = ranked[k][0] if k < n else -1.0
        if next_value == value:
            continue  # a threshold cannot split a tie
        if coverage >= min_coverage and hits / k >= target:
            best = ((value + max(next_value, 0.0)) / 2, coverage)
    if best is not None:
        return round(best[0], 3), f"target reached at coverage {best[1]:.2f}"
    k = max(1, round(min_coverage * n))
    cut = ranked[k - 1][0]
    return round(cut, 3), f"target not reached; keeps ≥ {min_coverage:g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--min-coverage", type=float, default=0.8)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    corpus = default_corpus_dir()
    if corpus is None:
        raise SystemExit("no tests/data/regression here: run from a checkout")
    card = default_scorecard()
    items = load_regression(corpus, "dev")
    pairs = labelled_answers(items, card, engine=ScoringEngine(card, confidence_maps={}))
    replies = reply_answers(card)
    maps: list[ConfidenceMap] = []
    print(
        f"{'criterion':20s} {'scorer':22s} {'method':10s} {'n':>4s} {'acc':>6s} "
        f"{'Brier raw':>9s} {'cv conf':>8s} {'cv ans':>7s} {'@90 raw':>8s} {'@90 cv':>7s} "
        f"{'abstain<':>8s}  why"
    )
    for criterion in card.criteria:
        answers: list[Answer] = []
        scorer = ""
        for a in pairs[criterion.key]:
            result = a.result
            if (
                result is None
                or result.scorer is None
                or result.status.value not in ("rated", "na")
            ):
                continue
            scorer = f"{result.scorer.name}@{result.scorer.version}"
            answers.append(answer_of(result, criterion, a.right))
        answers.extend(replies.get(criterion.key, []))
        if (
            not answers
            or not scorer
            or all(a[2] for a in answers)
            or not any(a[2] for a in answers)
        ):
            print(f"{criterion.key:20s} {scorer:22s} (every answer right or wrong: no map)")
            continue
        extra = " and labelled replies dev half" if criterion.key in replies else ""
        right = [a[2] for a in answers]
        raw = [a[0] if a[0] is not None else 0.5 for a in answers]
        scores: dict[Method, list[float]] = {
            method: cross_validated(scorer, method, answers) for method in ("confidence", "answer")
        }
        method: Method = min(scores, key=lambda m: brier_score(scores[m], right))
        fitted = fit_map(
            scorer,
            method,
            [a[0] for a in answers],
            [a[1] for a in answers],
            right,
            fitted_on=f"regression corpus dev half{extra}, {len(answers)} answers",
        )
        maps.append(fitted)
        calibrated = [
            value if (value := fitted.calibrated(a[0], a[1])) is not None else 1.0 for a in answers
        ]
        threshold, why = (
            (None, "critical: never abstains")
            if criterion.critical
            else threshold_for(calibrated, right, args.target, args.min_coverage)
        )
        if threshold is not None:
            coverage = sum(c >= threshold for c in calibrated) / len(calibrated)
            held_out = selective_accuracy(list(zip(scores[method], right, strict=True)), coverage)
            if held_out is None or held_out < sum(right) / len(right) + MIN_GAIN:
                threshold, why = None, f"no cross-validated gain at coverage {coverage:.2f}"
            else:
                why += f"; cross-validated {held_out:.3f} at coverage {coverage:.2f}"
        at90_raw = selective_accuracy(list(zip(raw, right, strict=True)), 0.9) or 0.0
        at90_cv = selective_accuracy(list(zip(scores[method], right, strict=True)), 0.9) or 0.0
        print(
            f"{criterion.key:20s} {scorer:22s} {method:10s} {len(answers):4d} "
            f"{sum(right) / len(right):6.3f} {brier_score(raw, right):9.3f} "
            f"{brier_score(scores['confidence'], right):8.3f} {brier_score(scores['answer'], right):7.3f} "
            f"{at90_raw:8.3f} {at90_cv:7.3f} {threshold if threshold is not None else '-':>8}  {why}"
        )
    if args.write:
        payload = {
            "about": "Calibrated confidence per scorer version; fitted by "
            "scripts/fit_confidence_calibration.py on the regression corpus's dev half "
            "(labelled by the project's developers).",
            "fitted_at": datetime.now(UTC).date().isoformat(),
            "maps": [m.to_json() for m in maps],
        }
        OUT.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

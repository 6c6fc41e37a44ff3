"""Fit the resolution probability's calibration (Platt scaling: P(resolved) = σ(a·z + b) on the
hand-set logit z) on the DEVELOPMENT halves only: STC-3 dev (resolved = A > 0, the mean of 19
annotators) and the regression corpus's dev half (resolved = the holder's label 3). Prints a and b for
`supportqa.models.outcome` and the dev ECE (15 equal-mass bins) and Brier before and after.

    python scripts/fit_resolution_calibration.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from sklearn.linear_model import LogisticRegression

from supportqa.calibration.agreement import brier_score, expected_calibration_error
from supportqa.domain.scorecard import default_scorecard
from supportqa.evaluation.base import split
from supportqa.evaluation.regression import default_corpus_dir, load_regression
from supportqa.evaluation.stc3 import load_stc3
from supportqa.models.markers import prepare_markers
from supportqa.models.outcome import detectors_for, outcome
from supportqa.scoring.engine import ScoringEngine
from supportqa.signals.analysis import Analysis


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    engine = ScoringEngine(default_scorecard())
    stc = [
        i
        for i in load_stc3(args.data / "stc3-dq" / "train_data_en.json")
        if split(i.conversation.id) == "dev"
    ]
    corpus = default_corpus_dir()
    assert corpus is not None, "run from a checkout (the corpus is in tests/data/regression)"
    reg = load_regression(corpus, "dev")
    convs = [i.conversation for i in stc] + [i.conversation for i in reg]
    labels = [1 if i.labels["A"] > 0 else 0 for i in stc]
    for item in reg:
        holder = next(x for x in item.labels if x.holder and "resolution" in x.ratings)
        labels.append(1 if holder.ratings["resolution"] == 3 else 0)
    analyses = [Analysis(c, engine.detectors) for c in convs]
    prepare_markers(analyses, detectors_for(analyses[0]))
    p = [outcome(a).resolution.p_resolved for a in analyses]
    z = [[logit(x)] for x in p]
    model = LogisticRegression(C=1e6).fit(z, labels)
    a, b = float(model.coef_[0][0]), float(model.intercept_[0])
    q = [1 / (1 + math.exp(-(a * zz[0] + b))) for zz in z]

    def report(name: str, probs: list[float], lo: int, hi: int) -> str:
        conf = [max(x, 1 - x) for x in probs[lo:hi]]
        right = [
            int((x >= 0.5) == bool(y)) for x, y in zip(probs[lo:hi], labels[lo:hi], strict=True)
        ]
        return (
            f"{name}: ECE {expected_calibration_error(conf, right):.3f} "
            f"Brier {brier_score(probs[lo:hi], labels[lo:hi]):.3f}"
        )

    n = len(stc)
    print(f"a = {a:.4f}, b = {b:.4f}  (fitted on {n} STC-3 dev + {len(reg)} corpus dev)")
    for name, lo, hi in (("stc3 dev", 0, n), ("corpus dev", n, len(p))):
        print(report(f"{name} before", p, lo, hi), "|", report("after", q, lo, hi))


if __name__ == "__main__":
    main()

"""The CX flag's `eval` figures: share gap, precision, recall, and the share gap's ± goal."""

from __future__ import annotations

import math

import pytest

from supportqa.evaluation.figures import STATS, with_interval
from supportqa.evaluation.report import EvalRow

FLAGS = [1.0, 1.0, 1.0, 0.0, 0.0]
TRUTH = [1.0, 0.0, 0.0, 1.0, 0.0]


def test_precision_recall_and_share_gap_by_hand() -> None:
    assert STATS["precision"](FLAGS, TRUTH) == pytest.approx(1 / 3)
    assert STATS["recall"](FLAGS, TRUTH) == pytest.approx(1 / 2)
    assert STATS["share gap"](FLAGS, TRUTH) == pytest.approx(3 / 5 - 2 / 5)


def test_nothing_flagged_has_no_precision() -> None:
    assert math.isnan(STATS["precision"]([0.0] * 3, [1.0, 0.0, 1.0]))
    value, _, _ = with_interval(STATS["precision"], [0.0] * 3, [1.0, 0.0, 1.0], 0)
    assert value is None


@pytest.mark.parametrize(
    ("gap", "met"), [(0.04, True), (-0.05, True), (-0.06, False), (0.2, False)]
)
def test_the_share_gap_goal_is_a_tolerance_either_way(gap: float, met: bool) -> None:
    row = EvalRow(
        dataset="stc3", ours="CX flag (CX 1–3)", human="S < 0", metric="share gap", n=10,
        value=gap, goal=0.05,
    )  # fmt: skip
    assert row.meets_goal is met
    precision = row.model_copy(update={"metric": "precision", "value": 0.59, "goal": 0.6})
    assert precision.meets_goal is False

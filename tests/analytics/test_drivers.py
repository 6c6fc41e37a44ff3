"""Drivers on hand-built frames where the answer is known by construction, checked against numpy."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import polars as pl
import pytest

from supportqa.analytics.drivers import Z95, drivers
from supportqa.analytics.frame import Frames
from supportqa.errors import InputError

WEIGHTS = {"greeting": 10.0, "resolution": 25.0, "tone": 8.0, "sentiment": 0.0}


def build(n: int, outcome: Any, seed: int = 7, na_tone: float = 0.2) -> Frames:
    """`n` conversations with random criterion scores; `outcome(scores, rng)` gives the row's
    (csat, reopened, handle_time_s). `tone` is N/A on a share of them."""
    rng = random.Random(seed)
    reviews: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    for pk in range(1, n + 1):
        scores = {key: rng.uniform(0, 100) for key in WEIGHTS}
        if rng.random() < na_tone:
            scores["tone"] = math.nan
        csat, reopened, handle = outcome(scores, rng)
        reviews.append(
            {
                "review_pk": pk,
                "kind": "ai",
                "source": "s",
                "conversation_id": f"c{pk}",
                "team": "A" if pk % 2 else "B",
                "csat": csat,
                "reopened": reopened,
                "handle_time_s": handle,
            }
        )
        for key, value in scores.items():
            na = math.isnan(value)
            criteria.append(
                {
                    "review_pk": pk,
                    "key": key,
                    "status": "na" if na else "rated",
                    "score_pct": None if na else value,
                    "weight": WEIGHTS[key],
                }
            )
    schema = {"csat": pl.Float64, "reopened": pl.Boolean, "handle_time_s": pl.Float64}
    return Frames(
        pl.DataFrame(reviews, schema_overrides=schema),
        pl.DataFrame(criteria, schema_overrides={"score_pct": pl.Float64}),
    )


def resolution_drives_csat(scores: dict[str, float], rng: random.Random) -> tuple[Any, ...]:
    csat = 1.5 + 0.03 * scores["resolution"] + rng.gauss(0, 0.4)
    reopened = rng.random() < 0.6 - 0.005 * scores["greeting"]
    handle = 600 * math.exp(-0.01 * scores["resolution"] + rng.gauss(0, 0.2))
    return csat, reopened, handle


def design_by_hand(frames: Frames, outcome: str) -> tuple[np.ndarray, np.ndarray]:
    """Plain-Python design: intercept, greeting, resolution, tone (N/A → mean of rated), tone N/A."""
    crit: dict[int, dict[str, float | None]] = {}
    for row in frames.criteria.iter_rows(named=True):
        crit.setdefault(row["review_pk"], {})[row["key"]] = row["score_pct"]
    rated_tone = [c["tone"] for c in crit.values() if c["tone"] is not None]
    tone_mean = sum(rated_tone) / len(rated_tone)
    xs, ys = [], []
    for r in frames.reviews.iter_rows(named=True):
        c = crit[r["review_pk"]]
        tone = c["tone"]
        xs.append(
            [
                1.0,
                c["greeting"],
                c["resolution"],
                tone_mean if tone is None else tone,
                1.0 if tone is None else 0.0,
            ]
        )
        y = {"csat": r["csat"], "reopened": float(r["reopened"]), "handle_time": 0.0}[outcome]
        ys.append(math.log(r["handle_time_s"]) if outcome == "handle_time" else y)
    return np.array(xs), np.array(ys)


def test_the_constructed_driver_has_the_largest_effect_and_first_suggested_weight() -> None:
    report = drivers(build(400, resolution_drives_csat), outcome="csat")
    top = report.effects[0]
    assert top.key == "resolution"
    assert top.significant and top.ci_low > 0
    assert top.ci_low < 0.03 < top.ci_high
    assert max(report.effects, key=lambda e: e.suggested_weight or 0).key == "resolution"
    assert top.suggested_weight is not None and top.suggested_weight > 80
    weights = [e.suggested_weight or 0.0 for e in report.effects]
    assert sum(weights) == pytest.approx(100.0)
    assert {e.key for e in report.effects} == {"greeting", "resolution", "tone"}  # no CX input
    shares = {e.key: e.current_share for e in report.effects}
    assert shares["resolution"] == pytest.approx(100 * 25 / 43)
    assert report.enough_data and report.notes == []


def test_ols_coefficients_and_r2_equal_numpy_lstsq() -> None:
    frames = build(300, resolution_drives_csat, seed=3)
    report = drivers(frames, outcome="csat")
    x, y = design_by_hand(frames, "csat")
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    by_key = {e.key: e for e in report.effects}
    for j, key in enumerate(["greeting", "resolution", "tone"], start=1):
        assert by_key[key].coef == pytest.approx(coef[j], rel=1e-9, abs=1e-12)
    assert by_key["tone"].na_coef == pytest.approx(coef[4], rel=1e-9, abs=1e-12)
    resid = y - x @ coef
    assert report.r2 == pytest.approx(1 - (resid @ resid) / ((y - y.mean()) ** 2).sum())
    assert report.n == 300 and report.predictors == 4


def test_standard_errors_are_hc1_and_intervals_are_normal() -> None:
    frames = build(250, resolution_drives_csat, seed=5)
    report = drivers(frames, outcome="reopened")
    x, y = design_by_hand(frames, "reopened")
    n, k = x.shape
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    e = y - x @ coef
    inv = np.linalg.inv(x.T @ x)
    cov = inv @ sum(e[i] ** 2 * np.outer(x[i], x[i]) for i in range(n)) @ inv * n / (n - k)
    greeting = next(eff for eff in report.effects if eff.key == "greeting")
    se = math.sqrt(cov[1, 1])
    assert greeting.se == pytest.approx(se)
    assert greeting.ci_low == pytest.approx(coef[1] - Z95 * se)
    sd_ratio = float(np.std(x[:, 1], ddof=1) / np.std(y, ddof=1))
    assert greeting.std_effect == pytest.approx(coef[1] * sd_ratio)


def test_lower_is_better_outcomes_reward_criteria_that_reduce_them() -> None:
    frames = build(600, resolution_drives_csat, seed=11)
    reopened = drivers(frames, outcome="reopened")
    assert reopened.effects[0].key == "greeting"  # greeting cuts repeat contact by construction
    assert reopened.effects[0].coef < 0 and reopened.effects[0].helps
    assert max(reopened.effects, key=lambda e: e.suggested_weight or 0).key == "greeting"
    handle = drivers(frames, outcome="handle_time")
    top = handle.effects[0]
    assert top.key == "resolution" and top.ci_low < -0.01 < top.ci_high  # log scale
    x, y = design_by_hand(frames, "handle_time")
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    assert top.coef == pytest.approx(coef[2])


def test_too_few_conversations_show_effects_but_no_suggested_weights() -> None:
    report = drivers(build(20, resolution_drives_csat), outcome="csat")
    assert report.n == 20 and not report.enough_data
    assert all(e.suggested_weight is None for e in report.effects)
    assert any("too few" in note for note in report.notes)
    tiny = drivers(build(4, resolution_drives_csat), outcome="csat")
    assert tiny.effects == [] and "cannot fit" in tiny.notes[0]


def test_cx_inputs_are_controls_only_when_asked_and_never_weighted() -> None:
    report = drivers(build(300, resolution_drives_csat), outcome="csat", with_cx_inputs=True)
    sentiment = next(e for e in report.effects if e.key == "sentiment")
    assert sentiment.suggested_weight is None and sentiment.current_weight == 0
    weighted = [e.suggested_weight for e in report.effects if e.suggested_weight is not None]
    assert sum(weighted) == pytest.approx(100.0)


def test_team_filter_and_latest_review_per_conversation() -> None:
    frames = build(200, resolution_drives_csat)
    assert drivers(frames, outcome="csat", team="A").n == 100
    assert drivers(frames, outcome="csat", team="Z").notes[0].startswith("no AI-reviewed")
    doubled = Frames(
        pl.concat([frames.reviews, frames.reviews.with_columns(pl.col("review_pk") + 1000)]),
        pl.concat([frames.criteria, frames.criteria.with_columns(pl.col("review_pk") + 1000)]),
    )
    assert drivers(doubled, outcome="csat").n == 200


def test_unknown_outcome_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown outcome 'nps'"):
        drivers(build(10, resolution_drives_csat), outcome="nps")

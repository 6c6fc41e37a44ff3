"""Abstention: a calibrated confidence below `abstain_below` makes a criterion `unsure` — out of IQS
as N/A is, counted, explained, kept with its tentative rating — and the CX value and resolution
probability stay on the review."""

from __future__ import annotations

import pytest

from supportqa.analytics.explain import explain
from supportqa.domain.conversation import Conversation
from supportqa.domain.score import Score, Status
from supportqa.domain.scorecard import Criterion, default_scorecard, scorecard_from_dict
from supportqa.models.confidence import ConfidenceMap, Curve
from supportqa.scorers.registry import scorer
from supportqa.scoring.engine import ScoringEngine
from supportqa.signals.analysis import Analysis
from supportqa.testing import conversation


@scorer(name="test_confident", version="7")
def _confident(rating: float = 1, confidence: float = 0.9):  # type: ignore[no-untyped-def]
    def fn(item: Analysis, criterion: Criterion) -> Score:
        return Score.rated(rating, "as configured", confidence=confidence)

    return fn


IDENTITY = {
    "test_confident@7": ConfidenceMap(
        "test_confident@7", "confidence", {"*": Curve((0.0, 1.0), (0.0, 1.0))}, 0.5
    )
}


def card(abstain_below: float | None, confidence: float, *, critical: bool = False):  # type: ignore[no-untyped-def]
    low = {"key": "low", "weight": 1, "scale": "binary", "critical": critical}
    low["scorer"] = {"test_confident": {"rating": 1, "confidence": confidence}}
    if abstain_below is not None:
        low["abstain_below"] = abstain_below
    sure = {
        "key": "sure",
        "weight": 1,
        "scale": "binary",
        "scorer": {"test_confident": {"rating": 0, "confidence": 0.99}},
    }
    return scorecard_from_dict({"name": "t", "version": "1", "criteria": [low, sure]})


def one() -> list[Conversation]:
    return [
        Conversation.model_validate(
            {"id": "c1", "messages": [{"role": "agent", "text": "Hello there friend"}]}
        )
    ]


def test_below_the_threshold_the_criterion_is_unsure_and_left_out_of_iqs() -> None:
    review = ScoringEngine(card(0.6, 0.4), confidence_maps=IDENTITY).score(one())[0]
    low = review.criterion("low")
    assert low is not None and low.status is Status.UNSURE
    assert low.rating == 1  # the tentative answer is kept for people and evaluation
    assert low.score_pct is None
    assert low.confidence == pytest.approx(0.4)
    assert low.explanation.startswith("Unsure (confidence 0.40 < 0.6)")
    # only "sure" (rated 0) counts: IQS 0, not the 50 it would be with "low" rated 1
    assert review.iqs == 0
    assert review.counts.unsure == 1 and review.counts.rated == 1
    lines = {line.key: line for line in explain(review).criteria}
    assert "unsure" in lines["low"].sentence


def test_at_or_above_the_threshold_or_without_one_it_answers() -> None:
    for threshold, confidence in [(0.6, 0.6), (None, 0.1)]:
        review = ScoringEngine(card(threshold, confidence), confidence_maps=IDENTITY).score(one())[
            0
        ]
        low = review.criterion("low")
        assert low is not None and low.status is Status.RATED
        assert review.iqs == 50


def test_an_uncalibrated_confidence_never_abstains() -> None:
    """Without a map for the scorer's version the confidence is not a probability."""
    review = ScoringEngine(card(0.6, 0.1), confidence_maps={}).score(one())[0]
    low = review.criterion("low")
    assert low is not None and low.status is Status.RATED and low.confidence == 0.1


def test_the_map_replaces_the_raw_confidence() -> None:
    halved = {
        "test_confident@7": ConfidenceMap(
            "test_confident@7", "confidence", {"*": Curve((0.0, 1.0), (0.0, 0.5))}, 0.5
        )
    }
    review = ScoringEngine(card(0.6, 0.9), confidence_maps=halved).score(one())[0]
    low = review.criterion("low")
    assert low is not None and low.status is Status.UNSURE
    assert low.confidence == pytest.approx(0.45)


def test_an_unsure_critical_criterion_cannot_auto_fail() -> None:
    critical_low = scorecard_from_dict(
        {
            "name": "t",
            "version": "1",
            "criteria": [
                {
                    "key": "pii",
                    "weight": 1,
                    "scale": "binary",
                    "critical": True,
                    "abstain_below": 0.5,
                    "scorer": {"test_confident": {"rating": 0, "confidence": 0.3}},
                },
                {
                    "key": "other",
                    "weight": 1,
                    "scale": "binary",
                    "scorer": {"test_confident": {"rating": 1, "confidence": 0.9}},
                },
            ],
        }
    )
    review = ScoringEngine(critical_low, confidence_maps=IDENTITY).score(one())[0]
    assert not review.critical_failed and review.iqs == 100


def test_the_scorecard_setting_round_trips_and_is_validated() -> None:
    scored = card(0.6, 0.4)
    again = scorecard_from_dict(scored.to_dict())
    assert again.content_hash() == scored.content_hash()
    assert next(c for c in again.criteria if c.key == "low").abstain_below == 0.6
    with pytest.raises(Exception, match="abstain_below"):
        card(1.5, 0.4)


def test_cx_value_and_resolution_probability_survive_every_criterion_abstaining() -> None:
    """Downstream CX figures never lose a conversation to abstention."""
    always = default_scorecard()
    raw = always.to_dict()
    for criterion in raw["criteria"]:
        if criterion.get("scorer") and not criterion.get("critical"):
            criterion["abstain_below"] = 1.0
    abstaining = scorecard_from_dict(raw)
    chat = conversation(
        ("customer", "My order never arrived and I am upset."),
        ("agent", "I am sorry! I have sent a replacement today."),
    )
    plain = ScoringEngine(always).score([chat])[-1]
    unsure = ScoringEngine(abstaining).score([chat])[-1]
    assert unsure.counts.unsure >= 5
    assert unsure.cx is not None and plain.cx is not None
    assert unsure.cx.value == plain.cx.value
    assert unsure.resolution is not None and plain.resolution is not None
    assert unsure.resolution.probability == plain.resolution.probability

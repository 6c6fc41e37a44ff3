"""The batch engine: grouping, fallback, recorded failures, scale checks, evidence checks."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import Evidence, Score, Status
from supportqa.domain.scorecard import Criterion, default_scorecard, scorecard_from_dict
from supportqa.errors import ConfigError, ScorerError
from supportqa.scorers.registry import scorer
from supportqa.scoring.engine import ScoringEngine, ai_review_id
from supportqa.scoring.profiles import MODEL_FREE_SCORERS, rules_only, uses_sentence_model
from supportqa.signals.analysis import Analysis
from supportqa.testing import conversation

CALLS: dict[str, int] = {}


@scorer(name="test_const")
def _const(value: float = 1, quote: str | None = None):  # type: ignore[no-untyped-def]
    def fn(item: Analysis, criterion: Criterion) -> Score:
        evidence = [Evidence(message_index=0, quote=quote)] if quote is not None else []
        return Score.rated(value, "constant", evidence)

    return fn


@scorer(name="test_raises")
def _raises(only_id: str | None = None):  # type: ignore[no-untyped-def]
    def fn(item: Analysis, criterion: Criterion) -> Score:
        if only_id is None or item.conversation.id == only_id:
            raise ScorerError("cannot rate this")
        return Score.rated(1, "fine")

    return fn


@scorer(name="test_na")
def _na():  # type: ignore[no-untyped-def]
    def fn(item: Analysis, criterion: Criterion) -> Score:
        return Score.not_applicable("nothing to judge")

    return fn


@scorer(name="test_multi", batch=True)
def _multi():  # type: ignore[no-untyped-def]
    def fn(items: Sequence[Analysis], criteria: Sequence[Criterion]) -> list[dict[str, Score]]:
        CALLS["multi"] = CALLS.get("multi", 0) + 1
        return [{c.key: Score.rated(c.scale.max, "multi") for c in criteria} for _ in items]

    return fn


def card(*criteria: dict[str, object]):  # type: ignore[no-untyped-def]
    return scorecard_from_dict({"name": "t", "version": "1", "criteria": list(criteria)})


def convs(n: int = 3) -> list[Conversation]:
    return [
        Conversation.model_validate(
            {"id": str(i), "messages": [{"role": "agent", "text": "Hello there friend"}]}
        )
        for i in range(n)
    ]


def test_one_call_rates_all_criteria_sharing_a_scorer() -> None:
    CALLS.clear()
    engine = ScoringEngine(
        card(
            {"key": "a", "weight": 1, "scale": "binary", "scorer": "test_multi"},
            {"key": "b", "weight": 1, "scale": "5-point", "scorer": "test_multi"},
        )
    )
    reviews = engine.score(convs(4))
    assert CALLS["multi"] == 1
    assert all(r.iqs == 100 for r in reviews)


def test_failure_is_recorded_never_a_silent_zero() -> None:
    engine = ScoringEngine(
        card(
            {
                "key": "a",
                "weight": 1,
                "scale": "binary",
                "scorer": {"test_raises": {"only_id": "1"}},
            },
            {"key": "b", "weight": 1, "scale": "binary", "scorer": "test_const"},
        )
    )
    reviews = engine.score(convs(3))
    bad = reviews[1].criterion("a")
    assert bad is not None and bad.status is Status.FAILED and "cannot rate this" in bad.explanation
    assert bad.rating is None and bad.score_pct is None
    assert reviews[1].iqs == 100 and reviews[1].counts.failed == 1
    assert reviews[0].criterion("a").status is Status.RATED  # type: ignore[union-attr]


def test_fallback_scorer_is_tried_in_order() -> None:
    engine = ScoringEngine(
        card(
            {
                "key": "a",
                "weight": 1,
                "scale": "binary",
                "scorer": ["test_raises", {"test_const": {"value": 0}}],
            },
        )
    )
    result = engine.score(convs(1))[0].criterion("a")
    assert result is not None and result.status is Status.RATED and result.rating == 0
    assert result.scorer is not None and result.scorer.name == "test_const"
    assert result.scorer.args == {"value": 0}


def test_rating_outside_scale_is_a_failure() -> None:
    engine = ScoringEngine(
        card({"key": "a", "weight": 1, "scale": "binary", "scorer": {"test_const": {"value": 3}}})
    )
    result = engine.score(convs(1))[0].criterion("a")
    assert result is not None and result.status is Status.FAILED and "outside" in result.explanation


def test_na_on_a_criterion_without_na_is_a_failure_and_allowed_na_is_kept() -> None:
    engine = ScoringEngine(
        card(
            {"key": "a", "weight": 1, "scale": "binary", "scorer": "test_na"},
            {"key": "b", "weight": 1, "scale": "binary", "scorer": "test_na", "allow_na": True},
        )
    )
    review = engine.score(convs(1))[0]
    assert review.criterion("a").status is Status.FAILED  # type: ignore[union-attr]
    assert review.criterion("b").status is Status.NA  # type: ignore[union-attr]
    assert review.iqs is None


def test_failed_critical_scorer_makes_review_incomplete() -> None:
    engine = ScoringEngine(
        card(
            {"key": "a", "weight": 1, "scale": "binary", "scorer": "test_raises", "critical": True},
            {"key": "b", "weight": 1, "scale": "binary", "scorer": "test_const"},
        )
    )
    review = engine.score(convs(1))[0]
    assert review.incomplete and review.iqs is None


def test_human_only_criteria_are_unrated() -> None:
    engine = ScoringEngine(
        card(
            {"key": "a", "weight": 1, "scale": "binary", "scorer": "test_const"},
            {"key": "b", "weight": 5, "scale": "binary"},
        )
    )
    review = engine.score(convs(1))[0]
    assert review.criterion("b").status is Status.UNRATED  # type: ignore[union-attr]
    assert review.iqs == 100 and review.counts.unrated == 1


def test_quotes_not_in_transcript_are_dropped() -> None:
    engine = ScoringEngine(
        card(
            {
                "key": "a",
                "weight": 1,
                "scale": "binary",
                "scorer": {"test_const": {"quote": "Hello there"}},
            },
            {
                "key": "b",
                "weight": 1,
                "scale": "binary",
                "scorer": {"test_const": {"quote": "invented"}},
            },
        )
    )
    review = engine.score(convs(1))[0]
    assert len(review.criterion("a").evidence) == 1  # type: ignore[union-attr]
    assert review.criterion("b").evidence == []  # type: ignore[union-attr]
    assert engine.stats.dropped_quotes == 1


def test_unknown_scorer_and_bad_arguments_fail_before_scoring() -> None:
    with pytest.raises(ConfigError, match="unknown scorer 'nope'"):
        ScoringEngine(card({"key": "a", "weight": 1, "scale": "binary", "scorer": "nope"}))
    with pytest.raises(ConfigError, match="bad arguments"):
        ScoringEngine(
            card(
                {
                    "key": "a",
                    "weight": 1,
                    "scale": "binary",
                    "scorer": {"test_const": {"colour": "red"}},
                }
            )
        )


def test_review_ids_are_stable_per_conversation_and_scorecard_version() -> None:
    c = convs(1)[0]
    one = card({"key": "a", "weight": 1, "scale": "binary"})
    assert ai_review_id(c, one) == ai_review_id(c, one)
    two = scorecard_from_dict({**one.to_dict(), "version": "2"})
    assert ai_review_id(c, one) != ai_review_id(c, two)


def test_rules_only_profile_keeps_rule_criteria_and_turns_cx_off() -> None:
    card = rules_only(default_scorecard())
    assert card.name == "default-rules" and not card.cx.enabled
    assert {s.name for c in card.criteria for s in c.scorers} <= MODEL_FREE_SCORERS
    assert {"greeting", "pii_exposure", "clarity"} <= set(card.keys)
    assert "resolution" not in card.keys
    review = ScoringEngine(card).score([conversation(("customer", "Hi"), ("agent", "Hello!"))])[0]
    assert review.cx is None and review.resolution is None


def test_sentence_model_use_is_detected_from_the_scorecard() -> None:
    card = default_scorecard()
    assert uses_sentence_model(card)
    assert not uses_sentence_model(rules_only(card))

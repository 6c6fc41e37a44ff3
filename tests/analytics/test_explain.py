"""`explain` shows the arithmetic that produced the stored IQS and CX, criterion by criterion."""

from __future__ import annotations

import pytest

from supportqa.analytics.explain import explain
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import CriterionResult, CxScore, Review, ReviewKind, ScorecardRef
from supportqa.domain.score import Evidence, Status
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.scoring.profiles import rules_only
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations


def independent_iqs(review: Review) -> float | None:
    """The IQS rules written out plainly over the stored criteria."""
    rated = [c for c in review.criteria if c.status == "rated" and c.score_pct is not None]
    for c in rated:
        if c.critical and c.score_pct is not None and c.score_pct < 50:
            return 0.0
    if any(c.critical and c.status == "failed" for c in review.criteria):
        return None
    total = 0.0
    weights = 0.0
    for c in rated:
        total += c.weight * (c.score_pct or 0.0)
        weights += c.weight
    return total / weights if weights > 0 else None


def test_iqs_arithmetic_equals_the_stored_iqs_of_real_scored_reviews(db: Database) -> None:
    repo = Repository(db)
    conversations = [Conversation.model_validate(r) for r in generate_conversations(60, 11)]
    repo.upsert_conversations(conversations)
    card = rules_only(default_scorecard())
    repo.save_scorecard(card)
    repo.upsert_reviews(ScoringEngine(card).score(conversations))
    stored = list(repo.iter_reviews())
    assert len({r.conversation_id for r in stored}) == 60  # a review per reviewee of each
    assert any(r.critical_failed for r in stored)
    for review in stored:
        expected = independent_iqs(review)
        assert expected == pytest.approx(review.iqs)
        result = explain(review, card)
        assert result.iqs.iqs == pytest.approx(review.iqs) and result.notes == []
        assert [c.key for c in result.criteria] == [c.key for c in review.criteria]
        counted = [c for c in result.criteria if c.counted]
        assert result.iqs.total_weight == pytest.approx(
            sum(c.weight for c in review.criteria if c.status == "rated")
        )
        assert sum(c.contribution or 0 for c in counted) == pytest.approx(result.iqs.weighted_sum)
        if review.critical_failed:
            assert "below 50%" in result.iqs.sentence and result.iqs.critical_failed


def _review(criteria: list[CriterionResult], iqs: float | None, cx: CxScore | None) -> Review:
    return Review(
        review_id="r1",
        kind=ReviewKind.AI,
        conversation_id="c1",
        scorecard=ScorecardRef(name="default", version="3"),
        iqs=iqs,
        criteria=criteria,
        cx=cx,
    )


def test_na_and_unrated_are_left_out_and_quotes_shown() -> None:
    quote = Evidence(message_index=2, quote="Sorry for the wait")
    criteria = [
        CriterionResult(key="greeting", status=Status.RATED, rating=1, score_pct=100, weight=10),
        CriterionResult(
            key="empathy",
            status=Status.RATED,
            rating=2,
            score_pct=100 / 3,
            weight=20,
            evidence=[quote],
        ),
        CriterionResult(key="closing", status=Status.NA, weight=5, explanation="chat cut off"),
        CriterionResult(key="tone", status=Status.UNRATED, weight=8),
    ]
    # (10 × 100 + 20 × 33.3) / (10 + 20) = 1666.7 / 30 = 55.56
    result = explain(_review(criteria, 1666.6666666666667 / 30, None), default_scorecard())
    assert result.iqs.iqs == pytest.approx(55.5555, abs=1e-3) and result.notes == []
    assert result.iqs.formula.startswith("(10×100 + 20×33) / 30")
    lines = {c.key: c for c in result.criteria}
    assert lines["empathy"].evidence == ['message 2: "Sorry for the wait"']
    assert lines["empathy"].scale == "1–4" and lines["empathy"].name == "Empathy"
    assert not lines["closing"].counted and "not applicable" in lines["closing"].sentence
    assert not lines["tone"].counted


def test_a_critical_failure_is_zero_and_a_failed_critical_scorer_is_incomplete() -> None:
    critical = CriterionResult(
        key="pii_exposure", status=Status.RATED, rating=0, score_pct=0, weight=5, critical=True
    )
    other = CriterionResult(key="greeting", status=Status.RATED, rating=1, score_pct=100, weight=10)
    zero = explain(_review([critical, other], 0.0, None))
    assert zero.iqs.iqs == 0.0 and zero.iqs.critical_failed == ["pii_exposure"]
    assert "would have given 66.7%" in zero.iqs.sentence  # (5×0 + 10×100) / 15
    broken = critical.model_copy(
        update={"status": Status.FAILED, "rating": None, "score_pct": None}
    )
    incomplete = explain(_review([broken, other], None, None))
    assert incomplete.iqs.iqs is None and incomplete.iqs.incomplete_by == ["pii_exposure"]


def test_a_stored_iqs_that_disagrees_with_the_arithmetic_is_flagged() -> None:
    only = CriterionResult(key="greeting", status=Status.RATED, rating=1, score_pct=100, weight=10)
    assert "differs from the arithmetic" in explain(_review([only], 42.0, None)).notes[0]


def test_cx_shows_subscores_weights_and_the_formula() -> None:
    cx = CxScore(
        score=3,
        value=3.088,
        subscores={"resolution": 0.42, "sentiment": 0.54, "service_quality": 0.63},
        weights={"resolution": 0.3, "sentiment": 0.5, "service_quality": 0.2},
        explanation="Unresolved after 4 replies.",
        review_recommended=True,
    )
    result = explain(_review([], None, cx))
    assert result.cx is not None
    # 1 + 4 × (0.3×0.42 + 0.5×0.54 + 0.2×0.63) = 1 + 4 × 0.522 = 3.088
    assert result.cx.formula == "1 + 4 × (0.3×0.42 + 0.5×0.54 + 0.2×0.63) = 3.09 → 3"
    assert "resolution (was the problem solved) 42% × weight 30%" in result.cx.sentence
    assert (
        "review queue" in result.cx.sentence and "never used to rank agents" in result.cx.sentence
    )


def _cx_of(value: float, score: int, flagged: bool) -> CxScore:
    return CxScore(
        score=score,
        value=value,
        subscores={"resolution": 0.5, "sentiment": 0.5, "service_quality": 0.5},
        weights={"resolution": 0.3, "sentiment": 0.5, "service_quality": 0.2},
        explanation="Partly resolved.",
        review_recommended=flagged,
    )


def test_cx_mapping_shows_the_cuts_the_band_and_the_flag() -> None:
    card = default_scorecard()
    card = card.model_copy(update={"cx": card.cx.model_copy(update={"cuts": (1.4, 2.2, 3.0, 4.3)})})
    # 3.2 would round to 3 (flagged); between the cuts 3.0 and 4.3 it is a 4, not flagged
    unflagged = explain(_review([], None, _cx_of(3.2, 4, False)), card).cx
    assert unflagged is not None and unflagged.mapping is not None
    mapping = unflagged.mapping
    assert mapping.cuts == [1.4, 2.2, 3.0, 4.3] and mapping.fitted
    assert (mapping.band_low, mapping.band_high, mapping.score) == (3.0, 4.3, 4)
    assert mapping.flag_below == 3.0 and mapping.flagged is False
    assert unflagged.formula.endswith("= 3.20 → band [3, 4.3) → 4")
    assert "CX 4 because 3 ≤ 3.20 < 4.3 with the scorecard's cuts (1.4 | 2.2 | 3 | 4.3)" in (
        unflagged.sentence
    )
    assert "at or above 3, so it is not flagged" in unflagged.sentence

    flagged = explain(_review([], None, _cx_of(2.9, 3, True)), card).cx
    assert flagged is not None and flagged.mapping is not None and flagged.mapping.flagged
    assert "below 3, so CX 1–3 flags it for review" in flagged.sentence
    top = explain(_review([], None, _cx_of(4.6, 5, False)), card).cx
    assert top is not None and top.formula.endswith("band [4.3, 5] → 5")


def test_cx_mapping_without_cuts_says_it_rounds_and_a_mismatch_says_rescore() -> None:
    card = default_scorecard()
    card = card.model_copy(update={"cx": card.cx.model_copy(update={"cuts": None})})
    result = explain(_review([], None, _cx_of(3.2, 4, False)), card).cx
    assert result is not None and result.mapping is not None
    assert result.mapping.score == 3 and not result.mapping.fitted
    assert "rounding half up (the scorecard sets no cuts)" in result.sentence
    assert "The stored CX 4 was banded otherwise: re-score" in result.sentence


def test_a_reviewers_own_cx_has_no_mapping() -> None:
    human = _review([], None, _cx_of(3.0, 3, True)).model_copy(
        update={"kind": ReviewKind.HUMAN, "reviewer": "ana"}
    )
    result = explain(human, default_scorecard()).cx
    assert result is not None and result.mapping is None
    assert "review queue" in result.sentence

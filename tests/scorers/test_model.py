"""Model scorers on small hand-written conversations: positive, negative, N/A, evidence in the text.

These run the real MiniLM encoder (the `models` extra): the path users run by default.
"""

from __future__ import annotations

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import EvidenceKind, Score, Status
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.testing import conversation

CARD = default_scorecard()


@pytest.fixture(scope="module")
def engine() -> ScoringEngine:
    return ScoringEngine(CARD)


def scores_of(engine: ScoringEngine, conv: Conversation) -> dict[str, Score]:
    return engine.score_analyses([_analysis(engine, conv)])[0]


def _analysis(engine: ScoringEngine, conv: Conversation):  # type: ignore[no-untyped-def]
    from supportqa.signals.analysis import Analysis

    return Analysis(conv, engine.detectors)


def assert_evidence_in_transcript(score: Score, conv: Conversation) -> None:
    for ev in score.evidence:
        if ev.kind is EvidenceKind.QUOTE:
            assert ev.message_index is not None
            assert ev.quote and ev.quote in conv.messages[ev.message_index].text
            assert len(ev.quote.split()) <= 30


RESOLVED = conversation(
    ("customer", "My internet stopped working this morning."),
    ("agent", "Hi Sam, sorry about that. Please restart your router and it should reconnect."),
    ("customer", "Thanks, that worked! It's working now."),
    ("agent", "Great to hear. Have a lovely day!"),
)
UNRESOLVED = conversation(
    ("customer", "I was charged twice for my order."),
    ("agent", "Thanks for reaching out."),
    ("customer", "It still isn't fixed and nobody has answered my question. This is useless."),
)
RUDE = conversation(
    ("customer", "The app crashes when I open it."),
    ("agent", "You should have read the instructions. That's not my problem."),
)
EMPATHIC = conversation(
    ("customer", "I'm really frustrated, my package is a week late and it was a birthday present."),
    (
        "agent",
        "I'm so sorry your order didn't arrive in time for the birthday, that must be upsetting. "
        "I've sent a replacement by express delivery; it arrives tomorrow.",
    ),
)
IGNORED = conversation(
    ("customer", "This is unacceptable, I'm very angry. I've been waiting for hours."),
    ("agent", "Send the order number."),
)
THANK_YOU_NOTE = conversation(
    ("customer", "Just wanted to say thanks for the great service last week!"),
    ("agent", "Thank you so much, that's lovely to hear!"),
)
MISUNDERSTOOD = conversation(
    ("customer", "How do I change the email address on my account?"),
    ("agent", "You can reset your password from the login page."),
    ("customer", "That's not what I asked. You didn't understand my question."),
)


def test_resolution_resolved_with_confirmation(engine: ScoringEngine) -> None:
    score = scores_of(engine, RESOLVED)["resolution"]
    assert score.status is Status.RATED and score.rating == 3
    assert score.confidence is not None and score.confidence > 0.5
    assert "confirmed" in score.explanation or "thanked" in score.explanation
    assert any(ev.message_index == 2 for ev in score.evidence)
    assert_evidence_in_transcript(score, RESOLVED)


def test_resolution_unresolved_when_the_customer_says_so(engine: ScoringEngine) -> None:
    score = scores_of(engine, UNRESOLVED)["resolution"]
    assert score.rating == 1
    assert "problem remains" in score.explanation
    assert_evidence_in_transcript(score, UNRESOLVED)


def test_resolution_uses_reopen_metadata(engine: ScoringEngine) -> None:
    turns = (
        ("customer", "My internet stopped working."),
        ("agent", "Please restart your router and it should reconnect."),
    )
    closed = conversation(*turns, status="solved")
    reopened = conversation(*turns, status="open", reopened=True)
    review_closed = engine.score([closed])[0]
    review_reopened = engine.score([reopened])[0]
    assert review_closed.resolution and review_reopened.resolution
    closed_p = review_closed.criterion("resolution")
    assert closed_p is not None and closed_p.rating is not None
    assert review_reopened.resolution.status != "resolved"
    assert review_closed.cx and review_reopened.cx
    assert review_closed.cx.subscores["resolution"] > review_reopened.cx.subscores["resolution"]  # type: ignore[operator]


def test_solution_offered_positive_negative_and_na(engine: ScoringEngine) -> None:
    yes = scores_of(engine, RESOLVED)["solution_offered"]
    assert yes.rating == 1 and yes.evidence[0].message_index == 1
    assert_evidence_in_transcript(yes, RESOLVED)
    no = scores_of(engine, UNRESOLVED)["solution_offered"]
    assert no.rating == 0
    assert any(ev.kind is EvidenceKind.ABSENCE for ev in no.evidence)
    na = scores_of(engine, THANK_YOU_NOTE)["solution_offered"]
    assert na.status is Status.NA


def test_comprehension_flags_a_misunderstanding(engine: ScoringEngine) -> None:
    bad = scores_of(engine, MISUNDERSTOOD)["comprehension"]
    assert bad.rating == 0 and bad.evidence[0].message_index == 2
    assert_evidence_in_transcript(bad, MISUNDERSTOOD)
    good = scores_of(engine, RESOLVED)["comprehension"]
    assert good.rating == 1


def test_tone_rude_neutral_warm(engine: ScoringEngine) -> None:
    rude = scores_of(engine, RUDE)["tone"]
    assert rude.rating == 1 and rude.evidence[0].message_index == 1
    assert_evidence_in_transcript(rude, RUDE)
    warm = scores_of(engine, THANK_YOU_NOTE)["tone"]
    assert warm.rating == 4
    neutral = scores_of(
        engine,
        conversation(
            ("customer", "What are your opening hours?"),
            ("agent", "Our store is open from 9 to 5 on weekdays."),
        ),
    )["tone"]
    assert neutral.rating == 3


def test_empathy_specific_ignored_and_na(engine: ScoringEngine) -> None:
    specific = scores_of(engine, EMPATHIC)["empathy"]
    assert specific.rating is not None and specific.rating >= 3
    assert_evidence_in_transcript(specific, EMPATHIC)
    ignored = scores_of(engine, IGNORED)["empathy"]
    assert ignored.rating == 1
    assert "did not acknowledge" in ignored.explanation
    assert_evidence_in_transcript(ignored, IGNORED)
    calm = scores_of(engine, THANK_YOU_NOTE)["empathy"]
    assert calm.status is Status.NA


def test_customer_sentiment_and_effort(engine: ScoringEngine) -> None:
    happy = scores_of(engine, RESOLVED)
    angry = scores_of(engine, UNRESOLVED)
    assert happy["customer_sentiment"].rating is not None
    assert angry["customer_sentiment"].rating is not None
    assert happy["customer_sentiment"].rating > angry["customer_sentiment"].rating
    assert_evidence_in_transcript(angry["customer_sentiment"], UNRESOLVED)
    chased = conversation(
        ("customer", "This is the third time I'm contacting you about my refund."),
        ("agent", "I will transfer you to the billing department."),
        ("customer", "I had to explain everything again."),
        ("agent", "A supervisor will contact you within 24 hours."),
    )
    assert scores_of(engine, chased)["effort"].rating == 1 or (
        scores_of(engine, chased)["effort"].rating or 3
    ) < (happy["effort"].rating or 0)


def test_every_model_criterion_rates_with_explanation_and_confidence(
    engine: ScoringEngine,
) -> None:
    model_keys = [
        "resolution",
        "solution_offered",
        "comprehension",
        "tone",
        "empathy",
        "customer_sentiment",
        "effort",
    ]
    for conv in (RESOLVED, UNRESOLVED, RUDE, EMPATHIC, IGNORED, THANK_YOU_NOTE, MISUNDERSTOOD):
        scores = scores_of(engine, conv)
        for key in model_keys:
            score = scores[key]
            # unsure: the scorer answered, below its criterion's abstain_below (tentative rating kept)
            assert score.status in (Status.RATED, Status.NA, Status.UNSURE), (key, score)
            assert score.explanation.endswith(".")
            if score.status is not Status.NA:
                assert score.confidence is not None and 0 <= score.confidence <= 1
                assert score.evidence, key
            assert_evidence_in_transcript(score, conv)


def test_cx_score_formula_and_flag(engine: ScoringEngine) -> None:
    good, bad = engine.score([RESOLVED, UNRESOLVED])
    for review in (good, bad):
        cx = review.cx
        assert cx is not None
        assert abs(sum(cx.weights.values()) - 1) < 1e-3
        expected = 1 + 4 * sum(
            cx.weights[k] * (cx.subscores[k] or 0)
            for k in cx.weights
            if cx.subscores[k] is not None
        )
        assert cx.value == pytest.approx(expected, abs=1e-3)
        # the default scorecard's cuts band the value: score = 1 + cuts at or below it
        cuts = CARD.cx.cuts
        assert cuts is not None
        assert cx.score == 1 + sum(1 for cut in cuts if cut <= cx.value)
        assert cx.review_recommended is (cx.value < cuts[2])
        assert cx.explanation.endswith(".")
    assert good.cx and bad.cx and good.cx.value > bad.cx.value
    assert bad.cx.review_recommended
    assert "Resolved" in good.cx.explanation and "first reply in 60 s" in good.cx.explanation


def test_bot_conversations_get_cx_too(engine: ScoringEngine) -> None:
    bot = conversation(
        ("customer", "How do I reset my password?"),
        ("bot", "You can reset your password from the login page by clicking Forgot password."),
        ("customer", "Thanks, that worked."),
    )
    review = engine.score([bot])[0]
    assert review.cx is not None and review.cx.score >= 4
    assert review.resolution is not None and review.resolution.status == "resolved"

"""The failure classes of real help-desk tickets (issue #17), each on a small written conversation:
a politeness "thank you" after a refusal is no resolution, drop-outs and inactivity closes are not
resolved, a greeting that thanks is no closing, artefacts are not the customer's mood. Each case has a
near neighbour that must go the other way, so a scorer cannot pass by always answering one thing."""

from __future__ import annotations

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review
from supportqa.domain.score import Status
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring.engine import ScoringEngine
from supportqa.testing import conversation


@pytest.fixture(scope="module")
def engine() -> ScoringEngine:
    return ScoringEngine(default_scorecard())


def review(engine: ScoringEngine, conv: Conversation) -> Review:
    return engine.score([conv])[-1]


def rating(r: Review, key: str) -> float | None:
    c = r.criterion(key)
    assert c is not None
    # the scorer's answer: an `unsure` one (abstention, tested in tests/scoring) is its tentative rating
    return c.rating if c.status in (Status.RATED, Status.UNSURE) else None


REFUSED = conversation(
    ("customer", "Hi, I'd like to return the blender I bought in December for a refund please."),
    ("agent", "No."),
    ("customer", "oh. ok, thank you anyway"),
    status="closed",
)
REFUNDED = conversation(
    ("customer", "Hi, I'd like to return the blender I bought in December for a refund please."),
    ("agent", "Hi Tomás, I've refunded the €89 to your card; it arrives in 3-5 days."),
    ("customer", "thank you!"),
    status="closed",
)


def test_refusal_then_thanks_is_not_resolved(engine: ScoringEngine) -> None:
    refused, refunded = review(engine, REFUSED), review(engine, REFUNDED)
    assert refused.resolution is not None and refunded.resolution is not None
    assert refused.resolution.status == "unresolved"
    assert refunded.resolution.status == "resolved"
    assert rating(refused, "solution_offered") == 0
    assert rating(refunded, "solution_offered") == 1
    assert refused.cx is not None and refunded.cx is not None
    assert refused.cx.value < refunded.cx.value


def test_drop_out_and_inactivity_are_not_resolved(engine: ScoringEngine) -> None:
    answered = (
        ("customer", "My printer says offline but its screen says connected."),
        ("agent", "Hi Siobhan. Go to Settings > Printers, remove the printer and add it again."),
    )
    timed_out = conversation(
        *answered,
        ("agent", "Did that work?"),
        ("system", "Chat closed due to inactivity"),
        status="closed",
    )
    confirmed = conversation(
        *answered, ("customer", "that worked, it prints now!"), status="closed"
    )
    assert review(engine, timed_out).resolution.status != "resolved"  # type: ignore[union-attr]
    assert review(engine, confirmed).resolution.status == "resolved"  # type: ignore[union-attr]


def test_greeting_thanks_is_not_a_closing(engine: ScoringEngine) -> None:
    opener_only = conversation(
        ("customer", "Please change our billing address to 14 Independence Ave, Accra."),
        (
            "agent",
            "Hi Kofi, thanks for reaching out.\n\nThe billing address is now changed.\n\nAnna",
        ),
    )
    closes = conversation(
        ("customer", "Our invoices do not show our VAT number."),
        (
            "agent",
            "Good morning Pedro,\n\nI've reissued both invoices with your VAT number.\n\n"
            "Grateful for your patience today, Pedro.",
        ),
    )
    assert rating(review(engine, opener_only), "closing") == 0
    assert rating(review(engine, closes), "closing") == 1
    assert rating(review(engine, opener_only), "greeting") == 1


def test_solution_offered_is_na_only_when_nothing_was_asked(engine: ScoringEngine) -> None:
    report = conversation(
        ("customer", "I ordered running shoes in size 39 and received size 37."),
        ("agent", "Sorry for the mix-up! The size 39 pair is on its way by express."),
    )
    note = conversation(
        ("customer", "Just wanted to say thanks for the great service last week!"),
        ("agent", "Thank you so much, that's lovely to hear!"),
    )
    assert rating(review(engine, report), "solution_offered") == 1
    assert review(engine, note).criterion("solution_offered").status is Status.NA  # type: ignore[union-attr]


def test_polite_opener_is_not_distress(engine: ScoringEngine) -> None:
    neutral = conversation(
        ("customer", "Hi there, hoping you can help me. How do I export all 2025 invoices?"),
        ("agent", "Hello Lucía. Go to Billing > Invoices, filter 2025 and click Export."),
    )
    upset = conversation(
        (
            "customer",
            "I'm really frustrated and upset, my package is a week late and it was a gift.",
        ),
        ("agent", "Send the order number."),
    )
    assert review(engine, neutral).criterion("empathy").status is Status.NA  # type: ignore[union-attr]
    assert rating(review(engine, upset), "empathy") == 1


def test_upload_notice_does_not_end_the_conversation(engine: ScoringEngine) -> None:
    turns = (
        ("customer", "The vase arrived in pieces."),
        ("agent", "I'm so sorry! I've sent a replacement by express, it arrives tomorrow."),
        ("customer", "that's brilliant, thank you so much!"),
    )
    plain = review(engine, conversation(*turns))
    with_notice = review(
        engine, conversation(*turns, ("customer", "Customer uploaded a file: IMG_4471.jpg"))
    )
    assert plain.cx is not None and with_notice.cx is not None
    assert with_notice.cx.value == pytest.approx(plain.cx.value)

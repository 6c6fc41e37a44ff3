"""Dialogue acts by wording: solutions, refusals, requests and how a conversation ended."""

from __future__ import annotations

import pytest

from supportqa.signals.acts import customer_asked, ending, grudging, is_refusal, states_solution
from supportqa.testing import conversation


@pytest.mark.parametrize(
    "sentence",
    [
        "I've reprinted it and it ships tomorrow.",
        "Press Ctrl+S, then File > Export > PDF will be active.",
        "Your refund of €48 has been processed.",
        "The correct pair is on its way by express.",
        "Please gently wipe the sensor with a soft cloth.",
        "Yes, reception is open 24 hours.",
        "I can't refund to your card, but I can offer the full €79 as store credit.",
    ],
)
def test_solutions(sentence: str) -> None:
    assert states_solution(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "No.",
        "We can't do that.",
        "Can you send me the order number?",
        "Thanks for reaching out.",
        "These tickets are non-refundable.",
    ],
)
def test_not_solutions(sentence: str) -> None:
    assert not states_solution(sentence)


@pytest.mark.parametrize(
    ("sentence", "refusal"),
    [
        ("No.", True),
        ("We can't do that.", True),
        ("Unfortunately these tickets are non-refundable.", True),
        ("I can't refund it, but I can offer store credit.", False),
        ("If it can't be used, please contact me again.", False),
        ("So your phone can't connect to the internet?", False),
        ("The pass can't exist with the other plan at the same time.", False),
    ],
)
def test_refusals(sentence: str, refusal: bool) -> None:
    assert is_refusal(sentence) is refusal


def test_grudging_thanks() -> None:
    assert grudging("oh. ok, thank you anyway")
    assert grudging("great. thanks i guess")
    assert not grudging("thanks, that worked!")


def test_endings() -> None:
    left = conversation(
        ("customer", "my bill doubled"),
        ("agent", "Can you read me the meter number?"),
        ("customer", "hang on"),
        ("system", "Gareth left the chat"),
    )
    assert ending(left).customer_left and ending(left).dropped
    timed_out = conversation(
        ("customer", "printer offline"),
        ("agent", "Remove the printer and add it again. Did that work?"),
        ("system", "Chat closed due to inactivity"),
    )
    assert ending(timed_out).inactivity_close and ending(timed_out).open_question
    closing_offer = conversation(
        ("customer", "how do I export?"),
        ("agent", "Click Export. Anything else I can help with?"),
    )
    assert not ending(closing_offer).dropped


def test_customer_asked() -> None:
    assert customer_asked(conversation(("customer", "does the plan include Morocco?")))
    assert customer_asked(
        conversation(("customer", "I ordered size 39 and received size 37. The label says 39."))
    )
    assert not customer_asked(
        conversation(("customer", "Just wanted to say thanks for the great service last week!"))
    )
    assert not customer_asked(conversation(("customer", "Customer uploaded a file: IMG_1.jpg")))


def test_follow_ups_and_loops() -> None:
    from supportqa.signals.acts import follow_ups, repeated_staff_reply

    chased = conversation(
        ("customer", "My refund hasn't arrived."),
        ("agent", "Can you give me the order number?"),
        ("customer", "NW-1234"),
        ("agent", "Thanks, I'm checking with finance."),
        ("customer", "Hi, any news? It's been a week."),
    )
    assert follow_ups(chased) == [4]
    loop = "Sorry, I didn't get that. Please choose one of the options below."
    looped = conversation(
        ("customer", "I want a person"), ("bot", loop), ("customer", "PERSON"), ("bot", loop)
    )
    assert repeated_staff_reply(looped)
    assert not repeated_staff_reply(chased)

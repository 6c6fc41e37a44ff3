"""CVV codes and card expiry dates: found next to card words, never as bare numbers or days."""

from __future__ import annotations

import pytest

from supportqa.signals.card_details import (
    find_card_details,
    find_card_expiries,
    find_card_security_codes,
)


def _values(text: str) -> list[tuple[str, str]]:
    return [(kind, text[s:e]) for kind, s, e in find_card_details(text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("cvv 123", [("cvv", "123")]),
        ("CVV: 1234 thanks", [("cvv", "1234")]),
        ("The security code on the back is 456.", [("cvv", "456")]),
        ("CVC2 is 789", [("cvv", "789")]),
        ("123 is the CVV", [("cvv", "123")]),
        ("my card expires 09/27", [("card_expiry", "09/27")]),
        ("exp 09/27", [("card_expiry", "09/27")]),
        ("Expires: 9/27", [("card_expiry", "9/27")]),
        ("expiry 09/2027", [("card_expiry", "09/2027")]),
        ("valid thru 12/26", [("card_expiry", "12/26")]),
        ("my card 09/27 and cvv 321", [("card_expiry", "09/27"), ("cvv", "321")]),
        (
            "card: 4242 4242 4242 4242, 09/27, 321",
            [("card_expiry", "09/27"), ("cvv", "321")],
        ),
        (
            "card number 4242424242424242 expiring 03/29 security code 777",
            [("card_expiry", "03/29"), ("cvv", "777")],
        ),
    ],
)
def test_card_details_in_card_context_are_found(text: str, found: list[tuple[str, str]]) -> None:
    assert _values(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "order 123 arrives in 3 days",
        "your card was charged on 09/27",
        "I was charged $123 on my card",
        "card ending in 4242",
        "Meeting on 10/12 about the refund",
        "ticket 12/25 is open",
        "my card was declined 3 times, order 123",
        "the cvv field was empty, order 123",
        "The CVV is the 3 digits on the back",
        "page 3/10 of the card terms",
        "exp 13/27 is not a month",
        "the invoice of 09/27/2026 for card fees",
    ],
)
def test_numbers_and_days_without_card_context_are_left_alone(text: str) -> None:
    assert find_card_details(text) == []


def test_a_code_after_an_expiry_date_is_its_cvv() -> None:
    text = "exp 09/27 321 please"
    expiries = find_card_expiries(text)
    assert [text[s:e] for s, e in find_card_security_codes(text, expiries)] == ["321"]

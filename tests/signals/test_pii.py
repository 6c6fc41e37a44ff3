"""PII detectors: checksums and formats decide, masked values never match."""

from __future__ import annotations

import pytest

from supportqa.domain.conversation import Conversation, Role
from supportqa.signals.pii import (
    find_cards,
    find_ibans,
    find_national_ids,
    find_passwords,
    find_pii,
    iban_valid,
    luhn_valid,
    pii_hits,
    staff_pii_hits,
)


def spans(text: str, found: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in found]


@pytest.mark.parametrize(
    "number",
    [
        "4242 4242 4242 4242",
        "4242-4242-4242-4242",
        "4242424242424242",
        "5555 5555 5555 4444",
        "3782 822463 10005",
        "6011 1111 1111 1117",
        "2223 0031 2200 3222",
    ],
)
def test_luhn_valid_card_numbers_are_found_verbatim(number: str) -> None:
    text = f"The card {number} is on file."
    assert spans(text, find_cards(text)) == [number]


def test_luhn_invalid_numbers_are_not_cards() -> None:
    assert not luhn_valid("4242424242424241")
    assert find_cards("card 4242 4242 4242 4241 please") == []


@pytest.mark.parametrize(
    "text",
    [
        "the card ending in 4242",
        "card **** **** **** 4242",
        "card 4242 42** **** 4242",
        "order 1234567890123 shipped",  # Luhn-valid digits? no issuer prefix starting with 1
        "0000 0000 0000 0000",
        "call 555-123-4567",
    ],
)
def test_masked_and_non_card_numbers_are_not_flagged(text: str) -> None:
    assert find_cards(text) == []


def test_card_followed_by_more_digits_is_still_found() -> None:
    text = "4242 4242 4242 4242 123"
    assert spans(text, find_cards(text)) == ["4242 4242 4242 4242"]


@pytest.mark.parametrize(
    "iban", ["DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "GB29 NWBK 6016 1331 9268 19"]
)
def test_valid_ibans_are_found(iban: str) -> None:
    text = f"Pay to {iban}, thanks."
    assert spans(text, find_ibans(text)) == [iban]
    assert iban_valid(iban)


def test_invalid_iban_checksum_is_not_flagged() -> None:
    assert not iban_valid("DE88 3704 0044 0532 0130 00")
    assert find_ibans("Pay to DE88 3704 0044 0532 0130 00 today") == []


def test_iban_followed_by_capitalised_word_keeps_only_the_iban() -> None:
    text = "IBAN DE89 3704 0044 0532 0130 00 OK"
    assert spans(text, find_ibans(text)) == ["DE89 3704 0044 0532 0130 00"]


def test_ssn_and_ni_numbers_are_national_ids() -> None:
    text = "SSN 123-45-6789 and NI AB 12 34 56 C and QQ123456C"
    assert spans(text, find_national_ids(text)) == ["123-45-6789", "AB 12 34 56 C"]


@pytest.mark.parametrize(
    "ssn", ["000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000"]
)
def test_impossible_ssns_are_not_flagged(ssn: str) -> None:
    assert find_national_ids(f"number {ssn}") == []


def test_invalid_ni_prefixes_are_not_flagged() -> None:
    assert find_national_ids("GB123456A and BO123456A") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Your password is Spring2024!", "password is Spring2024"),
        ("password: hunter22", "password: hunter22"),
        ("pwd: abcd", "pwd: abcd"),
        ("The passcode is 5512.", "passcode is 5512"),
        ("Use temporary password Xy7pQ9 to log in", "temporary password Xy7pQ9"),
        ("Your new password is sunshine", "new password is sunshine"),
    ],
)
def test_passwords_in_clear_are_found(text: str, span: str) -> None:
    assert spans(text, find_passwords(text)) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Your password is incorrect.",
        "The password is case-sensitive.",
        "Your password is probably saved in the browser.",
        "Please reset your password here.",
        "password: ********",
        "new password requirements are listed below",
        "your password is at least 8 characters",
    ],
)
def test_password_advice_is_not_a_password(text: str) -> None:
    assert find_passwords(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        (
            "I've reset your password to Tiger-Comet-75, please change it.",
            "password to Tiger-Comet-75",
        ),
        ("Your password has been reset to Xq8-plum-44.", "password has been reset to Xq8-plum-44"),
        ("Your password is now Kettle-Moon-8", "password is now Kettle-Moon-8"),
        ("Your new password will be Blue-Fox-19", "new password will be Blue-Fox-19"),
        ("I set a temporary password of Mx7Lake for you", "temporary password of Mx7Lake"),
        (
            "The password for the guest wifi is Sunny-Bay-34",
            "password for the guest wifi is Sunny-Bay-34",
        ),
        ("Set your password to sunny-river-lake", "password to sunny-river-lake"),
        ("Use Tiger-Comet-75 as the password for now.", "Tiger-Comet-75 as the password"),
        ("Use river42Lamp as your temporary password.", "river42Lamp as your temporary password"),
        ("Temp pass: Rk82-Lime", "Temp pass: Rk82-Lime"),
        ("I've set your PIN to 4821", "PIN to 4821"),
        ("Your PIN is 4821.", "PIN is 4821"),
        ("Use 482913 as your PIN", "482913 as your PIN"),
        ("temporary PIN 90210", "temporary PIN 90210"),
    ],
)
def test_passwords_set_or_named_in_other_wordings_are_found(text: str, span: str) -> None:
    assert spans(text, find_passwords(text)) == [span]


@pytest.mark.parametrize(
    "text",
    [
        "Please type the password to your email account",
        "Reset your password to something stronger",
        "Please change your password to at least 12 characters",
        "Please reset your password to regain access",
        "the password to your Wi-Fi is on the router",
        "We sent the password to jane.doe@example.com",
        "I emailed the password to 07700900123",
        "Use your date of birth as the password",
        "Enter it as your password",
        "Use iCloud as a password manager",
        "Your new password requirements are listed below",
        "Your boarding pass is ready",
        "The PIN is printed on the back of the card",
        "Enter your PIN to confirm",
        "Your PIN is 4 digits long",
        "Your password is case sensitive",
    ],
)
def test_password_lookalikes_are_not_passwords(text: str) -> None:
    assert find_passwords(text) == []


def test_find_pii_reports_kinds_in_text_order() -> None:
    text = "password: hunter22 card 4242 4242 4242 4242"
    assert [kind for kind, _, _ in find_pii(text)] == ["password", "card"]
    assert [kind for kind, _, _ in find_pii(text, ["card"])] == ["card"]


def test_staff_hits_skip_customer_messages_and_internal_notes() -> None:
    conv = Conversation.model_validate(
        {
            "id": "p",
            "messages": [
                {"role": "customer", "text": "my card is 4242 4242 4242 4242"},
                {"role": "note", "text": "card 4242 4242 4242 4242"},
                {"role": "agent", "text": "ok", "public": False},
                {"role": "bot", "text": "IBAN GB82WEST12345698765432"},
            ],
        }
    )
    assert [(h.message_index, h.kind) for h in staff_pii_hits(conv)] == [(3, "iban")]
    everything = pii_hits(conv, include_private=True)
    assert [h.message_index for h in everything] == [0, 1, 3]
    customer = pii_hits(conv, roles=[Role.CUSTOMER])
    assert [h.message_index for h in customer] == [0]

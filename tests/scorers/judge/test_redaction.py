"""Redaction for the LLM judge: every kind replaced, placeholders stable, and always a way back."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportqa.domain.conversation import Agent, Person
from supportqa.errors import ConfigError
from supportqa.scorers.judge.redaction import (
    ALL_KINDS,
    Redactor,
    known_names,
    redact_conversation,
    redact_text,
)
from supportqa.testing import conversation


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("email", "Write to maria.lopez@example.com today.", "maria.lopez@example.com"),
        ("phone", "Call +44 20 7946 0958 please.", "+44 20 7946 0958"),
        ("phone", "Call (415) 555-0132 please.", "(415) 555-0132"),
        ("phone", "Call 415.555.0132 please.", "415.555.0132"),
        ("phone", "Call 0612345678 please.", "0612345678"),
        ("phone", "Call +33 6 12 34 56 78 please.", "+33 6 12 34 56 78"),
        ("card", "My card is 4242 4242 4242 4242.", "4242 4242 4242 4242"),
        ("iban", "IBAN DE89 3704 0044 0532 0130 00 is mine.", "DE89 3704 0044 0532 0130 00"),
        ("national_id", "SSN 123-45-6789 on file.", "123-45-6789"),
        ("national_id", "NI number AB 12 34 56 C.", "AB 12 34 56 C"),
        ("password", "Your password is Hunter2x! now.", "Hunter2x"),
        ("password", "Use Zebra-42x as your PIN.", "Zebra-42x"),
        ("address", "Send it to 221B Baker Street, London NW1 6XE.", "221B Baker Street"),
        ("address", "I live at 12 Rue de Rivoli in Paris.", "12 Rue de Rivoli"),
        ("address", "Deliver to 1600 Pennsylvania Ave NW today.", "1600 Pennsylvania Ave NW"),
        ("address", "Springfield, IL 62701 is the town.", "Springfield, IL 62701"),
        ("address", "Postcode SW1A 1AA.", "SW1A 1AA"),
        ("address", "Hauptstraße 5 is the office.", "Hauptstraße 5"),
        ("name", "Thanks Maria Lopez!", "Maria Lopez"),
        ("name", "thanks maria!", "maria"),
        ("cvv", "The CVV is 123.", "123"),
        ("cvv", "security code: 4821", "4821"),
        ("card_expiry", "My card expires 09/27.", "09/27"),
        ("card_expiry", "exp 11/2028", "11/2028"),
    ],
)
def test_every_kind_is_redacted_and_restored(kind: str, text: str, value: str) -> None:
    redactor = Redactor(names=["Maria Lopez"])
    redacted = redactor.redact(text)
    assert value not in redacted
    assert f"[{kind.upper()}_1]" in redacted
    assert redactor.counts[kind] == 1
    assert redactor.restore(redacted) == text


def test_password_placeholder_keeps_the_words_around_the_secret() -> None:
    redactor = Redactor()
    assert redactor.redact("password is Hunter2x!") == "password is [PASSWORD_1]!"
    assert redactor.redact("pwd=abcd1234") == "pwd=[PASSWORD_2]"


def test_only_the_requested_kinds_are_redacted() -> None:
    text = "mail maria@x.com or call (415) 555-0132"
    assert Redactor(kinds=["email"]).redact(text) == "mail [EMAIL_1] or call (415) 555-0132"
    assert Redactor(names=["Maria"], kinds=["phone"]).redact("Maria") == "Maria"


def test_an_unknown_kind_is_a_config_error_naming_it() -> None:
    with pytest.raises(ConfigError, match="ssn"):
        Redactor(kinds=["email", "ssn"])


def test_the_same_value_keeps_its_placeholder_across_calls() -> None:
    redactor = Redactor(names=["Maria Lopez"])
    first = redactor.redact("Maria here: maria@x.com, (415) 555-0132, card 4242 4242 4242 4242")
    second = redactor.redact("MARIA again: MARIA@X.COM, 415.555.0132, card 4242424242424242")
    assert first == "[NAME_1] here: [EMAIL_1], [PHONE_1], card [CARD_1]"
    assert second == "[NAME_1] again: [EMAIL_1], [PHONE_1], card [CARD_1]"
    assert redactor.redact("other@x.com") == "[EMAIL_2]"
    assert redactor.counts == {"name": 1, "email": 2, "phone": 1, "card": 1}
    assert redactor.mapping["[EMAIL_1]"] == "maria@x.com"  # the first form seen
    assert redactor.mapping["[PHONE_1]"] == "(415) 555-0132"


def test_restore_leaves_unknown_placeholders_and_accepts_lower_case_ones() -> None:
    redactor = Redactor()
    redactor.redact("mail maria@x.com")
    assert redactor.restore("wrote [EMAIL_1] and [EMAIL_9], [PHONE_1]") == (
        "wrote maria@x.com and [EMAIL_9], [PHONE_1]"
    )
    assert redactor.restore("[email_1]") == "maria@x.com"


def test_restore_within_the_original_picks_the_form_written_there() -> None:
    redactor = Redactor(names=["Maria"])
    original = "Hi Maria. Is that MARIA on (415) 555-0132 or 415.555.0132?"
    redacted = redactor.redact(original)
    assert redacted == "Hi [NAME_1]. Is that [NAME_1] on [PHONE_1] or [PHONE_1]?"
    quote = "Is that [NAME_1] on [PHONE_1] or [PHONE_1]?"
    assert redactor.restore(quote) not in original
    assert redactor.restore(quote, within=original) in original
    assert redactor.restore(redacted, within=original) == original


@pytest.mark.parametrize(
    "text",
    [
        "order #12345678 shipped",
        "ticket 4455667 is open",
        "order number 0612345678 shipped",
        "case: 415-555-0132",
        "on 2024-03-02 at 10:30, or 02.03.2024",
        "total $1,234,567.89, or 1 234 567 EUR, or € 612 345 678",
        "card **** **** **** 4242, the one ending in 4242",
        "server 192.168.1.1 from 2019-2024",
        "reference 1234 5678 9012 3456 7890",
        "3 items, 20 minutes, 1500 points",
    ],
)
def test_reference_numbers_dates_amounts_and_masked_cards_are_left_alone(text: str) -> None:
    assert Redactor().redact(text) == text


def test_a_luhn_invalid_sixteen_digit_number_is_not_a_card_or_a_phone() -> None:
    redactor = Redactor()
    assert redactor.redact("card 4242 4242 4242 4241 declined") == (
        "card 4242 4242 4242 4241 declined"
    )
    assert redactor.counts == {}


def test_a_card_number_is_never_read_as_a_phone() -> None:
    redactor = Redactor()
    assert redactor.redact("Amex 3782 822463 10005") == "Amex [CARD_1]"
    assert redactor.find("Amex 3782 822463 10005") == [("card", 5, 22)]


def test_phones_next_to_other_numbers_are_cut_apart() -> None:
    redactor = Redactor()
    text = "+44 20 7946 0958 415.555.0132 and 4242 4242 4242 4242 (415) 555-0132"
    assert redactor.redact(text) == "[PHONE_1] [PHONE_2] and [CARD_1] [PHONE_2]"


def test_names_match_whole_words_only() -> None:
    redactor = Redactor(names=["Ann", "Tom"])
    text = "Annual plan for Anne, Annabel and Tomas, by Ann and tom; Tom's note"
    assert redactor.redact(text) == (
        "Annual plan for Anne, Annabel and Tomas, by [NAME_1] and [NAME_2]; [NAME_2]'s note"
    )


def test_name_parts_are_matched_longest_first() -> None:
    redactor = Redactor(names=["Maria de la Cruz"])
    assert redactor.redact("Maria de la Cruz, Maria, Ms Cruz, la casa") == (
        "[NAME_1], [NAME_2], Ms [NAME_3], la casa"
    )
    assert redactor.mapping == {
        "[NAME_1]": "Maria de la Cruz",
        "[NAME_2]": "Maria",
        "[NAME_3]": "Cruz",
    }


def test_names_that_are_common_words_are_matched_only_when_capitalised() -> None:
    redactor = Redactor(names=["Will Smith"])
    assert redactor.redact("I will ask Will. will smith?") == "I will ask [NAME_1]. [NAME_2]?"


def test_overlapping_values_resolve_to_the_longest() -> None:
    redactor = Redactor(names=["Maria Lopez"])
    text = "maria.lopez@example.com, 12 Rue Maria Lopez, Maria Lopez"
    assert redactor.redact(text) == "[EMAIL_1], [ADDRESS_1], [NAME_1]"
    hits = redactor.find(text)
    assert all(a[2] <= b[1] for a, b in pairwise(hits))


def test_what_a_shorter_value_has_outside_the_longer_one_is_still_redacted() -> None:
    # The address pattern runs into the IBAN ("... Hugo FR76"); the IBAN wins, the street stays hidden.
    iban = "FR76 3000 6000 0112 3456 7890 189"
    text = f"Pay from {iban} to 12 Rue Victor Hugo {iban}"
    redactor = Redactor()
    assert redactor.redact(text) == "Pay from [IBAN_1] to [ADDRESS_1] [IBAN_1]"
    assert redactor.restore(redactor.redact(text)) == text


def test_numbers_with_a_country_code_are_phones_even_after_a_reference_word() -> None:
    redactor = Redactor()
    assert redactor.redact("case +44 20 7946 0958, case 020 7946 0958") == (
        "case [PHONE_1], case 020 7946 0958"
    )


WORDS = ["hello", "thanks", "refund", "arrived", "please", "check", "annual", "mariachi", "3 boxes"]
# (what is written, what must not survive redaction); each value in one form only, so the plain
# restore gives back the text exactly.
VALUES = [
    ("maria.lopez@example.com", "maria.lopez@example.com"),
    ("+44 20 7946 0958", "7946 0958"),
    ("(415) 555-0132", "555-0132"),
    ("0612345678", "0612345678"),
    ("4242 4242 4242 4242", "4242 4242 4242 4242"),
    ("DE89 3704 0044 0532 0130 00", "DE89 3704"),
    ("123-45-6789", "123-45-6789"),
    ("password is Hunter2x!", "Hunter2x"),
    ("221B Baker Street", "Baker Street"),
    ("12 Rue de Rivoli", "Rivoli"),
    ("Maria Lopez", "Maria"),
    ("Lopez", "Lopez"),
]
SEPARATORS = [" ", ", ", ". ", " and ", ";\n"]


@given(
    st.lists(
        st.tuples(
            st.one_of(st.sampled_from(WORDS), st.sampled_from(VALUES)),
            st.sampled_from(SEPARATORS),
        ),
        max_size=25,
    )
)
def test_redact_then_restore_gives_the_text_back(
    pieces: list[tuple[str | tuple[str, str], str]],
) -> None:
    text = "".join((p if isinstance(p, str) else p[0]) + sep for p, sep in pieces)
    redactor = Redactor(names=["Maria Lopez"])
    redacted = redactor.redact(text)
    assert redactor.restore(redacted) == text
    for piece, _ in pieces:
        if not isinstance(piece, str):
            assert piece[1] not in redacted


@given(st.text(max_size=200))
def test_any_text_comes_back_from_its_redaction(text: str) -> None:
    redactor = Redactor(names=["Ann Lee"])
    assert redactor.restore(redactor.redact(text), within=text) == text


def test_known_names_come_from_customer_agent_and_authors() -> None:
    conv = conversation(
        ("customer", "Hi, Maria here"),
        ("agent", "Hello Maria, Tom speaking"),
        ("agent", "Anything else?"),
        customer={"id": "u1", "name": "Maria Lopez"},
    )
    messages = list(conv.messages)
    messages[2] = messages[2].model_copy(update={"author": Person(id="a2", name="Support Bot")})
    messages[0] = messages[0].model_copy(update={"author": Person(id="u1", name="maria  lopez")})
    conv = conv.model_copy(
        update={"agent": Agent(id="a1", name="Tom", team="billing"), "messages": messages}
    )
    assert known_names(conv) == ["Maria Lopez", "Tom"]


@pytest.mark.parametrize("name", [None, "", "  ", "Customer", "Agent", "Support", "Bot", "a@b.com"])
def test_known_names_skip_empty_and_generic_values(name: str | None) -> None:
    conv = conversation(("customer", "hi"), customer={"id": "u1", "name": name})
    assert known_names(conv) == []


def test_redact_conversation_keeps_message_order_and_placeholders() -> None:
    conv = conversation(
        ("customer", "I'm Maria Lopez, maria@x.com, call me on 0612345678"),
        ("agent", "Thanks Maria, I'll call 0612345678."),
        ("customer", "ok"),
        customer={"id": "u1", "name": "Maria Lopez"},
    )
    sent, redactor = redact_conversation(conv)
    assert sent == [
        "I'm [NAME_1], [EMAIL_1], call me on [PHONE_1]",
        "Thanks [NAME_2], I'll call [PHONE_1].",
        "ok",
    ]
    assert redactor.counts == {"name": 2, "email": 1, "phone": 1}
    assert [redactor.restore(s) for s in sent] == [m.text for m in conv.messages]
    assert redact_conversation(conv, kinds=["phone"])[0][1] == "Thanks Maria, I'll call [PHONE_1]."


def test_all_kinds_lists_the_documented_kinds() -> None:
    assert set(ALL_KINDS) == {
        "email",
        "phone",
        "card",
        "cvv",
        "card_expiry",
        "iban",
        "national_id",
        "password",
        "address",
        "name",
    }


def test_a_whole_card_is_redacted_number_expiry_and_cvv() -> None:
    text = "Card 4242 4242 4242 4242, exp 09/27, CVV 123 - and it expires 09/27 indeed"
    redacted, hits = redact_text(text)
    assert redacted == (
        "Card [CARD_1], exp [CARD_EXPIRY_1], CVV [CVV_1] - and it expires [CARD_EXPIRY_1] indeed"
    )
    assert hits == {"card": 1, "card_expiry": 2, "cvv": 1}


@pytest.mark.parametrize(
    "text",
    [
        "order 123 arrives in 3 days",
        "Your refund of 123 was sent on 09/27 to your card.",
        "The card was charged on 10/12, ticket 456.",
    ],
)
def test_ordinary_numbers_and_days_are_not_redacted_as_card_details(text: str) -> None:
    assert redact_text(text) == (text, {})


def test_redact_text_counts_each_kind_and_honours_the_kinds_asked_for() -> None:
    text = "Mail maria@x.com or maria@x.com, cvv 321"
    assert redact_text(text) == ("Mail [EMAIL_1] or [EMAIL_1], cvv [CVV_1]", {"email": 2, "cvv": 1})
    assert redact_text(text, kinds=["cvv"]) == (
        "Mail maria@x.com or maria@x.com, cvv [CVV_1]",
        {"cvv": 1},
    )
    assert redact_text("Thanks Maria", names=["Maria"]) == ("Thanks [NAME_1]", {"name": 1})

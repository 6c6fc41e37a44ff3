"""Rule scorers of the default scorecard, rated through the registry as the engine calls them."""

from __future__ import annotations

from typing import Any

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import EvidenceKind, Score, Status
from supportqa.domain.scorecard import Criterion, Scale, ScorerSpec, default_scorecard
from supportqa.errors import ConfigError, ScorerError
from supportqa.scorers.phrases import builtin_phrases
from supportqa.scorers.registry import bind
from supportqa.scorers.rules import format_duration, scale_value
from supportqa.signals.analysis import Analysis

CARD = default_scorecard()

Msg = tuple[str, str] | dict[str, Any]


def conv(*messages: Msg, channel: str = "chat", **fields: Any) -> Conversation:
    rows = [m if isinstance(m, dict) else {"role": m[0], "text": m[1]} for m in messages]
    return Conversation.model_validate({"id": "c1", "channel": channel, "messages": rows, **fields})


def assert_quotes_verbatim(score: Score, conversation: Conversation) -> None:
    for evidence in score.evidence:
        assert evidence.message_index is not None
        text = conversation.messages[evidence.message_index].text
        assert evidence.quote in text, (evidence.quote, text)
        assert len(evidence.quote.split()) <= 30


def rate(
    conversation: Conversation,
    key: str,
    args: dict[str, Any] | None = None,
    criterion: Criterion | None = None,
) -> Score:
    criterion = criterion or CARD.criterion(key)
    spec = criterion.scorers[0]
    bound = bind(spec if args is None else ScorerSpec(name=spec.name, args=args))
    score = bound.score_batch([Analysis(conversation)], [criterion])[0][criterion.key]
    assert_quotes_verbatim(score, conversation)
    if score.status is Status.RATED:
        assert score.rating is not None and criterion.scale.contains(score.rating)
        assert score.explanation and score.confidence is not None
    return score


def test_default_scorecard_scorers_all_bind() -> None:
    for key in (
        "greeting",
        "closing",
        "responsiveness",
        "pii_exposure",
        "forbidden_phrases",
        "required_disclosure",
    ):
        assert bind(CARD.criterion(key).scorers[0]).ref.name == key


# --- greeting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "Hi Sam, sorry about that.",
        "Good morning! Let me check.",
        "Thanks for reaching out. I can help.",
        "Thank you so much for your patience.",
        "Anna here from billing. Let me look.",
        "This is Anna from Acme support.",
        "My name is Tom and I will help.",
        "Dear Ms Smith,\n\nyour refund is on its way.",
        "Welcome to Acme! How can I help?",
        "Morning Sam! On it.",
    ],
)
def test_greeting_in_first_reply_passes(reply: str) -> None:
    score = rate(conv(("customer", "help"), ("agent", reply)), "greeting")
    assert score.rating == 1
    assert score.evidence[0].message_index == 1
    assert score.evidence[0].kind is EvidenceKind.QUOTE


def test_greeting_absent_points_at_first_agent_message() -> None:
    c = conv(
        ("customer", "My parcel is late"),
        ("agent", "Your parcel will arrive tomorrow morning by noon at the latest."),
        ("agent", "Hello? Anything else?"),
    )
    score = rate(c, "greeting")
    assert score.rating == 0
    (evidence,) = score.evidence
    assert evidence.kind is EvidenceKind.ABSENCE
    assert evidence.message_index == 1
    assert evidence.quote == "Your parcel will arrive tomorrow morning by noon"


def test_greeting_after_the_first_two_sentences_does_not_count() -> None:
    c = conv(("customer", "x"), ("agent", "Checking now. One moment. Hello again!"))
    assert rate(c, "greeting").rating == 0


@pytest.mark.parametrize(
    "reply",
    [
        "You're welcome, it is fixed.",
        "Click here to reset it.",
        "This is high priority.",
        "Details here: the refund was issued.",
        "Everything here is fine now.",
        "It arrives tomorrow morning. Sorry!",
    ],
)
def test_greeting_lookalikes_do_not_pass(reply: str) -> None:
    assert rate(conv(("customer", "x"), ("agent", reply)), "greeting").rating == 0


def test_greeting_ignores_internal_notes() -> None:
    c = conv(
        ("customer", "x"),
        {"role": "note", "text": "Hi team, VIP customer"},
        {"role": "agent", "text": "Hello! private draft", "public": False},
        ("agent", "Refund issued."),
    )
    score = rate(c, "greeting")
    assert score.rating == 0
    assert score.evidence[0].message_index == 3


def test_greeting_rates_the_bot_when_no_human_agent_replied() -> None:
    c = conv(("customer", "x"), ("bot", "Hey! I'm the Acme assistant."))
    assert rate(c, "greeting").rating == 1


def test_greeting_rates_the_human_agent_not_the_bot_when_both_replied() -> None:
    c = conv(("customer", "x"), ("bot", "Hello there!"), ("agent", "Refund issued."))
    assert rate(c, "greeting").rating == 0


def test_greeting_extra_patterns_count() -> None:
    c = conv(("customer", "x"), ("agent", "Ahoy, matey. Refund issued."))
    assert rate(c, "greeting").rating == 0
    assert rate(c, "greeting", {"extra_patterns": [r"\bahoy\b"]}).rating == 1


def test_greeting_bad_extra_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="extra_patterns"):
        bind(ScorerSpec(name="greeting", args={"extra_patterns": ["("]}))


def test_greeting_without_any_staff_message_raises() -> None:
    with pytest.raises(ScorerError, match="no agent message"):
        rate(conv(("customer", "hello?")), "greeting")


# --- closing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "last",
    [
        "Is there anything else I can help with?",
        "Done. Have a great weekend!",
        "Thanks for contacting Acme.",
        "Feel free to reach out if it happens again.",
        "Kind regards,\nAnna",
        "Glad I could help!",
    ],
)
def test_closing_in_last_agent_reply_passes(last: str) -> None:
    c = conv(("customer", "x"), ("agent", "Refund issued."), ("customer", "ok"), ("agent", last))
    score = rate(c, "closing")
    assert score.rating == 1
    assert score.evidence[0].message_index == 3


def test_closing_in_second_to_last_agent_reply_counts() -> None:
    c = conv(
        ("customer", "x"),
        ("agent", "All set. Take care!"),
        ("customer", "thx"),
        ("agent", ":)"),
    )
    score = rate(c, "closing")
    assert score.rating == 1
    assert score.evidence[0].message_index == 1


def test_closing_absent_points_at_last_agent_reply() -> None:
    c = conv(("customer", "x"), ("agent", "Refund issued to your card."), ("customer", "ok"))
    score = rate(c, "closing")
    assert score.rating == 0
    (evidence,) = score.evidence
    assert evidence.kind is EvidenceKind.ABSENCE
    assert evidence.message_index == 1


def test_closing_in_internal_note_does_not_count() -> None:
    c = conv(
        ("customer", "x"),
        ("agent", "Refund issued."),
        {"role": "note", "text": "Have a great day, team"},
    )
    assert rate(c, "closing").rating == 0


@pytest.mark.parametrize("public", [True, False])
def test_closing_na_when_customer_left_after_last_reply(public: bool) -> None:
    c = conv(
        ("customer", "x"),
        ("agent", "Let me check that."),
        {"role": "system", "text": "The customer has left the chat", "public": public},
    )
    score = rate(c, "closing")
    assert score.status is Status.NA
    assert score.evidence[0].message_index == 2


def test_closing_na_when_metadata_says_customer_left() -> None:
    c = conv(("customer", "x"), ("agent", "Let me check."), metadata={"customer_left": True})
    assert rate(c, "closing").status is Status.NA


def test_closing_customer_message_mentioning_a_user_leaving_is_not_a_leave_event() -> None:
    c = conv(("customer", "x"), ("agent", "Done."), ("customer", "Our user left the company."))
    assert rate(c, "closing").rating == 0


def test_closing_rated_when_agent_replied_after_customer_left() -> None:
    c = conv(
        ("customer", "x"),
        {"role": "system", "text": "Visitor disconnected"},
        ("agent", "Closing this chat now."),
    )
    assert rate(c, "closing").rating == 0


def test_closing_without_agent_message_raises() -> None:
    with pytest.raises(ScorerError):
        rate(conv(("customer", "anyone?")), "closing")


@pytest.mark.parametrize(
    "last",
    [
        # offers of further help, however they are worded
        "Is there anything more we can do for you today?",
        "What else can I help you with?",
        "Can I help you with anything?",
        "Should you need any more help, we're only a message away.",
        "If you run into any other trouble, just reply to this email.",
        "If anything else crops up, give us a shout.",
        "If the problem comes back, please let us know.",
        "You can always reach us through the app.",
        "We're here if you need us.",
        "Any questions, just ask!",
        "Let me know how it goes!",
        "Keep us posted.",
        "I hope the new firmware sorts it out.",
        "Glad we got that sorted!",
        "Good to hear it's working again.",
        "Did that answer your question?",
        "It was a pleasure chatting with you.",
        # thanks and warm wishes
        "Thank you once again for your patience.",
        "Thanks so much!",
        "You're very welcome.",
        "No worries!",
        "Any time!",
        "Wishing you a relaxing weekend.",
        "Enjoy the rest of your evening.",
        "And have a brilliant rest of your week!",
        "Happy Friday!",
        "Speak to you later.",
        "Stay warm!",
        # sign-offs
        "Many thanks,\nTom\nSupport team",
        "All the best,\nAnna",
        "Warm regards,\nAnna",
    ],
)
def test_closing_generic_wordings_pass(last: str) -> None:
    c = conv(("customer", "x"), ("agent", "Refund issued."), ("customer", "ok"), ("agent", last))
    score = rate(c, "closing")
    assert score.rating == 1, last
    assert score.evidence[0].message_index == 3


@pytest.mark.parametrize(
    "last",
    [
        "Restart the hub and it should reconnect.",
        "Could you send me the serial number?",
        "You'll have a replacement next week.",
        "Have a look at the settings tab first.",
        "With regards to your order, it shipped today.",
        "I see you have already tried that.",
        "I'll reach out to the courier and update the ticket.",
        "Thanks for the photo. The hub needs a factory reset.",
        "I hope to have an answer from engineering tomorrow.",
        "Hey Sam 👋 The refund is processing.",
    ],
)
def test_closing_lookalikes_do_not_pass(last: str) -> None:
    c = conv(("customer", "x"), ("agent", "Checking."), ("customer", "ok"), ("agent", last))
    assert rate(c, "closing").rating == 0, last


def test_closing_thanks_counts_only_at_the_end_of_the_final_reply() -> None:
    opening = "Thanks for the details. The hub needs a reset. Hold the button for ten seconds."
    c = conv(("customer", "x"), ("agent", opening))
    assert rate(c, "closing").rating == 0
    ending = "The hub needs a reset. Hold the button for ten seconds. Thanks!"
    c = conv(("customer", "x"), ("agent", ending))
    score = rate(c, "closing")
    assert score.rating == 1
    assert score.evidence[0].quote == "Thanks!"


@pytest.mark.parametrize(
    "event",
    [
        "The customer has left the chat",
        "Visitor disconnected",
        "Caller hung up.",
        "The user went idle.",
        "Customer inactive",
        "Chat window closed by the visitor.",
        "Conversation ended by the customer",
        "The visitor's session timed out.",
        "No response from the customer; chat closed automatically.",
        "Call dropped.",
        "Maria left the chat.",
        "Maria Lopez has disconnected",
    ],
)
def test_closing_na_for_leave_events_by_structure(event: str) -> None:
    c = conv(
        ("customer", "x"),
        ("agent", "Let me check that."),
        {"role": "system", "text": event},
        customer={"id": "u1", "name": "Maria Lopez"},
    )
    assert rate(c, "closing").status is Status.NA, event


@pytest.mark.parametrize(
    "event",
    [
        "The customer left a 5-star rating.",
        "Chat closed.",
        "Call ended.",
        "Conversation closed by agent.",
        "Anna closed the conversation.",
        "Agent left the chat",
        "This chat will close if the visitor is inactive for 5 minutes.",
    ],
)
def test_closing_other_system_events_are_not_leaving(event: str) -> None:
    c = conv(
        ("customer", "x"),
        {"role": "agent", "text": "Let me check that.", "author": {"id": "a1", "name": "Anna"}},
        {"role": "system", "text": event},
    )
    score = rate(c, "closing")
    assert score.status is Status.RATED and score.rating == 0, event


def test_closing_named_person_ending_the_chat_is_the_customer_only_when_not_staff() -> None:
    def ended_by(name: str) -> Conversation:
        return conv(
            ("customer", "x"),
            {"role": "agent", "text": "Let me check.", "author": {"id": "a1", "name": "Anna Berg"}},
            {"role": "system", "text": f"{name} ended the chat"},
            customer={"id": "u1", "name": "Maria Lopez"},
        )

    assert rate(ended_by("Maria"), "closing").status is Status.NA
    assert rate(ended_by("Joe"), "closing").status is Status.NA  # not staff
    assert rate(ended_by("Anna"), "closing").rating == 0


def test_closing_leave_event_in_a_public_bot_message_counts_but_not_a_warning() -> None:
    left = conv(("customer", "x"), ("agent", "One moment."), ("bot", "The customer has left."))
    assert rate(left, "closing").status is Status.NA
    warning = conv(
        ("customer", "x"),
        ("agent", "One moment."),
        ("bot", "This chat closes when the customer is idle."),
    )
    assert rate(warning, "closing").rating == 0


# --- responsiveness -----------------------------------------------------------------------------


def timed(*steps: tuple[str, int], channel: str | None = "chat") -> Conversation:
    """Messages `(role, seconds after the previous message)`, starting at 10:00:00 UTC."""
    seconds = 0
    rows: list[Msg] = []
    for role, delta in steps:
        seconds += delta
        minutes, secs = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        at = f"2024-05-01T{10 + hours:02d}:{minutes:02d}:{secs:02d}Z"
        rows.append({"role": role, "text": f"{role} message after {delta} s", "at": at})
    return Conversation.model_validate({"id": "t", "channel": channel, "messages": rows})


def test_responsiveness_within_sla_rates_top() -> None:
    c = timed(("customer", 0), ("agent", 60), ("customer", 30), ("agent", 120))
    score = rate(c, "responsiveness")
    assert score.rating == 3
    (evidence,) = score.evidence
    assert evidence.kind is EvidenceKind.TIMING and evidence.message_index == 1
    assert (
        score.explanation
        == "First reply after 1 min (SLA 2 min); slowest later reply 2 min (SLA 3 min)."
    )


def test_responsiveness_slow_later_reply_rates_middle_and_points_at_it() -> None:
    c = timed(
        ("customer", 0),
        ("agent", 60),
        ("customer", 30),
        ("agent", 60),
        ("customer", 10),
        ("agent", 400),
    )
    score = rate(c, "responsiveness")
    assert score.rating == 2
    assert score.evidence[0].message_index == 5
    assert "slowest later reply 6 min 40 s" in score.explanation


def test_responsiveness_first_reply_within_twice_sla_rates_middle() -> None:
    score = rate(timed(("customer", 0), ("agent", 200)), "responsiveness")
    assert score.rating == 2
    assert score.explanation == "First reply after 3 min 20 s (SLA 2 min); no later replies."


def test_responsiveness_first_reply_beyond_twice_sla_rates_bottom() -> None:
    score = rate(timed(("customer", 0), ("agent", 250)), "responsiveness")
    assert score.rating == 1
    assert score.evidence[0].message_index == 1


def test_responsiveness_uses_the_channel_sla() -> None:
    email = timed(("customer", 0), ("agent", 3 * 3600), channel="Email")
    assert rate(email, "responsiveness").rating == 3


def test_responsiveness_unknown_channel_uses_default() -> None:
    assert (
        rate(timed(("customer", 0), ("agent", 3000), channel="fax"), "responsiveness").rating == 3
    )
    assert rate(timed(("customer", 0), ("agent", 8000), channel=None), "responsiveness").rating == 1


def test_responsiveness_without_timestamps_is_na() -> None:
    c = conv(("customer", "x"), ("agent", "y"))
    score = rate(c, "responsiveness")
    assert score.status is Status.NA and "timestamps" in score.explanation


def test_responsiveness_without_a_timed_reply_is_na() -> None:
    c = timed(("agent", 0), ("customer", 30))
    assert rate(c, "responsiveness").status is Status.NA


def test_responsiveness_maps_bands_onto_a_binary_scale() -> None:
    binary = CARD.criterion("responsiveness").model_copy(update={"scale": Scale.parse("binary")})
    assert rate(timed(("customer", 0), ("agent", 60)), "", criterion=binary).rating == 1
    assert rate(timed(("customer", 0), ("agent", 200)), "", criterion=binary).rating == 0


def test_scale_value_places_bands_linearly() -> None:
    assert [scale_value(b, 3, Scale.parse("5-point")) for b in (1, 2, 3)] == [1, 3, 5]
    assert [scale_value(b, 3, Scale(min=0, max=10)) for b in (1, 2, 3)] == [0, 5, 10]
    assert scale_value(2, 3, Scale.parse("4-point")) == 2


def test_format_duration_reads_naturally() -> None:
    assert [format_duration(s) for s in (45, 250, 7500, 93600)] == [
        "45 s",
        "4 min 10 s",
        "2 h 5 min",
        "1 d 2 h",
    ]


@pytest.mark.parametrize(
    "sla", [{"chat": {"first": 60, "next": 60}}, {"default": {"first": 0, "next": 1}}, "fast"]
)
def test_responsiveness_bad_sla_is_a_config_error(sla: Any) -> None:
    with pytest.raises(ConfigError, match="sla"):
        bind(ScorerSpec(name="responsiveness", args={"sla": sla}))


# --- PII exposure -------------------------------------------------------------------------------


def test_pii_clean_agent_replies_pass() -> None:
    c = conv(("customer", "hi"), ("agent", "Your order 123456 ships today."))
    score = rate(c, "pii_exposure")
    assert score.rating == 1
    assert (
        score.explanation == "No card numbers, IBANs, national ids or passwords in agent replies."
    )


def test_pii_card_in_agent_reply_fails_quoting_the_number() -> None:
    c = conv(("customer", "hi"), ("agent", "I charged 4242 4242 4242 4242 today."))
    score = rate(c, "pii_exposure")
    assert score.rating == 0
    assert [(e.message_index, e.quote) for e in score.evidence] == [(1, "4242 4242 4242 4242")]


def test_pii_customer_pasted_card_is_not_the_agents_fault() -> None:
    c = conv(("customer", "my card 4242 4242 4242 4242"), ("agent", "Thanks, never share it."))
    assert rate(c, "pii_exposure").rating == 1


def test_pii_masked_card_and_luhn_invalid_numbers_pass() -> None:
    c = conv(
        ("customer", "hi"),
        ("agent", "The card **** **** **** 4242 (ending in 4242) was charged."),
        ("agent", "Reference 4242 4242 4242 4241."),
    )
    assert rate(c, "pii_exposure").rating == 1


def test_pii_internal_note_is_ignored() -> None:
    c = conv(
        ("customer", "hi"),
        {"role": "note", "text": "card 4242 4242 4242 4242, SSN 123-45-6789"},
        {"role": "agent", "text": "password: hunter22", "public": False},
        ("agent", "Sorted!"),
    )
    assert rate(c, "pii_exposure").rating == 1


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Send it to DE89 3704 0044 0532 0130 00 please.", "DE89 3704 0044 0532 0130 00"),
        ("Your SSN 123-45-6789 is verified.", "123-45-6789"),
        ("NI number AB 12 34 56 C is on file.", "AB 12 34 56 C"),
        ("Your temporary password is Xy7pQ9!", "temporary password is Xy7pQ9"),
    ],
)
def test_pii_other_kinds_fail(text: str, quote: str) -> None:
    score = rate(conv(("customer", "hi"), ("agent", text)), "pii_exposure")
    assert score.rating == 0
    assert score.evidence[0].quote == quote


def test_pii_invalid_iban_passes() -> None:
    c = conv(("customer", "hi"), ("agent", "Send it to DE88 3704 0044 0532 0130 00 please."))
    assert rate(c, "pii_exposure").rating == 1


def test_pii_bot_exposure_counts() -> None:
    c = conv(("customer", "hi"), ("bot", "Card 4242 4242 4242 4242 found."), ("agent", "Hi!"))
    assert rate(c, "pii_exposure").rating == 0


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("I've reset your password to Tiger-Comet-75.", "password to Tiger-Comet-75"),
        ("Use Maple7Rain as the password for now.", "Maple7Rain as the password"),
        (
            "Your password has been changed to Quiet-Lake-42",
            "password has been changed to Quiet-Lake-42",
        ),
        ("Your PIN is 4821.", "PIN is 4821"),
    ],
)
def test_pii_password_wordings_fail(text: str, quote: str) -> None:
    score = rate(conv(("customer", "hi"), ("agent", text)), "pii_exposure")
    assert score.rating == 0
    assert score.evidence[0].quote == quote
    assert "a password" in score.explanation


@pytest.mark.parametrize(
    "text",
    [
        "Please type the password to your email account.",
        "Reset your password to something only you know.",
        "Use a password manager as your password vault.",
        "Enter your PIN to confirm the payment.",
        "Your boarding pass is attached.",
    ],
)
def test_pii_password_advice_passes(text: str) -> None:
    assert rate(conv(("customer", "hi"), ("agent", text)), "pii_exposure").rating == 1


def test_pii_kinds_limit_what_is_checked() -> None:
    c = conv(("customer", "hi"), ("agent", "password: hunter22"))
    assert rate(c, "pii_exposure", {"kinds": ["card"]}).rating == 1
    assert rate(c, "pii_exposure", {"kinds": ["password"]}).rating == 0


def test_pii_unknown_kind_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="kinds"):
        bind(ScorerSpec(name="pii_exposure", args={"kinds": ["passport"]}))


# --- forbidden phrases --------------------------------------------------------------------------


def test_forbidden_phrase_fails_with_verbatim_quote() -> None:
    c = conv(("customer", "this is broken!!"), ("agent", "Please CALM DOWN, sir."))
    score = rate(c, "forbidden_phrases")
    assert score.rating == 0
    assert [(e.message_index, e.quote) for e in score.evidence] == [(1, "CALM DOWN")]
    assert '"calm down"' in score.explanation


def test_forbidden_phrase_matches_with_a_gap_word_and_inflection() -> None:
    c = conv(("customer", "x"), ("agent", "Honestly, that's not really my problems, is it?"))
    score = rate(c, "forbidden_phrases")
    assert score.rating == 0
    assert score.evidence[0].quote == "not really my problems"
    assert score.confidence is not None and score.confidence < 0.9


def test_forbidden_phrase_tolerates_curly_apostrophes_and_expansions() -> None:
    for text in ("I don’t care.", "I do not care.", "Well, that’s your fault."):
        score = rate(conv(("customer", "x"), ("agent", text)), "forbidden_phrases")
        assert score.rating == 0, text


def test_forbidden_phrase_respects_max_gap() -> None:
    c = conv(("customer", "x"), ("agent", "not really my problem"))
    args = {"phrases": ["not my problem"], "max_gap": 0}
    assert rate(c, "forbidden_phrases", args).rating == 1


def test_forbidden_phrase_by_customer_or_in_note_does_not_count() -> None:
    c = conv(
        ("customer", "Calm down? That's your fault!"),
        {"role": "note", "text": "not my problem tbh"},
        ("agent", "I understand, let me fix it."),
    )
    score = rate(c, "forbidden_phrases")
    assert score.rating == 1
    assert score.evidence == []


@pytest.mark.parametrize(
    "text",
    [
        "Honestly, that is not really our issue.",
        "That isn't part of my job.",
        "It's not my responsibility.",
        "Sir, you need to calm yourself down.",
        "Please settle down.",
        "You ought to have checked the manual.",
        "I've already told you this twice.",
        "As I told you already, it ships Monday.",
        "It was entirely your own fault.",
        "You'll just have to deal with that.",
        "I couldn't care less.",
        "Quit whining, please.",
    ],
)
def test_forbidden_phrase_paraphrases_fail(text: str) -> None:
    score = rate(conv(("customer", "x"), ("agent", text)), "forbidden_phrases")
    assert score.rating == 0, text
    assert score.confidence == 0.85


@pytest.mark.parametrize(
    "text",
    [
        "Don't worry, it's not your fault at all.",
        "This isn't your fault.",
        "I'll deal with it right away.",
        "Let me deal with this for you.",
        "I can help you deal with it.",
        "Here's how to deal with it.",
        "The best way to deal with this is a reset.",
        "Once things calm down we'll ship your order.",
        "As I mentioned, the refund takes five days.",
        "No problem, my colleague will help.",
        "It's not a problem, my pleasure.",
        "Whatever you need, just say the word.",
        "I'm not sure anyone would care.",
        "Please check the manual, you should have received it.",
    ],
)
def test_forbidden_phrase_lookalikes_in_polite_replies_pass(text: str) -> None:
    score = rate(conv(("customer", "x"), ("agent", text)), "forbidden_phrases")
    assert score.rating == 1, (text, score.explanation)


def test_forbidden_phrase_default_gap_is_two_words_within_a_clause() -> None:
    args = {"phrases": ["not my problem"]}
    assert (
        rate(
            conv(("customer", "x"), ("agent", "not at all my problem")), "forbidden_phrases", args
        ).rating
        == 0
    )
    assert (
        rate(
            conv(("customer", "x"), ("agent", "not in any way my problem")),
            "forbidden_phrases",
            args,
        ).rating
        == 1
    )
    assert (
        rate(
            conv(("customer", "x"), ("agent", "Not. My problem.")), "forbidden_phrases", args
        ).rating
        == 1
    )


def test_forbidden_phrase_configured_across_a_comma_still_matches() -> None:
    args = {"phrases": ["calm down, sir"]}
    c = conv(("customer", "x"), ("agent", "Calm down, sir."))
    assert rate(c, "forbidden_phrases", args).rating == 0


def test_forbidden_phrases_must_be_strings() -> None:
    with pytest.raises(ConfigError):
        bind(ScorerSpec(name="forbidden_phrases", args={"phrases": "calm down"}))
    with pytest.raises(ConfigError):
        bind(ScorerSpec(name="forbidden_phrases", args={"phrases": ["..."]}))


# --- required disclosure ------------------------------------------------------------------------


def test_disclosure_paraphrase_passes_on_voice() -> None:
    c = conv(
        ("customer", "hello"),
        ("agent", "Hi, Anna here. Just so you know, calls are recorded for quality and training."),
        channel="voice",
    )
    score = rate(c, "required_disclosure")
    assert score.rating == 1
    assert score.evidence[0].quote == (
        "Just so you know, calls are recorded for quality and training."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Just so you know, this conversation may be monitored for training purposes.",
        "You're on a recorded line.",
        "We record all calls for quality.",
        "Please note our calls are monitored.",
    ],
)
def test_disclosure_synonyms_pass(text: str) -> None:
    c = conv(("customer", "hello"), ("agent", f"Hi. {text}"), channel="voice")
    assert rate(c, "required_disclosure").rating == 1, text


@pytest.mark.parametrize(
    "text",
    [
        "I'll monitor the line for faults over the next day.",
        "Your phone number is recorded on the account.",
        "I've logged your call with our engineers.",
    ],
)
def test_disclosure_lookalikes_fail(text: str) -> None:
    c = conv(("customer", "hello"), ("agent", f"Hi. {text}"), channel="voice")
    assert rate(c, "required_disclosure").rating == 0, text


def test_disclosure_given_by_ivr_bot_counts() -> None:
    c = conv(
        ("bot", "This call is being recorded."),
        ("customer", "hi"),
        ("agent", "Hello, how can I help?"),
        channel="voice",
    )
    assert rate(c, "required_disclosure").rating == 1


def test_disclosure_missing_fails_pointing_at_first_agent_message() -> None:
    c = conv(
        ("customer", "hello"),
        {"role": "note", "text": "this call is being recorded"},
        ("agent", "Hi, how can I help you today?"),
        ("customer", "Call me back on a recorded line"),
        channel="voice",
    )
    score = rate(c, "required_disclosure")
    assert score.rating == 0
    (evidence,) = score.evidence
    assert evidence.kind is EvidenceKind.ABSENCE and evidence.message_index == 2


def test_disclosure_na_on_channels_without_one() -> None:
    c = conv(("customer", "hello"), ("agent", "Hi!"), channel="chat")
    score = rate(c, "required_disclosure")
    assert score.status is Status.NA


def test_disclosure_na_when_no_phrase_configured() -> None:
    c = conv(("customer", "hello"), ("agent", "Hi!"), channel="voice")
    assert rate(c, "required_disclosure", {"phrases": []}).status is Status.NA


def test_disclosure_without_channels_applies_everywhere() -> None:
    args = {"phrases": ["refunds take five business days"]}
    c = conv(("customer", "x"), ("agent", "Refunds can take 5 business days."), channel="email")
    assert rate(c, "required_disclosure", args).rating == 1
    c = conv(("customer", "x"), ("agent", "Refund issued."), channel="email")
    assert rate(c, "required_disclosure", args).rating == 0


def test_disclosure_bad_min_overlap_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="min_overlap"):
        bind(ScorerSpec(name="required_disclosure", args={"phrases": ["x"], "min_overlap": 2}))


# --- built-in phrases ---------------------------------------------------------------------------


def test_builtin_phrases_are_plain_lower_case_text() -> None:
    phrases = builtin_phrases()
    for expected in ("thanks for contacting", "anything else", "my name is", "good morning"):
        assert expected in phrases
    assert all(p == p.lower().strip() and "\\" not in p for p in phrases)


def test_builtin_phrases_list_the_pieces_of_composed_rules() -> None:
    phrases = set(builtin_phrases())
    for expected in (
        "visitor hung up",
        "hope helps",
        "feel free",
        "rest of your day",
        "password to",
    ):
        assert expected in phrases, expected
    for guard in ("never", "unless", "left a"):  # words that only stop a match are not listed
        assert guard not in phrases

"""Writing scorers (spelling and grammar, clarity), rated through the registry as the engine calls
them, plus one run through the engine itself."""

from __future__ import annotations

from typing import Any

import pytest

from supportqa.domain.conversation import Conversation
from supportqa.domain.score import Score, Status
from supportqa.domain.scorecard import Criterion, Scale, ScorerSpec, scorecard_from_dict
from supportqa.errors import ConfigError
from supportqa.scorers.registry import bind
from supportqa.scorers.writing import flip_distance, margin_confidence, suggestion
from supportqa.scoring.engine import ScoringEngine
from supportqa.signals.analysis import Analysis
from supportqa.synthetic import generate_conversations
from supportqa.testing import conversation

THREE = Scale.parse("3-point")


def criterion(key: str, args: dict[str, Any] | None = None, scale: Scale = THREE) -> Criterion:
    return Criterion(
        key=key, name=key, weight=1, scale=scale, scorers=(ScorerSpec(name=key, args=args or {}),)
    )


def assert_quotes_verbatim(score: Score, conv: Conversation) -> None:
    for evidence in score.evidence:
        assert evidence.message_index is not None
        text = conv.messages[evidence.message_index].text
        assert evidence.quote and evidence.quote in text, (evidence.quote, text)
        assert len(evidence.quote.split()) <= 30


def rate(conv: Conversation, key: str, scale: Scale = THREE, **args: Any) -> Score:
    crit = criterion(key, args, scale)
    score = bind(crit.scorers[0]).score_batch([Analysis(conv)], [crit])[0][key]
    assert_quotes_verbatim(score, conv)
    if score.status is Status.RATED:
        assert score.rating is not None and scale.contains(score.rating)
        assert score.explanation.endswith(".")
        assert score.confidence is not None and 0 <= score.confidence <= 1
    return score


def spelling(*agent: str, **args: Any) -> Score:
    conv = conversation(("customer", "My parcel has not arrived."), *(("agent", t) for t in agent))
    return rate(conv, "spelling_grammar", **args)


def clarity(*turns: tuple[str, str], **args: Any) -> Score:
    return rate(conversation(*turns), "clarity", **args)


# --- spelling and grammar: ratings ----------------------------------------------------------------


def test_clean_text_rates_top_and_counts_words() -> None:
    score = spelling(
        "Hi Sam, I have refunded the second charge. It will reach your card in a week."
    )
    assert score.rating == 3
    assert score.explanation == "No spelling or grammar slips found in 16 words."
    assert score.evidence == []


def test_misspellings_are_named_with_suggestions_and_quoted() -> None:
    text = (
        "Thanks for waiting while I checked your order history and the courier notes for you. "
        "You will recieve the parcel at your new adress on Friday, and I have also added a note "
        "so the driver calls ahead. Everything else on the account looks fine and up to date now."
    )
    score = spelling(text)
    assert score.rating == 2
    assert score.explanation.startswith("2 likely misspellings in 50 words:")
    assert "'recieve' (→ receive)" in score.explanation
    assert "'adress' (→ address)" in score.explanation
    assert len(score.evidence) == 1  # both slips sit in one sentence
    assert "recieve" in score.evidence[0].quote and score.evidence[0].message_index == 1


def test_frequent_errors_rate_bottom_and_evidence_stops_at_three() -> None:
    score = spelling(
        "I recieve your mesage.",
        "We will definately fix the acount.",
        "Thier team is bussy.",
        "Plese wait.",
    )
    assert score.rating == 1
    assert "and" in score.explanation and "more" in score.explanation
    assert len(score.evidence) == 3
    assert [e.message_index for e in score.evidence] == [1, 2, 3]


def test_one_slip_in_a_short_reply_is_a_minor_slip_not_frequent_errors() -> None:
    score = spelling("Your refund is on its way, sorry for the trubble.")
    assert score.rating == 2
    assert score.explanation.startswith("1 likely misspelling in 10 words")


def test_thresholds_are_arguments() -> None:
    text = "Your refund is on its way, sorry for the trubble."
    assert spelling(text, max_rate_top=20, max_rate_middle=20).rating == 3
    assert spelling(text, max_rate_middle=1, min_frequent=1).rating == 1


def test_binary_scale_passes_only_the_top_band() -> None:
    binary = Scale.parse("binary")
    conv = conversation(("customer", "Hi"), ("agent", "Sorry for the trubble."))
    assert rate(conv, "spelling_grammar", binary).rating == 0
    conv = conversation(("customer", "Hi"), ("agent", "Sorry for the trouble."))
    assert rate(conv, "spelling_grammar", binary).rating == 1


# --- spelling: what is not a misspelling ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Please read https://help.acme.io/artcles/refnd-polcy or write to suport@acme.com today.",
        "See www.acme-shop.co.uk/trakcing for details, or ping @acmehelpdsk on social.",
        "Your order SP-350693 ships with tracking 1Z50402421X377 and code XQ7Z.",
        "The SKU and RMA are ready; the DPD and UPS labels went out by SMS.",
        "I asked Siobhan in Zendesk and the Okafor team, and Wojciech from Sparkyplus agreed.",
        "Kowalski will call you back tomorrow morning.",
        "Please reinstall the app on your iPhone or open it in PayPal and eBay.",
        "Run `pip instal acmectl` in the terminal.",
    ],
)
def test_links_codes_acronyms_and_names_are_not_misspellings(text: str) -> None:
    score = spelling(text)
    assert score.rating == 3, score.explanation


def test_contractions_and_possessives_are_fine_with_any_apostrophe() -> None:
    text = (
        "Don't worry, we're on it and it's nearly done. You'll get the customer's refund, "
        "they've approved it and I'd guess it won’t take long. The team's note says we’ve sent it."
    )
    assert spelling(text).rating == 3


def test_hyphenated_words_are_split_sensibly() -> None:
    text = "Please re-enter the code from the follow-up e-mail to finish two-factor sign-in."
    assert spelling(text).rating == 3
    score = spelling("Please re-entre the code from the folow-up message.")
    assert "'folow' (→ follow)" in score.explanation


def test_support_words_and_british_spellings_pass() -> None:
    text = (
        "Log in with your username in the app over wifi, then open checkout and the dropdown. "
        "OK, okay, the FAQ url and SMS login are online. I apologise; the colour of the centre "
        "button changed with the organisation's new programme, and I cancelled the old licence. "
        "The bot shows timelines and screenshots."
    )
    score = spelling(text)
    assert score.rating == 3, score.explanation


def test_allow_list_adds_a_teams_own_words() -> None:
    text = "Your widgetron is paired; both widgetrons update overnight."
    assert "'widgetron'" in spelling(text).explanation
    assert spelling(text, allow=["Widgetron"]).rating == 3


def test_missing_apostrophe_is_a_slip() -> None:
    score = spelling("I dont think that is right, sorry.")
    assert score.rating == 2 and "'dont' (→ don't)" in score.explanation


def test_a_name_opening_a_sentence_is_known_from_the_conversation() -> None:
    conv = conversation(
        ("customer", "Hi, my name is Brone."),
        ("agent", "Thanks for writing. Brone, your refund is on its way."),
    )
    assert rate(conv, "spelling_grammar").rating == 3


def test_a_capitalised_typo_opening_a_sentence_is_still_caught() -> None:
    score = spelling("Unfortunatly the parcel is late.")
    assert "'unfortunatly' (→ unfortunately)" in score.explanation


# --- grammar --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "quote"),
    [
        ("I have sent the the label.", "repeated word 'the the'", "I have sent the the label."),
        ("I refunded it. please check.", "lower-case sentence start 'please'", "please check."),
        ("Yes, i can see the charge now.", "lower-case 'i'", "Yes, i can see the charge now."),
        ("Hello,how can I help?", "no space after ',' in 'Hello,how'", "Hello,how can I help?"),
        (
            "It is done.Thanks a lot.",
            "no space after '.' in 'done.Thanks'",
            "It is done.Thanks a lot.",
        ),
    ],
)
def test_grammar_slips_are_found_named_and_quoted(text: str, label: str, quote: str) -> None:
    score = spelling(text)
    assert score.rating == 2
    assert "1 grammar slip" in score.explanation and label in score.explanation
    assert [e.quote for e in score.evidence] == [quote]


@pytest.mark.parametrize(
    "text",
    [
        "I knew that that was the case, bye bye!",
        "Use a browser, e.g. the latest Chrome, i.e. version 120 or later.",
        "It costs 3,50 EUR, approx. two dollars. Order no. ten is fine.",
        "Open example.com and https://acme.io/a,b?x=1;y=2 to check.",
        "Step 1. open the app. Then tap (i) for info.",
        "Did you try the iPhone? iPhone users see it too.",
        "Wait... let me check.",
    ],
)
def test_grammar_lookalikes_are_not_slips(text: str) -> None:
    score = spelling(text)
    assert score.rating == 3, score.explanation


def test_grammar_and_spelling_slips_are_counted_together() -> None:
    score = spelling("I will recieve it. please wait while i check.")
    assert score.explanation.startswith(
        "1 likely misspelling and 2 grammar slips in 9 words: 'recieve' (→ receive)"
    )


# --- spelling: scope and edge cases ---------------------------------------------------------------


def test_no_agent_text_is_not_applicable() -> None:
    conv = conversation(("customer", "Helo? Anyone thre?"))
    score = rate(conv, "spelling_grammar")
    assert score.status is Status.NA and score.explanation == "the agent wrote nothing to check"
    conv = conversation(("customer", "Hello?"), ("agent", "   "))
    assert rate(conv, "spelling_grammar").status is Status.NA


def test_customer_typos_and_internal_notes_do_not_count() -> None:
    conv = conversation(
        ("customer", "I cant find my recieved parcle"),
        ("note", "custmer is upsett, chekc the carier"),
        ("agent", "Sorry about that, I have found it and it arrives tomorrow."),
    )
    assert rate(conv, "spelling_grammar").rating == 3


def test_the_bot_is_checked_when_no_human_agent_replied() -> None:
    conv = conversation(("customer", "Where is it?"), ("bot", "Your parcle is on its way."))
    assert "'parcle' (→ parcel)" in rate(conv, "spelling_grammar").explanation


def test_a_typo_in_a_long_sentence_is_quoted_with_a_window_of_words() -> None:
    before = "we checked your order and the courier notes and the account history and the card"
    after = "so the refund goes back to the card you used and should show within five days"
    text = f"Okay, {before} mispelled {after} at the latest."
    score = spelling(text)
    assert score.evidence and "mispelled" in score.evidence[0].quote
    assert len(score.evidence[0].quote.split()) == 25  # twelve words either side


def test_confidence_grows_with_words_and_distance_from_thresholds() -> None:
    short = spelling("Done, sorted.")
    long = spelling(" ".join(["Your refund is on its way to the card you paid with."] * 20))
    assert short.confidence is not None and long.confidence is not None
    assert long.confidence > short.confidence
    assert margin_confidence(1) < margin_confidence(3) < margin_confidence(10) <= 0.95


def test_flip_distance_counts_findings_to_the_nearest_other_rating() -> None:
    def band(errors: int) -> int:
        return 3 if errors == 0 else 2 if errors <= 4 else 1

    assert flip_distance(band, 0) == 1
    assert flip_distance(band, 2) == 2
    assert flip_distance(band, 4) == 1
    assert flip_distance(band, 30) == 10  # capped: far from any other rating


def test_suggestion_prefers_the_same_first_letter_and_swapped_letters() -> None:
    assert suggestion("adress") == "address"
    assert suggestion("yoru") == "your"
    assert suggestion("xqzvkw") is None


@pytest.mark.parametrize(
    "args",
    [
        {"allow": "widgetron"},
        {"allow": [1]},
        {"max_rate_top": 4, "max_rate_middle": 2},
        {"max_rate_top": -1},
        {"min_frequent": 0},
    ],
)
def test_spelling_bad_arguments_are_config_errors(args: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        bind(ScorerSpec(name="spelling_grammar", args=args))


# --- clarity --------------------------------------------------------------------------------------


def test_clear_replies_rate_top() -> None:
    score = clarity(
        ("customer", "My parcel has not arrived."),
        ("agent", "Sorry about that! I have sent a replacement. It arrives on Friday."),
        ("customer", "Great, thanks."),
    )
    assert score.rating == 3
    assert score.explanation.startswith("Clear: sentences average 4 words, the longest 5")
    assert score.evidence == []


def test_customer_asking_what_was_meant_rates_bottom() -> None:
    score = clarity(
        ("customer", "My plug keeps going offline."),
        ("agent", "Hi! The sync thing needs the token thing redone, so it should be that."),
        ("customer", "Sorry, what do you mean? I'm lost."),
        ("agent", "Please unplug it for ten seconds and plug it back in."),
    )
    assert score.rating == 1
    assert "'what do you mean'" in score.explanation
    customer, agent = score.evidence
    assert (customer.message_index, customer.quote) == (2, "Sorry, what do you mean?")
    assert agent.message_index == 1 and agent.quote.startswith("Hi! The sync thing")
    assert score.confidence == 0.9


@pytest.mark.parametrize(
    "reply",
    [
        "I don't understand.",
        "I don’t follow, can you say that more simply?",
        "That doesn't make sense to me",
        "Sorry?",
        "Honestly I'm confused now.",
        "Can you explain that please",
    ],
)
def test_confusion_wordings_count(reply: str) -> None:
    score = clarity(
        ("customer", "Where is my refund?"),
        ("agent", "It is with the ledger reconciliation process."),
        ("customer", reply),
    )
    assert score.rating == 1, reply


def test_single_word_confusion_is_less_certain() -> None:
    score = clarity(
        ("customer", "Hi"), ("agent", "Your token was rotated."), ("customer", "Sorry?")
    )
    assert score.rating == 1 and score.confidence == 0.75


@pytest.mark.parametrize(
    "turns",
    [
        # The customer was confused before the agent said anything.
        (("customer", "I'm confused by my bill, what does this mean?"), ("agent", "Let me look.")),
        # Asking about the situation, not about what the agent wrote.
        (
            ("customer", "I was charged twice."),
            ("agent", "I can see both charges."),
            ("customer", "I don't understand why that happened."),
        ),
        # "sorry" inside a sentence is not "Sorry?".
        (
            ("customer", "Hi"),
            ("agent", "Can you send a photo?"),
            ("customer", "I'm so sorry? I thought I had."),
        ),
        # The confusion follows the bot, not the human agent being reviewed.
        (
            ("customer", "Hi"),
            ("bot", "Pick a topic from the menu."),
            ("customer", "What do you mean?"),
            ("agent", "Hello, I can help with your order."),
        ),
    ],
)
def test_confusion_that_is_not_about_the_agents_reply_does_not_count(
    turns: tuple[tuple[str, str], ...],
) -> None:
    assert clarity(*turns).rating == 3


def test_confusion_phrases_are_an_argument() -> None:
    turns = (("customer", "Hi"), ("agent", "Your token was rotated."), ("customer", "Huh?"))
    assert clarity(*turns).rating == 3
    assert clarity(*turns, confusion_phrases=["huh?"]).rating == 1


def test_a_long_sentence_rates_middle_and_quotes_it_clipped() -> None:
    long = (
        "I have looked at your account and I can see that the charge was taken twice because "
        "the payment page timed out while the bank was still confirming the first attempt, so "
        "the second attempt went through as well and we will now refund it to you."
    )
    score = clarity(("customer", "Why two charges?"), ("agent", f"Thanks for waiting. {long}"))
    assert score.rating == 2
    assert score.explanation.startswith("Understandable but wordy:")
    assert f"one sentence runs to {len(long.split())} words" in score.explanation
    assert len(score.evidence) == 1
    assert score.evidence[0].quote == " ".join(long.split()[:30])


def test_a_wall_of_text_rates_middle_and_paragraphs_fix_it() -> None:
    sentences = ["Your parcel left our warehouse on Monday morning."] * 18
    wall = " ".join(sentences)
    score = clarity(("customer", "Where is it?"), ("agent", wall))
    assert score.rating == 2 and "144-word block has no paragraph break" in score.explanation
    paragraphs = "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, 18, 3))
    assert clarity(("customer", "Where is it?"), ("agent", paragraphs)).rating == 3


def test_jargon_rates_middle_and_names_the_terms() -> None:
    score = clarity(
        ("customer", "Why is my plan not showing?"),
        ("agent", "The backend provisioning is asynchronous, so it re-syncs later."),
    )
    assert score.rating == 2
    assert score.explanation.startswith("Understandable but jargon-heavy: 4 technical terms in 9")
    assert "'backend'" in score.explanation and "'re-syncs'" in score.explanation


def test_unexplained_uncommon_acronyms_count_as_jargon() -> None:
    turns = [("customer", "I cannot log in.")]
    assert clarity(*turns, ("agent", "Your SSO needs MFA via the IdP now.")).rating == 2
    explained = "Your single sign-on (SSO) needs multi-factor authentication (MFA) now."
    assert clarity(*turns, ("agent", explained)).rating == 3
    common = "Please see the FAQ and the PDF guide, it is NOT hard, OK?"
    assert clarity(*turns, ("agent", common)).rating == 3
    used = [("customer", "My SSO and MFA are broken."), ("agent", "Your SSO needs MFA now.")]
    assert clarity(*used).rating == 3
    assert clarity(*turns, ("agent", "Your SSO needs MFA.")).rating == 2
    known = clarity(*turns, ("agent", "Your SSO needs MFA."), known_acronyms=["sso", "MFA"])
    assert known.rating == 3


def test_jargon_list_is_an_argument_and_one_term_is_not_jargon_heavy() -> None:
    turns = [("customer", "Is it fixed?"), ("agent", "The flux capacitor and warp coil are fine.")]
    assert clarity(*turns).rating == 3
    assert clarity(*turns, jargon=["flux capacitor", "warp coil"]).rating == 2
    one = [("customer", "Is it fixed?"), ("agent", "Our backend is fine again, sorry about that.")]
    assert clarity(*one).rating == 3


def test_clarity_no_agent_text_is_not_applicable() -> None:
    score = clarity(("customer", "What do you mean?"))
    assert score.status is Status.NA and score.explanation == "the agent wrote nothing to check"


@pytest.mark.parametrize(
    "args",
    [
        {"confusion_phrases": "what"},
        {"jargon": [3]},
        {"max_sentence_words": 0},
        {"max_jargon_per_100": -2},
        {"min_jargon": True},
    ],
)
def test_clarity_bad_arguments_are_config_errors(args: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        bind(ScorerSpec(name="clarity", args=args))


# --- both, through the engine and over generated conversations -----------------------------------


def test_the_engine_binds_and_rates_both() -> None:
    card = scorecard_from_dict(
        {
            "name": "writing",
            "version": "1",
            "criteria": [
                {
                    "key": "spelling_grammar",
                    "weight": 3,
                    "scale": "3-point",
                    "scorer": {"spelling_grammar": {"allow": ["sparkyplus"]}},
                },
                {"key": "clarity", "weight": 4, "scale": "3-point", "scorer": "clarity"},
            ],
        }
    )
    clean = conversation(
        ("customer", "Can I upgrade to Sparkyplus?"),
        ("agent", "Yes! I have upgraded you to sparkyplus. It is live now."),
        id="clean",
    )
    sloppy = conversation(
        ("customer", "My plug is offline."),
        ("agent", "The entitlment thing on the backend needs the the token redone."),
        ("customer", "What does that mean?"),
        id="sloppy",
    )
    silent = conversation(("customer", "Hello?"), id="silent")
    engine = ScoringEngine(card)
    # `score_analyses` is the engine's scoring step (binding, fallbacks, N/A rules, quote checks)
    # without building reviews, which would also compute the CX markers.
    good, bad, none = engine.score_analyses([Analysis(c) for c in (clean, sloppy, silent)])
    for key in ("spelling_grammar", "clarity"):
        assert good[key].status is Status.RATED and good[key].rating == 3
        assert good[key].scorer is not None and good[key].scorer.name == key
        assert bad[key].status is Status.RATED and bad[key].evidence
        # A criterion that allows no N/A records the missing agent text as a failure.
        assert none[key].status is Status.FAILED and "wrote nothing" in none[key].explanation
    assert bad["spelling_grammar"].rating == 2 and bad["clarity"].rating == 1
    ref = good["spelling_grammar"].scorer
    assert ref is not None and ref.args == {"allow": ["sparkyplus"]}
    assert engine.stats.dropped_quotes == 0 and not engine.stats.scorer_errors


def test_generated_conversations_rate_within_scale_with_verbatim_quotes() -> None:
    conversations = [Conversation.model_validate(c) for c in generate_conversations(150, seed=3)]
    for conv in conversations:
        for key in ("spelling_grammar", "clarity"):
            score = rate(conv, key)
            assert score.status is Status.RATED

"""Text helpers: tokens keep offsets, stems tolerate inflection, in-order matching backtracks."""

from __future__ import annotations

from supportqa.domain.conversation import Conversation
from supportqa.signals.text import (
    agent_message_indices,
    content_stem,
    content_stems,
    coverage,
    find_in_order,
    leading_sentences_end,
    leading_words,
    normalise_apostrophes,
    phrase_stems,
    sentence_around,
    sentence_spans,
    staff_message_indices,
    stem,
    tokenize,
    trailing_words,
    verbatim_quote,
)


def stems_of(text: str) -> list[str]:
    return [stem(t.norm) for t in tokenize(text)]


def test_tokenize_keeps_character_offsets_into_the_original_text() -> None:
    text = "Hello,  WORLD! It's fine."
    tokens = tokenize(text)
    assert [t.norm for t in tokens] == ["hello", "world", "it", "is", "fine"]
    assert [text[t.start : t.end] for t in tokens] == ["Hello", "WORLD", "It's", "It's", "fine"]


def test_tokenize_expands_contractions_with_any_apostrophe() -> None:
    for text in ("I don't care", "I don’t care", "I dont care", "I do not care"):
        assert [t.norm for t in tokenize(text)] == ["i", "do", "not", "care"]


def test_tokenize_contraction_parts_span_the_whole_word() -> None:
    text = "that’s yours"
    that, is_, _ = tokenize(text)
    assert text[that.start : that.end] == "that’s"
    assert (is_.start, is_.end) == (that.start, that.end)


def test_normalise_apostrophes_keeps_length() -> None:
    text = "it’s ‘quoted’ ʼhere"
    assert len(normalise_apostrophes(text)) == len(text)
    assert "’" not in normalise_apostrophes(text)


def test_stem_strips_simple_inflections_only_from_long_words() -> None:
    assert stem("complaining") == "complain"
    assert stem("recorded") == "record"
    assert stem("problems") == "problem"
    assert stem("is") == "is"
    assert stem("this") == "this"


def test_content_stem_joins_e_ending_verbs_with_their_past_tense() -> None:
    assert content_stem("secured") == content_stem("secure")
    assert content_stem("purposes") == content_stem("purpose")
    assert content_stem("recording") == content_stem("recorded") == "record"


def test_find_in_order_allows_a_gap_word() -> None:
    assert find_in_order(stems_of("that is not really my problem"), phrase_stems("not my problem"))
    assert (
        find_in_order(stems_of("not really my problem"), phrase_stems("not my problem"), 0) is None
    )


def test_find_in_order_backtracks_past_an_early_partial_match() -> None:
    # greedy "b" at 1 leaves "c" out of reach; the "b" at 2 works
    assert find_in_order(["a", "b", "b", "x", "c"], ["a", "b", "c"], max_gap=1) == (0, 4)


def test_find_in_order_can_start_later() -> None:
    stems = ["a", "b", "x", "a", "b"]
    assert find_in_order(stems, ["a", "b"]) == (0, 1)
    assert find_in_order(stems, ["a", "b"], start=1) == (3, 4)
    assert find_in_order(stems, ["a", "b"], start=4) is None


def test_find_in_order_misses_out_of_order_words() -> None:
    assert find_in_order(stems_of("problem is not mine"), phrase_stems("not my problem")) is None


def test_content_overlap_ignores_stop_words() -> None:
    wanted = content_stems(
        t.norm for t in tokenize("this call may be recorded for quality purposes")
    )
    found = content_stems(t.norm for t in tokenize("calls are recorded for quality and training"))
    assert wanted == {"call", "record", "quality", "purpos"}
    assert coverage(wanted, found) == 0.75
    assert coverage(frozenset(), found) == 0.0


def test_sentence_spans_split_on_punctuation_and_newlines() -> None:
    text = "Hi there! Thanks for waiting.\n\nI can help with 3.5 GB plans. ok"
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ["Hi there!", "Thanks for waiting.", "I can help with 3.5 GB plans.", "ok"]


def test_leading_sentences_end_covers_two_sentences() -> None:
    text = "Sorry for the wait!\n\nHello Sam. Your refund is on its way."
    assert text[: leading_sentences_end(text, 2)].rstrip() == "Sorry for the wait!\n\nHello Sam."
    assert leading_sentences_end("no punctuation at all", 2) == len("no punctuation at all")


def test_sentence_around_returns_the_holding_sentence() -> None:
    text = "First part. Second has the word here. Third."
    start = text.index("word")
    s, e = sentence_around(text, start, start + 4)
    assert text[s:e] == "Second has the word here."


def test_verbatim_quote_clips_long_spans_and_stays_verbatim() -> None:
    text = "word  " * 40 + "end"
    quote = verbatim_quote(text)
    assert quote in text
    assert len(quote.split()) == 30


def test_leading_and_trailing_words_are_verbatim() -> None:
    text = "  one two\tthree four  "
    assert leading_words(text, 2) == "one two"
    assert trailing_words(text, 2) == "three four"
    assert leading_words("") == ""


def conversation(*roles: str, public: bool = True) -> Conversation:
    return Conversation.model_validate(
        {"id": "t", "messages": [{"role": r, "text": r, "public": public} for r in roles]}
    )


def test_agent_message_indices_prefer_human_agents_and_skip_notes() -> None:
    conv = conversation("customer", "bot", "note", "agent", "customer", "agent")
    assert agent_message_indices(conv) == (3, 5)
    assert staff_message_indices(conv) == (1, 3, 5)


def test_agent_message_indices_fall_back_to_the_bot() -> None:
    assert agent_message_indices(conversation("customer", "bot", "customer", "bot")) == (1, 3)


def test_private_agent_messages_are_not_agent_text() -> None:
    assert agent_message_indices(conversation("agent", public=False)) == ()

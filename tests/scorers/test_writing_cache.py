"""The writing checks' per-message cache changes nothing: the same slips, in the same order, with
the same word counts as checking every message afresh with the conversation's names."""

from __future__ import annotations

from pathlib import Path

from supportqa.domain.conversation import Conversation
from supportqa.evaluation.regression import load_regression
from supportqa.scorers import writing
from supportqa.signals.text import agent_message_indices
from supportqa.synthetic import generate_conversations

CORPUS = Path(__file__).resolve().parents[1] / "data" / "regression"


def uncached(conversation: Conversation) -> writing.WritingCheck:
    """`writing_check` as it was before the cache: every message checked with the names."""
    indices = agent_message_indices(conversation)
    if not any(conversation.messages[i].text.strip() for i in indices):
        return writing.WritingCheck(0, ())
    names = writing._names(conversation)
    words = 0
    slips: list[writing.Slip] = []
    for index in indices:
        text, links = writing.masked(conversation.messages[index].text)
        words += links + sum(1 for _ in writing._TOKEN.finditer(text))
        found = writing._spelling(text, index, names) + writing._grammar(text, index)
        slips += sorted(found, key=lambda s: s.start)
    return writing.WritingCheck(words, tuple(slips))


def test_cached_checks_equal_fresh_ones_on_the_corpus_and_generated_conversations() -> None:
    conversations = [item.conversation for item in load_regression(CORPUS, "all")]
    conversations += [Conversation.model_validate(c) for c in generate_conversations(400, seed=5)]
    writing.message_slips.cache_clear()
    slipped = 0
    for conversation in conversations * 2:  # the second pass is served from the cache
        expected = uncached(conversation)
        assert writing.writing_check(conversation) == expected, conversation.id
        slipped += bool(expected.slips)
    assert slipped > 50  # the comparison saw real slips, not only clean text
    info = writing.message_slips.cache_info()
    assert info.hits > info.misses


def test_a_name_is_dropped_per_conversation_not_per_message_text() -> None:
    """The same reply is a misspelling in one conversation and a name in another."""
    reply = "Hello, our colleague zorblat will call you back tomorrow."
    plain = Conversation.model_validate({"id": "a", "messages": [{"role": "agent", "text": reply}]})
    named = Conversation.model_validate(
        {
            "id": "b",
            "customer": {"id": "c", "name": "Zorblat Jones"},
            "messages": [{"role": "agent", "text": reply}],
        }
    )
    assert writing.writing_check(plain) == uncached(plain)
    assert writing.writing_check(named) == uncached(named)
    assert any(s.word == "zorblat" for s in writing.writing_check(plain).slips)
    assert not any(s.word == "zorblat" for s in writing.writing_check(named).slips)

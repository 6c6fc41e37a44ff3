"""Text helpers shared by the rule scorers: tokens with character offsets, light stemming, fuzzy
in-order phrase matching, content-word overlap, sentence spans and verbatim quotes.

Offsets always point into the original text, so every evidence quote stays a verbatim substring of
the message it cites. Everything here is pure and cheap enough to run on every conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Set
from typing import NamedTuple

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.score import MAX_QUOTE_WORDS, clip_quote
from supportqa.signals.artefacts import mask_artefacts


def word_set(*lines: str) -> frozenset[str]:
    """Words written as lines of space-separated text: easier to read and review than a list."""
    return frozenset(word for line in lines for word in line.split())


APOSTROPHES = "'‘’ʼ"
_APOSTROPHE_TABLE = str.maketrans({c: "'" for c in APOSTROPHES[1:]})
_WORD = re.compile(r"[^\W_]+(?:['‘’ʼ][^\W_]+)*")
_NONSPACE = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)|\n")

# Contractions expand to the words they stand for: "don't", "don’t", "dont" and "do not" all match.
_NOT_BASES = {"ca": "can", "wo": "will", "sha": "shall", "ai": "am"}
_SUFFIXES = {"re": "are", "m": "am", "ll": "will", "ve": "have", "d": "would"}
_IS_HEADS = word_set(
    "it that what there here he she who where how this everything nothing something"
)
_JOINED: dict[str, tuple[str, ...]] = {
    "cannot": ("can", "not"),
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "isnt": ("is", "not"),
    "arent": ("are", "not"),
    "wasnt": ("was", "not"),
    "werent": ("were", "not"),
    "shouldnt": ("should", "not"),
    "couldnt": ("could", "not"),
    "wouldnt": ("would", "not"),
    "havent": ("have", "not"),
    "hasnt": ("has", "not"),
    "hadnt": ("had", "not"),
    "youre": ("you", "are"),
    "theyre": ("they", "are"),
    "thats": ("that", "is"),
    "whats": ("what", "is"),
    "im": ("i", "am"),
    "ive": ("i", "have"),
}


STOP_WORDS = word_set(
    "a an the this that these those is are was were be been being am may might can could will",
    "would shall should must do does did have has had for of to in on at by with from as and or",
    "but our your my their its it we you i they us me he she them so just please also",
)


class Token(NamedTuple):
    """A word: `norm` is lower-cased, apostrophes resolved; `start:end` spans the original text."""

    norm: str
    start: int
    end: int


def normalise_apostrophes(text: str) -> str:
    """Curly and modifier apostrophes become `'`; the length is unchanged, so offsets still hold."""
    return text.translate(_APOSTROPHE_TABLE)


def _expand(word: str) -> tuple[str, ...]:
    if "'" not in word:
        return _JOINED.get(word, (word,))
    head, _, tail = word.rpartition("'")
    if tail == "t" and head.endswith("n"):
        base = head[:-1]
        return (_NOT_BASES.get(base, base), "not")
    if tail == "s":
        return (head, "is") if head in _IS_HEADS else (head,)
    if tail in _SUFFIXES:
        return (head, _SUFFIXES[tail])
    return (word.replace("'", ""),)


def tokenize(text: str) -> list[Token]:
    """Words with their character offsets; punctuation is dropped and contractions are expanded
    (every part of an expanded contraction spans the whole original word)."""
    tokens: list[Token] = []
    append = tokens.append
    for match in _WORD.finditer(text):
        word = match.group().lower()
        start, end = match.span()
        if word in _JOINED or not word.isalnum():
            for part in _expand(normalise_apostrophes(word)):
                append(Token(part, start, end))
        else:
            append(Token(word, start, end))
    return tokens


def stem(word: str) -> str:
    """Inflection tolerance: strip a final "ing", "ed" or "s" from words of five letters or more."""
    if len(word) > 4:
        if word.endswith("ing"):
            return word[:-3]
        if word.endswith("ed"):
            return word[:-2]
        if word.endswith("s"):
            return word[:-1]
    return word


def content_stem(word: str) -> str:
    """A looser stem for content words: also drops a final "e", so "recorded"/"record" and
    "secured"/"secure" (and "purposes"/"purpose") meet."""
    stemmed = stem(word)
    if len(stemmed) > 3 and stemmed.endswith("e"):
        return stemmed[:-1]
    return stemmed


def phrase_stems(phrase: str) -> tuple[str, ...]:
    """A configured phrase as the stems `find_in_order` compares."""
    return tuple(stem(token.norm) for token in tokenize(phrase))


def content_stems(words: Iterable[str]) -> frozenset[str]:
    """The content words of normalised `words` (stop-words dropped), as content stems."""
    return frozenset(content_stem(w) for w in words if w not in STOP_WORDS)


def coverage(wanted: Set[str], found: Set[str]) -> float:
    """The share of `wanted` content stems present in `found` (0 when nothing is wanted)."""
    if not wanted:
        return 0.0
    return len(wanted & found) / len(wanted)


def find_in_order(
    stems: Sequence[str], phrase: Sequence[str], max_gap: int = 1, start: int = 0
) -> tuple[int, int] | None:
    """Token positions (first, last) where `phrase` occurs in order, with at most `max_gap` extra
    tokens between consecutive phrase tokens, starting at token `start` or later; None when it does
    not occur."""
    if not phrase:
        return None
    first = phrase[0]
    for i in range(start, len(stems)):
        if stems[i] == first:
            end = _extend(stems, phrase, 1, i, max_gap)
            if end is not None:
                return (i, end)
    return None


def _extend(stems: Sequence[str], phrase: Sequence[str], k: int, pos: int, gap: int) -> int | None:
    if k == len(phrase):
        return pos
    target = phrase[k]
    for j in range(pos + 1, min(pos + 2 + gap, len(stems))):
        if stems[j] == target:
            end = _extend(stems, phrase, k + 1, j, gap)
            if end is not None:
                return end
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: split after . ! ? … followed by a space, and at newlines.
    Transcript artefacts (upload notices, placeholders, quoted e-mail history) are no sentence: the
    split runs on the masked text, whose offsets are the original's."""
    text = mask_artefacts(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        s, e = _trimmed(text, start, match.end())
        if s < e:
            spans.append((s, e))
        start = match.end()
    s, e = _trimmed(text, start, len(text))
    if s < e:
        spans.append((s, e))
    return spans


def leading_sentences_end(text: str, count: int = 2) -> int:
    """The offset where the first `count` sentences end (the whole text when it has fewer)."""
    seen = 0
    previous = 0
    for match in _SENTENCE_END.finditer(text):
        if text[previous : match.start()].strip():
            seen += 1
            if seen >= count:
                return match.end()
        previous = match.end()
    return len(text)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding `start:end` when it fits in a quote, else the span itself."""
    for s, e in sentence_spans(text):
        if s <= start < e:
            if e >= end and len(text[s:e].split()) <= MAX_QUOTE_WORDS:
                return s, e
            break
    return start, end


def verbatim_quote(text: str, start: int = 0, end: int | None = None) -> str:
    """`text[start:end]` clipped to the quote limit, and always a verbatim substring of `text`."""
    segment = text[start:end]
    quote = clip_quote(segment)
    if quote in segment:
        return quote
    words = [m.span() for m in _NONSPACE.finditer(segment)][:MAX_QUOTE_WORDS]
    return segment[words[0][0] : words[-1][1]]


def leading_words(text: str, count: int = 8) -> str:
    """The first `count` words, verbatim (what an `absence` evidence shows of the message)."""
    spans = []
    for match in _NONSPACE.finditer(text):
        spans.append(match.span())
        if len(spans) == count:
            break
    return text[spans[0][0] : spans[-1][1]] if spans else ""


def trailing_words(text: str, count: int = 8) -> str:
    """The last `count` words, verbatim."""
    spans = [m.span() for m in _NONSPACE.finditer(text)][-count:]
    return text[spans[0][0] : spans[-1][1]] if spans else ""


def staff_message_indices(conversation: Conversation) -> tuple[int, ...]:
    """Indices of public agent and bot messages: all the customer read from the support side."""
    return tuple(
        i
        for i, m in enumerate(conversation.messages)
        if m.public and (m.role is Role.AGENT or m.role is Role.BOT)
    )


def agent_message_indices(conversation: Conversation) -> tuple[int, ...]:
    """Indices of the reviewed side's public messages: the human agents', or the bot's when no human
    agent replied publicly; in a participant's view (`Conversation.viewed_by`), that participant's.
    Internal notes never count."""
    reviewed = conversation.reviewed_indices
    if reviewed is not None:
        return reviewed
    messages = conversation.messages
    agents = tuple(i for i, m in enumerate(messages) if m.public and m.role is Role.AGENT)
    if agents:
        return agents
    return tuple(i for i, m in enumerate(messages) if m.public and m.role is Role.BOT)

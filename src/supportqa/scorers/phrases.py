"""The built-in phrases the rule scorers look for, kept as plain text.

Regexes are built from these lists (see `alternation`), so `builtin_phrases()` can list every
literal the rules react to; a test keeps the synthetic generator's phrase pools free of them, so the
rules are measured on text that was not written to please them. Name-shaped introductions
("Anna here", "this is Anna from Acme") are templates, not literals, and are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import product
from typing import Any

from supportqa.signals.pii import PASSWORD_CUES, PASSWORD_MODIFIERS

# --- greeting -----------------------------------------------------------------------------------

GREETING_WORDS: tuple[str, ...] = (
    "hi",
    "hello",
    "hey",
    "hiya",
    "howdy",
    "greetings",
    "good morning",
    "good afternoon",
    "good evening",
    "good day",
)
WELCOME_WORDS: tuple[str, ...] = ("welcome",)  # not after "you're" / "you are"
# Only as the first word of a message ("Dear Ms Smith", "Morning Sam!"); elsewhere not greetings.
SALUTATIONS: tuple[str, ...] = ("dear", "morning", "afternoon", "evening")
THANKS_LEADS: tuple[str, ...] = (
    "thanks",
    "thank you",
    "many thanks",
    "thanks so much",
    "thank you so much",
    "thanks very much",
    "thank you very much",
)
GREETING_THANKS_FOR: tuple[str, ...] = (
    "contacting",
    "reaching out",
    "writing",
    "writing in",
    "calling",
    "your patience",
    "getting in touch",
    "your message",
    "waiting",
)
INTRODUCTIONS: tuple[str, ...] = (
    "my name is",
    "you're speaking with",
    "you're chatting with",
    "you are speaking with",
    "you are chatting with",
)
# Templates: "<lead> <Capitalised Name> <link>" and "<Capitalised Name> here" opening a sentence.
NAME_INTRO_LEADS: tuple[str, ...] = ("this is", "i'm", "i am")
NAME_INTRO_LINKS: tuple[str, ...] = ("from", "with", "at")
NOT_NAMES: tuple[str, ...] = (
    "click",
    "tap",
    "look",
    "see",
    "go",
    "come",
    "start",
    "sign",
    "log",
    "check",
    "reply",
    "respond",
    "write",
    "read",
    "right",
    "just",
    "over",
    "in",
    "out",
)

# --- closing ------------------------------------------------------------------------------------

FURTHER_HELP: tuple[str, ...] = (
    "anything else",
    "is there anything",
    *(
        f"{lead} {action}"
        for lead, action in product(
            ("feel free to", "don't hesitate to", "do not hesitate to"),
            ("reach out", "get in touch", "let us know", "let me know", "contact us", "write back"),
        )
    ),
    "if you have any other questions",
    "if you have any further questions",
    "if you have any more questions",
    "if you need anything",
    "if you need any further help",
    "let us know if you need",
    "let me know if you need",
    "glad i could help",
    "glad to help",
    "happy to help",
    "hope this helps",
    "hope that helps",
)
CLOSING_THANKS_FOR: tuple[str, ...] = (
    "contacting",
    "reaching out",
    "your patience",
    "getting in touch",
    "your understanding",
    "your time",
    "your business",
    "choosing",
    "writing in",
    "chatting",
)
THANKS_AGAIN: tuple[str, ...] = ("thanks again", "thank you again")
GOODBYE_ADJECTIVES: tuple[str, ...] = ("great", "nice", "good", "lovely", "wonderful", "fantastic")
GOODBYE_PERIODS: tuple[str, ...] = (
    "day",
    "evening",
    "weekend",
    "night",
    "afternoon",
    "week",
    "one",
)
GOODBYES: tuple[str, ...] = (
    *(f"have a {a} {p}" for a, p in product(GOODBYE_ADJECTIVES, GOODBYE_PERIODS)),
    "take care",
    "bye",
    "goodbye",
    "good bye",
    "all the best",
    "kind regards",
    "best regards",
    "warm regards",
    "best wishes",
    "cheers",
    "speak soon",
    "talk soon",
    "enjoy the rest of your day",
    "enjoy your day",
)

# --- the customer left ----------------------------------------------------------------------------

LEFT_SUBJECTS: tuple[str, ...] = (
    "customer",
    "visitor",
    "user",
    "caller",
    "client",
    "guest",
    "end user",
    "end-user",
    "contact",
)
LEFT_ACTIONS: tuple[str, ...] = (
    "left",
    "has left",
    "disconnected",
    "has disconnected",
    "ended the chat",
    "has ended the chat",
    "ended the conversation",
    "ended the call",
    "closed the chat",
    "has closed the chat",
    "hung up",
    "has hung up",
    "went offline",
    "abandoned the chat",
    "dropped off",
)
LEFT_EVENTS: tuple[str, ...] = (
    "chat ended by",
    "chat closed by",
    "conversation ended by",
    "conversation closed by",
    "call ended by",
)


def alternation(phrases: Iterable[str]) -> str:
    """One non-capturing group matching any of `phrases`, built as a character trie so the regex
    engine tests one branch per character instead of every phrase at every position. Longer
    wordings win, so the quoted span is the fullest phrase."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for char in " ".join(phrase.split()):
            node = node.setdefault(char, {})
        node[""] = {}
    return "(?:" + _trie_pattern(trie) + ")"


def _atom(char: str) -> str:
    if char == " ":
        return r"\s+"
    if char == "'":
        return "['’]"
    return re.escape(char)


def _trie_pattern(node: dict[str, Any]) -> str:
    branches = [_atom(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def greeting_phrases() -> list[str]:
    leads = (*THANKS_LEADS,)
    thanks = [f"{lead} for {what}" for lead, what in product(leads, GREETING_THANKS_FOR)]
    return [*GREETING_WORDS, *WELCOME_WORDS, *SALUTATIONS, *thanks, *INTRODUCTIONS]


def closing_phrases() -> list[str]:
    thanks = [f"{lead} for {what}" for lead, what in product(THANKS_LEADS, CLOSING_THANKS_FOR)]
    return [*FURTHER_HELP, *thanks, *THANKS_AGAIN, *GOODBYES]


def customer_left_phrases() -> list[str]:
    pairs = [f"{who} {did}" for who, did in product(LEFT_SUBJECTS, LEFT_ACTIONS)]
    events = [f"{event} {who}" for event, who in product(LEFT_EVENTS, LEFT_SUBJECTS)]
    return pairs + events


def password_phrases() -> list[str]:
    """The password cues of the PII detector (signals/pii.py), as literal phrases."""
    cues = [f"{cue} is" for cue in PASSWORD_CUES]
    cues += [f"{modifier} {cue}" for modifier, cue in product(PASSWORD_MODIFIERS, PASSWORD_CUES)]
    return [*PASSWORD_CUES, *cues]


def builtin_phrases() -> list[str]:
    """Every literal phrase or keyword the built-in rule scorers look for, as lower-case text."""
    phrases = greeting_phrases() + closing_phrases() + customer_left_phrases() + password_phrases()
    return sorted(set(phrases))

"""Word equivalences for forbidden phrases and disclosures, and the password cues as phrases."""

from __future__ import annotations

from itertools import product

from supportqa.signals.pii import (
    PASSWORD_CUES,
    PASSWORD_LINKS,
    PASSWORD_MODIFIERS,
    PASSWORD_SETTERS,
    PIN_CUES,
)

# --- forbidden phrases ----------------------------------------------------------------------------
# Word-level equivalences applied to the configured phrases and to agent text alike, so a team's
# "not my problem" also catches "not our issue", "that's your fault" catches "it was your own
# fault" and "I don't care" catches "I couldn't care less". Only swaps that keep a phrase as rude as
# the original (no "told" -> "mentioned": "as I mentioned" is ordinary in polite replies).
# Inflected forms are listed where stemming differs.
FORBIDDEN_EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("problem", "issue", "concern"),
    ("job", "responsibility"),
    ("my", "our"),
    ("that", "it", "this"),
    ("is", "was"),
    ("fault", "mistake"),
    ("told", "said", "explained"),
    ("as", "like"),
    ("stop", "quit"),
    ("calm", "settle"),
    ("already", "before"),
    ("read", "check", "checked"),
    ("complain", "complaining", "whine", "whining", "moan", "moaning"),
    ("should", "ought"),
    ("do", "does", "did", "could", "would"),
)
# A phrase opening with one of these before three or more words also matches without it: "as I
# already told you" catches "I've already told you".
FORBIDDEN_OPTIONAL_LEADS: tuple[str, ...] = ("as", "like", "just")
# Adverbs that may stand anywhere near the rest of the phrase, in its clause: "as I already told
# you" also as "as I told you already" or "like I said before".
FORBIDDEN_FLOATING: tuple[str, ...] = ("already", "really", "even")
# Inserted between a phrase's words, a negation turns it around ("it's not your fault").
FORBIDDEN_NEGATIONS: tuple[str, ...] = ("not", "never", "no")
# A phrase opening with a verb ("deal with it", "calm down") is an order to the customer. Looking
# back from it through its clause, the first of these words decides: an order when "you" comes
# first ("I need you to calm down"), none after the agent as subject, a subordinator or a
# determiner ("I'll deal with it", "let me deal with this", "once things calm down", "here's the
# deal with this offer").
ORDER_TARGETS: tuple[str, ...] = ("you",)
# ... unless the agent offers to help with it: "let me help you deal with it".
ORDER_HELPERS: tuple[str, ...] = ("help", "helping", "let", "assist", "allow", "support")
ORDER_BLOCKERS: tuple[str, ...] = (
    "i",
    "we",
    "me",
    "us",
    "let",
    "help",
    "how",
    "way",
    "once",
    "until",
    "when",
    "after",
    "before",
    "while",
    "if",
    "since",
    "because",
    "the",
    "a",
    "an",
    "this",
    "that",
    "our",
    "your",
    "great",
    "good",
    "best",
    "things",
)
# Phrases opening with these words are not verb-led.
NOT_VERB_LEADS: tuple[str, ...] = (
    "i",
    "you",
    "we",
    "he",
    "she",
    "they",
    "it",
    "that",
    "this",
    "there",
    "not",
    "no",
    "never",
    "as",
    "like",
    "whatever",
    "what",
    "why",
    "your",
    "my",
    "our",
    "if",
    "so",
)

# --- required disclosure --------------------------------------------------------------------------
# Synonym groups for the content words of a configured disclosure: "this conversation is monitored
# for training" covers "this call may be recorded for quality purposes". Matched as written (then
# stemmed as the disclosure's own words are): "monitored"/"monitoring" but not "I'll monitor the
# line"; no "phone" or "tape" ("your phone number is recorded", "tap the button").
DISCLOSURE_EQUIVALENTS: tuple[tuple[str, ...], ...] = (
    ("call", "calls", "line", "lines", "conversation", "conversations"),
    ("record", "records", "recorded", "recording", "recordings", "monitored", "monitoring"),
    ("quality", "training", "coaching"),
    ("purpose", "purposes", "reason", "reasons"),
)


def forbidden_vocabulary() -> list[str]:
    """The words a configured forbidden phrase may be matched through (the phrases themselves are
    in the scorecard)."""
    return [*(word for group in FORBIDDEN_EQUIVALENTS for word in group), *FORBIDDEN_FLOATING]


def disclosure_vocabulary() -> list[str]:
    return [word for group in DISCLOSURE_EQUIVALENTS for word in group]


def password_phrases() -> list[str]:
    """The password cues of the PII detector (signals/pii.py), as literal phrases."""
    cues = [*PASSWORD_CUES, *PIN_CUES]
    stated = [f"{cue} {link}" for cue, link in product(cues, PASSWORD_LINKS)]
    named = [f"{modifier} {cue}" for modifier, cue in product(PASSWORD_MODIFIERS, cues)]
    named += [f"{modifier} pass" for modifier in PASSWORD_MODIFIERS]
    return [*cues, *stated, *named, *PASSWORD_SETTERS, "as"]

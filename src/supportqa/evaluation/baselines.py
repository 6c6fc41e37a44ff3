"""The two references every `eval` figure stands beside, computed in the same run.

- **Keyword**: a few hand-picked words per target, counted (what a team builds in an afternoon).
- **VADER on the customer's last turn**: the field's lexicon, as a sentiment-only reading.

A scorer that cannot beat these is not worth its dependencies.
"""

from __future__ import annotations

import re

from supportqa.domain.conversation import Conversation, Role
from supportqa.signals.sentiment import vader_compound


def _words(*words: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.I)


POSITIVE = _words(
    "thank",
    "thanks",
    "thx",
    "great",
    "solved",
    "resolved",
    "works",
    "worked",
    "fixed",
    "ok",
    "okay",
    "perfect",
    "appreciate",
    "good",
    "got it",
    "helpful",
)
NEGATIVE = _words(
    "not",
    "no",
    "still",
    "never",
    "bad",
    "terrible",
    "angry",
    "useless",
    "problem",
    "complaint",
    "wrong",
    "can't",
    "cannot",
    "doesn't",
    "won't",
    "nobody",
    "why",
)
SOLUTION = _words(
    "please",
    "you can",
    "try",
    "we will",
    "has been",
    "have been",
    "click",
    "go to",
    "send",
    "refund",
    "reset",
    "restart",
)
CONFIRM = _words("thank", "thanks", "ok", "okay", "works", "worked", "solved", "got it", "fixed")
CONFUSED = _words(
    "what do you mean",
    "not what i",
    "don't understand",
    "do not understand",
    "i meant",
    "that's not",
    "no,",
)
EFFORT = _words("again", "still", "already", "repeat", "waiting", "another", "how many times")
RUDE = _words(
    "not my problem",
    "your fault",
    "calm down",
    "obviously",
    "should have",
    "whatever",
    "i already told you",
    "read the",
)
EMPATHY = _words(
    "sorry",
    "apologize",
    "apologise",
    "understand",
    "frustrating",
    "must be",
    "i can imagine",
    "unfortunately",
)


def _count(pattern: re.Pattern[str], text: str) -> int:
    return len(pattern.findall(text))


def last_customer_text(conversation: Conversation) -> str:
    for message in reversed(conversation.messages):
        if message.role is Role.CUSTOMER and message.public and message.text.strip():
            return message.text
    return ""


def customer_texts(conversation: Conversation) -> list[str]:
    return [m.text for m in conversation.messages if m.role is Role.CUSTOMER and m.public]


def vader_last_customer(conversation: Conversation) -> float:
    return vader_compound(last_customer_text(conversation))


def keyword_satisfaction(conversation: Conversation) -> float:
    text = last_customer_text(conversation)
    return float(_count(POSITIVE, text) - _count(NEGATIVE, text))


def keyword_resolution(conversation: Conversation) -> float:
    text = last_customer_text(conversation)
    return float(_count(CONFIRM, text) - _count(NEGATIVE, text))


def keyword_solution(text: str) -> float:
    return float(_count(SOLUTION, text))


def keyword_confirm(text: str) -> float:
    return float(_count(CONFIRM, text))


def keyword_comprehension(conversation: Conversation) -> float:
    return -float(sum(_count(CONFUSED, t) for t in customer_texts(conversation)))


def keyword_effort(conversation: Conversation) -> float:
    """Higher is less effort, like the efficiency label."""
    return -float(sum(_count(EFFORT, t) for t in customer_texts(conversation)))


def keyword_tone(agent_text: str) -> float:
    """Higher is better tone."""
    return float(_count(POSITIVE, agent_text) - 2 * _count(RUDE, agent_text))


def keyword_empathy(agent_text: str) -> float:
    return float(_count(EMPATHY, agent_text))

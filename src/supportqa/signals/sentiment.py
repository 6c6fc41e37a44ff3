"""Customer sentiment per message: VADER with a lexicon re-tuned for support text.

VADER reads support vocabulary as praise ("I need *help*", "customer *care*", "*please* fix it" all score
positive) and misses the words customers use when things go wrong ("still", "disconnects", "rubbish").
We neutralise the first kind, add the second, and add phrase rules VADER's word lexicon cannot express
("doesn't work", "no one answered"). The result is a weak signal that the scorers combine with markers,
never a verdict on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from supportqa.domain.conversation import Conversation, Role
from supportqa.signals.artefacts import content

# Words VADER scores as positive that in support text only name the service or ask for it.
_NEUTRAL_IN_SUPPORT = (
    "help",
    "helps",
    "helped",
    "please",
    "support",
    "care",
    "free",
    "like",
    "kind",
    "pretty",
    "sure",
    "hope",
    "wish",
    "solve",
    "yes",
    "no",
    "lol",
    "well",
    "want",
    "ready",
    "credit",
    "interest",
    "gift",
    "reward",
    "rewards",
    "sorry",
)
# Words customers use about broken service, missing from VADER or too mild there.
_SUPPORT_LEXICON: dict[str, float] = {
    "rubbish": -2.5,
    "disconnects": -1.5,
    "disconnected": -1.5,
    "crashes": -1.8,
    "crashed": -1.8,
    "overcharged": -2.2,
    "unresolved": -2.0,
    "unacceptable": -2.8,
    "ridiculous": -2.2,
    "waited": -1.0,
    "waiting": -0.8,
    "still": -0.6,
    "again": -0.5,
    "complaint": -1.8,
    "complain": -1.8,
    "cheated": -2.8,
    "scam": -2.8,
    "refunded": 1.2,
    "fixed": 1.8,
    "works": 1.2,
    "working": 0.8,
    "solved": 2.0,
    "resolved": 1.8,
    "thx": 1.9,
    "appreciated": 2.0,
}
# Phrase rules: (pattern, score in [-1, 1]); the strongest match is blended with VADER's compound.
_PHRASES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), score)
    for pattern, score in (
        (
            r"\b(?:does(?:n'?t| not)|did(?:n'?t| not)|can(?:'?t|not)|won'?t|is(?:n'?t| not)) "
            r"(?:\w+ )?(?:work|working|connect|load|open|help|fix)",
            -0.6,
        ),
        (r"\b(?:no ?one|nobody|no body)\b", -0.5),
        (r"\bstill (?:not|no|can'?t|doesn'?t|isn'?t|haven'?t|hasn'?t|waiting|broken)\b", -0.7),
        (r"\b(?:what|why|how) (?:the hell|on earth)\b", -0.8),
        (r"\bhow many times\b", -0.6),
        (r"\b(?:thank(?:s| you)[^.!?]*(?:solv|fix|work|help))", 0.8),
        (r"\b(?:it|that|this) (?:works|worked|is working) (?:now|again|fine|perfectly)\b", 0.8),
        (r"\bproblem (?:is )?(?:solved|fixed|resolved)\b", 0.8),
    )
)


@cache
def _analyzer() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    for word in _NEUTRAL_IN_SUPPORT:
        analyzer.lexicon.pop(word, None)
    analyzer.lexicon.update(_SUPPORT_LEXICON)
    return analyzer


def vader_compound(text: str) -> float:
    """Plain VADER compound in [-1, 1], with its own lexicon: the baseline the field knows."""
    return float(_plain_analyzer().polarity_scores(text)["compound"])


@cache
def _plain_analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def text_sentiment(text: str) -> float:
    """Support-tuned sentiment in [-1, 1]: VADER on the re-tuned lexicon, blended with phrase rules."""
    if not text.strip():
        return 0.0
    score = float(_analyzer().polarity_scores(text)["compound"])
    phrase = max((s for p, s in _PHRASES if p.search(text)), key=abs, default=0.0)
    if phrase:
        score = 0.5 * score + 0.5 * phrase
    return max(-1.0, min(1.0, score))


@dataclass(frozen=True)
class SentimentPoint:
    message_index: int
    score: float


@dataclass(frozen=True)
class CustomerSentiment:
    """The customer's sentiment over the conversation: per message, where it started and ended."""

    points: tuple[SentimentPoint, ...]

    @property
    def start(self) -> float | None:
        return self.points[0].score if self.points else None

    @property
    def end(self) -> float | None:
        return self.points[-1].score if self.points else None

    @property
    def lowest(self) -> SentimentPoint | None:
        return min(self.points, key=lambda p: p.score, default=None)

    @property
    def trajectory(self) -> float | None:
        """End minus start; None with fewer than two customer messages."""
        if len(self.points) < 2:
            return None
        return self.points[-1].score - self.points[0].score


def customer_sentiment(conversation: Conversation) -> CustomerSentiment:
    """Sentiment of each public customer message, in order; a message holding only transcript
    artefacts (an upload notice, a placeholder) is no customer word and has no point."""
    points = tuple(
        SentimentPoint(i, text_sentiment(words))
        for i, m in enumerate(conversation.messages)
        if m.role is Role.CUSTOMER and m.public and (words := content(m.text))
    )
    return CustomerSentiment(points)

"""The language a conversation is written in: langid.py's bundled model, offline.

Scorers built on English word lists, phrases and English-trained models guess on other languages, so
the engine marks their answers `unsure` when a conversation reads as another language
(`scoring.engine`). A wrong "foreign" call would throw away good English ratings, so the detector
leans English: text with fewer than `MIN_LETTERS` letters, or whose best language is below
`MIN_PROBABILITY`, is `und` (undetermined, treated as English) — never a confident foreign guess.
Both thresholds were chosen by measuring (`python scripts/measure_language.py`, docs/scorers.md).

The text read is the public customer, agent and bot messages (internal notes and system events
left out), artefacts removed (`signals.artefacts`), cut at `MAX_CHARS` characters.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from supportqa.domain.conversation import Conversation, Role
from supportqa.signals.artefacts import content

ENGLISH = "en"
UNDETERMINED = "und"
MAX_CHARS = 1000
"""Characters read per conversation: plenty for a language, and it bounds the cost (~0.5 ms)."""
MIN_LETTERS = 30
"""Fewer letters than this ("ok", "Danke!", an order number) is too little to tell: `und`."""
MIN_PROBABILITY = 0.99
"""A non-English best guess below this normalised probability is `und`."""

_READ = (Role.CUSTOMER, Role.AGENT, Role.BOT)
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|\S*\d\S*")

NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian",
    "fi": "Finnish",
    "pl": "Polish",
    "cs": "Czech",
    "sk": "Slovak",
    "hu": "Hungarian",
    "ro": "Romanian",
    "ca": "Catalan",
    "tr": "Turkish",
    "el": "Greek",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "he": "Hebrew",
    "hi": "Hindi",
    "ja": "Japanese",
    "ko": "Korean",
    "zh": "Chinese",
    "id": "Indonesian",
    "ms": "Malay",
    "vi": "Vietnamese",
    "th": "Thai",
}


@dataclass(frozen=True)
class DetectedLanguage:
    """An ISO 639-1 code (`en`, `de`, ...) or `und`, and langid's normalised probability for it
    (None for `und` from too little text)."""

    code: str
    probability: float | None = None

    @property
    def english_or_unknown(self) -> bool:
        """English, or not known to be anything else: every scorer rates it as it always did."""
        return self.code in (ENGLISH, UNDETERMINED)

    @property
    def name(self) -> str:
        return language_name(self.code)

    def describe(self) -> str:
        """ "German (de, p=0.99)": what an explanation or a page shows."""
        if self.probability is None:
            return f"{self.name} ({self.code})"
        return f"{self.name} ({self.code}, p={self.probability:.2f})"


def language_name(code: str) -> str:
    """The English name of a language code (the code itself for a language not listed)."""
    if code == UNDETERMINED:
        return "undetermined"
    return NAMES.get(code, code)


class _Identifier:
    """langid's model, loaded on first use (about a second) once per process, under a lock."""

    _lock = threading.Lock()
    _model: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls._model is None:
            with cls._lock:
                if cls._model is None:
                    from langid.langid import LanguageIdentifier, model

                    cls._model = LanguageIdentifier.from_modelstring(model, norm_probs=True)
        return cls._model


def _classify(text: str) -> tuple[str, float]:
    """langid's `classify`, with the naive-Bayes product taken over the features present only:
    the same answer, ten times faster than its dense product of a count vector by the whole
    feature table."""
    identifier = _Identifier.get()
    features = identifier.instance2fv(text)
    present = np.flatnonzero(features)
    scores = features[present].astype(np.float64) @ identifier.nb_ptc[present] + identifier.nb_pc
    probabilities = identifier.norm_probs(scores)
    best = int(np.argmax(probabilities))
    return str(identifier.nb_classes[best]), float(probabilities[best])


def letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def detect_language(text: str) -> DetectedLanguage:
    """The language of `text`, leaning English: `und` on too few letters or a weak foreign guess."""
    cleaned = _NOISE.sub(" ", text)[:MAX_CHARS]
    if letters(cleaned) < MIN_LETTERS:
        return DetectedLanguage(UNDETERMINED)
    code, probability = _classify(cleaned)
    if code != ENGLISH and probability < MIN_PROBABILITY:
        return DetectedLanguage(UNDETERMINED, round(probability, 4))
    return DetectedLanguage(code, round(probability, 4))


def language_text(conversation: Conversation) -> str:
    """What the detector reads: the public customer, agent and bot messages' own words, in order,
    up to `MAX_CHARS` characters."""
    parts: list[str] = []
    size = 0
    for message in conversation.messages:
        if not message.public or message.role not in _READ:
            continue
        words = content(message.text)
        if words:
            parts.append(words)
            size += len(words) + 1
            if size >= MAX_CHARS:
                break
    return "\n".join(parts)[:MAX_CHARS]


def conversation_language(conversation: Conversation) -> DetectedLanguage:
    """The signal scorers and the engine read (`Analysis.signal(conversation_language)`)."""
    return detect_language(language_text(conversation))

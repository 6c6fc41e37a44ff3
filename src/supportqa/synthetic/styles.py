"""How people write: customer styles (terse, chatty, angry, polite, non-native), typos, speech.

Styles change wording only; what a message says comes from the problem texts and the truth draw.
"""

from __future__ import annotations

import re
from random import Random

from supportqa.synthetic import phrases as P

STYLES = ("polite", "terse", "chatty", "non_native", "angry")
BASE_STYLE_WEIGHTS = (0.32, 0.22, 0.2, 0.16, 0.1)

_NON_NATIVE = (
    (re.compile(r"\bI'd like\b"), "I want"),
    (re.compile(r"\bcan't\b"), "cannot"),
    (re.compile(r"\bdoesn't\b"), "is not"),
    (re.compile(r"\bdon't\b"), "do not"),
    (re.compile(r"\bhaven't got\b"), "not receive"),
    (re.compile(r"\bhasn't\b"), "is not"),
    (re.compile(r"\bIt's\b"), "It is"),
    (re.compile(r"\bI was\b"), "I am"),
    (re.compile(r"\bkeeps\b"), "is always"),
)
_ARTICLE = re.compile(r"\b(?:the|a) (?=[a-z])")
_SHOUT = re.compile(r"\b(still|never|again|twice|every)\b")
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\ufe0f]")
_NEIGHBOURS = "qwertyuiopasdfghjklzxcvbnm"
_FILLED = frozenset(
    {"okay", "okay,", "so", "so,", "right,", "yeah,", "um,", "uh,", "yeah", "right"}
)


def non_native(text: str, rng: Random) -> str:
    """Second-language English: fewer contractions, dropped articles, literal constructions."""
    for pattern, repl in _NON_NATIVE:
        text = pattern.sub(repl, text)
    return _ARTICLE.sub(lambda m: "" if rng.random() < 0.6 else m.group(0), text)


def typos(text: str, rng: Random, rate: float) -> str:
    """Swap, drop, double or fat-finger letters in about `rate` of the longer words."""
    words = text.split(" ")
    for i, word in enumerate(words):
        if len(word) < 4 or not word.isalpha() or rng.random() >= rate:
            continue
        j = rng.randrange(1, len(word) - 1)
        op = rng.random()
        if op < 0.35:
            word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        elif op < 0.6:
            word = word[:j] + word[j + 1 :]
        elif op < 0.8:
            word = word[:j] + word[j] + word[j:]
        else:
            word = word[:j] + rng.choice(_NEIGHBOURS) + word[j + 1 :]
        words[i] = word
    return " ".join(words)


def strip_emoji(text: str) -> str:
    return _EMOJI.sub("", text).strip()


def spoken(text: str, rng: Random) -> str:
    """A transcribed turn: no emoji, sometimes a filler word in front."""
    text = strip_emoji(text)
    if not text or rng.random() >= 0.45 or text.split(maxsplit=1)[0].lower() in _FILLED:
        return text
    keep = text[0] == "I" and (len(text) == 1 or not text[1].isalpha())
    return rng.choice(P.VOICE_FILLERS) + (text if keep else text[0].lower() + text[1:])


def customer_opening(
    rng: Random, style: str, ask: str, short: str, distress: str | None, sloppy: bool
) -> list[str]:
    """The customer's first words, as one to three chat-sized parts."""
    if style == "terse":
        tail = rng.choice(P.STYLE_CLOSERS["terse"])
        parts = [f"{short.lower()} {tail}"]
        if distress:
            parts.append(distress.lower())
    else:
        body = non_native(ask, rng) if style == "non_native" else ask
        if style == "angry":
            body = _SHOUT.sub(lambda m: m.group(0).upper(), body)
        openers = P.STYLE_OPENERS[style]
        first = f"{rng.choice(openers)} {body}" if openers and rng.random() < 0.8 else body
        parts = [first]
        extras = P.STYLE_EXTRAS.get(style)
        if extras and rng.random() < 0.7:
            parts.append(rng.choice(extras))
        if distress:
            parts.append(non_native(distress, rng) if style == "non_native" else distress)
        closers = P.STYLE_CLOSERS[style]
        if closers and rng.random() < 0.6:
            parts[-1] = f"{parts[-1]} {rng.choice(closers)}"
    if sloppy:
        parts = [typos(p, rng, 0.12) for p in parts]
    return parts


def customer_line(rng: Random, style: str, text: str, sloppy: bool) -> str:
    """A later customer message in the customer's own style."""
    if style == "terse":
        text = text.rstrip(".!").lower()
    elif style == "non_native":
        text = non_native(text, rng)
    elif style == "angry" and rng.random() < 0.5:
        text = text.rstrip(".") + "!!"
    return typos(text, rng, 0.12) if sloppy else text

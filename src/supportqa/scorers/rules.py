"""Rule scorers of the default scorecard: greeting, closing, responsiveness, PII exposure, forbidden
phrases and required disclosure.

Deterministic and fast: patterns are compiled when a scorer is configured, signals are memoised on
the analysis, and every rating quotes the span that triggered it (or points at what is missing or
late). "Agent text" is the reviewed side's public messages (human agents, else the bot); internal
notes never count for or against. PII counts every public agent and bot message: the customer read
them all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.score import Evidence, EvidenceKind, Score
from supportqa.domain.scorecard import Criterion, Scale
from supportqa.errors import ConfigError, ScorerError
from supportqa.scorers import phrases as P
from supportqa.scorers.registry import scorer
from supportqa.signals.analysis import Analysis
from supportqa.signals.pii import PII_KINDS, staff_pii_hits
from supportqa.signals.text import (
    APOSTROPHES,
    agent_message_indices,
    content_stem,
    content_stems,
    coverage,
    find_in_order,
    leading_sentences_end,
    leading_words,
    sentence_around,
    sentence_spans,
    staff_message_indices,
    stem,
    tokenize,
    trailing_words,
    verbatim_quote,
)
from supportqa.signals.timing import Reply, response_times

ScoreFn = Callable[[Analysis, Criterion], Score]

_I = re.IGNORECASE
_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]*)?"
_GREETING = re.compile(
    r"\b(?:"
    + "|".join(
        (
            P.alternation(P.GREETING_WORDS),
            P.alternation(P.THANKS_LEADS) + r"\s+for\s+" + P.alternation(P.GREETING_THANKS_FOR),
            P.alternation(P.INTRODUCTIONS),
            r"(?<!you're\s)(?<!you’re\s)(?<!youre\s)(?<!you\sare\s)"
            + P.alternation(P.WELCOME_WORDS),
        )
    )
    + r")\b|\A\W*"
    + P.alternation(P.SALUTATIONS)
    + r"\b",
    _I,
)
_LINKS = P.alternation(P.NAME_INTRO_LINKS)
# "This is Anna from Acme", and "Anna here," / "Anna here from billing" opening a sentence.
_NAME_INTRO = re.compile(
    r"\b(?i:" + P.alternation(P.NAME_INTRO_LEADS) + r")\s+" + _NAME + r"\s+(?i:" + _LINKS + r")\b"
    r"|(?:\A|(?<=[.!?]\s)|(?<=\n))[^\w\n]*(?!(?i:"
    + P.alternation(P.NOT_NAMES)
    + r")\b)"
    + _NAME
    + r"\s+(?i:here)(?:\s*[,!—–-]|\s+(?i:"
    + _LINKS
    + r")\b)"
)
_CLOSING = re.compile(
    r"\b(?:"
    + "|".join(
        (
            P.alternation(P.FURTHER_HELP),
            P.alternation(P.THANKS_LEADS) + r"\s+for\s+" + P.alternation(P.CLOSING_THANKS_FOR),
            P.alternation(P.THANKS_AGAIN),
            P.alternation(P.GOODBYES),
        )
    )
    + r")\b",
    _I,
)
_CUSTOMER_LEFT = re.compile(
    r"\b(?:(?:the\s+)?"
    + P.alternation(P.LEFT_SUBJECTS)
    + r"\s+"
    + P.alternation(P.LEFT_ACTIONS)
    + r"|"
    + P.alternation(P.LEFT_EVENTS)
    + r"\s+(?:the\s+)?"
    + P.alternation(P.LEFT_SUBJECTS)
    + r")\b",
    _I,
)

DEFAULT_SLA: dict[str, dict[str, float]] = {"default": {"first": 3600, "next": 7200}}
_PII_NAMES = {
    "card": "a card number",
    "iban": "an IBAN",
    "national_id": "a national id number",
    "password": "a password",
}
_PII_PLURALS = {
    "card": "card numbers",
    "iban": "IBANs",
    "national_id": "national ids",
    "password": "passwords",
}
_PII_CONFIDENCE = {"card": 0.97, "iban": 0.98, "national_id": 0.9, "password": 0.8}
_MAX_EVIDENCE = 5


# --- shared helpers -----------------------------------------------------------------------------


def _quote(conversation: Conversation, index: int, start: int, end: int) -> Evidence:
    text = conversation.messages[index].text
    return Evidence(message_index=index, quote=verbatim_quote(text, start, end))


def _sentence_quote(conversation: Conversation, index: int, start: int, end: int) -> Evidence:
    s, e = sentence_around(conversation.messages[index].text, start, end)
    return _quote(conversation, index, s, e)


def _absence(conversation: Conversation, index: int, *, last: bool = False) -> Evidence:
    text = conversation.messages[index].text
    quote = trailing_words(text) if last else leading_words(text)
    return Evidence(message_index=index, quote=quote, kind=EvidenceKind.ABSENCE)


def _with_text(conversation: Conversation, indices: Sequence[int]) -> list[int]:
    return [i for i in indices if conversation.messages[i].text.strip()]


def _compile_extra(name: str, patterns: Iterable[str] | None) -> re.Pattern[str] | None:
    """User patterns are regular expressions, matched case-insensitively."""
    if not patterns:
        return None
    if isinstance(patterns, str) or not all(isinstance(p, str) for p in patterns):
        raise ConfigError(f"scorer {name!r}: extra_patterns must be a list of strings")
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), _I)
    except re.error as exc:
        raise ConfigError(
            f"scorer {name!r}: extra_patterns: bad regular expression ({exc})"
        ) from None


def _search(
    text: str, patterns: Sequence[re.Pattern[str] | None], end: int | None = None
) -> re.Match[str] | None:
    stop = len(text) if end is None else end
    for pattern in patterns:
        if pattern is not None:
            match = pattern.search(text, 0, stop)
            if match is not None:
                return match
    return None


def scale_value(band: int, bands: int, scale: Scale) -> float:
    """Band 1..`bands` placed linearly on `scale`; integer scales snap to the nearest point (ties
    go down, so a binary scale passes only the top band)."""
    value = scale.min + (band - 1) / (bands - 1) * (scale.max - scale.min)
    if float(scale.min).is_integer() and float(scale.max).is_integer():
        return float(math.ceil(value - 0.5))
    return value


def _listing(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --- greeting -----------------------------------------------------------------------------------


@scorer(name="greeting", version="1")
def greeting(extra_patterns: list[str] | None = None) -> ScoreFn:
    """The first public staff reply opens with a greeting or introduction within two sentences."""
    extra = _compile_extra("greeting", extra_patterns)

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        candidates = analysis.signal(agent_message_indices)
        if not candidates:
            raise ScorerError("no agent message to rate")
        index = next(iter(_with_text(conversation, candidates)), candidates[0])
        text = conversation.messages[index].text
        window = leading_sentences_end(text, 2)
        for pattern, confidence in ((_GREETING, 0.95), (extra, 0.9), (_NAME_INTRO, 0.85)):
            match = _search(text, (pattern,), window)
            if match is not None:
                return Score.rated(
                    criterion.scale.max,
                    f"The first reply opens with a greeting ({match.group().strip()!r}).",
                    [_sentence_quote(conversation, index, match.start(), match.end())],
                    confidence,
                )
        return Score.rated(
            criterion.scale.min,
            "The first reply starts without a greeting or introduction.",
            [_absence(conversation, index)],
            0.9,
        )

    return score


# --- closing ------------------------------------------------------------------------------------


def customer_left(conversation: Conversation, after: int) -> int | None:
    """Index of a message after `after` announcing that the customer left: a system event (public or
    not) or a public bot message; -1 when only the metadata says so; None when the customer did not
    leave first. Customers' own messages are not read ("our user left the company")."""
    messages = conversation.messages
    for i in range(max(after + 1, 0), len(messages)):
        message = messages[i]
        if not (message.role is Role.SYSTEM or (message.role is Role.BOT and message.public)):
            continue
        if _CUSTOMER_LEFT.search(message.text):
            return i
    if conversation.metadata.get("customer_left") is True:
        return -1
    return None


@scorer(name="closing", version="1")
def closing(extra_patterns: list[str] | None = None) -> ScoreFn:
    """The agent's last one or two public replies close: further help, thanks or goodbye."""
    patterns = (_CLOSING, _compile_extra("closing", extra_patterns))

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        agent = analysis.signal(agent_message_indices)
        left = customer_left(conversation, agent[-1] if agent else -1)
        if left is not None:
            evidence = (
                []
                if left < 0
                else [_quote(conversation, left, 0, len(conversation.messages[left].text))]
            )
            return Score.not_applicable("The customer left before the agent could close.", evidence)
        if not agent:
            raise ScorerError("no agent message to rate")
        last = _with_text(conversation, agent)[-2:] or [agent[-1]]
        for index in reversed(last):
            match = _search(conversation.messages[index].text, patterns)
            if match is not None:
                return Score.rated(
                    criterion.scale.max,
                    f"The agent closes politely ({match.group().strip()!r}).",
                    [_sentence_quote(conversation, index, match.start(), match.end())],
                    0.95,
                )
        return Score.rated(
            criterion.scale.min,
            "The agent's last replies offer no further help, thanks or goodbye.",
            [_absence(conversation, last[-1], last=True)],
            0.9,
        )

    return score


# --- responsiveness -----------------------------------------------------------------------------


def _parse_sla(sla: Any) -> dict[str, tuple[float, float]]:
    where = "scorer 'responsiveness': sla"
    if not isinstance(sla, Mapping):
        raise ConfigError(f"{where} must map channels to {{first, next}} seconds")
    limits: dict[str, tuple[float, float]] = {}
    for channel, entry in sla.items():
        if not isinstance(entry, Mapping) or not {"first", "next"} <= set(entry):
            raise ConfigError(f"{where}.{channel} needs 'first' and 'next' (seconds)")
        first, later = entry["first"], entry["next"]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (first, later)):
            raise ConfigError(f"{where}.{channel}: 'first' and 'next' must be numbers of seconds")
        if first <= 0 or later <= 0:
            raise ConfigError(f"{where}.{channel}: 'first' and 'next' must be positive")
        limits[str(channel).strip().lower()] = (float(first), float(later))
    if "default" not in limits:
        raise ConfigError(f"{where} needs a 'default' entry for channels without their own")
    return limits


def format_duration(seconds: float) -> str:
    """Seconds as a short human duration: "45 s", "4 min 10 s", "2 h 5 min", "3 d 4 h"."""

    def two(big: int, big_unit: str, small: int, small_unit: str) -> str:
        return f"{big} {big_unit} {small} {small_unit}" if small else f"{big} {big_unit}"

    total = round(seconds)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return two(minutes, "min", secs, "s")
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return two(hours, "h", minutes, "min")
    days, hours = divmod(hours, 24)
    return two(days, "d", hours, "h")


def _timing(conversation: Conversation, reply: Reply) -> Evidence:
    text = conversation.messages[reply.reply_index].text
    return Evidence(
        message_index=reply.reply_index, quote=leading_words(text), kind=EvidenceKind.TIMING
    )


@scorer(name="responsiveness", version="1")
def responsiveness(sla: Mapping[str, Mapping[str, float]] | None = None) -> ScoreFn:
    """First and later reply times against the channel's SLA in seconds (`default` for the rest)."""
    limits = _parse_sla(DEFAULT_SLA if sla is None else sla)

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        times = analysis.signal(response_times)
        if times.timestamped < 2:
            reason = "carry no timestamps" if times.timestamped == 0 else "carry one timestamp"
            return Score.not_applicable(f"The messages {reason}; replies cannot be timed.")
        first = times.first
        if first is None:
            return Score.not_applicable("No customer message is followed by a timed staff reply.")
        channel = (conversation.channel or "").strip().lower()
        first_sla, next_sla = limits.get(channel, limits["default"])
        slowest = times.slowest_later
        if first.seconds > 2 * first_sla:
            band, cited = 1, first
        elif first.seconds > first_sla:
            band, cited = 2, first
        elif slowest is not None and slowest.seconds > next_sla:
            band, cited = 2, slowest
        else:
            band, cited = 3, first
        later = (
            f"slowest later reply {format_duration(slowest.seconds)}"
            f" (SLA {format_duration(next_sla)})"
            if slowest is not None
            else "no later replies"
        )
        return Score.rated(
            scale_value(band, 3, criterion.scale),
            f"First reply after {format_duration(first.seconds)}"
            f" (SLA {format_duration(first_sla)}); {later}.",
            [_timing(conversation, cited)],
            0.99,
        )

    return score


# --- PII exposure -------------------------------------------------------------------------------


@scorer(name="pii_exposure", version="1")
def pii_exposure(kinds: list[str] | None = None) -> ScoreFn:
    """No full card numbers, IBANs, national ids or passwords in public agent or bot messages."""
    wanted = tuple(PII_KINDS if kinds is None else kinds)
    unknown = sorted(set(wanted) - set(PII_KINDS))
    if unknown or not wanted:
        raise ConfigError(
            f"scorer 'pii_exposure': kinds must be a non-empty subset of {', '.join(PII_KINDS)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        )
    wanted_set = frozenset(wanted)
    clean = f"No {_listing([_PII_PLURALS[k] for k in wanted])} in agent replies."
    clean = clean.replace(" and ", " or ") if len(wanted) > 1 else clean

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        hits = [h for h in analysis.signal(staff_pii_hits) if h.kind in wanted_set]
        if not hits:
            return Score.rated(criterion.scale.max, clean, [], 0.9)
        found = list(dict.fromkeys(h.kind for h in hits))
        verb = "exposes" if len(hits) == 1 else "expose"
        subject = "An agent reply" if len(hits) == 1 else "Agent replies"
        return Score.rated(
            criterion.scale.min,
            f"{subject} {verb} {_listing([_PII_NAMES[k] for k in found])} in clear.",
            [_quote(conversation, h.message_index, h.start, h.end) for h in hits[:_MAX_EVIDENCE]],
            max(_PII_CONFIDENCE[k] for k in found),
        )

    return score


# --- forbidden phrases --------------------------------------------------------------------------

# Words a contraction can expand to without spelling them ("won't" -> will not), so a text can hold
# them without containing them: never used to skip a message.
_EXPANSION_ONLY = frozenset({"not", "is", "am", "are", "will", "have", "would", "shall"})
_DROP_APOSTROPHES = str.maketrans("", "", APOSTROPHES)


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    norms: tuple[str, ...]
    stems: tuple[str, ...]
    required: tuple[str, ...]  # stems any matching text contains as substrings


def _phrase(text: str) -> _Phrase:
    norms = tuple(t.norm for t in tokenize(text))
    if not norms:
        raise ConfigError(f"scorer 'forbidden_phrases': phrase {text!r} has no words")
    stems = tuple(stem(n) for n in norms)
    required = tuple(dict.fromkeys(s for s in stems if s not in _EXPANSION_ONLY))
    return _Phrase(text, norms, stems, required)


@scorer(name="forbidden_phrases", version="1")
def forbidden_phrases(phrases: list[str], max_gap: int = 1) -> ScoreFn:
    """None of the configured phrases in agent text: case, punctuation, apostrophes and simple
    inflections ignored, with up to `max_gap` extra words between a phrase's words."""
    if isinstance(phrases, str) or not all(isinstance(p, str) for p in phrases):
        raise ConfigError("scorer 'forbidden_phrases': phrases must be a list of strings")
    if isinstance(max_gap, bool) or not isinstance(max_gap, int) or max_gap < 0:
        raise ConfigError("scorer 'forbidden_phrases': max_gap must be a whole number >= 0")
    compiled = [_phrase(text) for text in phrases]

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        evidence: list[Evidence] = []
        matched: list[str] = []
        exact = True
        for index in analysis.signal(agent_message_indices):
            text = conversation.messages[index].text
            # A phrase's stems are prefixes of the words it matches: skip texts lacking one.
            flat = text.lower().translate(_DROP_APOSTROPHES)
            candidates = []
            for phrase in compiled:
                for required in phrase.required:
                    if required not in flat:
                        break
                else:
                    candidates.append(phrase)
            if not candidates:
                continue
            tokens = tokenize(text)
            stems = [stem(t.norm) for t in tokens]
            for phrase in candidates:
                span = find_in_order(stems, phrase.stems, max_gap)
                if span is None:
                    continue
                first, last = span
                exact = exact and tuple(t.norm for t in tokens[first : last + 1]) == phrase.norms
                if phrase.text not in matched:
                    matched.append(phrase.text)
                evidence.append(_quote(conversation, index, tokens[first].start, tokens[last].end))
        if not evidence:
            return Score.rated(
                criterion.scale.max, "No forbidden phrase in the agent's replies.", [], 0.9
            )
        quoted = ", ".join(f'"{p}"' for p in matched)
        label = "phrase" if len(matched) == 1 else "phrases"
        return Score.rated(
            criterion.scale.min,
            f"The agent used the forbidden {label} {quoted}.",
            evidence[:_MAX_EVIDENCE],
            0.98 if exact else 0.85,
        )

    return score


# --- required disclosure ------------------------------------------------------------------------


@scorer(name="required_disclosure", version="1")
def required_disclosure(
    phrases: list[str] | None = None,
    channels: list[str] | None = None,
    min_overlap: float = 0.6,
) -> ScoreFn:
    """A sentence by the agent (or the bot, e.g. an IVR) covers enough of a configured disclosure's
    content words; paraphrases count. N/A on channels the disclosure is not configured for."""
    if phrases is not None and (
        isinstance(phrases, str) or not all(isinstance(p, str) for p in phrases)
    ):
        raise ConfigError("scorer 'required_disclosure': phrases must be a list of strings")
    if isinstance(min_overlap, bool) or not isinstance(min_overlap, int | float):
        raise ConfigError("scorer 'required_disclosure': min_overlap must be a number")
    if not 0 < min_overlap <= 1:
        raise ConfigError("scorer 'required_disclosure': min_overlap must be in (0, 1]")
    wanted = [
        (text, stems)
        for text in phrases or []
        if (stems := content_stems(t.norm for t in tokenize(text)))
    ]
    allowed = None if channels is None else frozenset(str(c).strip().lower() for c in channels)

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        channel = (conversation.channel or "").strip().lower()
        if allowed is not None and channel not in allowed:
            return Score.not_applicable(f"No disclosure is configured for channel {channel!r}.")
        if not wanted:
            return Score.not_applicable("No disclosure is configured.")
        agent = analysis.signal(agent_message_indices)
        if not agent:
            raise ScorerError("no agent message to rate")
        best: tuple[float, int, int, int] | None = None
        for index in analysis.signal(staff_message_indices):
            text = conversation.messages[index].text
            for start, end in sentence_spans(text):
                found = frozenset(content_stem(t.norm) for t in tokenize(text[start:end]))
                share = max(coverage(stems, found) for _, stems in wanted)
                if share >= min_overlap and (best is None or share > best[0]):
                    best = (share, index, start, end)
            if best is not None and best[0] >= 1.0:
                break
        if best is None:
            return Score.rated(
                criterion.scale.min,
                "The agent never gave the required disclosure.",
                [_absence(conversation, agent[0])],
                0.85,
            )
        share, index, start, end = best
        return Score.rated(
            criterion.scale.max,
            f"The agent gave the required disclosure ({share:.0%} of its key words).",
            [_quote(conversation, index, start, end)],
            0.95 if share >= 1.0 else 0.75 + 0.2 * share,
        )

    return score

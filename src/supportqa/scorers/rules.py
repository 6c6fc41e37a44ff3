"""Rule scorers of the default scorecard: greeting, closing and responsiveness, plus the helpers the
compliance scorers (`compliance.py`: PII exposure, forbidden phrases, required disclosure) share.

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
from typing import Any

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.score import Evidence, EvidenceKind, Score
from supportqa.domain.scorecard import Criterion, Scale
from supportqa.errors import ConfigError, ScorerError
from supportqa.scorers import phrases as P
from supportqa.scorers.registry import scorer
from supportqa.signals.analysis import Analysis
from supportqa.signals.text import (
    agent_message_indices,
    leading_sentences_end,
    leading_words,
    sentence_around,
    sentence_spans,
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

# --- closing patterns -----------------------------------------------------------------------------

A = P.alternation
_W = r"[\w'’-]+"


def _gap(words: int) -> str:
    """Up to `words` free words (lazily), each followed by white space."""
    return rf"(?:{_W}\s+){{0,{words}}}?"


def _heads(*lists: Sequence[str]) -> str:
    """A look-ahead for the first words of the phrases in `lists`: the closing patterns only start
    at such a word, so the search skips every other word after one cheap test."""
    return r"(?=" + A(p.split()[0] for phrases in lists for p in phrases) + r"\b)"


# A sentence of its own: "No problem!", "Any time."
_ALONE = r"(?:(?<=\A)|(?<=[.!?]\s)|(?<=\n))"
# Anywhere in the agent's last two replies. Every branch opens with a word from one of these lists.
_CLOSING_HEADS = _heads(
    P.FURTHER_HELP,
    P.SOMETHING_ELSE,
    P.HELP_WITH,
    P.MORE_LEADS,
    P.INVITE_LEADS,
    P.CONTACT_VERBS,
    P.COME_BACK,
    P.LET_KNOW,
    P.IF_YOU,
    P.ANY_TOPIC,
    ("if",),
    P.WE_ARE,
    ("hope",),
    P.GLAD_WORDS,
    P.GLAD_STRICT,
    P.PLEASURE,
    P.DID_THAT,
    P.WERE_WE_ABLE,
    P.NO_PROBLEM,
    P.LET_GO,
    P.PLEASURE_WORDS,
    P.THANKS_WORDS,
    P.THANKS_AGAIN,
    P.WISH_VERBS,
    P.REST_OF,
    P.HAPPY,
    P.STAY,
    P.ANY_TIME,
    P.GOODBYES,
    P.REGARDS,
    P.TALK_VERBS,
)
_CLOSING = re.compile(
    r"\b"
    + _CLOSING_HEADS
    + r"(?:"
    + "|".join(
        (
            A(P.FURTHER_HELP),
            A(P.SOMETHING_ELSE) + r"\s+(?:i|we)\b",
            A(P.HELP_WITH)
            + r"\s+(?:you\s+)?with\s+"
            + A(P.HELP_WITH_WHAT)
            + r"(?=\s*[?.!]|\s+else)",
            A(P.MORE_LEADS)
            + r"\s+"
            + _gap(1)
            + A(P.MORE_WORDS)
            + r"\s+"
            + _gap(1)
            + A(P.HELP_TOPICS),
            A(P.INVITE_LEADS) + r"\s+" + _gap(2) + A(P.CONTACT_VERBS),
            A(P.CONTACT_VERBS) + r"\b[\s,]*" + _gap(3) + A(P.CONTACT_TRIGGERS),
            A(P.COME_BACK),
            A(P.LET_KNOW) + r"\s+" + A(P.HOW_IT_GOES) + r"\s+" + A(P.GOES),
            A(P.IF_YOU)
            + r"\s+"
            + _gap(2)
            + A(P.IF_YOU_VERBS)
            + r"\s+"
            + _gap(2)
            + A(P.IF_YOU_OBJECTS),
            A(P.ANY_TOPIC) + r"\s+" + _gap(1) + A(P.HELP_TOPICS) + r"(?:\s+at\s+all)?(?=\s*[,?])",
            r"if\s+" + A(P.IF_SOMETHING) + r"\s+" + _gap(1) + A(P.COMES_UP),
            r"if\s+" + A(P.IF_ISSUE) + r"\s+" + _gap(1) + A(P.ISSUE_RETURNS),
            A(P.WE_ARE)
            + r"\s+"
            + _gap(2)
            + A(P.AVAILABLE)
            + r"(?:\s+"
            + A(P.AVAILABLE_WHEN)
            + r"|(?=\s*[.!]|\s*\Z))",
            r"hope\s+(?!to\b)" + _gap(3) + A(P.HOPE_OUTCOMES),
            A(P.GLAD_WORDS) + r"\s+(?:that\s+)?" + A(P.GLAD_WE_COULD),
            A(P.GLAD_STRICT) + r"\s+(?:that\s+)?" + A(P.GLAD_WE_GOT),
            A(P.GLAD_WORDS) + r"\s+" + A(P.GLAD_TO),
            A(P.GLAD_WORDS)
            + r"\s+(?:that\s+|to\s+hear\s+(?:that\s+)?)?"
            + A(P.GLAD_THAT)
            + r"\s+"
            + _gap(2)
            + A(P.WORKING_NOW),
            A(P.PLEASURE),
            A(P.DID_THAT)
            + r"\s+"
            + A(P.DID_WHO)
            + r"\s+"
            + _gap(1)
            + A(P.ANSWERED)
            + r"\s+"
            + _gap(2)
            + A(P.ANSWERED_WHAT),
            A(P.WERE_WE_ABLE) + r"\s+" + A(P.ABLE_TO),
            _ALONE + A(P.NO_PROBLEM) + r"(?:\s+at\s+all)?(?=\s*[!.]|\s*\Z)",
            A(P.LET_GO),
            A(P.PLEASURE_WORDS) + r"\s+(?:to\s+)?" + A(P.PLEASURE_DOING),
            A(P.THANKS_WORDS) + r"\s+" + A(P.THANKS_INTENSIFIERS),
            A(P.THANKS_WORDS) + r"\s+for\s+" + _gap(2) + A(P.CLOSING_THANKS_FOR),
            A(P.THANKS_AGAIN),
            # A wish opens its clause: "Have a great week!", "and enjoy the rest of your day".
            r"(?:(?<![\w'’]\s)(?<![\w'’])|(?<=and\s)|(?<=please\s)|(?<=to\s)|(?<=just\s))"
            + A(P.WISH_VERBS)
            + r"\s+"
            + A(P.WISH_ARTICLES)
            + r"\s+"
            + _gap(2)
            + A(P.WISH_PERIODS),
            A(P.REST_OF) + r"\s+" + A(P.WISH_PERIODS),
            A(P.HAPPY) + r"\s+(?:\w+day|weekend|holidays|\w+ing)(?=\s*[.!]|\s*\Z)",
            A(P.STAY) + r"\s+\w+(?=\s*[!,]|\s*\Z)",
            _ALONE + A(P.ANY_TIME) + r"(?=\s*[.!]|\s*\Z)",
            A(P.GOODBYES),
            r"(?<!with\s)(?<!in\s)" + A(P.REGARDS) + r"(?!\s+(?:to|of|for)\b)",
            A(P.TALK_VERBS) + r"\s+(?:to\s+you\s+|with\s+you\s+)?" + A(P.TALK_WHEN),
        )
    )
    + r")\b"
    # A letter's sign-off: a short line ending in a comma, then only a name (and perhaps a team)
    # closing the message ("Best,\nAnna", "Many thanks,\nTom\nSupport team").
    + r"|(?:^|(?<=\n))[^\S\n]*(?:[\w'’-]+[^\S\n]+){0,2}[\w'’-]+[^\S\n]*,[^\S\n]*\n\s*"
    + r"(?-i:[A-ZÀ-ÖØ-Þ][\w'’.-]*(?:[^\S\n]+[A-ZÀ-ÖØ-Þ&][\w'’.-]*){0,3})[^\S\n]*"
    + r"(?:\n[^\S\n]*[^\n]{1,40})?\s*\Z",
    _I,
)
# Only in the last sentences of the final reply: any thanks or appreciation.
_CLOSING_TAIL = re.compile(
    r"\b(?:"
    + A(P.THANKS_WORDS)
    + r"(?!\s+to\b)|(?:(?:i|we)\s+(?:really\s+|truly\s+|do\s+|greatly\s+|sincerely\s+)?)?"
    + A(P.APPRECIATE)
    + r"\s+"
    + A(P.APPRECIATE_WHAT)
    + r"|"
    + A(P.ENJOY)
    + r"(?:\s+"
    + A(P.ENJOY_WHAT)
    + r"|(?=\s*[.!]|\s*\Z))"
    + r")\b",
    _I,
)

# --- the customer left ------------------------------------------------------------------------------

_SUBJECT = r"(?:the\s+|a\s+|this\s+|our\s+)?" + A(P.LEFT_SUBJECTS)
_HAS = r"(?:(?:has|have|had)\s+)?(?:just\s+|now\s+|already\s+)?"
_NOT_LEAVING = r"(?!\s+" + A(P.LEFT_OBJECTS) + r"\b)"
_END_THING = r"\s+(?:the\s+|this\s+|their\s+|his\s+|her\s+)?" + A(P.LEFT_EVENT_THINGS)
_CUSTOMER_LEFT = re.compile(
    r"\b(?:"
    + "|".join(
        (
            _SUBJECT + r"\s+" + _HAS + A(P.LEAVE_VERBS) + r"\b" + _NOT_LEAVING,
            _SUBJECT + r"\s+" + _HAS + A(P.END_VERBS) + _END_THING,
            _SUBJECT + r"\s*[:(\[,–-]?\s*" + A(P.LEFT_STATES),
            A(P.LEFT_EVENT_VERBS) + r"\s+by\s+" + _SUBJECT,
            _SUBJECT + r"['’]s?\s+" + A(P.SESSION_WORDS) + r"\s+(?:has\s+)?" + A(P.SESSION_ENDS),
            A(P.NO_RESPONSE) + r"\s+" + _SUBJECT,
            A(P.LINE_DROPPED),
        )
    )
    + r")\b",
    _I,
)
# System messages only: "Maria left the chat.", "Chat window closed by Maria Lopez".
_PERSON = r"(?-i:[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]*)?)"
_NAMED_LEFT = re.compile(
    r"\A\W*(?P<name>"
    + _PERSON
    + r")\s+"
    + _HAS
    + r"(?:(?P<leave>"
    + A(P.LEAVE_VERBS)
    + r")\b"
    + _NOT_LEAVING
    + r"|"
    + A(P.END_VERBS)
    + _END_THING
    + r"\b)"
    + r"|\b(?:(?P<leave_by>"
    + A(P.LEAVE_VERBS)
    + r")|"
    + A(P.LEFT_EVENT_VERBS)
    + r")"
    + r"\s+by\s+(?P<by>"
    + _PERSON
    + r")",
    _I,
)
_NOT_NAMES = frozenset(P.LEFT_NOT_NAMES)
_HYPOTHETICAL = re.compile(r"\b" + A(P.LEFT_HYPOTHETICAL) + r"\b", _I)
_SENTENCE_START = re.compile(r".*(?:[.!?;]\s|\n)", re.DOTALL)

DEFAULT_SLA: dict[str, dict[str, float]] = {"default": {"first": 3600, "next": 7200}}
MAX_EVIDENCE = 5


# --- shared helpers -----------------------------------------------------------------------------


def quote(conversation: Conversation, index: int, start: int, end: int) -> Evidence:
    text = conversation.messages[index].text
    return Evidence(message_index=index, quote=verbatim_quote(text, start, end))


def _sentence_quote(conversation: Conversation, index: int, start: int, end: int) -> Evidence:
    s, e = sentence_around(conversation.messages[index].text, start, end)
    return quote(conversation, index, s, e)


def absence(conversation: Conversation, index: int, *, last: bool = False) -> Evidence:
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
    text: str,
    patterns: Sequence[re.Pattern[str] | None],
    end: int | None = None,
    start: int = 0,
) -> re.Match[str] | None:
    stop = len(text) if end is None else end
    for pattern in patterns:
        if pattern is not None:
            match = pattern.search(text, start, stop)
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


def listing(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def own_patterns_absent(args: Mapping[str, Any]) -> bool:
    """Greeting and closing read English phrase lists, so they are English-only unless the team
    adds `extra_patterns` of its own (which may be in its customers' languages)."""
    return not args.get("extra_patterns")


# --- greeting -----------------------------------------------------------------------------------


@scorer(name="greeting", version="1", english_only=own_patterns_absent)
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
            [absence(conversation, index)],
            0.9,
        )

    return score


# --- closing ------------------------------------------------------------------------------------


def _first_names(names: Iterable[str | None]) -> frozenset[str]:
    found: set[str] = set()
    for name in names:
        if name and name.strip():
            words = name.lower().split()
            found.update((words[0], " ".join(words)))
    return frozenset(found)


def _named_customer_left(conversation: Conversation, match: re.Match[str]) -> bool:
    """Whether the person a system message names is the customer: never a staff member; leaving
    ("Maria left the chat") is the customer's; ending the chat only when the name is the
    customer's, or when staff are named in the conversation and this is not one of them."""
    name = match.group("name") or match.group("by")
    words = name.lower().split()
    if words[0] in _NOT_NAMES:
        return False
    messages = conversation.messages
    staff = _first_names(
        [conversation.agent.name if conversation.agent else None]
        + [m.author.name for m in messages if m.author and m.role is not Role.CUSTOMER]
    )
    if words[0] in staff or " ".join(words) in staff:
        return False
    if match.group("leave") or match.group("leave_by"):
        return True
    customers = _first_names(
        [conversation.customer.name if conversation.customer else None]
        + [m.author.name for m in messages if m.author and m.role is Role.CUSTOMER]
    )
    return words[0] in customers or " ".join(words) in customers or bool(staff)


def _hypothetical(text: str, start: int) -> bool:
    """Whether the sentence before `start` makes the event conditional or future."""
    head = text[:start]
    opened = _SENTENCE_START.match(head)
    return _HYPOTHETICAL.search(head, opened.end() if opened else 0) is not None


def customer_left(conversation: Conversation, after: int) -> int | None:
    """Index of a message after `after` announcing that the customer left: a system event (public or
    not) or a public bot message; -1 when only the metadata says so; None when the customer did not
    leave first. Customers' own messages are not read ("our user left the company")."""
    messages = conversation.messages
    for i in range(max(after + 1, 0), len(messages)):
        message = messages[i]
        system = message.role is Role.SYSTEM
        if not (system or (message.role is Role.BOT and message.public)):
            continue
        text = message.text
        event = _CUSTOMER_LEFT.search(text)
        if event is not None and not _hypothetical(text, event.start()):
            return i
        if system:
            named = _NAMED_LEFT.search(text)
            if (
                named is not None
                and not _hypothetical(text, named.start())
                and _named_customer_left(conversation, named)
            ):
                return i
    if conversation.metadata.get("customer_left") is True:
        return -1
    return None


def _tail_start(text: str) -> int:
    """Where the closing sentences of a reply start: its last two sentences, never its first unless
    it has only one ("Thanks for waiting. Here is the fix." does not close with thanks)."""
    spans = sentence_spans(text)
    if len(spans) <= 1:
        return 0
    return spans[max(1, len(spans) - 2)][0]


def _opening_end(text: str) -> int:
    """Where the opening sentence of the agent's first reply ends, when more follows: what opens a
    conversation ("Hi Kofi, thanks for reaching out.") greets; only what comes after can close."""
    spans = sentence_spans(text)
    return spans[1][0] if len(spans) > 1 else 0


@scorer(name="closing", version="3", scope="conversation", english_only=own_patterns_absent)
def closing(extra_patterns: list[str] | None = None) -> ScoreFn:
    """The agent's last one or two public replies close: further help, thanks, wishes or goodbye."""
    patterns = (_CLOSING, _compile_extra("closing", extra_patterns))

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        agent = analysis.signal(agent_message_indices)
        left = customer_left(conversation, agent[-1] if agent else -1)
        if left is not None:
            evidence = (
                []
                if left < 0
                else [quote(conversation, left, 0, len(conversation.messages[left].text))]
            )
            return Score.not_applicable("The customer left before the agent could close.", evidence)
        if not agent:
            raise ScorerError("no agent message to rate")
        replied = _with_text(conversation, agent)
        last = replied[-2:] or [agent[-1]]
        for index in reversed(last):
            text = conversation.messages[index].text
            start = _opening_end(text) if replied and index == replied[0] else 0
            match = _search(text, patterns, start=start)
            if match is None and index == last[-1]:
                match = _CLOSING_TAIL.search(text, max(start, _tail_start(text)))
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
            [absence(conversation, last[-1], last=True)],
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

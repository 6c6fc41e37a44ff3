"""Writing scorers of the default scorecard's Communication group: spelling/grammar and clarity.

Offline and deterministic. Spelling uses pyspellchecker's bundled English word list (US spelling;
British variants are accepted) plus a few cheap grammar checks; clarity reads sentence length,
unbroken walls of text, jargon and — strongest — the customer asking what the agent meant.

What a conversation holds is computed once per conversation by module-level signals memoised on the
analysis; a scorer's arguments only filter and weigh those findings, so the same signal serves every
configuration. Agent text is the reviewed side's public messages (`agent_message_indices`).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.score import Evidence, Score, clip_quote
from supportqa.domain.scorecard import Criterion
from supportqa.errors import ConfigError
from supportqa.scorers.registry import scorer
from supportqa.scorers.rules import listing, scale_value
from supportqa.signals.analysis import Analysis
from supportqa.signals.text import (
    agent_message_indices,
    normalise_apostrophes,
    sentence_around,
    sentence_spans,
    verbatim_quote,
    word_set,
)

ScoreFn = Callable[[Analysis, Criterion], Score]

MAX_NAMED = 3
NOT_APPLICABLE = "the agent wrote nothing to check"

# --- the word list --------------------------------------------------------------------------------


@functools.cache
def _dictionary() -> Any:
    """The bundled English word counts, loaded on first use: building the checker takes ~0.25 s,
    so importing the scorer stays cheap and each process pays it once."""
    from spellchecker import SpellChecker

    return SpellChecker(distance=1)


def _known(word: str) -> bool:
    return word in _dictionary().word_frequency.dictionary


def suggestion(word: str) -> str | None:
    """The likeliest word one edit away, preferring the same first letter ("adress" → "address",
    not "dress": first letters are rarely the slip), then swapped letters ("yoru" → "your", not
    "you"), then the commonest. None when nothing is one edit away."""
    checker = _dictionary()
    lower = word.lower()
    candidates = checker.known(checker.edit_distance_1(lower))
    if not candidates:
        return None
    counts = checker.word_frequency.dictionary
    letters = sorted(lower)
    return str(
        max(candidates, key=lambda c: (c[:1] == lower[:1], sorted(c) == letters, counts[c], c))
    )


# Support vocabulary missing from the word list (plurals and -ed/-ing forms are accepted too).
SUPPORT_WORDS = word_set(
    "login username app wifi wi-fi ok okay email online checkout dropdown url faq signup sms 2fa",
    "logout screenshot inbox voicemail popup autopay chatbot timestamp passcode smartphone",
    "walkthrough workaround paywall etc backend frontend config resync hotfix webhook bot tooltip",
    "preorder checkbox textbox signin helpdesk onboarding whitelist allowlist blocklist sim esim",
    "ebook emoji gif selfie hashtag unfollow smartwatch approx incl misc dept hrs mins erm mhm",
    "pdf csv xml jpg jpeg png zip html api vpn dns ssid imei iban vat sku qr ipv4 ipv6 mms cmd",
    "km kg cm mm ml gb mb kb tb kwh mph kph ghz mhz",
)
# British spellings the US word list lacks: accepted when the US form is a known word.
_BRITISH = (
    (re.compile(r"our(?=s?$|ed$|ing$|ite|able|er|ful|less)"), "or"),  # colour, favourite
    (re.compile(r"is(?=e[sdr]?$|ers$|ing$|ation)"), "iz"),  # apologise, organiser, organisation
    (re.compile(r"ys(?=e[sd]?$|ing$)"), "yz"),  # analyse
    (re.compile(r"tre(?=s?$)"), "ter"),  # centre
    (re.compile(r"ogue(?=s?$)"), "og"),  # catalogue
    (re.compile(r"ence(?=s?$)"), "ense"),  # licence, defence
    (re.compile(r"ll(?=ed$|ing$|er$)"), "l"),  # travelled
    (re.compile(r"amme(?=s?$)"), "am"),  # programme
)
_SUFFIXES = ("s", "es", "ed", "d", "ing")


def _forms(word: str) -> Iterable[str]:
    """The word and its base forms: possessive, plural and -ed/-ing stripped."""
    yield word
    if word.endswith(("'s", "s'")):
        word = word[:-2] if word.endswith("'s") else word[:-1]
        yield word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            yield word[: -len(suffix)]


def _allowed(word: str, allow: frozenset[str]) -> bool:
    return any(form in allow for form in _forms(word))


def _spelled_right(word: str) -> bool:
    """`word` is lower-case, apostrophes normalised."""
    if _known(word) or _allowed(word, SUPPORT_WORDS):
        return True
    if word.endswith("s") and len(word) > 4 and _known(word[:-1]):
        return True  # plurals the list lacks: "timelines"
    head, apostrophe, tail = word.rpartition("'")
    if apostrophe and tail in ("s", "ll", "re", "ve", "d", "m") and _known(head):
        return True  # "team's", "parcel'll", "customers'"
    if any(
        _known(variant)
        for pattern, repl in _BRITISH
        if (variant := pattern.sub(repl, word, count=1)) != word
    ):
        return True
    return _compound(word)


def _compound(word: str) -> bool:
    """Two known words written as one ("chargeback", "sitebuilder"): support writing coins these
    for products and processes, and a word list cannot hold them all."""
    if len(word) < 7 or "'" in word:
        return False
    if any(
        word.startswith(prefix) and any(_known(base) for base in _forms(word[len(prefix) :]))
        for prefix in ("pre", "re", "un")
    ):
        return True  # "rebooked", "unticked", "prepaid"
    return any(_common(word[:cut]) and _common(word[cut:]) for cut in range(4, len(word) - 3))


def _common(word: str) -> bool:
    """A word of the list that is more than a rare name or abbreviation (half a compound)."""
    return int(_dictionary().word_frequency.dictionary.get(word, 0)) >= COMPOUND_PART_COUNT


COMPOUND_PART_COUNT = 1000
"""How common each half of a compound must be in the bundled word counts."""


# --- what the spell checker should not judge ------------------------------------------------------

_SKIP = re.compile(
    r"(?:https?://|www\.)\S+"  # links
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # email addresses
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|co|uk|de|fr|app|dev|gov|edu|info|biz|me|ly|example|"
    r"test|local|eu|es|it|nl|pl|cz|pt|ie|ch|se|dk|fi|be|at|ca|au|nz|us|shop|store|online|site|tv|ai)\b\S*"
    r"|`[^`\n]*`"  # inline code
    r"|(?<![\w@])[@#][\w.-]+",  # handles and tags
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W_]+(?:['‘’ʼ-][^\W_]+)*['‘’ʼ]?")
_MASK = "\x00"
_OPENERS = frozenset(" \t\"'“‘([*•>-–—")
_SENTENCE_ENDS = frozenset(".!?…\n")


def masked(text: str) -> tuple[str, int]:
    """`text` with links, addresses, code and handles blanked out (offsets kept), and how many
    such spans there were (each counts as one word)."""
    spans = 0
    parts: list[str] = []
    last = 0
    for match in _SKIP.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in ".,;:!?)]\"'”’":
            end -= 1  # the sentence's own punctuation after a link
        parts += (text[last:start], _MASK * (end - start))
        last = end
        spans += 1
    if not spans:
        return text, 0
    parts.append(text[last:])
    return "".join(parts), spans


def at_sentence_start(text: str, start: int) -> bool:
    """Whether only white space, quotes, brackets or a bullet stand between `start` and the start of
    the text, a line, or the end of a sentence."""
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    return i < 0 or text[i] in _SENTENCE_ENDS


def _names(conversation: Conversation) -> frozenset[str]:
    """Lower-cased words of people's names, and capitalised words written mid-sentence anywhere in
    the conversation: a name or product that opens a sentence elsewhere is not a misspelling."""
    people = [conversation.agent, conversation.customer] + [m.author for m in conversation.messages]
    found = {w.lower() for p in people if p and p.name for w in re.findall(r"[^\W\d_]+", p.name)}
    for message in conversation.messages:
        text = message.text
        for match in _TOKEN.finditer(text):
            word = match.group()
            if word[0].isupper() and not at_sentence_start(text, match.start()):
                found.add(normalise_apostrophes(word).lower().removesuffix("'s"))
    return frozenset(found)


# --- grammar --------------------------------------------------------------------------------------

_REPEAT_OK = word_set("that had bye ha haha no yes very so really please well now go")
_REPEATED = re.compile(r"\b([^\W\d_]+)[ \t]+(\1)\b", re.IGNORECASE)
_ABBREVIATIONS = word_set(
    "eg ie etc vs approx incl no nos ref min mins max hr hrs dept misc mr mrs ms dr st ltd inc co",
    "jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun",
)
_LOWER_AFTER_STOP = re.compile(r"(?<![.\w])([^\W\d_]+)\.\s+(?=[a-z])")
_LOWER_I = re.compile(r"(?<![\w'’.@/\\-])i(?:['’](?:m|ll|ve|d))?(?![\w'’@/\\)-])(?!\.[a-z])")
_NO_SPACE = re.compile(r"(?<=[a-z])(?:[,;](?=[A-Za-z])|[.!?](?=[A-Z][a-z]))")


@dataclass(frozen=True, slots=True)
class Slip:
    """One likely error at `start:end` of a message: a misspelt `word` (lower-case), or a grammar
    slip described by `label`."""

    message_index: int
    start: int
    end: int
    word: str = ""
    label: str = ""

    @property
    def spelling(self) -> bool:
        return bool(self.word)


def _grammar(text: str, index: int) -> list[Slip]:
    slips: list[Slip] = []
    for match in _REPEATED.finditer(text):
        if match.group(1).lower() not in _REPEAT_OK:
            slips.append(
                Slip(index, match.start(), match.end(), label=f"repeated word '{match.group()}'")
            )
    for match in _LOWER_AFTER_STOP.finditer(text):
        before = match.group(1).lower()
        if len(before) == 1 or before in _ABBREVIATIONS:
            continue
        token = _TOKEN.match(text, match.end())
        if token is None or not token.group().islower():
            continue  # "iPhone", "eBay"
        slips.append(
            Slip(
                index,
                token.start(),
                token.end(),
                label=f"lower-case sentence start '{token.group()}'",
            )
        )
    for match in _LOWER_I.finditer(text):
        slips.append(Slip(index, match.start(), match.end(), label=f"lower-case '{match.group()}'"))
    for match in _NO_SPACE.finditer(text):
        left, right = match.start(), match.end()
        while left > 0 and (text[left - 1].isalnum() or text[left - 1] in "'’"):
            left -= 1
        while right < len(text) and (text[right].isalnum() or text[right] in "'’"):
            right += 1
        if any(c.isdigit() for c in text[left:right]):
            continue  # a password, code or version ("Ledg3rly!Start42", "v2.1")
        slips.append(
            Slip(
                index,
                left,
                right,
                label=f"no space after '{match.group()}' in '{text[left:right]}'",
            )
        )
    return slips


def _spelling(text: str, index: int, names: frozenset[str]) -> list[Slip]:
    slips: list[Slip] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if not token.isascii() or any(c.isdigit() for c in token):
            continue  # codes, order numbers, words a US word list cannot judge
        flat = normalise_apostrophes(token).rstrip("'")
        if "-" in flat and _plain_word_ok(flat.replace("-", ""), flat):
            continue  # "e-mail", "log-in"
        offset = match.start()
        for part in flat.split("-"):
            start, offset = offset, offset + len(part) + 1
            if len(part) < 3 and "-" in flat:
                continue  # "re-", "e-", "co-"
            if "-" in flat and part.endswith("s") and _known(part[:-1].lower()):
                continue  # "add-ons", "check-ins"
            if len(part) <= 2 and text[start + len(part) : start + len(part) + 1] == ".":
                continue  # abbreviations: "ap. 4", "nr. 12"
            if len(part) < 2 or part.isupper():
                continue  # letters, acronyms, shouting
            if any(c.isupper() for c in part[1:]):
                continue  # "iPhone", "PayPal"
            lower = part.lower()
            if lower in names or (part[0].isupper() and not at_sentence_start(text, start)):
                continue  # names ("Ye-jin") and products
            if _spelled_right(lower):
                continue
            if part[0].isupper() and suggestion(lower) is None:
                continue  # opens a sentence, and no word is one slip away: likely a name
            slips.append(Slip(index, start, start + len(part), word=lower))
    return slips


def _plain_word_ok(joined: str, written: str) -> bool:
    lower = joined.lower()
    return written.islower() and (_known(lower) or _allowed(lower, SUPPORT_WORDS))


@dataclass(frozen=True, slots=True)
class WritingCheck:
    """What a conversation's agent text holds: how many words, and the likely slips in order."""

    words: int
    slips: tuple[Slip, ...]


MESSAGE_CACHE = 65_536
"""Message texts whose checks are kept: support replies repeat (templates, macros, bots), and on
generated data 60% of agent messages are one seen before."""


@functools.lru_cache(maxsize=MESSAGE_CACHE)
def message_slips(text: str) -> tuple[int, tuple[Slip, ...]]:
    """A message's word count and its likely slips in order, before the conversation's names are
    taken into account (`writing_check` drops the misspellings that are a participant's name).
    Slips carry message index 0; the caller places them."""
    masked_text, links = masked(text)
    words = links + sum(1 for _ in _TOKEN.finditer(masked_text))
    found = _spelling(masked_text, 0, frozenset()) + _grammar(masked_text, 0)
    return words, tuple(sorted(found, key=lambda s: s.start))


def writing_check(conversation: Conversation) -> WritingCheck:
    """Likely misspellings and grammar slips in the agent's public messages (a signal)."""
    indices = agent_message_indices(conversation)
    if not any(conversation.messages[i].text.strip() for i in indices):
        return WritingCheck(0, ())
    names = _names(conversation)
    words = 0
    slips: list[Slip] = []
    for index in indices:
        count, found = message_slips(conversation.messages[index].text)
        words += count
        slips += [
            replace(slip, message_index=index)
            for slip in found
            if not (slip.word and slip.word in names)
        ]
    return WritingCheck(words, tuple(slips))


# --- evidence helpers -----------------------------------------------------------------------------

_NONSPACE = re.compile(r"\S+")
_WINDOW = 12


def sentence_quote(conversation: Conversation, index: int, start: int, end: int) -> Evidence:
    """The sentence holding `start:end`; a window of words around it when the sentence is too long
    to quote whole. Always a verbatim substring of the message."""
    text = conversation.messages[index].text
    s, e = sentence_around(text, start, end)
    if (s, e) == (start, end):
        spans = [m.span() for m in _NONSPACE.finditer(text)]
        at = next((i for i, (a, b) in enumerate(spans) if b > start), 0)
        first = spans[max(0, at - _WINDOW)][0] if spans else start
        last = spans[min(len(spans) - 1, at + _WINDOW)][1] if spans else end
        s, e = min(first, start), max(last, end)
    return Evidence(message_index=index, quote=verbatim_quote(text, s, e))


def flip_distance(rating: Callable[[int], int], count: int, cap: int = 10) -> int:
    """How many findings would have to be added or removed to change `rating(count)` (at most
    `cap`): the margin a rating has, in the unit a reviewer would recount."""
    current = rating(count)
    for step in range(1, cap + 1):
        if rating(count + step) != current or (
            count - step >= 0 and rating(count - step) != current
        ):
            return step
    return cap


def margin_confidence(flips: int) -> float:
    """0.5 + 0.45 · (1 − e^(−flips/2)): one finding from another rating gives 0.68, two 0.78,
    three 0.85, five 0.91, ten or more 0.95."""
    return round(0.5 + 0.45 * (1 - math.exp(-flips / 2)), 2)


def _number(value: Any, what: str, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"scorer {name!r}: {what} must be a number >= 0")
    return float(value)


def _strings(value: Any, what: str, name: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ConfigError(f"scorer {name!r}: {what} must be a list of strings")
    if not all(isinstance(v, str) for v in value):
        raise ConfigError(f"scorer {name!r}: {what} must be a list of strings")
    return [v for v in value if v.strip()]


def _plural(count: int, one: str, many: str) -> str:
    return f"{count or 'no'} {one if count == 1 else many}"


# --- spelling and grammar -------------------------------------------------------------------------


def _name_slip(slip: Slip) -> str:
    if not slip.spelling:
        return slip.label
    fix = suggestion(slip.word)
    return f"'{slip.word}' (→ {fix})" if fix and fix != slip.word else f"'{slip.word}'"


@scorer(name="spelling_grammar", version="2", english_only=True)
def spelling_grammar(
    allow: list[str] | None = None,
    max_rate_top: float = 0.5,
    max_rate_middle: float = 3.0,
    min_frequent: int = 3,
) -> ScoreFn:
    """Likely misspellings and grammar slips per 100 words of agent text, offline.

    None, or at most `max_rate_top` per 100 words, rates top; at most `max_rate_middle` (or fewer
    than `min_frequent` slips: one typo in a short chat is a slip, not "frequent errors") the
    middle; more the bottom. `allow` adds a team's own words (product names, jargon). Confidence is
    `margin_confidence(flip_distance(...))`: how many slips would have to be added or removed to
    change the rating, so it is low near a threshold and in short texts."""
    name = "spelling_grammar"
    extra = frozenset(
        normalise_apostrophes(w).strip().lower() for w in _strings(allow or [], "allow", name)
    )
    top = _number(max_rate_top, "max_rate_top", name)
    middle = _number(max_rate_middle, "max_rate_middle", name)
    if top > middle:
        raise ConfigError(f"scorer {name!r}: max_rate_top must not exceed max_rate_middle")
    if isinstance(min_frequent, bool) or not isinstance(min_frequent, int) or min_frequent < 1:
        raise ConfigError(f"scorer {name!r}: min_frequent must be a whole number >= 1")

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        check = analysis.signal(writing_check)
        if check.words == 0:
            return Score.not_applicable(NOT_APPLICABLE)
        slips = [s for s in check.slips if not (s.spelling and _allowed(s.word, extra))]
        words = check.words

        def band(errors: int) -> int:
            if errors == 0 or 100 * errors <= top * words:
                return 3
            if 100 * errors <= middle * words or errors < min_frequent:
                return 2
            return 1

        errors = len(slips)
        rating = scale_value(band(errors), 3, criterion.scale)
        confidence = margin_confidence(flip_distance(band, errors))
        if not slips:
            return Score.rated(
                rating, f"No spelling or grammar slips found in {words} words.", [], confidence
            )
        firsts: dict[str, Slip] = {}
        for slip in slips:
            firsts.setdefault(slip.word or slip.label, slip)
        distinct = list(firsts.values())
        shown = ", ".join(_name_slip(s) for s in distinct[:MAX_NAMED]) + (
            f" and {len(distinct) - MAX_NAMED} more" if len(distinct) > MAX_NAMED else ""
        )
        spelling = sum(s.spelling for s in slips)
        kinds = []
        if spelling:
            kinds.append(_plural(spelling, "likely misspelling", "likely misspellings"))
        if errors - spelling:
            kinds.append(_plural(errors - spelling, "grammar slip", "grammar slips"))
        evidence: list[Evidence] = []
        for slip in slips:
            quote = sentence_quote(conversation, slip.message_index, slip.start, slip.end)
            if quote not in evidence:
                evidence.append(quote)
            if len(evidence) == MAX_NAMED:
                break
        return Score.rated(
            rating, f"{listing(kinds)} in {words} words: {shown}.", evidence, confidence
        )

    return score


# --- clarity --------------------------------------------------------------------------------------

CONFUSION_PHRASES = (
    "what do you mean",
    "what does that mean",
    "what does this mean",
    "what is that supposed to mean",
    "not sure what you mean",
    "i don't understand",
    "i do not understand",
    "i don't follow",
    "i do not follow",
    "i'm not following",
    "can you explain",
    "could you explain",
    "that doesn't make sense",
    "that makes no sense",
    "in plain english",
    "more simply",
    "sorry?",
    "confused",
)
# Each term also matches its closed and hyphenated forms and simple inflections: "back end" finds
# "backend" and "back-end", "re-sync" finds "resyncs".
JARGON = (
    "back end",
    "front end",
    "server side",
    "client side",
    "asynchronous",
    "async",
    "endpoint",
    "payload",
    "latency",
    "middleware",
    "microservice",
    "provisioning",
    "propagate",
    "propagation",
    "invalidate",
    "reconcile",
    "reconciliation",
    "entitlement",
    "ledger",
    "batch job",
    "cron job",
    "webhook",
    "database",
    "schema",
    "deployment",
    "hotfix",
    "rollback",
    "upstream",
    "downstream",
    "feature flag",
    "config",
    "idempotent",
    "throttling",
    "rate limit",
    "re-sync",
)
# Acronyms customers read every day; others count as jargon unless explained or used by the
# customer.
COMMON_ACRONYMS = word_set(
    "OK ID PIN FAQ URL PDF SMS USB TV PC UK US USA EU VAT ASAP AM PM CEO FYI GB MB KB TB GPS ATM",
    "DIY HD ETA PS CSV JPG JPEG PNG QR DVD CD UPS DHL IT HR UTC GMT EST PST BST CET",
)
# Letters only: "SW4 7QT" and "1Z50X" are codes, not words to explain.
_ACRONYM = re.compile(r"(?<![\w-])([A-Z]{2,6})s?(?![\w-])")
_LINE = re.compile(r"[^\n]+")
_WORDS = re.compile(r"\S*[^\W_]\S*")
# A confusion phrase followed by these asks about the situation, not about what the agent wrote.
_ABOUT_SITUATION = re.compile(r"\s+(?:why|how\s+come|whether)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Span:
    """`words` words at `start:end` of message `message_index`."""

    message_index: int
    start: int
    end: int
    words: int


@dataclass(frozen=True, slots=True)
class ClarityStats:
    """The shape of the agent's text, and the customer messages that answer an agent reply."""

    words: int
    sentences: tuple[Span, ...]
    longest_line: Span | None
    acronyms: tuple[tuple[int, int, int, str], ...]  # (message, start, end, acronym) unexplained
    replies: tuple[tuple[int, int], ...]  # (agent message, customer message right after it)


def _count(text: str, start: int = 0, end: int | None = None) -> int:
    return sum(1 for _ in _WORDS.finditer(text, start, len(text) if end is None else end))


def clarity_stats(conversation: Conversation) -> ClarityStats:
    """Sentences, the longest unbroken line, unexplained acronyms and the customer's answers to
    agent replies (a signal)."""
    messages = conversation.messages
    indices = agent_message_indices(conversation)
    sentences: list[Span] = []
    longest: Span | None = None
    found: list[tuple[int, int, int, str]] = []
    texts = {i: masked(messages[i].text)[0] for i in indices}
    agent_text = "\n".join(texts.values())
    customer_text = "\n".join(
        [conversation.subject or ""] + [m.text for m in messages if m.role is Role.CUSTOMER]
    )
    for index, text in texts.items():
        for s, e in sentence_spans(text):
            if (count := _count(text, s, e)) > 0:
                sentences.append(Span(index, s, e, count))
        for line in _LINE.finditer(text):
            count = _count(text, line.start(), line.end())
            if longest is None or count > longest.words:
                longest = Span(index, line.start(), line.end(), count)
        for match in _ACRONYM.finditer(text):
            acronym = match.group(1)
            if (
                _known(acronym.lower())  # "NOT", "TODAY": shouting, not an acronym
                or re.search(rf"\b{acronym}\b\s*\(|\(\s*{acronym}s?\s*\)", agent_text)
                or re.search(rf"\b{acronym}", customer_text)
            ):
                continue
            found.append((index, match.start(), match.end(), acronym))
    words = sum(s.words for s in sentences)
    return ClarityStats(words, tuple(sentences), longest, tuple(found), _replies(conversation))


def _replies(conversation: Conversation) -> tuple[tuple[int, int], ...]:
    """Customer messages in the turn right after an agent reply (until staff writes again)."""
    agent = set(agent_message_indices(conversation))
    pairs: list[tuple[int, int]] = []
    last: int | None = None
    for i, message in enumerate(conversation.messages):
        if not message.public:
            continue
        if i in agent:
            last = i if message.text.strip() else last
        elif message.role is Role.CUSTOMER:
            if last is not None:
                pairs.append((last, i))
        elif message.by_staff:
            last = None  # a bot or another agent spoke in between
    return tuple(pairs)


def _phrase_pattern(phrase: str) -> str:
    """Whole words, any apostrophe or none, any white space; a phrase ending in "?" ("sorry?")
    must be a sentence of its own."""
    text = normalise_apostrophes(phrase.strip().lower())
    body = r"\s+".join(re.escape(w).replace("'", "'?") for w in text.split())
    if text.endswith("?"):
        return r"(?:^|(?<=[.!?…]))[^\w\n]*" + body
    return r"(?<![\w'])" + body + r"(?![\w'])"


def _term_pattern(term: str) -> str:
    words = [re.escape(w) for w in re.split(r"[\s-]+", term.strip().lower()) if w]
    return r"(?<![\w-])" + r"[\s-]*".join(words) + r"(?:s|es|d|ed|ing)?(?![\w-])"


@dataclass(frozen=True, slots=True)
class _Confusion:
    customer: int
    agent: int
    start: int
    end: int
    phrase: str


def _confusion(
    conversation: Conversation, stats: ClarityStats, pattern: re.Pattern[str]
) -> _Confusion | None:
    """The first confusion phrase in the customer's turn right after an agent reply."""
    for agent, customer in stats.replies:
        text = conversation.messages[customer].text
        flat = normalise_apostrophes(text)
        for match in pattern.finditer(flat):
            if _ABOUT_SITUATION.match(flat, match.end()):
                continue  # "I don't understand why I was charged": the situation, not the reply
            start = match.start()
            while start < match.end() and not text[start].isalnum():
                start += 1
            return _Confusion(customer, agent, start, match.end(), text[start : match.end()])
    return None


def clarity_confidence(margin: float, words: int) -> float:
    """0.5 + 0.45 · min(1, 2·margin) · words / (words + 30): `margin` is how far (relative) the
    deciding measure lies from its threshold; few words give little to judge."""
    return round(0.5 + 0.45 * min(1.0, 2 * max(0.0, margin)) * words / (words + 30), 2)


@scorer(name="clarity", version="1", english_only=True)
def clarity(
    confusion_phrases: list[str] | None = None,
    jargon: list[str] | None = None,
    known_acronyms: list[str] | None = None,
    max_avg_sentence_words: float = 25,
    max_sentence_words: int = 40,
    max_line_words: int = 120,
    max_jargon_per_100: float = 2.0,
    min_jargon: int = 2,
) -> ScoreFn:
    """Clarity of agent text: the customer asking what was meant, long sentences, jargon.

    Bottom when the customer asks what was meant right after an agent reply (0.9 confidence, 0.75
    for a one-word phrase such as "confused"); middle when agent sentences run long (on average or
    the longest), a line is an unbroken wall of text, or distinct jargon terms and unexplained
    acronyms are dense; top otherwise. Confidence otherwise follows `clarity_confidence`."""
    name = "clarity"
    phrases = _strings(
        CONFUSION_PHRASES if confusion_phrases is None else confusion_phrases,
        "confusion_phrases",
        name,
    )
    terms = _strings(JARGON if jargon is None else jargon, "jargon", name)
    acronyms = COMMON_ACRONYMS | {
        a.strip().upper() for a in _strings(known_acronyms or [], "known_acronyms", name)
    }
    limits = {
        what: _number(value, what, name)
        for what, value in (
            ("max_avg_sentence_words", max_avg_sentence_words),
            ("max_sentence_words", max_sentence_words),
            ("max_line_words", max_line_words),
            ("max_jargon_per_100", max_jargon_per_100),
            ("min_jargon", min_jargon),
        )
    }
    if any(v <= 0 for v in limits.values()):
        raise ConfigError(f"scorer {name!r}: thresholds must be positive")
    asking = (
        re.compile("|".join(f"(?:{_phrase_pattern(p)})" for p in phrases), re.I | re.M)
        if phrases
        else None
    )
    # One named group per term, longest first, so a hit reports the term as configured.
    ordered = sorted(dict.fromkeys(terms), key=len, reverse=True)
    jargon_re = (
        re.compile("|".join(f"(?P<t{i}>{_term_pattern(t)})" for i, t in enumerate(ordered)), re.I)
        if terms
        else None
    )
    term_names = {f"t{i}": t.strip().lower() for i, t in enumerate(ordered)}

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        stats = analysis.signal(clarity_stats)
        if stats.words == 0:
            return Score.not_applicable(NOT_APPLICABLE)
        scale = criterion.scale
        hit = _confusion(conversation, stats, asking) if asking else None
        if hit is not None:
            agent_text = conversation.messages[hit.agent].text
            weak = len(hit.phrase.split()) == 1  # "confused", "sorry?": less certain
            return Score.rated(
                scale_value(1, 3, scale),
                f"The customer asked what was meant ({hit.phrase.strip()!r}) right after an agent"
                " reply.",
                [
                    sentence_quote(conversation, hit.customer, hit.start, hit.end),
                    Evidence(message_index=hit.agent, quote=clip_quote(agent_text)),
                ],
                0.75 if weak else 0.9,
            )
        words = stats.words
        longest = max(stats.sentences, key=lambda s: s.words)
        average = words / len(stats.sentences)
        jargon_hits = _jargon(conversation, stats, jargon_re, term_names, acronyms)
        # Distinct terms: repeating a term once met adds little to decode ("DPD ... DPD"). Each is
        # shown as first written.
        written: dict[str, str] = {}
        for index, start, end, term in jargon_hits:
            written.setdefault(term, conversation.messages[index].text[start:end])
        terms_used = list(written)
        density = 100 * len(terms_used) / words
        ratios = {
            "average": average / limits["max_avg_sentence_words"],
            "longest": longest.words / limits["max_sentence_words"],
            "line": (stats.longest_line.words if stats.longest_line else 0)
            / limits["max_line_words"],
            "jargon": min(
                density / limits["max_jargon_per_100"], len(terms_used) / limits["min_jargon"]
            ),
        }
        over = {k: r for k, r in ratios.items() if r > 1}
        if len(terms_used) >= limits["min_jargon"] and density > limits["max_jargon_per_100"]:
            over["jargon"] = ratios["jargon"]
        if not over:
            return Score.rated(
                scale_value(3, 3, scale),
                f"Clear: sentences average {average:.0f} words, the longest {longest.words},"
                f" and {_plural(len(terms_used), 'technical term', 'technical terms')}"
                f" in {words} words.",
                [],
                clarity_confidence(min(1 - r for r in ratios.values()), words),
            )
        reasons = []
        if "average" in over:
            reasons.append(f"sentences average {average:.0f} words")
        if "longest" in over:
            reasons.append(f"one sentence runs to {longest.words} words")
        if "line" in over and stats.longest_line is not None:
            reasons.append(f"a {stats.longest_line.words}-word block has no paragraph break")
        if "jargon" in over:
            shown = ", ".join(f"'{t}'" for t in written.values())
            reasons.append(
                f"{_plural(len(terms_used), 'technical term', 'technical terms')}"
                f" in {words} words ({shown})"
            )
        wordy = over.keys() & {"average", "longest", "line"}
        label = " and ".join(
            ([] if not wordy else ["wordy"]) + ([] if "jargon" not in over else ["jargon-heavy"])
        )
        evidence = [_span_quote(conversation, longest)]
        if "jargon" in over:
            index, start, end, _ = jargon_hits[0]
            extra = sentence_quote(conversation, index, start, end)
            if extra not in evidence:
                evidence.append(extra)
        return Score.rated(
            scale_value(2, 3, scale),
            f"Understandable but {label}: {'; '.join(reasons)}.",
            evidence,
            clarity_confidence(max(over.values()) - 1, words),
        )

    return score


def _span_quote(conversation: Conversation, span: Span) -> Evidence:
    text = conversation.messages[span.message_index].text
    return Evidence(
        message_index=span.message_index, quote=verbatim_quote(text, span.start, span.end)
    )


def _jargon(
    conversation: Conversation,
    stats: ClarityStats,
    pattern: re.Pattern[str] | None,
    term_names: dict[str, str],
    known: frozenset[str] | set[str],
) -> list[tuple[int, int, int, str]]:
    """Jargon terms (as configured) and unexplained, uncommon acronyms in agent text, in order."""
    hits = [a for a in stats.acronyms if a[3] not in known]
    if pattern is not None:
        for index in agent_message_indices(conversation):
            text = masked(conversation.messages[index].text)[0]
            hits += [
                (index, m.start(), m.end(), term_names[m.lastgroup or ""])
                for m in pattern.finditer(text)
            ]
    hits.sort()
    return hits

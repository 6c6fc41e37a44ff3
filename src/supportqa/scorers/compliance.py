"""Compliance rule scorers of the default scorecard: PII exposure, forbidden phrases and required
disclosure.

Same contract as `rules.py`: deterministic, patterns compiled when a scorer is configured, and every
rating quotes the span that triggered it (or points at what is missing). The word lists these
scorers add to a configuration (equivalences, guards, synonyms) live in `phrases.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from supportqa.domain.score import Evidence, Score
from supportqa.domain.scorecard import Criterion
from supportqa.errors import ConfigError, ScorerError
from supportqa.scorers import phrases as P
from supportqa.scorers.registry import scorer
from supportqa.scorers.rules import MAX_EVIDENCE, ScoreFn, absence, listing, quote
from supportqa.signals.analysis import Analysis
from supportqa.signals.pii import PII_KINDS, staff_pii_hits
from supportqa.signals.text import (
    APOSTROPHES,
    STOP_WORDS,
    Token,
    agent_message_indices,
    content_stem,
    coverage,
    find_in_order,
    sentence_spans,
    staff_message_indices,
    stem,
    tokenize,
)

# --- PII exposure -------------------------------------------------------------------------------

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


@scorer(name="pii_exposure", version="2")
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
    clean = f"No {listing([_PII_PLURALS[k] for k in wanted])} in agent replies."
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
            f"{subject} {verb} {listing([_PII_NAMES[k] for k in found])} in clear.",
            [quote(conversation, h.message_index, h.start, h.end) for h in hits[:MAX_EVIDENCE]],
            max(_PII_CONFIDENCE[k] for k in found),
        )

    return score


# --- forbidden phrases --------------------------------------------------------------------------

# Words a contraction can expand to without spelling them ("won't" -> will not), so a text can hold
# them without containing them: never used to skip a message.
_EXPANSION_ONLY = frozenset({"not", "is", "am", "are", "will", "have", "would", "shall"})
_DROP_APOSTROPHES = str.maketrans("", "", APOSTROPHES)
# Punctuation a match may not span when it skips words: a phrase lives inside one clause.
_CLAUSE_BREAKS = frozenset(".,;:!?\n—–")
_LOOK_BACK = 4


def _equivalences(groups: Iterable[Sequence[str]]) -> dict[str, str]:
    """Every member's stem mapped to its group's first stem."""
    table: dict[str, str] = {}
    for group in groups:
        canonical = stem(group[0])
        for word in group:
            table[stem(word)] = canonical
    return table


_CANONICAL = _equivalences(P.FORBIDDEN_EQUIVALENTS)
_MEMBERS: dict[str, tuple[str, ...]] = {}
for _word, _group in _CANONICAL.items():
    _MEMBERS[_group] = (*_MEMBERS.get(_group, ()), _word)
_NEGATIONS = frozenset(P.FORBIDDEN_NEGATIONS)
_NOT_VERB_LEADS = frozenset(_CANONICAL.get(stem(w), stem(w)) for w in P.NOT_VERB_LEADS)
_ORDER_TARGETS = frozenset(P.ORDER_TARGETS)
_ORDER_BLOCKERS = frozenset(P.ORDER_BLOCKERS)
_ORDER_HELPERS = frozenset(P.ORDER_HELPERS)
_OPTIONAL_LEADS = frozenset(P.FORBIDDEN_OPTIONAL_LEADS)
_FLOATING = frozenset(P.FORBIDDEN_FLOATING)


def _canonical(norm: str) -> str:
    stemmed = stem(norm)
    return _CANONICAL.get(stemmed, stemmed)


@dataclass(frozen=True, slots=True)
class _Form:
    """One way a phrase can be written: canonical stems in order, their original words, and the
    floating adverbs that must stand near them."""

    norms: tuple[str, ...]
    stems: tuple[str, ...]
    verb_led: bool
    floating: tuple[str, ...] = ()
    # False when the configured phrase spans clauses itself ("calm down, sir").
    one_clause: bool = True


@dataclass(frozen=True, slots=True)
class _Phrase:
    text: str
    forms: tuple[_Form, ...]  # the phrase as configured first, then without an optional lead
    # Per content word, the stems of its equivalents: a matching text holds one as a substring.
    required: tuple[frozenset[str], ...]


def _forms(norms: tuple[str, ...], one_clause: bool) -> list[_Form]:
    """The phrase in order; without its floating adverbs (to be found nearby)."""
    stems = tuple(_canonical(n) for n in norms)
    forms = [_Form(norms, stems, stems[0] not in _NOT_VERB_LEADS, (), one_clause)]
    floating = tuple(s for n, s in zip(norms, stems, strict=True) if n in _FLOATING)
    if floating and len(norms) - len(floating) >= 2:
        kept = [(n, s) for n, s in zip(norms, stems, strict=True) if n not in _FLOATING]
        rest = tuple(s for _, s in kept)
        forms.append(
            _Form(
                tuple(n for n, _ in kept),
                rest,
                rest[0] not in _NOT_VERB_LEADS,
                floating,
                one_clause,
            )
        )
    return forms


def _phrase(text: str) -> _Phrase:
    norms = tuple(t.norm for t in tokenize(text))
    if not norms:
        raise ConfigError(f"scorer 'forbidden_phrases': phrase {text!r} has no words")
    one_clause = not _clause_break(text.strip(" .!?…"), 0, len(text))
    forms = _forms(norms, one_clause)
    if norms[0] in _OPTIONAL_LEADS and len(norms) > 3:
        forms += _forms(norms[1:], one_clause)
    shortest = min(forms, key=lambda f: len(f.stems)).stems
    groups = [
        frozenset(_MEMBERS.get(s, (s,)))
        for s in dict.fromkeys(shortest)
        if s not in _EXPANSION_ONLY
    ]
    # Rarest first (long words are rarer substrings than "it" or "my"), so most texts fail fast.
    groups.sort(key=lambda group: -min(len(m) for m in group))
    required = tuple(groups)
    return _Phrase(text, tuple(forms), required)


def _clause_break(text: str, start: int, end: int) -> bool:
    return any(c in _CLAUSE_BREAKS for c in text[start:end])


def _addressed_to_agent(text: str, tokens: Sequence[Token], first: int) -> bool:
    """For a verb-led phrase at token `first`: whether its clause makes it the agent's own plan or
    a description ("I'll deal with it", "once things calm down") rather than an order."""
    for j in range(first - 1, max(-1, first - 1 - _LOOK_BACK), -1):
        if _clause_break(text, tokens[j].end, tokens[j + 1].start):
            return False
        norm = tokens[j].norm
        if norm in _ORDER_TARGETS:
            helped = j > 0 and tokens[j - 1].norm in _ORDER_HELPERS
            return helped and not _clause_break(text, tokens[j - 1].end, tokens[j].start)
        if norm in _ORDER_BLOCKERS:
            return True
    return False


def _find(
    text: str, tokens: Sequence[Token], stems: Sequence[str], form: _Form, max_gap: int
) -> tuple[int, int] | None:
    """The first acceptable occurrence: in one clause, no negation slipped in, and a verb-led
    phrase addressed to the customer."""
    start = 0
    while (span := find_in_order(stems, form.stems, max_gap, start)) is not None:
        first, last = span
        start = first + 1
        if form.one_clause and _clause_break(text, tokens[first].end, tokens[last].start):
            continue
        if last - first + 1 > len(form.stems):
            inside = sum(t.norm in _NEGATIONS for t in tokens[first : last + 1])
            if inside > sum(n in _NEGATIONS for n in form.norms):
                continue
        if form.verb_led and _addressed_to_agent(text, tokens, first):
            continue
        if form.floating and not _floating_near(text, tokens, stems, first, last, form.floating):
            continue
        return span
    return None


def _floating_near(
    text: str,
    tokens: Sequence[Token],
    stems: Sequence[str],
    first: int,
    last: int,
    wanted: Sequence[str],
) -> bool:
    """Whether every floating adverb stands in the span or within `_LOOK_BACK` tokens of it, in the
    same clause."""
    low, high = first, last
    while low > 0 and first - low < _LOOK_BACK:
        if _clause_break(text, tokens[low - 1].end, tokens[low].start):
            break
        low -= 1
    while high < len(tokens) - 1 and high - last < _LOOK_BACK:
        if _clause_break(text, tokens[high].end, tokens[high + 1].start):
            break
        high += 1
    near = set(stems[low : high + 1])
    return all(w in near for w in wanted)


@scorer(name="forbidden_phrases", version="2")
def forbidden_phrases(phrases: list[str], max_gap: int = 2) -> ScoreFn:
    """None of the configured phrases in agent text: case, punctuation, apostrophes, simple
    inflections and a few rude-preserving word swaps ("issue" for "problem") ignored, with up to
    `max_gap` extra words between a phrase's words inside one clause (never a negation)."""
    if isinstance(phrases, str) or not all(isinstance(p, str) for p in phrases):
        raise ConfigError("scorer 'forbidden_phrases': phrases must be a list of strings")
    if isinstance(max_gap, bool) or not isinstance(max_gap, int) or max_gap < 0:
        raise ConfigError("scorer 'forbidden_phrases': max_gap must be a whole number >= 0")
    compiled = [_phrase(text) for text in phrases]
    substrings = sorted({m for phrase in compiled for group in phrase.required for m in group})

    def score(analysis: Analysis, criterion: Criterion) -> Score:
        conversation = analysis.conversation
        evidence: list[Evidence] = []
        matched: list[str] = []
        exact = True
        for index in analysis.signal(agent_message_indices):
            text = conversation.messages[index].text
            # A phrase's stems are prefixes of the words it matches: skip texts lacking one.
            flat = text.lower().translate(_DROP_APOSTROPHES)
            present = {m for m in substrings if m in flat}
            candidates = []
            for phrase in compiled:
                for group in phrase.required:
                    if present.isdisjoint(group):
                        break
                else:
                    candidates.append(phrase)
            if not candidates:
                continue
            tokens = tokenize(text)
            stems = [_canonical(t.norm) for t in tokens]
            for phrase in candidates:
                for form in phrase.forms:
                    span = _find(text, tokens, stems, form, max_gap)
                    if span is not None:
                        break
                else:
                    continue
                first, last = span
                written = tuple(t.norm for t in tokens[first : last + 1])
                exact = exact and written == phrase.forms[0].norms
                if phrase.text not in matched:
                    matched.append(phrase.text)
                evidence.append(quote(conversation, index, tokens[first].start, tokens[last].end))
        if not evidence:
            return Score.rated(
                criterion.scale.max, "No forbidden phrase in the agent's replies.", [], 0.9
            )
        quoted = ", ".join(f'"{p}"' for p in matched)
        label = "phrase" if len(matched) == 1 else "phrases"
        return Score.rated(
            criterion.scale.min,
            f"The agent used the forbidden {label} {quoted}.",
            evidence[:MAX_EVIDENCE],
            0.98 if exact else 0.85,
        )

    return score


# --- required disclosure ------------------------------------------------------------------------


def _content_equivalences(groups: Iterable[Sequence[str]]) -> Mapping[str, str]:
    """Each listed word (as written) mapped to its group's concept: the first word's content stem."""
    return {word: content_stem(group[0]) for group in groups for word in group}


_SYNONYMS = _content_equivalences(P.DISCLOSURE_EQUIVALENTS)


def _concepts(norms: Iterable[str]) -> frozenset[str]:
    """Content stems with synonyms merged ("monitored" and "recorded" are one concept)."""
    return frozenset(_SYNONYMS.get(n) or content_stem(n) for n in norms if n not in STOP_WORDS)


@scorer(name="required_disclosure", version="2")
def required_disclosure(
    phrases: list[str] | None = None,
    channels: list[str] | None = None,
    min_overlap: float = 0.6,
) -> ScoreFn:
    """A sentence by the agent (or the bot, e.g. an IVR) covers enough of a configured disclosure's
    content words, synonyms counted ("conversation" for "call", "monitored" for "recorded");
    paraphrases count. N/A on channels the disclosure is not configured for."""
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
        if (stems := _concepts(t.norm for t in tokenize(text)))
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
                found = _concepts(t.norm for t in tokenize(text[start:end]))
                share = max(coverage(stems, found) for _, stems in wanted)
                if share >= min_overlap and (best is None or share > best[0]):
                    best = (share, index, start, end)
            if best is not None and best[0] >= 1.0:
                break
        if best is None:
            return Score.rated(
                criterion.scale.min,
                "The agent never gave the required disclosure.",
                [absence(conversation, agent[0])],
                0.85,
            )
        share, index, start, end = best
        return Score.rated(
            criterion.scale.max,
            f"The agent gave the required disclosure ({share:.0%} of its key words).",
            [quote(conversation, index, start, end)],
            0.95 if share >= 1.0 else 0.75 + 0.2 * share,
        )

    return score

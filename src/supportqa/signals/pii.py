"""Sensitive-data detectors: card numbers, IBANs, national ids and passwords written in clear.

Pure functions over text returning character spans, so the PII scorer and the LLM redaction step use
the same detectors. Checksums (Luhn, mod-97) and issuer/format rules keep order, tracking and phone
numbers from being flagged; masked values ("**** 4242", "ending in 4242") never match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from supportqa.domain.conversation import Conversation, Role
from supportqa.signals.text import word_set

PII_KINDS: tuple[str, ...] = ("card", "iban", "national_id", "password")

Span = tuple[int, int]


class PiiHit(NamedTuple):
    """One exposed value: `messages[message_index].text[start:end]` is the value (or its cue)."""

    message_index: int
    kind: str
    start: int
    end: int


# --- card numbers -------------------------------------------------------------------------------

# Patterns open with a character class rather than a look-behind, so `re` can skip ahead quickly.
_DIGIT_GROUPS = re.compile(r"\d+(?:[ -]\d+)*")
_DIGITS = re.compile(r"\d+")


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number satisfies."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _plausible_card(digits: str) -> bool:
    if not 13 <= len(digits) <= 19 or digits.count(digits[0]) == len(digits):
        return False
    lead = digits[0]
    if lead == "2" and not 2221 <= int(digits[:4]) <= 2720:
        return False
    return lead in "23456" and luhn_valid(digits)


def find_cards(text: str) -> list[Span]:
    """Spans of Luhn-valid card numbers (13–19 digits, spaces or dashes allowed between groups)."""
    hits: list[Span] = []
    for run in _DIGIT_GROUPS.finditer(text):
        if run.end() - run.start() < 13:
            continue
        groups = [(g.start(), g.end()) for g in _DIGITS.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(groups):
            best = -1
            length = 0
            for j in range(i, len(groups)):
                length += groups[j][1] - groups[j][0]
                if length > 19:
                    break
                if length >= 13:
                    digits = "".join(text[s:e] for s, e in groups[i : j + 1])
                    if _plausible_card(digits):
                        best = j
            if best >= 0:
                hits.append((groups[i][0], groups[best][1]))
                i = best + 1
            else:
                i += 1
    return hits


# --- IBANs --------------------------------------------------------------------------------------

_IBAN = re.compile(
    r"[A-Z]{2}(?<![A-Za-z0-9][A-Z]{2})\d{2}"
    r"(?:(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?|[A-Z0-9]{11,30})"
    r"(?![A-Za-z0-9])"
)


def iban_valid(candidate: str) -> bool:
    """ISO 13616: 15–34 characters whose rearranged numeric form is 1 modulo 97."""
    compact = candidate.replace(" ", "")
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    try:
        return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1
    except ValueError:
        return False


def find_ibans(text: str) -> list[Span]:
    """Spans of IBANs with a valid mod-97 check, written compact or in groups of four."""
    hits: list[Span] = []
    for match in _IBAN.finditer(text):
        start, end = match.span()
        while end - start >= 15:
            if iban_valid(text[start:end]):
                hits.append((start, end))
                break
            cut = text.rfind(" ", start, end)
            if cut < 0:
                break
            end = cut
    return hits


# --- national ids -------------------------------------------------------------------------------

_SSN = re.compile(r"(\d{3})(?<![\d-]\d{3})-(\d{2})-(\d{4})(?![\d-])")
_NINO = re.compile(
    r"([A-CEGHJ-PR-TW-Z]{2})(?<![A-Za-z0-9][A-Z]{2}) ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])"
)
_NINO_INVALID_PREFIXES = frozenset({"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"})


def find_national_ids(text: str) -> list[Span]:
    """Spans of US social security numbers (dashed) and UK national insurance numbers."""
    hits: list[Span] = []
    for match in _SSN.finditer(text) if "-" in text else ():
        area, group, serial = match.groups()
        if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
            continue
        hits.append(match.span())
    for match in _NINO.finditer(text):
        prefix = match.group(1)
        if prefix in _NINO_INVALID_PREFIXES or prefix[1] == "O":
            continue
        hits.append(match.span())
    hits.sort()
    return hits


# --- passwords ----------------------------------------------------------------------------------

PASSWORD_CUES: tuple[str, ...] = ("password", "passcode", "pwd")
PASSWORD_MODIFIERS: tuple[str, ...] = (
    "temporary",
    "temp",
    "new",
    "one-time",
    "one time",
    "default",
    "initial",
)
_CUE = "|".join(PASSWORD_CUES)
_MODIFIER = "|".join(m.replace(" ", r"\s+").replace("-", "[- ]") for m in PASSWORD_MODIFIERS)
_PASSWORD = re.compile(
    rf"\b(?:{_CUE})\b(?P<sep>\s+is\s*:?\s*|\s*[:=]\s*|\s+)(?P<value>\S{{4,}})", re.IGNORECASE
)
_MODIFIER_BEFORE = re.compile(rf"\b(?:{_MODIFIER})\s+\Z", re.IGNORECASE)
_MASK_CHARS = frozenset("*•●xX#.-_")
_EDGE_PUNCTUATION = ".,;:!?()[]{}\"'“”‘’"
# Words that follow "password is" / "password:" in ordinary advice rather than a secret.
_ORDINARY_WORDS = word_set(
    "about above after again also always being below case-sensitive changed characters",
    "compromised confidential correct could different does done email emailed empty encrypted",
    "entered expired expiring forgotten good here hidden incorrect invalid later leaked linked",
    "locked longer managed missing needed never not now only optional personal please private",
    "protected ready received required reset safe saved secure send sending sent shared short",
    "should shown simple something still stored strong temporary that the then there this tied",
    "updated used valid visible weak what when where which will with working wrong your",
)


def _looks_secret(value: str) -> bool:
    """Digits, symbols or mixed case: shaped like a password rather than an English word."""
    core = value.replace("-", "").replace("'", "")
    if not core.isalpha():
        return True
    return any(c.isupper() for c in core[1:]) and any(c.islower() for c in core)


def _ordinary(value: str) -> bool:
    word = value.lower()
    return word in _ORDINARY_WORDS or word.endswith("ly")


def find_passwords(text: str) -> list[Span]:
    """Spans like "password is X", "password: X", "pwd: X", "temporary password X" with X in clear.

    X must be at least four characters and not masked. After "is", ":" or "=" any word that is not
    ordinary advice counts; after a bare space ("temporary password X") X must look like a secret.
    """
    hits: list[Span] = []
    for match in _PASSWORD.finditer(text):
        raw = match.group("value")
        value = raw.strip(_EDGE_PUNCTUATION)
        if len(value) < 4 or set(value) <= _MASK_CHARS:
            continue
        sep = match.group("sep")
        stated = ":" in sep or "=" in sep or sep.strip().lower().startswith("is")
        start = match.start()
        modifier = _MODIFIER_BEFORE.search(text, max(0, start - 24), start)
        if not stated and modifier is None:
            continue
        if _looks_secret(value) or (stated and not _ordinary(value)):
            end = match.start("value") + raw.index(value) + len(value)
            hits.append((start if modifier is None else modifier.start(), end))
    return hits


# --- all kinds ----------------------------------------------------------------------------------

DETECTORS: dict[str, Callable[[str], list[Span]]] = {
    "card": find_cards,
    "iban": find_ibans,
    "national_id": find_national_ids,
    "password": find_passwords,
}


# Fewest digits a text must hold for a detector to find anything (cheap to count, skips most texts).
_MIN_DIGITS = {"card": 13, "iban": 6, "national_id": 6, "password": 0}


def find_pii(text: str, kinds: Iterable[str] = PII_KINDS) -> list[tuple[str, int, int]]:
    """Every hit of the requested kinds in `text`, as (kind, start, end) in text order."""
    digits = sum(map(text.count, "0123456789"))
    lowered = text.lower()
    hits = [
        (kind, s, e)
        for kind in kinds
        if digits >= _MIN_DIGITS[kind]
        and (kind != "password" or any(cue in lowered for cue in PASSWORD_CUES))
        for s, e in DETECTORS[kind](text)
    ]
    hits.sort(key=lambda hit: hit[1])
    return hits


def pii_hits(
    conversation: Conversation,
    kinds: Iterable[str] = PII_KINDS,
    roles: Iterable[Role] | None = None,
    include_private: bool = False,
) -> list[PiiHit]:
    """Hits in the conversation's messages, optionally only those by `roles` or only public ones."""
    wanted = tuple(kinds)
    allowed = frozenset(roles) if roles is not None else None
    hits: list[PiiHit] = []
    for i, message in enumerate(conversation.messages):
        if not (include_private or message.public):
            continue
        if allowed is not None and message.role not in allowed:
            continue
        hits.extend(PiiHit(i, kind, s, e) for kind, s, e in find_pii(message.text, wanted))
    return hits


def staff_pii_hits(conversation: Conversation) -> tuple[PiiHit, ...]:
    """Every kind of hit in public agent and bot messages (what the customer was shown)."""
    return tuple(pii_hits(conversation, PII_KINDS, (Role.AGENT, Role.BOT)))

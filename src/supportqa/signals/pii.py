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

PASSWORD_CUES: tuple[str, ...] = ("password", "passcode", "passphrase", "pwd")
# PINs are digits: a PIN cue needs a numeric (or secret-shaped) value.
PIN_CUES: tuple[str, ...] = ("pin", "pin code", "pin number")
PASSWORD_MODIFIERS: tuple[str, ...] = (
    "temporary",
    "temp",
    "new",
    "one-time",
    "one time",
    "default",
    "initial",
)
# "password is X", "password: X", "password is now X", "password will be X", "password of X".
PASSWORD_LINKS: tuple[str, ...] = ("is", "was", "will be", "to", "of", ":", "=")
# "password has been reset to X", "I've set your PIN to X".
PASSWORD_SETTERS: tuple[str, ...] = ("set", "reset", "changed", "updated", "switched")
# Nouns that make "password" part of a compound ("as a password manager"), not the secret's name.
_COMPOUNDS = (
    "manager|managers|field|box|reset|requirement|requirements|hint|hints|policy|rules|strength"
    "|app|vault|prompt|page|screen|link|form|settings|protection|protected|generator|recovery"
)


def _words(phrases: Iterable[str]) -> str:
    return "|".join(
        p.replace(" ", r"\s+").replace("-", "[- ]") for p in sorted(phrases, key=len, reverse=True)
    )


_CUE = _words(PASSWORD_CUES)
_PIN = _words(PIN_CUES)
_MODIFIER = _words(PASSWORD_MODIFIERS)
_SETTER = _words(PASSWORD_SETTERS)
_ADVERB = r"(?:now|still|currently|temporarily|just|also)\s+"
# Between the cue and its link: "for <up to three words>" ("the password for the guest wifi is").
_FOR = r"(?:\s+for\s+(?:[\w'’-]+\s+){0,2}?[\w'’-]+)?"
_PASSWORD = re.compile(
    rf"\b(?:(?P<mod>{_MODIFIER})\s+)?(?P<cue>{_CUE}|{_PIN}|(?(mod)pass|(?!)))\b"
    rf"(?!\s+(?:{_COMPOUNDS})\b){_FOR}"
    r"(?P<sep>"
    rf"\s+(?:(?:has|have|had)\s+been\s+|(?:was|is|got|will\s+be|['’]s\s+been)\s+)?(?:{_ADVERB})?"
    rf"(?P<setter>{_SETTER})\s+to\s+"  # "has been reset to X"
    rf"|\s+(?P<stated>is|was|will\s+be|['’]s)\s+(?:{_ADVERB})?(?:set\s+to\s+)?:?\s*"  # "is now X"
    r"|\s*[:=]\s*|\s+[-–]\s+"  # "password: X"
    r"|\s+(?P<prep>to|of)\s+"  # "reset your password to X", "a password of X"
    r"|(?(mod)\s+|(?!))"  # "temporary password X"
    r")(?P<value>\S{4,})",
    re.IGNORECASE,
)
# "Use X as your (temporary) password": the value is the word before "as".
_AS_PASSWORD = re.compile(
    rf"\bas\s+(?:(?:your|the|a|an|my|our)\s+)?"
    rf"(?:(?:{_MODIFIER}|login|account|wifi|wi-fi|guest|card|phone|app)\s+){{0,2}}"
    rf"(?P<cue>{_CUE}|{_PIN}|pass)\b(?!\s+(?:{_COMPOUNDS})\b)",
    re.IGNORECASE,
)
_VALUE_BEFORE = re.compile(r"(\S{4,})\s+\Z")
_SETTER_BEFORE = re.compile(rf"\b(?:{_SETTER})\s+(?:[\w'’-]+\s+){{0,3}}\Z", re.IGNORECASE)
_MASK_CHARS = frozenset("*•●xX#.-_")
_EDGE_PUNCTUATION = ".,;:!?()[]{}\"'“”‘’"
_SYMBOLS = frozenset("!@#$%^&*_+=?~")
# Words that follow "password is" / "password:" in ordinary advice rather than a secret.
_ORDINARY_WORDS = word_set(
    "about above after again also always being below case-sensitive changed characters",
    "compromised confidential correct could different does done email emailed empty encrypted",
    "entered expired expiring forgotten good here hidden incorrect invalid later leaked linked",
    "locked longer managed missing needed never not now only optional personal please private",
    "protected ready received required reset safe saved secure send sending sent shared short",
    "should shown simple something still stored strong temporary that the then there this tied",
    "updated used valid visible weak what when where which will with working wrong your",
    "printed written listed included attached displayed case sensitive unique yours",
)


def _looks_secret(value: str) -> bool:
    """Digits, symbols or mixed case: shaped like a password rather than an English word."""
    core = value.replace("-", "").replace("'", "")
    if not core.isalpha():
        return True
    return any(c.isupper() for c in core[1:]) and any(c.islower() for c in core)


def _strongly_secret(value: str) -> bool:
    """Stricter, for values named only by position ("reset it to X", "X as your password"): six or
    more characters with letters and digits, mixed case, a symbol, or three dash-joined parts
    ("sunny-river-lake"). Addresses, links and bare numbers are not passwords here."""
    if len(value) < 6 or "@" in value or "/" in value or value.lower().startswith("www."):
        return False
    letters = any(c.isalpha() for c in value)
    if not letters:
        return False
    if any(c.isdigit() for c in value) or any(c in _SYMBOLS for c in value):
        return True
    parts = value.split("-")
    if len(parts) >= 3 and all(len(p) >= 2 and p.isalpha() for p in parts):
        return True
    return any(c.isupper() for c in value[1:]) and any(c.islower() for c in value)


def _pin_value(value: str) -> bool:
    return (value.isdigit() and 4 <= len(value) <= 8) or _strongly_secret(value)


def _ordinary(value: str) -> bool:
    word = value.lower()
    return word in _ORDINARY_WORDS or word.endswith("ly")


def _clean(raw: str) -> str | None:
    value = raw.strip(_EDGE_PUNCTUATION)
    if len(value) < 4 or set(value) <= _MASK_CHARS:
        return None
    return value


def find_passwords(text: str) -> list[Span]:
    """Spans where an agent writes a password, passcode or PIN in clear.

    "password is X", "password: X", "pwd = X", "password is now X", "PIN is 4821": X is any word
    that is not ordinary advice ("password is case-sensitive"). "password has been reset to X",
    "I've reset your password to X", "a temporary password of X", "temporary password X" and
    "Use X as the password": X must look like a secret (`_strongly_secret`; a PIN may be digits),
    so "the password to your email" and "as your password manager" are not hits. Masked values
    never count.
    """
    hits: list[Span] = []
    for match in _PASSWORD.finditer(text):
        raw = match.group("value")
        value = _clean(raw)
        if value is None:
            continue
        pin = match.group("cue").lower().startswith("pin")
        sep = match.group("sep").strip()
        if match.group("setter") or match.group("prep"):
            if value.isdigit():
                start = match.start()
                set_before = _SETTER_BEFORE.search(text, max(0, start - 48), start) is not None
                explicit = match.group("setter") is not None or set_before
                ok = explicit and (_pin_value(value) if pin else len(value) >= 6)
            else:
                ok = _strongly_secret(value)
        elif match.group("stated") or sep[:1] in (":", "=", "-", "–"):
            ok = _pin_value(value) if pin else _looks_secret(value) or not _ordinary(value)
        else:  # "temporary password X"
            ok = _pin_value(value) if pin else _looks_secret(value) and not value.isdigit()
        if ok:
            end = match.start("value") + raw.index(value) + len(value)
            hits.append((match.start(), end))
    for match in _AS_PASSWORD.finditer(text):
        before = _VALUE_BEFORE.search(text, max(0, match.start() - 64), match.start())
        if before is None:
            continue
        raw = before.group(1)
        value = _clean(raw)
        if value is None:
            continue
        pin = match.group("cue").lower().startswith("pin")
        if _pin_value(value) if pin else _strongly_secret(value):
            hits.append((before.start(1) + raw.index(value), match.end("cue")))
    hits.sort()
    return hits


# --- all kinds ----------------------------------------------------------------------------------

DETECTORS: dict[str, Callable[[str], list[Span]]] = {
    "card": find_cards,
    "iban": find_ibans,
    "national_id": find_national_ids,
    "password": find_passwords,
}


# Fewest digits a text must hold for a detector to find anything (cheap to count, skips most texts).
# Password cues: "pass..." and "pwd" anywhere, "pin" only as a word (not in "shipping").
_PASSWORD_PREFILTER = ("pass", "pwd")
_PIN_WORD = re.compile(r"\bpin\b", re.IGNORECASE)
_MIN_DIGITS = {"card": 13, "iban": 6, "national_id": 6, "password": 0}


def find_pii(text: str, kinds: Iterable[str] = PII_KINDS) -> list[tuple[str, int, int]]:
    """Every hit of the requested kinds in `text`, as (kind, start, end) in text order."""
    digits = sum(map(text.count, "0123456789"))
    lowered = text.lower()
    hits = [
        (kind, s, e)
        for kind in kinds
        if digits >= _MIN_DIGITS[kind]
        and (
            kind != "password"
            or any(cue in lowered for cue in _PASSWORD_PREFILTER)
            or ("pin" in lowered and _PIN_WORD.search(text) is not None)
        )
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
    """Every kind of hit in public agent and bot messages (what the customer was shown); in a
    participant's view, in that participant's messages only."""
    hits = pii_hits(conversation, PII_KINDS, (Role.AGENT, Role.BOT))
    reviewed = conversation.reviewed_indices
    if reviewed is not None:
        hits = [h for h in hits if h.message_index in reviewed]
    return tuple(hits)

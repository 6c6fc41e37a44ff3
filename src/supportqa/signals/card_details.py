"""Card security codes (CVV/CVC) and expiry dates: the rest of a card, found only in card context.

A three-digit number or a "09/27" is everywhere in support text (order 123, a delivery on 10/12), so
these are found only next to words that make them card details: a CVV cue ("cvv", "cvc", "security
code", "verification code") for a code, an expiry cue ("exp", "expires", "expiry", "valid thru") or a
card word ("card", a card number, a CVV cue) for a date. A code or date right after a card number or an
expiry date is a card detail too ("4242 4242 4242 4242, 09/27, 123").

Pure functions over text returning character spans, like `signals.pii`, so the redaction before the LLM
and any other reader share them.
"""

from __future__ import annotations

import re

from supportqa.signals.pii import find_cards

CARD_DETAIL_KINDS: tuple[str, ...] = ("cvv", "card_expiry")

Span = tuple[int, int]

_CVV_CUE = (
    r"\b(?:cvv2?|cvc2?|cvn|csc|card\s+security\s+code|security\s+code|card\s+code"
    r"|card\s+verification(?:\s+(?:code|value|number))?|verification\s+(?:code|value|number))\b"
)
_CODE = r"(?<![\w/.,-])\d{3,4}(?!\w|[/.,:-]\d)"
# "cvv 123", "CVV: 1234", "security code on the back is 456": no digit and no sentence end between.
_CODE_AFTER_CUE = re.compile(rf"{_CVV_CUE}[^\d.!?\n]{{0,20}}?(?P<value>{_CODE})", re.IGNORECASE)
# "123 is the cvv", "123 (CVC)".
_CODE_BEFORE_CUE = re.compile(
    rf"(?P<value>{_CODE})\s*[(,–-]?\s*(?:(?:is|as)\s+(?:the|my|its|your)\s+)?(?:card'?s?\s+)?{_CVV_CUE}",
    re.IGNORECASE,
)
_DATE = re.compile(r"(?<![\d/.-])(?:0?[1-9]|1[0-2])\s?[/-]\s?(?:20\d{2}|\d{2})(?![\d/]|[.-]\d)")
_EXPIRY_CUE = re.compile(
    r"\b(?:exp(?:iry|iration|ires|ired|ire|iring)?\.?|valid\s+(?:thru|through|until|till)"
    r"|good\s+(?:thru|through))(?![\w])[^\d.!?\n]{0,20}\Z",
    re.IGNORECASE,
)
_CARD_BEFORE = re.compile(
    rf"(?:\bcards?\b|{_CVV_CUE})[^\d.!?\n]{{0,30}}\Z",
    re.IGNORECASE,
)
_CVV_AFTER = re.compile(rf"[^.!?\n]{{0,30}}?{_CVV_CUE}", re.IGNORECASE)  # used with match()
# A date after one of these is a day ("charged on 09/27"), unless an expiry cue names it.
_DAY_WORD_BEFORE = re.compile(
    r"\b(?:on|since|from|until|till|by|before|after|of|in|at|due|dated|date|delivery|delivered"
    r"|shipped|charged|ordered|placed|paid|refunded)\s*:?\s*\Z",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"[\s,;:]*(?:and\s+|exp(?:iry|ires)?\.?\s*:?\s*)?\Z", re.IGNORECASE)
_FOLLOWS = re.compile(rf"[\s,;]*(?:and\s+)?(?P<value>{_CODE})")  # used with match()


# Cheap substring tests that skip the patterns for texts that cannot hold a hit (most of them).
_CVV_WORDS = ("cvv", "cvc", "cvn", "csc", "security code", "verification", "card code")
_CONTEXT_WORDS = ("card", "exp", "valid", "good", *_CVV_WORDS)


def _has_any(lowered: str, words: tuple[str, ...]) -> bool:
    return any(word in lowered for word in words)


def _window_before(text: str, start: int, size: int = 40) -> str:
    return text[max(0, start - size) : start]


def _card_date(text: str, start: int, end: int, cards: list[Span], words: bool) -> bool:
    before = _window_before(text, start)
    if words and _EXPIRY_CUE.search(before):
        return True
    if any(_SEPARATOR.fullmatch(text[e:start]) for _, e in cards if 0 <= start - e <= 12):
        return True
    if not words:
        return False
    if _CVV_AFTER.match(text, end) is not None:
        return True
    return _CARD_BEFORE.search(before) is not None and _DAY_WORD_BEFORE.search(before) is None


def find_card_expiries(text: str) -> list[Span]:
    """Spans of MM/YY or MM/YYYY dates in card context ("exp 09/27", "card expires 11/2028",
    "4242 4242 4242 4242 09/27"); a day next to a card ("charged on 09/27") is not one."""
    if "/" not in text and "-" not in text:
        return []
    dates = [m.span() for m in _DATE.finditer(text)]
    if not dates:
        return []
    words = _has_any(text.lower(), _CONTEXT_WORDS)
    digits = sum(map(text.count, "0123456789"))
    cards = find_cards(text) if digits >= 13 + 3 else []
    if not words and not cards:
        return []
    return [(s, e) for s, e in dates if _card_date(text, s, e, cards, words)]


def find_card_security_codes(text: str, expiries: list[Span] | None = None) -> list[Span]:
    """Spans of 3–4 digit codes named by a CVV cue ("cvv 123", "123 is the CVC") or written right
    after a card's expiry date ("exp 09/27 321"). Bare numbers ("order 123") never match."""
    hits: set[Span] = set()
    if _has_any(text.lower(), _CVV_WORDS):
        hits |= {m.span("value") for m in _CODE_AFTER_CUE.finditer(text)}
        hits |= {m.span("value") for m in _CODE_BEFORE_CUE.finditer(text)}
    for _, end in find_card_expiries(text) if expiries is None else expiries:
        follows = _FOLLOWS.match(text, end)
        if follows is not None:
            hits.add(follows.span("value"))
    return sorted(hits)


def find_card_details(text: str) -> list[tuple[str, int, int]]:
    """Every CVV and card expiry date in `text`, as (kind, start, end) in text order."""
    expiries = find_card_expiries(text)
    found = [("card_expiry", s, e) for s, e in expiries]
    found += [("cvv", s, e) for s, e in find_card_security_codes(text, expiries)]
    return sorted(found, key=lambda hit: hit[1])

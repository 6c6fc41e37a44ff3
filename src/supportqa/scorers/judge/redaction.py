"""Personal data out, placeholders in, and the way back: what the LLM judge sends and quotes.

Transcripts leave the building only redacted. Before a conversation goes to a language model, each
e-mail, phone number, card, card security code (CVV) and expiry date, IBAN, national id, password,
street address and known person name is replaced by a placeholder such as `[EMAIL_1]`; the model
quotes the redacted text as evidence, and `Redactor.restore` maps a quote back to the original words
so stored evidence is verbatim. `redact_text` is the one function for any other reader that shows
text outside (it returns the redacted text and how many values of each kind it replaced).

Use one Redactor per conversation: the same value (case-insensitive for e-mails, names and addresses,
digits only for phones and cards) gets the same placeholder in every message. Where two values
overlap the longer wins, and whatever the shorter has outside it is still redacted. A value written in
several forms ("Maria", "MARIA") is restored as first seen, unless `restore` is given the original.

Known limits. Names are found only when the conversation's metadata knows them (customer, agent,
message authors): a name typed in free text ("my husband Pedro") is not found. Addresses are the common
number-and-street forms (English suffixes, French/Spanish/Italian prefixes, German "-straße 5"), US
"City, ST 12345" and UK postcodes; other formats are not. Phones need a country code, a trunk 0, an area
code in brackets or the North American 3-3-4 shape (also Spanish-style 3-3-3); local numbers such as
555-0132 are not found. Numbers next to a currency, and numbers without + or ( after a reference word
(order, ticket, case, ...), are left alone. Names that are also common words ("Will", "Grace") are
redacted only when capitalised. CVV codes and expiry dates are found only in card context (a CVV or
expiry cue, a card word or number next to them: see `signals.card_details`), so "order 123" and
"delivered on 10/12" stay. Text that already holds something shaped like a placeholder
("[NAME_1]") is restored as if it were one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from supportqa.domain.conversation import Conversation, Person
from supportqa.errors import ConfigError
from supportqa.signals.card_details import find_card_details
from supportqa.signals.pii import PII_KINDS, find_pii
from supportqa.signals.text import word_set

ALL_KINDS: tuple[str, ...] = (
    "email",
    "phone",
    "card",
    "cvv",
    "card_expiry",
    "iban",
    "national_id",
    "password",
    "address",
    "name",
)
# Among spans of equal length at the same place, the kind listed first wins.
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        (
            "card",
            "cvv",
            "card_expiry",
            "iban",
            "national_id",
            "password",
            "email",
            "address",
            "phone",
            "name",
        )
    )
}

Span = tuple[int, int]
Hit = tuple[str, int, int]

# --- e-mails ------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")


def find_emails(text: str) -> list[Span]:
    """Spans of e-mail addresses."""
    return [m.span() for m in _EMAIL.finditer(text)] if "@" in text else []


# --- phones -------------------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\w+#$€£¥/@.,-])"
    r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?"
    r"(?:\d{1,8}(?:[ .-]\d{1,8}){1,6}|\d{7,15})"
    r"(?![\w/%@]|[.,:-]\d)"
)
# North American 3-3-4 (optionally after a 1), 10 digits run together, or 3-3-3 (Spain, ...).
_NATIONAL_SHAPE = re.compile(
    r"(?:1[ .-])?\d{3}[ .-]\d{3}[ .-]\d{4}|[2-9]\d{9}|[1-9]\d{2} \d{3} \d{3}"
)
_REFERENCE_CUE = re.compile(
    r"\b(?:order|ticket|case|invoice|ref|reference|tracking|booking|reservation|confirmation"
    r"|transaction|account|acct|member|membership|policy|claim|serial|sku|item|product|model|id"
    r"|po|rma|shipment|parcel|package|receipt|request|incident"
    r"|version|build|code|voucher|coupon)s?\b"
    r"(?:\s*(?:number|no\.?|nr\.?|num|id|#|code))?\s*(?:is|was|:|#|=)?\s*\Z",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(
    r"(?:[$€£¥₹]|\b(?:usd|eur|gbp|chf|cad|aud|jpy|inr))\s*\Z", re.IGNORECASE
)
_CURRENCY_AFTER = re.compile(
    r"\s*(?:[$€£¥₹]|(?:usd|eur|gbp|chf|cad|aud|jpy|inr|dollars?|euros?|pounds?|cents?|pence|yen"
    r"|rupees?)\b)",
    re.IGNORECASE,
)


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def _phone_shape(value: str) -> bool:
    """Country code, trunk 0, bracketed area code, or a national shape; digit counts to match."""
    count = len(_digits(value))
    if value.startswith("+"):
        return 8 <= count <= 15
    if value.startswith("00"):
        return 10 <= count <= 15
    if value.startswith("("):
        return 7 <= count <= 11
    if value.startswith("0"):
        return 9 <= count <= 11
    return _NATIONAL_SHAPE.fullmatch(value) is not None


def _phone_ok(text: str, start: int, end: int) -> bool:
    value = text[start:end]
    before = text[max(0, start - 40) : start]
    return (
        _phone_shape(value)
        and (value[0] in "+(" or _REFERENCE_CUE.search(before) is None)
        and _CURRENCY_BEFORE.search(before) is None
        and _CURRENCY_AFTER.match(text, end) is None
    )


def _mask(text: str, spans: Iterable[Span]) -> str:
    """`text` with the spans blanked out (same length), so no phone is found inside them."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)


def find_phones(text: str, exclude: Iterable[Span] = ()) -> list[Span]:
    """Spans of phone numbers outside `exclude` (cards, IBANs, ids: they win).

    A run of groups that is too long is cut back at spaces ("+44 20 7946 0958 415.555.0132" is two
    phones); a run with no phone at its start is searched again from its next group.
    """
    masked = _mask(text, exclude)
    hits: list[Span] = []
    pos = 0
    while (match := _PHONE.search(masked, pos)) is not None:
        start, end = match.span()
        while end > start and not _phone_ok(masked, start, end):
            end = masked.rfind(" ", start, end)
        if end > start:
            hits.append((start, end))
            pos = end
        else:
            space = masked.find(" ", start + 1, match.end())
            pos = space + 1 if space >= 0 else match.end()
    return hits


# --- street addresses ---------------------------------------------------------------------------

_CAP = r"[A-Z][\w'’-]*"  # no dot: "Rivoli. Thanks" is where the address ends
_NUMBER = r"\b\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_SUFFIX = (
    r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|square"
    r"|sq|terrace|way|close|crescent|highway|hwy|parkway|pkwy|row|mews|gardens)\b\.?"
)
_PREFIX = (
    r"(?i:rue|avenue|av\.|boulevard|bd|place|chemin|allée|allee|impasse|quai|route|via|viale"
    r"|piazza|calle|avenida|plaza|carrer|rua|paseo)"
)
_PARTICLE = r"(?i:de|du|des|de la|del|della|di|da|do|dos|das|la|le|les|l['’])"
_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ"
    "|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_STATE_ZIP = rf"\b(?:{_STATES})\s+\d{{5}}(?:-\d{{4}})?(?![\w-])"
_UK_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b"
_STREET = "|".join(
    (
        rf"{_NUMBER},?\s+(?:{_CAP}\.?\s+){{1,4}}?{_SUFFIX}(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?",
        rf"{_NUMBER},?\s+{_PREFIX}\s+(?:{_PARTICLE}\s*)?{_CAP}(?:\s+{_CAP}){{0,2}}",
        rf"\b{_PREFIX}\s+(?:{_PARTICLE}\s+)?{_CAP}(?:\s+{_CAP}){{0,2}},?\s+\d{{1,5}}[A-Za-z]?\b",
        r"\b[A-ZÄÖÜ][\wäöüß-]{2,}(?i:straße|strasse|str\.|weg|gasse|platz|allee)\s+\d{1,4}[a-z]?\b",
    )
)
_UNIT = (
    r"(?:,?\s+(?:(?i:apt|apartment|suite|ste|unit|flat|floor)\b\.?\s*#?|#)\s*[A-Za-z0-9-]{1,5}\b)?"
)
_TAIL = rf"(?:,?\s+(?:{_CAP},?\s+){{0,3}}(?:{_STATE_ZIP}|{_UK_POSTCODE}))?"
_ADDRESS = re.compile(
    rf"(?:{_STREET}){_UNIT}{_TAIL}"
    rf"|(?:{_CAP}(?:\s+{_CAP}){{0,2}},\s*)?{_STATE_ZIP}"
    rf"|{_UK_POSTCODE}"
)


def find_addresses(text: str) -> list[Span]:
    """Spans of street addresses (with unit and postcode when they follow), US ZIPs, UK postcodes."""
    return [m.span() for m in _ADDRESS.finditer(text)]


# --- passwords ----------------------------------------------------------------------------------

_CUE_JOINED = re.compile(r"(?:password|passcode|passphrase|pwd|pin|pass)[:=]+", re.IGNORECASE)
_EDGE = ".,;:!?()[]{}\"'“”‘’"
_TRIM = _EDGE + " \t\r\n"


def _password_value(text: str, start: int, end: int) -> Span:
    """The secret inside a password hit ("password is X" → X, "X as your PIN" → X)."""
    tokens = text[start:end].split()
    if len(tokens) >= 2 and tokens[1].lower() == "as":
        return start, start + len(tokens[0].rstrip(_EDGE))
    token = tokens[-1]
    cue = _CUE_JOINED.match(token)
    value = token[cue.end() if cue else 0 :].lstrip(_EDGE)
    return (end - len(value), end) if value else (start, end)


# --- names --------------------------------------------------------------------------------------

_NAME_PART = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_PARTICLES = word_set("van von der den del della das dos the and")
# First names that are also everyday words: matched only when not written in lower case.
_WORDLIKE_NAMES = word_set(
    "will mark bill grace hope joy faith may june april august rose dawn summer amber ruby pearl",
    "crystal sky rich frank sue pat ray rob drew chase hunter carter guy jack jean gene max lance",
    "miles page sandy wade west young king green brown white black gray grey long hill wood cook",
    "baker bell price rice field ward hall love",
)
GENERIC_NAMES = word_set(
    "customer customers agent agents support bot chatbot system admin administrator user unknown",
    "team help desk helpdesk service operator assistant anonymous guest visitor staff",
)


def _name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Each name and its parts of three letters or more, longest first, as whole words."""
    variants: dict[str, str] = {}
    for name in names:
        full = " ".join(name.split())
        parts = [p for p in _NAME_PART.findall(full) if len(p) >= 3]
        for variant in (full, *(p for p in parts if p.casefold() not in _PARTICLES)):
            if variant:
                variants.setdefault(variant.casefold(), variant)
    if not variants:
        return None
    ordered = sorted(variants.values(), key=len, reverse=True)
    body = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in ordered)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


# --- the redactor -------------------------------------------------------------------------------


def _folded(value: str) -> str:
    return " ".join(value.casefold().split())


def _compact(value: str) -> str:
    return "".join(c for c in value.upper() if c.isalnum())


_NORMALISE: dict[str, Callable[[str], str]] = {
    "email": str.casefold,
    "phone": _digits,
    "card": _digits,
    "cvv": _digits,
    "card_expiry": _digits,
    "iban": _compact,
    "national_id": _compact,
    "password": str,
    "address": _folded,
    "name": _folded,
}
_PLACEHOLDER = re.compile(r"\[[A-Za-z][A-Za-z_]*_\d+\]")


def _resolve(text: str, hits: Iterable[Hit]) -> list[Hit]:
    """Non-overlapping hits in text order. The longest (then earliest, then strongest kind) wins; what
    a shorter hit has outside the winners is kept, so no part of a value is left in clear."""
    chosen: list[Hit] = []
    ranked = sorted(hits, key=lambda h: (h[1] - h[2], h[1], _PRIORITY[h[0]]))
    for kind, start, end in ranked:
        pieces = [(start, end)]
        for _, s, e in chosen:
            pieces = [p for a, b in pieces for p in ((a, min(b, s)), (max(a, e), b)) if p[0] < p[1]]
        if pieces == [(start, end)]:
            chosen.append((kind, start, end))
            continue
        for a, b in pieces:
            value = text[a:b]
            stripped = value.strip(_TRIM)
            if any(c.isalnum() for c in stripped):
                a += len(value) - len(value.lstrip(_TRIM))
                chosen.append((kind, a, a + len(stripped)))
    return sorted(chosen, key=lambda h: h[1])


class Redactor:
    """Replaces personal data by numbered placeholders and maps them back; one per conversation,
    so a value keeps its placeholder across messages."""

    def __init__(self, names: Iterable[str] = (), kinds: Iterable[str] = ALL_KINDS) -> None:
        self.kinds = tuple(dict.fromkeys(kinds))
        unknown = [k for k in self.kinds if k not in _PRIORITY]
        if unknown:
            raise ConfigError(
                f"unknown redaction kind(s) {', '.join(unknown)}; use {', '.join(ALL_KINDS)}"
            )
        self._names = _name_pattern(names) if "name" in self.kinds else None
        self._placeholders: dict[tuple[str, str], str] = {}
        self._forms: dict[str, list[str]] = {}
        self._counts: dict[str, int] = {}
        self._hits: dict[str, int] = {}

    @property
    def mapping(self) -> dict[str, str]:
        """Placeholder → the original value, as first seen."""
        return {placeholder: forms[0] for placeholder, forms in self._forms.items()}

    @property
    def counts(self) -> dict[str, int]:
        """Kind → distinct values redacted so far (kinds never seen are absent)."""
        return dict(self._counts)

    @property
    def hits(self) -> dict[str, int]:
        """Kind → values replaced so far, each occurrence counted (kinds never seen are absent)."""
        return dict(self._hits)

    def find(self, text: str) -> list[Hit]:
        """The (kind, start, end) spans `redact` replaces, in text order."""
        wanted = self.kinds
        hits: list[Hit] = []
        for kind, start, end in find_pii(text, PII_KINDS):
            if kind in wanted:
                hits.append(
                    (kind, *_password_value(text, start, end))
                    if kind == "password"
                    else (kind, start, end)
                )
        if "cvv" in wanted or "card_expiry" in wanted:
            hits += [hit for hit in find_card_details(text) if hit[0] in wanted]
        if "email" in wanted:
            hits += [("email", s, e) for s, e in find_emails(text)]
        if "phone" in wanted:
            strong = [(s, e) for kind, s, e in find_pii(text, ("card", "iban", "national_id"))]
            hits += [("phone", s, e) for s, e in find_phones(text, strong)]
        if "address" in wanted:
            hits += [("address", s, e) for s, e in find_addresses(text)]
        if self._names is not None:
            hits += [
                ("name", *m.span())
                for m in self._names.finditer(text)
                if not (m.group().islower() and m.group() in _WORDLIKE_NAMES)
            ]
        return _resolve(text, hits)

    def redact(self, text: str) -> str:
        """`text` with each value found replaced by its placeholder."""
        parts: list[str] = []
        last = 0
        for kind, start, end in self.find(text):
            parts += [text[last:start], self._placeholder(kind, text[start:end])]
            self._hits[kind] = self._hits.get(kind, 0) + 1
            last = end
        parts.append(text[last:])
        return "".join(parts)

    def restore(self, text: str, within: str | None = None) -> str:
        """`text` (a model's quote) with known placeholders replaced by the original values.

        A value seen in several forms ("Maria", "MARIA") is restored as first seen; given `within`
        (the original message), the form that makes the quote appear in it is chosen instead.
        """
        restored = _PLACEHOLDER.sub(
            lambda m: self._forms.get(m.group().upper(), [m.group()])[0], text
        )
        if within is None or restored in within:
            return restored
        pieces: list[str] = []
        last = 0
        for match in _PLACEHOLDER.finditer(text):
            forms = self._forms.get(match.group().upper(), [match.group()])
            pieces += [re.escape(text[last : match.start()]), _alternatives(forms)]
            last = match.end()
        pieces.append(re.escape(text[last:]))
        found = re.search("".join(pieces), within)
        return found.group() if found else restored

    def _placeholder(self, kind: str, value: str) -> str:
        key = (kind, _NORMALISE[kind](value))
        placeholder = self._placeholders.get(key)
        if placeholder is None:
            number = self._counts.get(kind, 0) + 1
            self._counts[kind] = number
            placeholder = f"[{kind.upper()}_{number}]"
            self._placeholders[key] = placeholder
            self._forms[placeholder] = [value]
        elif value not in self._forms[placeholder]:
            self._forms[placeholder].append(value)
        return placeholder


def _alternatives(forms: Sequence[str]) -> str:
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")"


# --- conversations ------------------------------------------------------------------------------


def known_names(conversation: Conversation) -> list[str]:
    """Every person name the conversation's metadata knows: customer, agent and message authors."""
    return person_names(
        [conversation.customer, conversation.agent, *(m.author for m in conversation.messages)]
    )


def person_names(people: Iterable[Person | None]) -> list[str]:
    """The distinct names of `people`, without generic labels ("Customer", "Support Bot") or
    e-mail addresses posing as names."""
    names: dict[str, str] = {}
    for person in people:
        name = " ".join((person.name or "").split()) if person is not None else ""
        words = name.casefold().split()
        if not words or "@" in name or all(w in GENERIC_NAMES or w.isdigit() for w in words):
            continue
        names.setdefault(name.casefold(), name)
    return list(names.values())


def redact_text(
    text: str, names: Iterable[str] = (), kinds: Iterable[str] = ALL_KINDS
) -> tuple[str, dict[str, int]]:
    """`text` redacted, and how many values of each kind were replaced (kinds never seen absent):
    the one entry point for any reader that shows text outside (the LLM judge, reports)."""
    redactor = Redactor(names, kinds)
    redacted = redactor.redact(text)
    return redacted, redactor.hits


def redact_conversation(
    conversation: Conversation, kinds: Iterable[str] = ALL_KINDS
) -> tuple[list[str], Redactor]:
    """Each message's redacted text (same index as `conversation.messages`) and the Redactor used,
    whose `restore` maps the model's quotes back."""
    redactor = Redactor(known_names(conversation), kinds)
    return [redactor.redact(message.text) for message in conversation.messages], redactor

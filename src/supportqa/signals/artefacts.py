"""Transcript artefacts: the parts of a message nobody wrote to the other side.

Help-desk exports carry text that is not the customer's or the agent's words: upload notices
("Customer uploaded a file: IMG_0905.jpg", "[image]", "Attachment: letter.pdf"), template placeholders
that were never filled (`#NAME#`, `{{ticket.id}}`), mail-client footers ("Sent from my iPhone") and the
quoted history below an e-mail reply ("On Wed, 4 Feb 2026 ... wrote:", lines starting with ">"). Read
as words, they move sentiment, fire detectors ("upload" near "problem") and end a conversation on a
placeholder instead of the customer's last real sentence.

`mask_artefacts` blanks them with spaces, keeping every offset: sentence spans found in the masked
text are still offsets into the original, so quotes stay verbatim. Every signal that splits or reads
a message's words goes through it (`signals.text.sentence_spans`, customer sentiment, the end state).
"""

from __future__ import annotations

import re
from functools import lru_cache

_FILE_NAME = r"[\w\-. ()]*\.\w{2,4}(?:\s*\([^)\n]*\))?"
_UPLOAD_LINE = re.compile(
    rf"""^\s*\[?\s*(?:
        (?:(?:customer|user|visitor|client|agent|contact)\s+)?(?:uploaded|attached|sent)\s+
            (?:(?:a|an)\s+)?(?:(?:file|image|photo|picture|attachment|document|screenshot)\s*:?\s*)?
            (?:{_FILE_NAME})?
      | (?:attachment|attached\ file|file|image|photo|screenshot|uploaded)s?\s*:\s*{_FILE_NAME}
      | (?<=\[)\s*(?:image|photo|picture|screenshot|file|attachment|sticker|gif|video|audio
            |voice\ message)(?:\s*[:#]\s*[^\]\n]*)?\s*\]
    )\s*\]?\s*$""",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)
"""A whole line that only announces an upload or attachment."""

_PLACEHOLDER = re.compile(
    r"\{\{\s*[\w.\-]+\s*\}\}|\{%[^%\n]*%\}|#[A-Z][A-Z_]{1,30}#|\[(?:REDACTED|NAME|EMAIL|PHONE)\]|"
    r"<(?:PERSON|NAME|EMAIL|PHONE|ADDRESS)>",
)
"""An unfilled template field or an export's redaction marker."""

_FOOTER_LINE = re.compile(
    r"^\s*(?:sent\s+from\s+(?:my\s+)?(?:iphone|ipad|android|phone|mobile|samsung|galaxy|outlook|mail)"
    r"[^\n]*|get\s+outlook\s+for\s+\w+[^\n]*)\s*$",
    re.IGNORECASE | re.MULTILINE,
)

_QUOTE_HEADER = re.compile(
    r"^\s*(?:on\s[^\n]{6,160}?(?:wrote|a\s+écrit|schrieb)\s*:?|on\s[^\n]{6,120}?<[^\n>]+@[^\n>]+>[^\n]*"
    r"|-{2,}\s*original\s+message\s*-{2,}|from:\s[^\n]+\n\s*sent:\s)",
    re.IGNORECASE | re.MULTILINE,
)
"""Where an e-mail's quoted history starts: everything from here on was written earlier."""

_QUOTED_LINE = re.compile(r"^\s*>[^\n]*$", re.MULTILINE)


def _blank(text: str, start: int, end: int) -> str:
    segment = text[start:end]
    return text[:start] + re.sub(r"[^\n]", " ", segment) + text[end:]


@lru_cache(maxsize=65536)
def mask_artefacts(text: str) -> str:
    """`text` with artefacts replaced by spaces (newlines kept): same length, same offsets."""
    if not text:
        return text
    masked = text
    header = _QUOTE_HEADER.search(masked)
    if header is not None and masked[: header.start()].strip():
        masked = _blank(masked, header.start(), len(masked))
    for pattern in (_QUOTED_LINE, _UPLOAD_LINE, _FOOTER_LINE, _PLACEHOLDER):
        for match in reversed(list(pattern.finditer(masked))):
            if match.end() > match.start():
                masked = _blank(masked, match.start(), match.end())
    return masked


def content(text: str) -> str:
    """The message's own words (artefacts removed, whitespace trimmed); "" when it only had artefacts."""
    return mask_artefacts(text).strip()


def is_artefact_only(text: str) -> bool:
    """True when a message holds nothing but artefacts (an upload notice, a placeholder)."""
    return bool(text.strip()) and not any(ch.isalnum() for ch in mask_artefacts(text))

"""Evidence as offsets into the text a caller receives, masked or not.

A page highlights evidence by splitting the message text it was given at `start`/`end`, so the
offsets must be Unicode code points (Python string indices, not UTF-16 units or bytes) into exactly
that text. A quote is located verbatim in the stored message; one that is not found gets no offsets
rather than wrong ones. When customers' personal data is masked, the offsets are carried through the
masking: a quote edge inside a masked value widens to the whole placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from supportqa.scorers.judge.redaction import Redactor

_PLACEHOLDER = re.compile(r"\[[A-Z_]+_\d+\]")


def quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` first occurs verbatim in `text`, in code points; None if it does not."""
    if not quote:
        return None
    start = text.find(quote)
    return None if start < 0 else (start, start + len(quote))


@dataclass(frozen=True)
class MaskedText:
    """A message's text as shown, and how its positions map from the stored text."""

    text: str
    spans: tuple[tuple[int, int, int, int], ...] = ()
    """(start, end) of each masked value in the stored text, and of its placeholder as shown."""
    mapped: bool = True
    """False when the map could not be built: no offsets then, rather than wrong ones."""

    def position(self, at: int, *, end: bool) -> int:
        """Where stored position `at` is in the shown text (inside a masked value: the
        placeholder's start for a span start, its end for a span end)."""
        shift = 0
        for start, stop, shown_start, shown_stop in self.spans:
            if at <= start:
                break
            if at < stop:
                return shown_stop if end else shown_start
            shift = shown_stop - stop
        return at + shift

    def span(self, stored: tuple[int, int] | None) -> tuple[int, int] | None:
        if stored is None or not self.mapped:
            return None
        return self.position(stored[0], end=False), self.position(stored[1], end=True)


def plain(text: str) -> MaskedText:
    return MaskedText(text)


def masked(redactor: Redactor, text: str) -> MaskedText:
    """`text` with `redactor`'s placeholders in, and the map of where each value went (one
    redactor per conversation, so a value keeps its placeholder across messages)."""
    hits = redactor.find(text)
    shown = redactor.redact(text)
    spans: list[tuple[int, int, int, int]] = []
    shift = 0
    for _kind, start, stop in hits:
        shown_start = start + shift
        found = _PLACEHOLDER.match(shown, shown_start)
        if found is None:  # the redactor's placeholders changed shape: show nothing unmasked
            return MaskedText(shown, (), mapped=False)
        spans.append((start, stop, shown_start, found.end()))
        shift = found.end() - stop
    return MaskedText(shown, tuple(spans))

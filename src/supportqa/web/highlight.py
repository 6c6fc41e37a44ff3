"""Evidence highlighting done on the server: a message's raw text cut at the evidence offsets.

The pieces are plain strings; the template escapes each one and wraps the quoted ones in `<mark>`,
so no stored text is ever parsed as HTML and the highlight lands where the offsets say, whatever
the text holds (`<`, `&`, emoji: offsets are code points, as Python indexes strings). Overlapping
spans cut the text at every boundary; a piece knows every span that covers it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """`text[start:end]` is quoted as evidence by `label` (e.g. `reviewee · criterion`)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Piece:
    text: str
    labels: tuple[str, ...] = ()
    """The spans covering this piece, in the order given; empty: not evidence."""

    @property
    def marked(self) -> bool:
        return bool(self.labels)


def pieces(text: str, spans: Iterable[Span]) -> list[Piece]:
    """`text` cut at every span boundary (spans clipped to the text; empty ones dropped), adjacent
    pieces with the same covering spans joined again."""
    kept = [
        Span(max(0, s.start), min(len(text), s.end), s.label)
        for s in spans
        if min(len(text), s.end) > max(0, s.start)
    ]
    cuts = sorted({0, len(text), *(s.start for s in kept), *(s.end for s in kept)})
    found: list[Piece] = []
    for start, end in itertools.pairwise(cuts):
        labels = tuple(dict.fromkeys(s.label for s in kept if s.start <= start and end <= s.end))
        if found and found[-1].labels == labels:
            found[-1] = Piece(found[-1].text + text[start:end], labels)
        else:
            found.append(Piece(text[start:end], labels))
    return found or [Piece(text)]

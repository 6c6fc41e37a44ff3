"""What a scorer says about one criterion: a rating, N/A, or a recorded failure — never a silent zero."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_QUOTE_WORDS = 30


class Status(StrEnum):
    RATED = "rated"
    NA = "na"
    FAILED = "failed"
    UNRATED = "unrated"
    UNSURE = "unsure"
    """The scorer answered, but its calibrated confidence is below the criterion's `abstain_below`:
    the tentative rating is kept for reviewers and evaluation, and the criterion counts as N/A does
    (out of IQS, counted, shown, and a review-queue reason)."""


STATUSES = tuple(status.value for status in Status)
"""Every criterion status by name: what per-criterion counts are kept of."""


class EvidenceKind(StrEnum):
    QUOTE = "quote"
    ABSENCE = "absence"
    TIMING = "timing"


class Evidence(BaseModel):
    """Where a rating comes from: a quote in a message, or a pointer to what is missing or late."""

    model_config = ConfigDict(frozen=True)

    message_index: int | None = None
    quote: str = ""
    kind: EvidenceKind = EvidenceKind.QUOTE


class ScorerRef(BaseModel):
    """Exactly what produced a score: registered name, version and arguments."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str = "1"
    args: dict[str, Any] = Field(default_factory=dict)


class Score(BaseModel):
    """One criterion's outcome from one scorer (AI) or one person (human)."""

    status: Status
    rating: float | None = None
    explanation: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float | None = None
    scorer: ScorerRef | None = None
    verified: bool | None = None
    """False when a judge's quote was not in the transcript and was dropped (None: nothing checked)."""

    @classmethod
    def rated(
        cls,
        rating: float,
        explanation: str,
        evidence: list[Evidence] | None = None,
        confidence: float | None = None,
    ) -> Score:
        return cls(
            status=Status.RATED,
            rating=float(rating),
            explanation=explanation,
            evidence=evidence or [],
            confidence=confidence,
            scorer=None,
        )

    @classmethod
    def not_applicable(cls, reason: str, evidence: list[Evidence] | None = None) -> Score:
        return cls(
            status=Status.NA,
            rating=None,
            explanation=reason,
            evidence=evidence or [],
            confidence=None,
            scorer=None,
        )

    @classmethod
    def failure(cls, reason: str) -> Score:
        return cls(
            status=Status.FAILED,
            rating=None,
            explanation=reason,
            evidence=[],
            confidence=None,
            scorer=None,
        )

    @classmethod
    def unrated(cls, reason: str = "rated by people only") -> Score:
        return cls(
            status=Status.UNRATED,
            rating=None,
            explanation=reason,
            evidence=[],
            confidence=None,
            scorer=None,
        )


def set_aside(score: Score, why: str) -> Score:
    """`score` marked `unsure`, its rating kept as the tentative answer, the explanation saying why
    it does not count ("Unsure<why>; tentatively: …")."""
    return score.model_copy(
        update={
            "status": Status.UNSURE,
            "explanation": f"Unsure{why}; tentatively: " + score.explanation,
        }
    )


def abstained(score: Score, threshold: float) -> Score:
    """`score` set aside: a calibrated confidence below `threshold` (`Criterion.abstain_below`)."""
    confidence = score.confidence if score.confidence is not None else 0.0
    return set_aside(score, f" (confidence {confidence:.3f} < {threshold:g})")


def unreadable(score: Score, language: str) -> Score:
    """`score` set aside: an English-only scorer read a conversation in another `language` (as
    described, "German (de, p=0.99)")."""
    return set_aside(
        score, f": the conversation reads as {language}; this scorer reads English only"
    )


def clip_quote(text: str, max_words: int = MAX_QUOTE_WORDS) -> str:
    """Evidence quotes are spans, not whole messages: at most `max_words` words, sliced verbatim from
    `text` (whitespace kept as it is) so the quote is always a substring of the message."""
    stripped = text.strip()
    end = 0
    for count, match in enumerate(re.finditer(r"\S+", stripped), start=1):
        end = match.end()
        if count == max_words:
            break
    return stripped[:end]

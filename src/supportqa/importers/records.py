"""Tell conversations, reviews and ratings lines apart, and validate each into its domain type."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import RatingsLine, Review
from supportqa.errors import InputError


class RecordKind(StrEnum):
    CONVERSATION = "conversation"
    REVIEW = "review"
    RATINGS = "ratings"


def record_kind(data: dict[str, Any]) -> RecordKind:
    """A conversation has `messages`, a review `criteria`, a ratings line `ratings`."""
    if "messages" in data:
        return RecordKind.CONVERSATION
    if "criteria" in data and "review_id" in data:
        return RecordKind.REVIEW
    if "ratings" in data:
        return RecordKind.RATINGS
    raise InputError(
        "not a conversation (needs 'messages'), review (needs 'review_id' and 'criteria') "
        "or ratings line (needs 'ratings')"
    )


def describe(exc: ValidationError) -> str:
    """Pydantic's errors as one line: `field.path: problem; ...`."""
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "record"
        parts.append(f"{where}: {error['msg']}")
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def parse_record(data: dict[str, Any]) -> Conversation | Review | RatingsLine:
    kind = record_kind(data)
    try:
        if kind is RecordKind.CONVERSATION:
            return Conversation.model_validate(data)
        if kind is RecordKind.REVIEW:
            return Review.model_validate(data)
        return RatingsLine.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"invalid {kind.value}: {describe(exc)}") from None

"""A coaching note: who was coached, when, by whom and on what.

The analyses take notes as records; where they are kept (an append-only JSONL file beside the
database) is `storage.coaching_notes`'s business.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field


class CoachingNote(BaseModel):
    """One coaching session: who was coached, when, by whom, what was said and the criteria in focus."""

    agent: str = Field(min_length=1)
    date: date
    author: str = Field(min_length=1)
    text: str = Field(min_length=1)
    focus: list[str] = Field(default_factory=list)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))

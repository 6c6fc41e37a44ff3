"""A review-queue assignment: one conversation's reviewee handed to one reviewer in an ISO week.

The queue reads earlier assignments as records (so a second run skips what was handed out) and
returns new ones; `storage.assignments` keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Assignment:
    """One conversation handed to one reviewer in an ISO week, and the queue rules that picked it."""

    source: str
    conversation_id: str
    week: str
    agent: str | None
    reviewer: str
    rules: tuple[str, ...]
    second_review: bool = False
    assigned_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str | None]:
        """What is handed out once: one conversation's reviewee (`agent`, the person key)."""
        return (self.source, self.conversation_id, self.agent)

"""People's reviews as use cases: adding a human review, and overriding one AI rating.

An override never changes the AI review: the person's rating goes on that person's human review of
the conversation with a record of what it replaced (`scoring.overrides` holds the rules); this module
finds the reviews and the scorecard in the workspace and stores the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from supportqa.domain.review import Override, RatingsLine, Review, ReviewKind, ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError, StorageError
from supportqa.scoring.overrides import (
    OverrideRequest,
    OverrideRow,
    apply_override,
    new_review_id,
    override_rows,
    person_review,
    pick_ai_review,
)
from supportqa.scoring.ratings import review_from_ratings
from supportqa.services import audit
from supportqa.services.workspace import Workspace
from supportqa.storage import UpsertCounts
from supportqa.storage.review_writes import write_chunk

__all__ = [
    "OverrideRequest",
    "OverrideResult",
    "OverrideRow",
    "add_review",
    "list_overrides",
    "override_rating",
    "review_audited",
    "store_audited",
]


def review_audited(review: Review | None) -> dict[str, Any] | None:
    """What the audit log keeps of a person's review: whose, on which scorecard, the ratings and
    the IQS (not the explanations, which may quote customers)."""
    if review is None:
        return None
    return {
        "review_id": review.review_id,
        "conversation": f"{review.source}/{review.conversation_id}",
        "reviewer": review.reviewer,
        "reviewee": review.reviewee.id,
        "scorecard": f"{review.scorecard.name} v{review.scorecard.version}",
        "ratings": {
            c.key: (c.rating if c.status.value == "rated" else c.status.value)
            for c in review.criteria
            if c.status.value != "unrated"
        },
        "iqs": review.iqs,
        "overrides": [
            {"criterion": o.criterion, "rating": o.rating, "reason_code": o.reason_code}
            for o in review.overrides
        ],
    }


def store_audited(
    workspace: Workspace,
    review: Review,
    *,
    actor: str,
    action: str,
    before: Review | None,
    address: str | None = None,
    now: datetime | None = None,
) -> Review:
    """Store one person's review and its audit row in one transaction; the review as stored (its
    id may carry a suffix when it is stored beside an earlier one of theirs)."""
    try:
        with workspace.db.write_transaction() as connection:
            stored = write_chunk(connection, [review], UpsertCounts())[0]
            audit.record(
                connection,
                actor=actor,
                action=action,
                target=f"review:{stored.review_id}",
                before=review_audited(before),
                after=review_audited(stored),
                address=address,
                now=now,
            )
    except IntegrityError:
        raise StorageError(
            f"another write to review {review.review_id} committed first: send it again"
        ) from None
    return stored


def add_review(workspace: Workspace, line: RatingsLine, scorecard: Scorecard) -> Review:
    """Store one person's ratings of a conversation as their human review on `scorecard` (the same
    review `supportqa import` makes of a ratings line: re-adding it updates it, never duplicates)."""
    if workspace.get_scorecard(scorecard.name, scorecard.version) is None:
        workspace.save_scorecard(scorecard)
    review = review_from_ratings(line, scorecard)
    workspace.upsert_reviews([review])
    return review


@dataclass(frozen=True)
class OverrideResult:
    """The override recorded and the human review that now holds it."""

    override: Override
    human_review_id: str
    created: bool
    """True when the person had no review of this conversation version yet."""
    overrides: int
    human_iqs: float | None
    source: str
    conversation_id: str
    scorecard: ScorecardRef


def override_rating(
    workspace: Workspace,
    conversation_id: str,
    request: OverrideRequest,
    *,
    source: str | None = None,
    scorecard_version: str | None = None,
    actor: str | None = None,
    address: str | None = None,
) -> OverrideResult:
    """Override one AI rating: it becomes (or updates) the person's human review of the conversation
    on the AI review's scorecard version, with a record of the AI rating, scorer, who, when and why.
    The write is audited (`override.add`, by `actor`, else the person overriding) in its
    transaction."""
    reviews = workspace.reviews_of(conversation_id, source=source)
    if not any(r.kind is ReviewKind.AI for r in reviews):
        where = f" in source {source}" if source else ""
        raise InputError(
            f"conversation {conversation_id}{where} has no AI review: import it and run "
            "`supportqa score` first"
        )
    ai_review = pick_ai_review(reviews, scorecard_version)
    scorecard = workspace.get_scorecard(ai_review.scorecard.name, ai_review.scorecard.version)
    if scorecard is None:
        raise InputError(
            f"scorecard {ai_review.scorecard.name} v{ai_review.scorecard.version} of the AI "
            "review is not stored: run `supportqa init --scorecard FILE` with it"
        )
    existing = person_review(reviews, ai_review, request.by)
    human = apply_override(ai_review, existing, scorecard, request)
    if existing is None:
        human = human.model_copy(
            update={"review_id": new_review_id(reviews, ai_review, request.by)}
        )
    human = store_audited(
        workspace,
        human,
        actor=actor or request.by,
        action="override.add",
        before=existing,
        address=address,
        now=request.at,
    )
    return OverrideResult(
        override=human.overrides[-1],
        human_review_id=human.review_id,
        created=existing is None,
        overrides=len(human.overrides),
        human_iqs=human.iqs,
        source=human.source,
        conversation_id=human.conversation_id,
        scorecard=human.scorecard,
    )


def list_overrides(
    workspace: Workspace,
    *,
    conversation_id: str | None = None,
    source: str | None = None,
    by: str | None = None,
) -> list[OverrideRow]:
    """Every override (of one conversation, source or person), oldest first."""
    reviews = (
        workspace.reviews_of(conversation_id, source=source, kind="human")
        if conversation_id
        else workspace.iter_reviews(kind="human")
    )
    return override_rows(reviews, conversation_id=conversation_id, source=source, by=by)

"""Stored reviews as a list a caller may page through: of one conversation, by one reviewer, of
one kind — within the caller's scope (an agent sees only reviews of themselves).

Items are summaries (who, whom, scorecard, IQS, each criterion's status and rating): explanations
and evidence quote the transcript, and are read with it in `conversation_detail`, which masks them
for the roles that see customers' data masked.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from supportqa.domain.review import Review
from supportqa.errors import InputError
from supportqa.scorers.judge.personal_data import customer_names, redact_personal_data
from supportqa.services.conversation_detail import ReviewHeader
from supportqa.services.review_submission import find_conversation
from supportqa.services.scope import EVERYTHING, Scope
from supportqa.services.workspace import Workspace
from supportqa.storage.review_writes import ReviewQuery, review_page

__all__ = ["ReviewItem", "ReviewPage", "list_reviews", "review_item"]

MAX_LIMIT = 500


class CriterionRating(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    status: str
    rating: float | None
    score_pct: float | None


class ReviewItem(ReviewHeader):
    source: str
    conversation_id: str
    criteria: list[CriterionRating]
    overrides: int
    comment: str | None


class ReviewPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    items: list[ReviewItem]
    next_cursor: str | None
    """Pass it back as `cursor` (with the same filters) for the next page; None on the last."""


def list_reviews(
    workspace: Workspace,
    *,
    conversation: str | None = None,
    reviewer: str | None = None,
    kind: Literal["ai", "human"] | None = None,
    scope: Scope = EVERYTHING,
    cursor: str | None = None,
    limit: int = 100,
) -> ReviewPage:
    """A page of the reviews `scope` sees, oldest stored first. `conversation` is `source/id` or a
    bare id (`find_conversation`); a conversation out of scope answers NotFoundError."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    after = _after(cursor)
    which = None
    if conversation is not None:
        which = frozenset({find_conversation(workspace, conversation, scope)})
    query = ReviewQuery(
        conversations=which,
        reviewer=reviewer,
        kind=kind,
        reviewees=scope.reviewees,
        after_pk=after,
        limit=limit,
    )
    with workspace.db.engine.connect() as connection:
        rows = review_page(connection, query)
    shown = rows[:limit]
    following = str(shown[-1][0]) if len(rows) > limit else None
    items = [review_item(review) for _, review in shown]
    if scope.mask_personal_data:
        items = _masked_comments(workspace, items)
    return ReviewPage(items=items, next_cursor=following)


def _masked_comments(workspace: Workspace, items: list[ReviewItem]) -> list[ReviewItem]:
    """A reviewer's comment may name or quote the customer: for callers who see customers'
    personal data masked, it is masked as their transcripts are (with the conversation's names)."""
    names: dict[tuple[str, str], list[str]] = {}
    shown: list[ReviewItem] = []
    for item in items:
        if not item.comment:
            shown.append(item)
            continue
        key = (item.source, item.conversation_id)
        if key not in names:
            found = workspace.get_conversation(*key)
            names[key] = customer_names(found) if found is not None else []
        masked = redact_personal_data(item.comment, names[key])
        shown.append(item.model_copy(update={"comment": masked}))
    return shown


def _after(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdecimal() or len(cursor) > 18:
        raise InputError("the cursor is not one this list gave: start again from the first page")
    return int(cursor)


def review_item(review: Review) -> ReviewItem:
    """A review as the list shows it."""
    return ReviewItem(
        review_id=review.review_id,
        kind=review.kind.value,
        source=review.source,
        conversation_id=review.conversation_id,
        reviewer=review.reviewer,
        reviewee_id=review.reviewee.id,
        reviewee_name=review.reviewee.name,
        reviewee_is_bot=review.reviewee.is_bot,
        scorecard=review.scorecard,
        reviewed_at=review.reviewed_at,
        iqs=review.iqs,
        critical_failed=review.critical_failed,
        incomplete=review.incomplete,
        criteria=[
            CriterionRating(
                key=c.key, status=c.status.value, rating=c.rating, score_pct=c.score_pct
            )
            for c in review.criteria
        ],
        overrides=len(review.overrides),
        comment=review.comment,
    )

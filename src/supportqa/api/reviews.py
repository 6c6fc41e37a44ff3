"""`/api/v1/reviews` and `/api/v1/overrides`: people's reviews and corrections of AI ratings.

The reviewer is the authenticated user (their e-mail): a body may not name anyone else. A body is
either the ratings shorthand (`ReviewSubmission`) or the review record of docs/formats.md, which
is read as the same shorthand (`from_record`). Rule violations of the scorecard answer 422 naming
the field; writing about one's own work answers 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel

from supportqa.api.problems import PROBLEM_RESPONSES
from supportqa.api.security import address_of, allow, now_of, workspace_of
from supportqa.domain.review import Override, Review, ScorecardRef
from supportqa.services.permissions import Action, Principal
from supportqa.services.review_list import (
    MAX_LIMIT,
    ReviewItem,
    ReviewPage,
    list_reviews,
    review_item,
)
from supportqa.services.review_submission import (
    OverrideSubmission,
    ReviewSubmission,
    from_record,
    submit_override,
    submit_review,
)
from supportqa.services.workspace import Workspace

router = APIRouter(tags=["reviews"], responses=PROBLEM_RESPONSES)
WorkspaceDep = Annotated[Workspace, Depends(workspace_of)]
NowDep = Annotated[datetime, Depends(now_of)]


class PostedReview(BaseModel):
    review: ReviewItem
    created: bool


class PostedOverride(BaseModel):
    override: Override
    human_review_id: str
    created: bool
    """True when the override started the caller's review of this conversation version."""
    human_iqs: float | None
    source: str
    conversation_id: str
    scorecard: ScorecardRef


@router.post("/reviews", status_code=201)
def post_review(
    request: Request,
    body: Annotated[ReviewSubmission | Review, Body()],
    workspace: WorkspaceDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(allow(Action.WRITE_REVIEWS))],
) -> PostedReview:
    """Store the caller's review of one conversation: the ratings shorthand or a review record."""
    submission = body if isinstance(body, ReviewSubmission) else from_record(body, principal)
    posted = submit_review(workspace, submission, principal, now=now, address=address_of(request))
    return PostedReview(review=review_item(posted.review), created=posted.created)


@router.get("/reviews")
def get_reviews(
    workspace: WorkspaceDep,
    principal: Annotated[Principal, Depends(allow(Action.READ_REVIEWS))],
    conversation: Annotated[str | None, Query(min_length=1, max_length=600)] = None,
    reviewer: Annotated[str | None, Query(max_length=320)] = None,
    kind: Literal["ai", "human"] | None = None,
    cursor: Annotated[str | None, Query(max_length=20)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> ReviewPage:
    """Reviews the caller may see (an agent: reviews of themselves), oldest first; `conversation`
    is `source/id`, or a bare id when only one source has it (else 400 naming them)."""
    return list_reviews(
        workspace,
        conversation=conversation,
        reviewer=reviewer,
        kind=kind,
        scope=principal.scope(),
        cursor=cursor,
        limit=limit,
    )


@router.post("/overrides", status_code=201)
def post_override(
    request: Request,
    body: OverrideSubmission,
    workspace: WorkspaceDep,
    now: NowDep,
    principal: Annotated[Principal, Depends(allow(Action.WRITE_OVERRIDES))],
) -> PostedOverride:
    """Correct one AI rating: the caller's rating goes on their human review of the conversation,
    with what it replaced, the reason code and the comment (the AI review is never changed)."""
    result = submit_override(workspace, body, principal, now=now, address=address_of(request))
    return PostedOverride(
        override=result.override,
        human_review_id=result.human_review_id,
        created=result.created,
        human_iqs=result.human_iqs,
        source=result.source,
        conversation_id=result.conversation_id,
        scorecard=result.scorecard,
    )

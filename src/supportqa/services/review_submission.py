"""A signed-in person's review or override: what `POST /api/v1/reviews` and `/overrides` call.

The reviewer is always the caller (their e-mail), never a field a client may set, and nobody rates
their own work: a caller linked to a help-desk identity (`users add --agent`) may not review or
override the review of a conversation where that identity is the reviewee. Ratings are checked
against the scorecard version by the same code that turns imported ratings lines into reviews
(`scoring.ratings`), here with the scorecard's N/A rules too; every write is audited in its own
transaction (`services.reviews.store_audited`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from supportqa.domain.conversation import Conversation, Reviewee
from supportqa.domain.review import (
    OverrideReason,
    RatingsLine,
    Review,
    ReviewKind,
    ScorecardRef,
)
from supportqa.domain.score import Status
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import Forbidden, InputError, InvalidField, NotFoundError
from supportqa.scoring.ratings import review_from_ratings
from supportqa.services.permissions import Principal
from supportqa.services.reviews import (
    OverrideRequest,
    OverrideResult,
    override_rating,
    store_audited,
)
from supportqa.services.scope import Scope
from supportqa.services.workspace import Workspace
from supportqa.storage import conversation_list

__all__ = [
    "OverrideSubmission",
    "ReviewSubmission",
    "find_conversation",
    "from_record",
    "submit_override",
    "submit_review",
]


class ReviewSubmission(BaseModel):
    """The ratings shorthand: `{criterion key: rating, or null for N/A}`; criteria left out are
    unrated. `reviewee` is the id of the agent (or, with `reviewee_is_bot`, the bot) reviewed,
    by default the conversation's last agent; `scorecard` by default the one of the
    conversation's latest AI review."""

    model_config = ConfigDict(extra="forbid")

    conversation: str = Field(min_length=1, max_length=600)
    """`source/id`, or a bare id when only one source has it."""
    ratings: dict[str, float | None] = Field(max_length=500)
    reviewee: str | None = Field(default=None, min_length=1, max_length=300)
    reviewee_is_bot: bool = False
    scorecard: ScorecardRef | None = None
    cx: float | None = Field(default=None, ge=1, le=5)
    """The reviewer's own 1–5 judgement of the customer's experience."""
    comment: str | None = Field(default=None, max_length=20_000)
    session_id: str | None = Field(default=None, max_length=200)


class OverrideSubmission(BaseModel):
    """A correction of one AI rating: `value` on the criterion's scale, or null for N/A (where the
    criterion allows it); `reviewee` picks the AI review of that participant (default: the latest
    AI review, as `supportqa override add`)."""

    model_config = ConfigDict(extra="forbid")

    conversation: str = Field(min_length=1, max_length=600)
    criterion: str = Field(min_length=1, max_length=200)
    value: float | None
    reason_code: OverrideReason
    comment: str = Field(min_length=1, max_length=20_000)
    scorecard_version: str | None = Field(default=None, max_length=100)


@dataclass(frozen=True)
class SubmittedReview:
    review: Review
    created: bool
    """False when it replaced the caller's earlier review (same conversation, reviewee, session,
    scorecard and time)."""


def find_conversation(workspace: Workspace, ref: str, scope: Scope) -> tuple[str, str]:
    """(source, id) of the conversation `ref` names in `scope`: `source/id`, or a bare id that only
    one source holds (else an InputError naming the candidates); NotFoundError when none is seen."""
    source, slash, ident = ref.partition("/")
    with workspace.db.engine.connect() as connection:
        pair = slash and source and ident
        if pair and conversation_list.visible(connection, source, ident, scope.reviewees):
            return source, ident
        candidates = conversation_list.sources_of(connection, ref, scope.reviewees)
    if len(candidates) == 1:
        return candidates[0], ref
    if len(candidates) > 1:
        named = ", ".join(f"{s}/{ref}" for s in candidates)
        raise InputError(f"conversation {ref!r} is in several sources: name one of {named}")
    raise NotFoundError(f"no conversation {ref!r}")


def from_record(record: Review, principal: Principal) -> ReviewSubmission:
    """A posted review record (docs/formats.md) as the shorthand: its ratings, reviewee, scorecard,
    CX and comment; what the workspace computes (`iqs`, `score_pct`, counts, the id) is computed
    again, and `reviewer`, when present, must be the caller."""
    if record.kind is not ReviewKind.HUMAN:
        raise InvalidField("only human reviews can be posted (kind: human)", field="kind")
    if record.reviewer is not None and record.reviewer != principal.email:
        raise InvalidField(
            f"reviewer must be left out (or be you, {principal.email}): the reviewer is the "
            "authenticated user",
            field="reviewer",
        )
    ratings: dict[str, float | None] = {}
    for result in record.criteria:
        if result.status is Status.RATED:
            ratings[result.key] = result.rating
        elif result.status is Status.NA:
            ratings[result.key] = None
    try:
        return ReviewSubmission(
            conversation=f"{record.source}/{record.conversation_id}",
            ratings=ratings,
            reviewee=record.reviewee.id,
            reviewee_is_bot=record.reviewee.is_bot,
            scorecard=record.scorecard,
            cx=record.cx.value if record.cx else None,
            comment=record.comment,
            session_id=record.session_id,
        )
    except ValidationError as exc:  # a record field the shorthand bounds tighter (cx.value 1-5)
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        field = "cx.value" if where == "cx" else where
        raise InvalidField(f"{field}: {error['msg']}", field=field) from None


def _conversation(workspace: Workspace, ref: str, principal: Principal) -> Conversation:
    source, ident = find_conversation(workspace, ref, principal.scope())
    conversation = workspace.get_conversation(source, ident)
    if conversation is None:  # deleted between the two reads
        raise NotFoundError(f"no conversation {ref!r}")
    return conversation


def _reviewee(conversation: Conversation, submission: ReviewSubmission) -> Reviewee:
    default = conversation.reviewee()
    if submission.reviewee is None:
        if default.id is None:
            raise InvalidField(
                "the conversation has no agent reply: name the reviewee", field="reviewee"
            )
        return default
    wanted = (submission.reviewee_is_bot, submission.reviewee)
    for participant in conversation.participants():
        if participant.reviewee.key == wanted:
            return participant.reviewee
    if default.key == wanted:
        return default
    known = ", ".join(p.reviewee.id or "?" for p in conversation.participants()) or "none"
    raise InvalidField(
        f"{submission.reviewee!r} did not reply in this conversation (participants: {known})",
        field="reviewee",
    )


def _not_own(principal: Principal, source: str, reviewee: Reviewee) -> None:
    if reviewee.id is not None and (source, reviewee.id) in principal.identities:
        raise Forbidden("you may not review your own work: this conversation's reviewee is you")


def _scorecard(
    workspace: Workspace, conversation: Conversation, wanted: ScorecardRef | None
) -> Scorecard:
    if wanted is None:
        ai = [
            r for r in workspace.reviews_of(conversation.id, source=conversation.source, kind="ai")
        ]
        latest = max(ai, key=lambda r: (r.reviewed_at is not None, r.reviewed_at), default=None)
        if latest is None:
            raise InvalidField(
                "the conversation has no AI review to take the scorecard from: name `scorecard`",
                field="scorecard",
            )
        wanted = latest.scorecard
    card = workspace.get_scorecard(wanted.name, wanted.version)
    if card is None:
        raise InvalidField(
            f"no scorecard {wanted.name} v{wanted.version} is stored", field="scorecard"
        )
    return card


def submit_review(
    workspace: Workspace,
    submission: ReviewSubmission,
    principal: Principal,
    *,
    now: datetime,
    address: str | None = None,
) -> SubmittedReview:
    """Store the caller's review of a conversation they may see, audited as `review.add`."""
    conversation = _conversation(workspace, submission.conversation, principal)
    reviewee = _reviewee(conversation, submission)
    _not_own(principal, conversation.source, reviewee)
    card = _scorecard(workspace, conversation, submission.scorecard)
    line = RatingsLine(
        conversation_id=conversation.id,
        source=conversation.source,
        agent=reviewee.id,
        agent_name=reviewee.name,
        agent_is_bot=reviewee.is_bot,
        team=reviewee.team,
        reviewer=principal.email,
        reviewed_at=now,
        conversation_created_at=conversation.created_at,
        session_id=submission.session_id,
        ratings=submission.ratings,
        cx=submission.cx,
    )
    review = review_from_ratings(line, card, strict_na=True)
    review = review.model_copy(
        update={"comment": submission.comment, "channel": conversation.channel}
    )
    before = next(
        (
            r
            for r in workspace.reviews_of(conversation.id, source=conversation.source)
            if r.review_id == review.review_id and r.reviewed_at == review.reviewed_at
        ),
        None,
    )
    stored = store_audited(
        workspace,
        review,
        actor=principal.email,
        action="review.add",
        before=before,
        address=address,
        now=now,
    )
    return SubmittedReview(stored, before is None)


def submit_override(
    workspace: Workspace,
    submission: OverrideSubmission,
    principal: Principal,
    *,
    now: datetime,
    address: str | None = None,
) -> OverrideResult:
    """Override one AI rating of a conversation the caller may see, as the caller, audited as
    `override.add`."""
    conversation = _conversation(workspace, submission.conversation, principal)
    for review in workspace.reviews_of(conversation.id, source=conversation.source, kind="ai"):
        _not_own(principal, conversation.source, review.reviewee)
    request = OverrideRequest(
        criterion=submission.criterion,
        rating=submission.value,
        by=principal.email,
        reason=submission.comment,
        at=now,
        reason_code=submission.reason_code,
    )
    return override_rating(
        workspace,
        conversation.id,
        request,
        source=conversation.source,
        scorecard_version=submission.scorecard_version,
        actor=principal.email,
        address=address,
    )

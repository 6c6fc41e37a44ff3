"""One conversation as a reviewer (or its agent) reads it: transcript, AI reviews with evidence
offsets, CX, people's reviews and overrides — within the caller's scope.

Out of scope and absent look the same (None), so ids cannot be probed. A scoped caller sees only
reviews of their own reviewees; the CX breakdown is shown to them too, because it describes the
customer's experience of the whole conversation, not a colleague's work. With masking, customers'
personal data is replaced in texts, names, quotes and explanations, and evidence offsets point into
the masked text returned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from supportqa.analytics.explain import CxMapping, cx_mapping
from supportqa.domain.conversation import Conversation, Reviewee, Role
from supportqa.domain.review import CriterionResult, CxScore, Review, ReviewKind, ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.scorers.judge.personal_data import customer_names, personal_data_redactor
from supportqa.scorers.judge.redaction import Redactor
from supportqa.services.scope import EVERYTHING, Scope
from supportqa.services.transcript_view import MaskedText, masked, plain, quote_span
from supportqa.services.trust import trust_gate
from supportqa.services.workspace import Workspace
from supportqa.signals.language import language_name
from supportqa.storage import conversation_list

__all__ = [
    "ConversationDetail",
    "CriterionView",
    "EvidenceView",
    "OverrideView",
    "ReviewHeader",
    "ReviewView",
    "TranscriptMessage",
    "conversation_detail",
]


class TranscriptMessage(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int
    role: str
    author_id: str | None
    author_name: str | None
    at: datetime | None
    public: bool
    text: str


class EvidenceView(BaseModel):
    """A quote as shown, and where it is: `start`/`end` are code-point offsets into the `text` of
    message `message_index` as returned (None when the quote is not found verbatim there)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    message_index: int | None
    quote: str
    start: int | None
    end: int | None


class CriterionView(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    group: str | None
    status: str
    rating: float | None
    scale_min: float | None
    scale_max: float | None
    score_pct: float | None
    weight: float
    critical: bool
    confidence: float | None
    explanation: str
    evidence: list[EvidenceView]
    trust: str | None = None
    """"untrusted" on an AI review's criterion the latest calibration marks untrusted, else null."""


class ReviewHeader(BaseModel):
    """What every view of a review starts with: whose, of whom, on which scorecard, and its IQS."""

    model_config = ConfigDict(frozen=True)

    review_id: str
    kind: str
    reviewer: str | None
    reviewee_id: str | None
    reviewee_name: str | None
    reviewee_is_bot: bool
    scorecard: ScorecardRef
    reviewed_at: datetime | None
    iqs: float | None
    critical_failed: bool
    incomplete: bool


class ReviewView(ReviewHeader):
    current: bool
    """Whether it judged the current version (offsets are given only then)."""
    criteria: list[CriterionView]


class OverrideView(BaseModel):
    model_config = ConfigDict(frozen=True)

    human_review_id: str
    criterion: str
    ai_review_id: str
    ai_status: str
    ai_rating: float | None
    status: str
    rating: float | None
    by: str
    at: datetime
    reason: str


class ConversationDetail(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    id: str
    subject: str | None
    channel: str | None
    status: str | None
    team: str | None
    created_at: datetime | None
    closed_at: datetime | None
    version: str | None
    language: str | None = None
    """The detected language of the current version (`en`, `de`, ..., `und`: undetermined), null
    until that version is scored (docs/scorers.md#languages)."""
    language_name: str | None = None
    masked: bool
    messages: list[TranscriptMessage]
    ai_reviews: list[ReviewView]
    cx: CxScore | None
    cx_mapping: CxMapping | None = None
    """How `cx.value` became its score: the cuts of the scorecard the holder's review used."""
    human_reviews: list[ReviewView]
    overrides: list[OverrideView]


def conversation_detail(
    workspace: Workspace, source: str, id: str, *, scope: Scope = EVERYTHING
) -> ConversationDetail | None:
    """The conversation `source`/`id`, or None when it does not exist or `scope` does not see it."""
    with workspace.db.engine.connect() as connection:
        row = conversation_list.visible(connection, source, id, scope.reviewees)
    if row is None:
        return None
    conversation = Conversation.model_validate(row.payload)
    reviews = workspace.reviews_of(id, source=source)
    seen = [r for r in reviews if scope.sees_reviewee(r.source, r.reviewee.id)]
    current = [
        r
        for r in reviews
        if r.kind is ReviewKind.AI and r.conversation_version in (None, row.version_hash)
    ]
    redactor = (
        personal_data_redactor(customer_names(conversation)) if scope.mask_personal_data else None
    )
    texts = [masked(redactor, m.text) if redactor else plain(m.text) for m in conversation.messages]
    view = _Viewer(workspace, conversation, texts, redactor, row.version_hash)
    holder = max(
        (r for r in current if r.cx is not None),
        key=lambda r: (r.reviewed_at is not None, r.reviewed_at or datetime.min),
        default=None,
    )
    humans = [r for r in seen if r.kind is ReviewKind.HUMAN]
    return ConversationDetail(
        source=conversation.source,
        id=conversation.id,
        subject=view.text(conversation.subject),
        channel=conversation.channel,
        status=conversation.status,
        team=conversation.agent.team if conversation.agent else None,
        created_at=conversation.created_at,
        closed_at=conversation.closed_at,
        version=row.version_hash,
        language=row.language,
        language_name=language_name(row.language) if row.language else None,
        masked=redactor is not None,
        messages=[view.message(i, m) for i, m in enumerate(conversation.messages)],
        ai_reviews=[view.review(r) for r in current if r in seen],
        cx=_cx(holder, view) if holder is not None else None,
        cx_mapping=_cx_mapping(view, holder),
        human_reviews=[view.review(r) for r in humans],
        overrides=[
            OverrideView(
                human_review_id=r.review_id,
                criterion=o.criterion,
                ai_review_id=o.ai_review_id,
                ai_status=o.ai_status.value,
                ai_rating=o.ai_rating,
                status=o.status.value,
                rating=o.rating,
                by=o.by,
                at=o.at,
                reason=view.text(o.reason) or "",
            )
            for r in humans
            for o in r.overrides
        ],
    )


def _cx_mapping(view: _Viewer, holder: Review | None) -> CxMapping | None:
    if holder is None or holder.cx is None:
        return None
    card = view.scorecard(holder.scorecard)
    return None if card is None else cx_mapping(holder.cx.value, card.cx)


def _cx(review: Review, view: _Viewer) -> CxScore:
    """The stored CX as the caller may see it: only its explanation can quote the customer."""
    cx = review.cx
    assert cx is not None
    return cx.model_copy(update={"explanation": view.text(cx.explanation) or ""})


class _Viewer:
    """Turns one conversation's stored records into what the caller is shown."""

    def __init__(
        self,
        workspace: Workspace,
        conversation: Conversation,
        texts: list[MaskedText],
        redactor: Redactor | None,
        version: str | None,
    ) -> None:
        self.workspace = workspace
        self.conversation = conversation
        self.texts = texts
        self.redactor = redactor
        self.version = version
        self.scorecards: dict[ScorecardRef, Scorecard | None] = {}
        self.trust = trust_gate(workspace)

    def text(self, value: str | None) -> str | None:
        return self.redactor.redact(value) if self.redactor and value else value

    def message(self, index: int, message: Any) -> TranscriptMessage:
        author = message.author
        author_id = author.id if author else None
        author_name = author.name if author else None
        if self.redactor is not None and message.role is Role.CUSTOMER:
            author_id, author_name = self.text(author_id), self.text(author_name)
        return TranscriptMessage(
            index=index,
            role=message.role.value,
            author_id=author_id,
            author_name=author_name,
            at=message.at,
            public=message.public,
            text=self.texts[index].text,
        )

    def review(self, review: Review) -> ReviewView:
        current = review.conversation_version in (None, self.version)
        scorecard = self.scorecard(review.scorecard)
        reviewee: Reviewee = review.reviewee
        return ReviewView(
            review_id=review.review_id,
            kind=review.kind.value,
            reviewer=review.reviewer,
            reviewee_id=reviewee.id,
            reviewee_name=reviewee.name,
            reviewee_is_bot=reviewee.is_bot,
            scorecard=review.scorecard,
            reviewed_at=review.reviewed_at,
            iqs=review.iqs,
            critical_failed=review.critical_failed,
            incomplete=review.incomplete,
            current=current,
            criteria=[
                self._criterion(
                    c,
                    scorecard,
                    current,
                    self.trust.label_of(review.scorecard.name, c.key)
                    if review.kind is ReviewKind.AI
                    else None,
                )
                for c in review.criteria
            ],
        )

    def scorecard(self, ref: ScorecardRef) -> Scorecard | None:
        """The scorecard version a review names, read once per page."""
        if ref not in self.scorecards:
            self.scorecards[ref] = self.workspace.get_scorecard(ref.name, ref.version)
        return self.scorecards[ref]

    def _criterion(
        self, c: CriterionResult, scorecard: Scorecard | None, current: bool, trust: str | None
    ) -> CriterionView:
        defined = (
            next((d for d in scorecard.criteria if d.key == c.key), None) if scorecard else None
        )
        return CriterionView(
            key=c.key,
            group=c.group,
            status=c.status.value,
            rating=c.rating,
            scale_min=defined.scale.min if defined else None,
            scale_max=defined.scale.max if defined else None,
            score_pct=c.score_pct,
            weight=c.weight,
            critical=c.critical,
            confidence=c.confidence,
            explanation=self.text(c.explanation) or "",
            evidence=[self._evidence(e, current) for e in c.evidence],
            trust=trust,
        )

    def _evidence(self, evidence: Any, current: bool) -> EvidenceView:
        index = evidence.message_index
        shown = (
            self.texts[index]
            if current and index is not None and 0 <= index < len(self.texts)
            else None
        )
        span = None
        if shown is not None:
            span = shown.span(quote_span(self.conversation.messages[index].text, evidence.quote))
        quote = (
            shown.text[span[0] : span[1]]
            if shown is not None and span
            else self.text(evidence.quote)
        )
        return EvidenceView(
            kind=evidence.kind.value,
            message_index=index,
            quote=quote or "",
            start=span[0] if span else None,
            end=span[1] if span else None,
        )

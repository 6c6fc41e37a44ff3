"""The review record: one shape for AI and human reviews, what `score` writes and `import`/`iqs` read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from supportqa.domain.conversation import Reviewee, as_utc
from supportqa.domain.score import Evidence, ScorerRef, Status

JUDGE_SCORER_NAME = "llm"
"""The scorer name the LLM judge's ratings carry (`supportqa.scorers.judge.JUDGE_SCORER`)."""


class ReviewKind(StrEnum):
    AI = "ai"
    HUMAN = "human"


class ScorecardRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    version: str


class Counts(BaseModel):
    rated: int = 0
    na: int = 0
    failed: int = 0
    unrated: int = 0
    unsure: int = 0
    """Criteria the AI abstained on (`Status.UNSURE`): left out of IQS as N/A is."""


class CriterionResult(BaseModel):
    """A criterion as it stands in a review: the score plus the scorecard facts it was weighed with."""

    model_config = ConfigDict(extra="ignore")

    key: str
    group: str | None = None
    status: Status
    rating: float | None = None
    score_pct: float | None = None
    weight: float = 0
    critical: bool = False
    explanation: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: float | None = None
    scorer: ScorerRef | None = None
    verified: bool | None = None
    """False: an LLM judge quoted something that is not in the transcript (the quote was dropped)."""


class CxScore(BaseModel):
    """The customer-experience score (see `supportqa.scoring.cx`): never used to rank agents."""

    model_config = ConfigDict(frozen=True)

    score: int
    value: float
    subscores: dict[str, float | None]
    weights: dict[str, float]
    explanation: str
    review_recommended: bool


class ResolutionOutcome(BaseModel):
    """Resolved / partial / unresolved, with the probability of that status."""

    model_config = ConfigDict(frozen=True)

    status: str
    probability: float


class OverrideReason(StrEnum):
    """Why a person corrected an AI rating: the categories calibration and scorer owners count."""

    INCORRECT_SCORE = "incorrect_score"
    INCORRECT_EVIDENCE = "incorrect_evidence"
    MISSING_EVIDENCE = "missing_evidence"
    OTHER = "other"


class Override(BaseModel):
    """A person's rating that replaced an AI rating, on that person's human review: the AI review itself
    is never changed, so both stay side by side and the record says who, when, why and what it replaced.
    """

    model_config = ConfigDict(frozen=True)

    criterion: str
    ai_review_id: str
    ai_status: Status
    ai_rating: float | None = None
    ai_scorer: ScorerRef | None = None
    """The scorer (name, version, arguments) that produced the replaced rating; null when unrated."""
    status: Status
    """`rated` (with `rating`) or `na`."""
    rating: float | None = None
    by: str
    at: datetime
    reason: str
    reason_code: OverrideReason | None = None
    """The category of `reason` (overrides made before reason codes existed have none)."""

    @field_validator("at", mode="after")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value) or value

    @model_validator(mode="after")
    def _rated_or_na(self) -> Override:
        if self.status is Status.RATED and self.rating is None:
            raise ValueError("a rated override needs a rating")
        if self.status is Status.NA and self.rating is not None:
            raise ValueError("an N/A override has no rating")
        if self.status not in (Status.RATED, Status.NA):
            raise ValueError("an override is rated or na")
        return self


class Review(BaseModel):
    """A scored conversation. `iqs` is null when incomplete (a critical scorer failed) or nothing rated."""

    model_config = ConfigDict(extra="ignore")

    review_id: str
    kind: ReviewKind
    conversation_id: str
    source: str = "jsonl"
    reviewer: str | None = None
    reviewee: Reviewee = Field(default_factory=Reviewee)
    """Whose work the review judges. An AI review judges one participant's public replies (one AI
    review per agent or bot who replied); a human review names its reviewee, by default the
    conversation's `reviewee()` (the last human agent with a public reply, else the bot)."""
    holder: bool = True
    """Whether the reviewee held the conversation at the end: that AI review alone rates the
    conversation-level criteria (resolution, closing, the customer's sentiment and effort) and
    carries the CX score, so a conversation version counts once. False on the other participants'
    AI reviews (those criteria N/A)."""
    reviewed_at: datetime | None = None
    conversation_created_at: datetime | None = None
    channel: str | None = None
    scorecard: ScorecardRef
    session_id: str | None = None
    iqs: float | None = None
    critical_failed: bool = False
    incomplete: bool = False
    counts: Counts = Field(default_factory=Counts)
    criteria: list[CriterionResult] = Field(default_factory=list)
    cx: CxScore | None = None
    resolution: ResolutionOutcome | None = None
    overrides: list[Override] = Field(default_factory=list)
    """Human reviews only: the AI ratings this person overrode, one record per criterion."""
    comment: str | None = None
    """Human reviews only: the reviewer's comment on the whole conversation."""
    conversation_version: str | None = None
    """The version of the conversation this review judged (`domain.versions.conversation_version`):
    set by the engine, and on storing for reviews that do not say; old versions are kept while a
    review points at them, so the transcript it judged can always be shown."""
    language: str | None = None
    """AI reviews: the language the conversation was detected in when scored (`en`, `de`, ...;
    `und` when too little text or no clear answer; docs/scorers.md#languages)."""
    judged: list[str] = Field(default_factory=list)
    """`score --llm` only: the criteria whose rating (or N/A) came from the LLM judge's answer."""
    judge_pending: list[str] = Field(default_factory=list)
    """`score --llm` only: criteria sent to the judge that it did not rate (an outage, an unusable
    answer). They hold a local fallback's result, and the next `score --llm` asks the judge again."""

    @field_validator("conversation_id", "source", "review_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("reviewed_at", "conversation_created_at", mode="after")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)

    @property
    def period_at(self) -> datetime | None:
        """Periods are keyed on the conversation's creation, else the review time."""
        return self.conversation_created_at or self.reviewed_at

    def criterion(self, key: str) -> CriterionResult | None:
        return next((c for c in self.criteria if c.key == key), None)

    @property
    def reviewee_key(self) -> tuple[str, str, bool, str | None]:
        """(source, conversation id, is bot, reviewee id): one review of each reviewee of a
        conversation, and what pairs an AI review with a person's (`AiReviews`)."""
        return (self.source, self.conversation_id, self.reviewee.is_bot, self.reviewee.id)


ReviewKey = tuple[str, str, bool, str | None]


class AiReviews:
    """AI reviews by reviewee, to pair each person's review with the AI review of the same
    reviewee: the one naming the same participant, else — for a review naming nobody — the AI
    review of the participant who held the conversation (the conversation's single AI review
    before there was one per reviewee)."""

    def __init__(self, reviews: Iterable[Review]) -> None:
        self.by_reviewee: dict[ReviewKey, Review] = {}
        self.holders: dict[tuple[str, str], Review] = {}
        for review in reviews:
            if review.kind is not ReviewKind.AI:
                continue
            self.by_reviewee[review.reviewee_key] = review
            if review.holder:
                self.holders[(review.source, review.conversation_id)] = review

    def match(self, review: Review) -> Review | None:
        found = self.by_reviewee.get(review.reviewee_key)
        if found is None and review.reviewee.id is None:
            found = self.holders.get((review.source, review.conversation_id))
        return found

    def __len__(self) -> int:
        return len(self.by_reviewee)


def awaits_judge(data: Mapping[str, Any], legacy_reviewer: str) -> bool:
    """Whether a stored review (its JSON payload) should go to the LLM judge again.

    Its `judge_pending` says so; a review written before `judged` existed says so when it was written by
    `legacy_reviewer` (the `always` policy, which sent every conversation) and holds no rating from the
    judge at all — the judge failed on that conversation, and its criteria fell back to local scorers.
    """
    if "judged" in data:
        return bool(data.get("judge_pending"))
    if data.get("kind") != ReviewKind.AI.value or data.get("reviewer") != legacy_reviewer:
        return False
    return not any(
        isinstance(c, dict)
        and isinstance(c.get("scorer"), dict)
        and c["scorer"].get("name") == JUDGE_SCORER_NAME
        and c.get("status") in (Status.RATED.value, Status.NA.value)
        for c in data.get("criteria") or []
    )


class RatingsLine(BaseModel):
    """Shorthand for human reviews exported from other tools: `{criterion key: number or null (N/A)}`."""

    model_config = ConfigDict(extra="ignore")

    conversation_id: str
    source: str = "jsonl"
    agent: str | None = None
    """The reviewee's id; without one, the conversation's default reviewee (the last human agent
    with a public reply, else the bot) once the conversation is stored."""
    agent_name: str | None = None
    agent_is_bot: bool = False
    """The reviewee is the bot (`agent` its id): pairs with the bot's AI review."""
    team: str | None = None
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    conversation_created_at: datetime | None = None
    session_id: str | None = None
    ratings: dict[str, float | None]
    cx: float | None = Field(default=None, ge=1, le=5)
    """The reviewer's own 1–5 judgement of the customer's experience (what the AI's CX predicts)."""

    @field_validator("conversation_id", "source", "agent", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("reviewed_at", "conversation_created_at", mode="after")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)

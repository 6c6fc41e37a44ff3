"""Typed tables: the row shape of conversations, scorecards, reviews and scoring runs.

Only portable types (JSON, timezone-aware DateTime, Float, Boolean, String) so the same tables run
on SQLite and PostgreSQL. Every datetime goes through `UtcDateTime`, so what is read back is aware
UTC. The full domain object lives in `payload`; the other columns are what queries filter and group
on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in and out: naive values are UTC by contract; SQLite stores them naive in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UtcDateTime(),
        str: String(),
        float: Float(),
        bool: Boolean(),
        int: Integer(),
        dict[str, Any]: JSON(),
    }


metadata = Base.metadata


class ConversationRow(Base):
    """A conversation keyed by (source, external id); `content_hash` spots changed content."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index(None, "created_at"),
        Index(None, "agent_id"),
        Index(None, "team"),
        # keyset pagination of the conversation list: (sort value, id) for each sort
        Index(None, "updated_at", "id"),
        Index(None, "ai_iqs", "id"),
        Index(None, "ai_cx", "id"),
        Index(None, "human_iqs", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source: Mapped[str]
    external_id: Mapped[str]
    channel: Mapped[str | None]
    subject: Mapped[str | None]
    status: Mapped[str | None]
    created_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    agent_id: Mapped[str | None]
    agent_name: Mapped[str | None]
    team: Mapped[str | None]
    customer_id: Mapped[str | None]
    csat: Mapped[float | None]
    csat_scale: Mapped[int]
    reopened: Mapped[bool | None]
    handle_time_s: Mapped[float | None]
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    imported_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    nps: Mapped[float | None]
    """NPS answer 0–10 and CES answer 1–ces_scale, lifted from `metadata` (`domain.surveys`)."""
    ces: Mapped[float | None]
    ces_scale: Mapped[int | None]
    version_hash: Mapped[str | None] = mapped_column(String(64))
    """`domain.versions.conversation_version`: what scorers read; a review judged this if equal."""
    search_text: Mapped[str | None] = mapped_column(Text())
    """Subject and message texts, what full-text search indexes (`storage.search`): SQLite's FTS5
    table `conversation_search` reads it as external content, PostgreSQL a GIN expression index."""
    search_text_masked: Mapped[str | None] = mapped_column(Text())
    """The same with customers' personal data masked: what agents and viewers search (indexed by
    `conversation_search_masked` / a second GIN index), so they find only what they can read."""
    message_count: Mapped[int | None]
    ai_iqs: Mapped[float | None]
    """The summary the conversation list filters and sorts on (`storage.summaries`), kept current
    in the transactions that write reviews or change the conversation: the IQS, CX (1–5) and flag
    of the latest AI review of the current version (the one carrying CX, i.e. the holder's)..."""
    ai_cx: Mapped[int | None]
    ai_flagged: Mapped[bool | None]
    human_iqs: Mapped[float | None]
    """...the IQS of the latest human review, and how many human reviews there are."""
    human_reviews: Mapped[int] = mapped_column(default=0, server_default="0")
    language: Mapped[str | None] = mapped_column(String(16))
    """The detected language (`signals.language`: `en`, `de`, ..., `und`), written with the AI
    reviews of the current version (`storage.review_writes`); NULL until the current version is
    scored (an import that changes the text clears it)."""
    changed_at: Mapped[datetime | None]
    """When anything a list item shows or sorts on last changed (import or review write): a list
    traversal leaves out rows changed after it began, so none appears twice."""


class ScorecardRow(Base):
    """A scorecard version as it was used; (name, version) never changes content once stored."""

    __tablename__ = "scorecards"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str]
    version: Mapped[str]
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class ReviewRow(Base):
    """An AI or human review, with the columns the IQS aggregations group and filter on."""

    __tablename__ = "reviews"
    __table_args__ = (
        Index(None, "reviewee_id"),
        Index(None, "team"),
        Index(None, "week"),
        Index(None, "month"),
        Index(None, "reviewer"),
        Index(None, "source", "conversation_id"),
        Index(None, "conversation_pk"),
        # kind + scorecard name, then agent (its id and source: the identity) and week (so the
        # common IQS-by-agent-and-week query streams in index order, no sort), then every other
        # column `iqs_by` reads: aggregations are answered from this index alone, never from the
        # wide rows (payload).
        Index(
            "ix_reviews_kind_scorecard",
            "kind",
            "scorecard_name",
            "reviewee_id",
            "source",
            "week",
            "scorecard_version",
            "reviewee_name",
            "team",
            "month",
            "reviewer",
            "channel",
            "iqs",
            "incomplete",
            "critical_failed",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    review_id: Mapped[str] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str]
    conversation_id: Mapped[str]
    conversation_pk: Mapped[int | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    reviewer: Mapped[str | None]
    reviewee_id: Mapped[str | None]
    reviewee_name: Mapped[str | None]
    team: Mapped[str | None]
    is_bot: Mapped[bool]
    channel: Mapped[str | None]
    reviewed_at: Mapped[datetime | None]
    period_at: Mapped[datetime | None]
    week: Mapped[str | None] = mapped_column(String(8))
    month: Mapped[str | None] = mapped_column(String(7))
    scorecard_name: Mapped[str]
    scorecard_version: Mapped[str]
    session_id: Mapped[str | None]
    iqs: Mapped[float | None]
    critical_failed: Mapped[bool]
    incomplete: Mapped[bool]
    n_rated: Mapped[int]
    n_na: Mapped[int]
    n_failed: Mapped[int]
    n_unrated: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    imported_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    cx_value: Mapped[float | None]
    cx_score: Mapped[int | None]
    cx_flagged: Mapped[bool | None]
    min_confidence: Mapped[float | None]
    """The lowest confidence of the review's rated criteria (AI reviews): the queue's "unsure"."""
    conversation_version: Mapped[str | None] = mapped_column(String(64))
    """The conversation version the review judged (`Review.conversation_version`)."""
    scorer_versions: Mapped[str | None]
    """Sorted `name@version` of the scorers behind its ratings: a review is stale when the registry
    now has another version of one of them (`score --rescore-stale`)."""
    judge_pending: Mapped[bool] = mapped_column(server_default=false())
    """A `score --llm` review with criteria the judge was asked about and did not rate: the next
    `score --llm` selects its conversation again (see `Review.judge_pending`)."""


class ReviewCriterionRow(Base):
    """A criterion of a review, flattened for per-criterion averages; replaced with its review."""

    __tablename__ = "review_criteria"
    __table_args__ = (Index(None, "key"), Index(None, "review_pk"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    review_pk: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    key: Mapped[str]
    group: Mapped[str | None]
    status: Mapped[str] = mapped_column(String(16))
    rating: Mapped[float | None]
    score_pct: Mapped[float | None]
    weight: Mapped[float]
    critical: Mapped[bool]
    confidence: Mapped[float | None]
    scorer_name: Mapped[str | None]


class ScoringRunRow(Base):
    """One `score` run over a scorecard version: what was scored and how it ended."""

    __tablename__ = "scoring_runs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    scorecard_name: Mapped[str]
    scorecard_version: Mapped[str]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    n_scored: Mapped[int] = mapped_column(default=0)
    n_failed: Mapped[int] = mapped_column(default=0)
    heartbeat_at: Mapped[datetime | None]
    """Renewed while the run is alive; a `running` run whose heartbeat is older than the lease was
    killed, and its claims are free again (`interrupted`)."""
    owner: Mapped[str | None]
    """host:pid of the process running it, for the `runs` table."""


class ConversationVersionRow(Base):
    """An earlier version of a conversation, kept while a review points at it (content-addressed by
    `version_hash`); the current version lives in `conversations.payload`."""

    __tablename__ = "conversation_versions"
    __table_args__ = (UniqueConstraint("source", "external_id", "version_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source: Mapped[str]
    external_id: Mapped[str]
    version_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class WorkClaimRow(Base):
    """A conversation a scoring run is working on for a scorecard version. A claim holds while its
    run's heartbeat is fresh, so concurrent runs split the work and a killed run's claims lapse."""

    __tablename__ = "work_claims"
    __table_args__ = (
        UniqueConstraint("conversation_pk", "scorecard_name", "scorecard_version"),
        Index(None, "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    scorecard_name: Mapped[str]
    scorecard_version: Mapped[str]
    run_id: Mapped[int] = mapped_column(ForeignKey("scoring_runs.id", ondelete="CASCADE"))
    claimed_at: Mapped[datetime]


class ConversationRevieweeRow(Base):
    """A staff identity (agent or bot) with a public reply in a conversation's current version:
    with the reviews' reviewees, what scopes an agent's view to their own conversations."""

    __tablename__ = "conversation_reviewees"
    __table_args__ = (
        UniqueConstraint("conversation_pk", "source", "reviewee_id", "is_bot"),
        Index(None, "source", "reviewee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_pk: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    source: Mapped[str]
    reviewee_id: Mapped[str]
    is_bot: Mapped[bool]


conversations: Table = metadata.tables["conversations"]
conversation_reviewees: Table = metadata.tables["conversation_reviewees"]
scorecards: Table = metadata.tables["scorecards"]
reviews: Table = metadata.tables["reviews"]
review_criteria: Table = metadata.tables["review_criteria"]
scoring_runs: Table = metadata.tables["scoring_runs"]
conversation_versions: Table = metadata.tables["conversation_versions"]
work_claims: Table = metadata.tables["work_claims"]


class QueueAssignmentRow(Base):
    """A conversation's reviewee (`agent`) handed to a reviewer by `queue --assign`: unique per
    (conversation, reviewee), so a later run never hands it out again (nothing is reviewed twice by
    accident), while each reviewee of a handed-over conversation can be handed out."""

    __tablename__ = "queue_assignments"
    __table_args__ = (
        UniqueConstraint("source", "conversation_id", "agent"),
        Index(None, "week"),
        Index(None, "reviewer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source: Mapped[str]
    conversation_id: Mapped[str]
    week: Mapped[str] = mapped_column(String(8))
    agent: Mapped[str | None]
    reviewer: Mapped[str]
    rules: Mapped[str]
    second_review: Mapped[bool]
    assigned_at: Mapped[datetime]


queue_assignments: Table = metadata.tables["queue_assignments"]


class PersonRow(Base):
    """One human (or bot) behind one or more help-desk identities: what aggregates "by agent" group
    on. `key` is stable once given (the first identity's external id, or `source/id` when that was
    taken), so tables, queue assignments and coaching notes keep naming the same person."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str | None]
    created_at: Mapped[datetime]


class AgentRow(Base):
    """A help-desk identity, keyed by (source, external id) like conversations: agent `501` of a
    Zendesk export and `501` of a CSV are two rows (two people until `agents link` joins them)."""

    __tablename__ = "agents"
    __table_args__ = (UniqueConstraint("source", "external_id"), Index(None, "person_id"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    source: Mapped[str]
    external_id: Mapped[str]
    name: Mapped[str | None]
    team: Mapped[str | None]
    is_bot: Mapped[bool] = mapped_column(server_default=false())
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    first_seen_at: Mapped[datetime | None]
    """The earliest and latest conversation (or review period) the identity was seen in."""
    last_seen_at: Mapped[datetime | None]


people: Table = metadata.tables["people"]
agents: Table = metadata.tables["agents"]


class JobRow(Base):
    """A background job (`services/jobs.py`): what to run, under which lock, and how it went.

    The record `supportqa jobs` lists on both databases. On SQLite the in-process loop claims rows
    from here; on PostgreSQL procrastinate runs them (`external_id` is its job id) and the task
    records starts, errors and results here."""

    __tablename__ = "jobs"
    __table_args__ = (Index(None, "status", "id"), Index(None, "lock"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    lock: Mapped[str | None]
    """Jobs with the same lock never run at once (one conversation set, one connection, one digest)."""
    args: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int]
    max_attempts: Mapped[int]
    error: Mapped[str | None]
    """The last failure, one line, with secrets and personal data taken out."""
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    enqueued_at: Mapped[datetime]
    run_after: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    owner: Mapped[str | None]
    """host:pid of the worker running (or that last ran) it."""
    external_id: Mapped[int | None] = mapped_column(BigInteger())
    """procrastinate's job id (PostgreSQL)."""


class JobLoopLeaseRow(Base):
    """The SQLite job loop's lease: one row, held by the one process allowed to run jobs while its
    heartbeat is younger than the lease (`jobs/loop.py`)."""

    __tablename__ = "job_loop_lease"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str]
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


jobs: Table = metadata.tables["jobs"]
job_loop_lease: Table = metadata.tables["job_loop_lease"]


class AnalyticsChangeRow(Base):
    """A review a write touched (or a conversation whose survey answers changed), recorded by the
    triggers of migration 0012, so the cached analytics frames re-read only what changed
    (`storage.frame_changes`). `txid` is the writing transaction on PostgreSQL."""

    __tablename__ = "analytics_changes"
    __table_args__ = (Index(None, "txid"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    review_pk: Mapped[int | None]
    conversation_pk: Mapped[int | None]
    txid: Mapped[int | None] = mapped_column(BigInteger())
    changed_at: Mapped[datetime]


class AnalyticsStateRow(Base):
    """One row: the database's own token (a cache of another database is never taken for this
    one's) and the last change id pruning deleted."""

    __tablename__ = "analytics_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))
    pruned_through: Mapped[int] = mapped_column(BigInteger())


analytics_changes: Table = metadata.tables["analytics_changes"]
analytics_state: Table = metadata.tables["analytics_state"]


class CalibrationVerdictRow(Base):
    """The latest `calibrate` verdict on one criterion of a scorecard (by name): each run replaces
    the name's rows, so trust gating reads what the most recent comparison found
    (`storage.calibration_verdicts`)."""

    __tablename__ = "calibration_verdicts"

    scorecard_name: Mapped[str] = mapped_column(primary_key=True)
    criterion_key: Mapped[str] = mapped_column(primary_key=True)
    scorecard_version: Mapped[str]
    verdict: Mapped[str] = mapped_column(String(16))
    metric: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None]
    """The verdict metric's value (None when it could not be computed: too few pairs)."""
    threshold: Mapped[float]
    n_pairs: Mapped[int]
    calibrated_at: Mapped[datetime]


calibration_verdicts: Table = metadata.tables["calibration_verdicts"]


# The access tables (users, sessions, tokens, audit) share this metadata; imported last so that
# anything reading `metadata` sees every table.
from supportqa.storage import auth_tables as _auth_tables  # noqa: E402, F401

"""The conversation list's filters and the SQL conditions they become.

`ConversationFilters` is the one description of "which conversations" that the library, the API's
query parameters and the pages share. Conditions read the per-conversation summary kept by
`storage.conversation_summary`, except where a caller sees only some reviewees: then the IQS and the
human review count are those of *their* reviews, computed per row (an agent's conversations are
few), so no filter or sort reveals a colleague's score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    false,
    func,
    or_,
    select,
    true,
    tuple_,
    union,
)

from supportqa.storage import search
from supportqa.storage.tables import agents, conversation_reviewees, conversations, people, reviews


class ConversationFilters(BaseModel):
    """Which conversations: every field narrows, None leaves it open. Date ranges include their
    start and exclude their end; IQS (0–100) and CX (1–5) ranges are inclusive. `kind="human"`
    makes the IQS range (and the `iqs` sort) read the latest human review instead of the AI's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agent: str | None = None
    """A reviewee: `source:id` (or `source/id`), a bare help-desk id, or a person key."""
    team: str | None = None
    channel: str | None = None
    status: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    cx_min: float | None = Field(default=None, ge=1, le=5)
    cx_max: float | None = Field(default=None, ge=1, le=5)
    iqs_min: float | None = Field(default=None, ge=0, le=100)
    iqs_max: float | None = Field(default=None, ge=0, le=100)
    kind: Literal["ai", "human"] = "ai"
    flagged: bool | None = None
    """True: CX 1–3 or review recommended; False: scored and not flagged, or not scored."""
    reviewed: bool | None = None
    """True: at least one human review (of the caller's reviewees, when scoped)."""
    q: str | None = Field(default=None, max_length=1000)
    """Full-text: every word must occur in the subject or a message (`storage.search`)."""

    @model_validator(mode="after")
    def _ranges_in_order(self) -> ConversationFilters:
        for low, high in (("cx_min", "cx_max"), ("iqs_min", "iqs_max")):
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                raise ValueError(f"{low} {a:g} is above {high} {b:g}")
        return self


@dataclass(frozen=True)
class Reviewees:
    """Identities as (source, id) pairs, plus bare ids that match in any source."""

    pairs: frozenset[tuple[str, str]] = frozenset()
    bare: frozenset[str] = frozenset()


def resolve_agent(connection: Connection, agent: str) -> Reviewees:
    """The identities `agent` names: `source:id`/`source/id` is one; anything else is a bare id
    (in any source) and, when it is a person key, every identity of that person."""
    for separator in (":", "/"):
        source, found, ident = agent.partition(separator)
        if found and source and ident:
            known = connection.execute(
                select(agents.c.id).where(agents.c.source == source, agents.c.external_id == ident)
            ).first()
            if known is not None or separator == ":":
                return Reviewees(pairs=frozenset({(source, ident)}))
    held = connection.execute(
        select(agents.c.source, agents.c.external_id)
        .join_from(agents, people, agents.c.person_id == people.c.id)
        .where(people.c.key == agent)
    )
    return Reviewees(
        pairs=frozenset((r.source, r.external_id) for r in held), bare=frozenset({agent})
    )


def _matches(source: Any, ident: Any, who: Reviewees) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if who.pairs:
        parts.append(tuple_(source, ident).in_(sorted(who.pairs)))
    if who.bare:
        parts.append(ident.in_(sorted(who.bare)))
    return or_(*parts) if parts else false()


def involving(who: Reviewees) -> ColumnElement[bool]:
    """Conversations where one of `who` is a reviewee: replied in the current version, or is the
    reviewee of a stored review."""
    if not who.pairs and not who.bare:
        return false()
    replied = select(conversation_reviewees.c.conversation_pk).where(
        _matches(conversation_reviewees.c.source, conversation_reviewees.c.reviewee_id, who)
    )
    reviewed = select(reviews.c.conversation_pk).where(
        reviews.c.conversation_pk.is_not(None),
        _matches(reviews.c.source, reviews.c.reviewee_id, who),
    )
    return conversations.c.id.in_(union(replied, reviewed))


@dataclass(frozen=True)
class Figures:
    """The expressions a list item shows, filters and sorts on, for one caller's scope."""

    ai_iqs: ColumnElement[Any]
    human_iqs: ColumnElement[Any]
    human_reviews: ColumnElement[Any]


def figures(scope: frozenset[tuple[str, str]] | None) -> Figures:
    """The summary columns, or — for a caller who sees only `scope`'s reviewees — the same
    figures from their own reviews only."""
    c = conversations.c
    if scope is None:
        return Figures(c.ai_iqs, c.human_iqs, c.human_reviews)
    own = _matches(reviews.c.source, reviews.c.reviewee_id, Reviewees(pairs=scope))
    mine = and_(reviews.c.conversation_pk == c.id, own)
    latest = (reviews.c.reviewed_at.is_(None), reviews.c.reviewed_at.desc(), reviews.c.id.desc())
    current = or_(
        reviews.c.conversation_version.is_(None), reviews.c.conversation_version == c.version_hash
    )
    ai = (
        select(reviews.c.iqs)
        .where(mine, reviews.c.kind == "ai", current)
        .order_by(*latest)
        .limit(1)
        .scalar_subquery()
    )
    human = (
        select(reviews.c.iqs)
        .where(mine, reviews.c.kind == "human")
        .order_by(*latest)
        .limit(1)
        .scalar_subquery()
    )
    count = select(func.count()).where(mine, reviews.c.kind == "human").scalar_subquery()
    return Figures(ai, human, count)


def conditions(
    filters: ConversationFilters,
    dialect: str,
    numbers: Figures,
    agent: Reviewees | None,
    *,
    masked: bool = False,
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of `filters` (the agent already resolved to identities); `masked`: the
    caller sees personal data masked, so `q` searches the masked text."""
    c = conversations.c
    found: list[ColumnElement[bool]] = []
    if agent is not None:
        found.append(involving(agent))
    for column, value in ((c.team, filters.team), (c.channel, filters.channel)):
        if value is not None:
            found.append(column == value)
    if filters.status is not None:
        found.append(c.status == filters.status)
    for column, start, end in (
        (c.created_at, filters.created_from, filters.created_to),
        (c.updated_at, filters.updated_from, filters.updated_to),
    ):
        if start is not None:
            found.append(column >= start)
        if end is not None:
            found.append(column < end)
    iqs = numbers.human_iqs if filters.kind == "human" else numbers.ai_iqs
    ranges: tuple[tuple[ColumnElement[Any], float | None, float | None], ...] = (
        (c.ai_cx, filters.cx_min, filters.cx_max),
        (iqs, filters.iqs_min, filters.iqs_max),
    )
    for figure, low, high in ranges:
        if low is not None:
            found.append(figure >= low)
        if high is not None:
            found.append(figure <= high)
    if filters.flagged is not None:
        found.append(func.coalesce(c.ai_flagged, false()) == filters.flagged)
    if filters.reviewed is not None:
        count = numbers.human_reviews
        found.append(count > 0 if filters.reviewed else count == 0)
    if filters.q is not None and filters.q.strip():
        found.append(search.matching(dialect, filters.q, masked=masked))
    return found or [true()]

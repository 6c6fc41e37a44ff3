"""The conversation: what every importer produces and every scorer reads.

The JSONL contract is documented in docs/formats.md; `(source, id)` is the key everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator


class Role(StrEnum):
    """Who wrote a message. `note` is internal (never seen by the customer)."""

    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"
    NOTE = "note"


def as_utc(value: datetime | None) -> datetime | None:
    """Naive times are UTC by contract; aware times are converted to UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class Person(BaseModel):
    """An author, customer or agent; only `id` is required."""

    model_config = ConfigDict(extra="ignore")

    id: str
    name: str | None = None

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class Agent(Person):
    """The agent a conversation is assigned to, with the team they belong to."""

    team: str | None = None


class Message(BaseModel):
    """One message; `public=False` marks internal notes, which the customer never sees."""

    model_config = ConfigDict(extra="ignore")

    role: Role
    text: str = ""
    at: datetime | None = None
    author: Person | None = None
    public: bool = True

    @field_validator("at", mode="after")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)

    @field_validator("author", mode="before")
    @classmethod
    def _author_from_id(cls, value: Any) -> Any:
        if isinstance(value, str | int):
            return {"id": str(value)}
        return value

    @model_validator(mode="after")
    def _notes_are_private(self) -> Message:
        if self.role is Role.NOTE:
            self.public = False
        return self

    @property
    def is_public_agent_reply(self) -> bool:
        return self.public and self.role is Role.AGENT

    @property
    def by_staff(self) -> bool:
        """Agent or bot: the side of the conversation whose quality is reviewed."""
        return self.role in (Role.AGENT, Role.BOT)


class Reviewee(BaseModel):
    """Whose work a review judges: the last human agent with a public reply, else the bot."""

    id: str | None = None
    name: str | None = None
    team: str | None = None
    is_bot: bool = False

    @property
    def key(self) -> tuple[bool, str | None]:
        """Who this is among a conversation's participants: a bot and an agent never share a key."""
        return (self.is_bot, self.id)


class Participant(BaseModel):
    """A staff member (agent or bot) who wrote at least one public reply, with the indices of those
    replies in `Conversation.messages`: one AI review judges each participant."""

    model_config = ConfigDict(frozen=True)

    reviewee: Reviewee
    message_indices: tuple[int, ...]


class Conversation(BaseModel):
    """A support conversation in any channel, with its outcome metadata (CSAT, reopen, handle time)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    source: str = "jsonl"
    channel: str | None = None
    subject: str | None = None
    status: str | None = None
    created_at: datetime | None = None
    closed_at: datetime | None = None
    agent: Agent | None = None
    customer: Person | None = None
    csat: float | None = None
    csat_scale: int = 5
    reopened: bool | None = None
    handle_time_s: float | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    messages: list[Message]
    _reviewed: tuple[int, ...] | None = PrivateAttr(default=None)

    @field_validator("id", "source", mode="before")
    @classmethod
    def _key_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("id")
    @classmethod
    def _id_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("id must not be empty")
        return value

    @field_validator("agent", mode="before")
    @classmethod
    def _agent_from_id(cls, value: Any) -> Any:
        if isinstance(value, str | int):
            return {"id": str(value)}
        return value

    @field_validator("customer", mode="before")
    @classmethod
    def _customer_from_id(cls, value: Any) -> Any:
        if isinstance(value, str | int):
            return {"id": str(value)}
        return value

    @field_validator("created_at", "closed_at", mode="after")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return as_utc(value)

    @field_validator("csat_scale")
    @classmethod
    def _scale_positive(cls, value: int) -> int:
        if value < 2:
            raise ValueError("csat_scale must be at least 2")
        return value

    @model_validator(mode="after")
    def _csat_within_scale(self) -> Conversation:
        if self.csat is not None and not 0 <= self.csat <= self.csat_scale:
            raise ValueError(f"csat {self.csat} is outside 0..{self.csat_scale}")
        return self

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.id)

    @property
    def started_at(self) -> datetime | None:
        """`created_at`, else the first message time: what periods (weeks, months) are keyed on."""
        if self.created_at is not None:
            return self.created_at
        return next((m.at for m in self.messages if m.at is not None), None)

    def reviewee(self) -> Reviewee:
        """The last human agent who wrote a public reply, else the last bot, else the assigned agent."""
        team = self.agent.team if self.agent else None
        for message in reversed(self.messages):
            if message.is_public_agent_reply and message.author is not None:
                same = self.agent is not None and self.agent.id == message.author.id
                return Reviewee(
                    id=message.author.id,
                    name=message.author.name or (self.agent.name if same and self.agent else None),
                    team=team,
                )
        if any(m.is_public_agent_reply for m in self.messages) and self.agent is not None:
            return Reviewee(id=self.agent.id, name=self.agent.name, team=team)
        for message in reversed(self.messages):
            if message.role is Role.BOT and message.public:
                author = message.author
                return Reviewee(
                    id=author.id if author else "bot",
                    name=author.name if author else None,
                    team=team,
                    is_bot=True,
                )
        if self.agent is not None:
            return Reviewee(id=self.agent.id, name=self.agent.name, team=team)
        return Reviewee()

    def participants(self) -> list[Participant]:
        """Everyone on the support side who wrote a public reply, in order of their first reply.

        Agents are told apart by their message author (an agent message without one is the assigned
        agent's), bots by theirs (`bot` without one); the team is the conversation's, as for
        `reviewee()`. Each participant's name is its authors' name, else the assigned agent's.
        """
        found: dict[tuple[bool, str | None], list[int]] = {}
        names: dict[tuple[bool, str | None], str | None] = {}
        assigned = self.agent
        for index, message in enumerate(self.messages):
            if not (message.public and message.by_staff):
                continue
            bot = message.role is Role.BOT
            author = message.author
            who: str | None
            if author is not None:
                who = author.id
            elif bot:
                who = "bot"
            else:
                who = assigned.id if assigned else None
            key = (bot, who)
            found.setdefault(key, []).append(index)
            if names.get(key) is None:
                name = author.name if author else None
                if name is None and not bot and assigned is not None and assigned.id == who:
                    name = assigned.name
                names[key] = name
        team = assigned.team if assigned else None
        return [
            Participant(
                reviewee=Reviewee(id=who, name=names[(bot, who)], team=team, is_bot=bot),
                message_indices=tuple(indices),
            )
            for (bot, who), indices in found.items()
        ]

    def viewed_by(self, participant: Participant) -> Conversation:
        """The same conversation (same messages, same indices) with `participant` as the reviewed
        side: `signals.text.agent_message_indices` then answers with their replies only."""
        view = self.model_copy()
        view._reviewed = participant.message_indices
        return view

    @property
    def reviewed_indices(self) -> tuple[int, ...] | None:
        """The reviewed participant's messages in a `viewed_by` view; None for the whole side."""
        return self._reviewed

    def transcript(self, *, include_private: bool = False) -> list[tuple[int, Message]]:
        """Messages with their index in `messages`, the index evidence points at."""
        return [(i, m) for i, m in enumerate(self.messages) if include_private or m.public]

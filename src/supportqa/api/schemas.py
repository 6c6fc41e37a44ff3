"""Request and response bodies of the users, tokens, audit and jobs routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from supportqa.services.audit import AuditEntry as AuditOut
from supportqa.services.permissions import Role
from supportqa.services.tokens import TokenInfo as TokenOut
from supportqa.services.users import UserInfo as UserOut

# Users, tokens and audit entries are answered as the services return them (frozen dataclasses,
# which FastAPI serialises and describes in the schema): one definition of what a caller may see.
__all__ = [
    "AuditOut",
    "CreatedToken",
    "CreatedUser",
    "JobOut",
    "Me",
    "TokenCreate",
    "TokenOut",
    "UserCreate",
    "UserOut",
    "UserPatch",
]


class Me(BaseModel):
    """The caller: who they are and how they authenticated."""

    id: int
    email: str
    role: Role
    teams: list[str]
    agents: list[str]
    via: str
    read_only: bool
    csrf_token: str | None = None
    """The session's CSRF token (session requests only), for scripts sending `X-CSRF-Token`."""


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    role: Role
    name: str | None = Field(default=None, max_length=200)
    teams: list[str] = Field(default_factory=list, max_length=100)
    agents: list[str] = Field(default_factory=list, max_length=100)
    """`SOURCE:ID` help-desk identities that are this user."""
    password: str | None = Field(default=None, min_length=10, max_length=1000)
    """Omitted: a random password is generated and returned once."""


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    role: Role | None = None
    teams: list[str] | None = Field(default=None, max_length=100)
    agents: list[str] | None = Field(default=None, max_length=100)
    disabled: bool | None = None


class CreatedUser(BaseModel):
    user: UserOut
    password: str | None
    """The generated password, shown this once (None when one was given)."""


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    read_only: bool = False
    expires_days: float | None = Field(default=None, gt=0, le=3650)


class CreatedToken(BaseModel):
    token: str
    """The bearer token, shown this once: only its SHA-256 is stored."""
    info: TokenOut


class JobOut(BaseModel):
    id: int
    kind: str
    lock: str | None
    status: str
    attempts: int
    max_attempts: int
    error: str | None
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

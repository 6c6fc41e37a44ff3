"""Request and response bodies of the users, tokens, audit and jobs routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from supportqa.services.permissions import Role


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


class UserOut(BaseModel):
    id: int
    email: str
    name: str | None
    role: str
    disabled: bool
    teams: list[str]
    agents: list[str]
    created_at: datetime
    password_changed_at: datetime | None


class CreatedUser(BaseModel):
    user: UserOut
    password: str | None
    """The generated password, shown this once (None when one was given)."""


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    read_only: bool = False
    expires_days: float | None = Field(default=None, gt=0, le=3650)


class TokenOut(BaseModel):
    id: int
    user_id: int
    name: str | None
    prefix: str
    read_only: bool
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class CreatedToken(BaseModel):
    token: str
    """The bearer token, shown this once: only its SHA-256 is stored."""
    info: TokenOut


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str | None
    action: str
    target: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    address: str | None


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

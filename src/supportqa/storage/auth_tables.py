"""Typed tables of the workspace's people and their access: users, sessions, API tokens, login
failures, the app secret and the append-only audit log.

Kept apart from `tables.py` (conversations, reviews, runs) because they answer a different question —
who may do what — and change for different reasons; they share its `Base`, so one metadata holds
every table. Secrets are never stored: sessions and tokens keep only a SHA-256 of what the client
holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from supportqa.storage.tables import Base, metadata


class UserRow(Base):
    """A person who logs in. `email` is stored lower-cased, which makes it unique regardless of case;
    `password_changed_at` ends every session begun before it."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str | None]
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None]
    disabled: Mapped[bool]
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime | None]


class UserTeamRow(Base):
    """A team a user belongs to (a lead's teams are the ones they manage)."""

    __tablename__ = "user_teams"
    __table_args__ = (UniqueConstraint("user_id", "team"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    team: Mapped[str]


class UserAgentRow(Base):
    """A help-desk identity (an `agents` row's source and external id) that is this user: what an
    agent sees, and what stops anyone reviewing their own conversations. Kept by name, not by row
    id, so a user may be linked before their first conversation is imported."""

    __tablename__ = "user_agents"
    __table_args__ = (UniqueConstraint("user_id", "source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[str]
    external_id: Mapped[str]


class UserSessionRow(Base):
    """A logged-in browser: the SHA-256 of the cookie's session id, its CSRF token, and the times
    the idle and absolute limits are measured from."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index(None, "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class ApiTokenRow(Base):
    """A bearer token: found by its non-secret `prefix`, checked against the SHA-256 of the whole."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index(None, "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str | None]
    read_only: Mapped[bool]
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class LoginFailureRow(Base):
    """One failed login, counted per (e-mail, client address) and per address for throttling; in
    the database so every worker process counts the same failures."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index(None, "email", "address", "failed_at"),
        Index(None, "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    email: Mapped[str]
    address: Mapped[str]
    failed_at: Mapped[datetime]


class AppSecretRow(Base):
    """Secrets generated once and shared by every process serving the database (the signing key)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str]
    created_at: Mapped[datetime]


class AuditRow(Base):
    """Who did what, when, to what, with the state before and after. Append-only: triggers make
    UPDATE and DELETE fail on SQLite and PostgreSQL (migration 0011)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "at"), Index(None, "action"))

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str | None]
    """The user's e-mail, `cli:<os user>` for the command line, or None (an unknown login)."""
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    address: Mapped[str | None]


users: Table = metadata.tables["users"]
user_teams: Table = metadata.tables["user_teams"]
user_agents: Table = metadata.tables["user_agents"]
user_sessions: Table = metadata.tables["user_sessions"]
api_tokens: Table = metadata.tables["api_tokens"]
login_failures: Table = metadata.tables["login_failures"]
app_secrets: Table = metadata.tables["app_secrets"]
audit_log: Table = metadata.tables["audit_log"]

"""API tokens as use cases: create (the secret returned once), list, revoke.

A token is `sqa_<prefix>_<32 random bytes>`: found by its non-secret prefix, checked against its
SHA-256 (`services.auth.token_principal`). Each write and its audit row share one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from supportqa.errors import InputError, NotFoundError
from supportqa.services import audit
from supportqa.services.users import user_record
from supportqa.services.workspace import Workspace
from supportqa.storage import accounts

__all__ = ["NewToken", "TokenInfo", "create_token", "list_tokens", "revoke_token", "token_hash"]

TOKEN_PREFIX = "sqa"


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    name: str | None
    prefix: str
    read_only: bool
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def audited(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "name": self.name,
            "prefix": self.prefix,
            "read_only": self.read_only,
            "expires_at": None if self.expires_at is None else self.expires_at.isoformat(),
            "revoked_at": None if self.revoked_at is None else self.revoked_at.isoformat(),
        }


@dataclass(frozen=True)
class NewToken:
    """A token just made: `token` is the secret, shown this once."""

    token: str
    info: TokenInfo


def _token_info(row: Any) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        user_id=row.user_id,
        name=row.name,
        prefix=row.prefix,
        read_only=bool(row.read_only),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def token_hash(token: str) -> str:
    """SHA-256 hex: a token carries 256 random bits, so a fast hash is safe and cheap per request."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    workspace: Workspace,
    user_id: int,
    *,
    actor: str | None,
    name: str | None = None,
    read_only: bool = False,
    expires_days: float | None = None,
    now: datetime | None = None,
) -> NewToken:
    """A new bearer token `sqa_<prefix>_<32 random bytes>`; only its SHA-256 is stored."""
    if expires_days is not None and expires_days <= 0:
        raise InputError("--expires: a number of days above 0")
    at = _now(now)
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with workspace.db.write_transaction() as connection:
        user = user_record(connection, user_id)
        if user.disabled:
            raise InputError(f"user {user.email} is disabled")
        token_id = accounts.add_token(
            connection,
            {
                "prefix": prefix,
                "token_hash": token_hash(token),
                "user_id": user_id,
                "name": name,
                "read_only": read_only,
                "created_at": at,
                "expires_at": None if expires_days is None else at + timedelta(days=expires_days),
            },
        )
        info = _token_info(accounts.token_by_id(connection, token_id))
        audit.record(
            connection,
            actor=actor,
            action="token.create",
            target=user.email,
            after=info.audited(),
            now=at,
        )
    return NewToken(token, info)


def list_tokens(workspace: Workspace, user_id: int) -> list[TokenInfo]:
    with workspace.db.engine.connect() as connection:
        return [_token_info(row) for row in accounts.tokens_of(connection, user_id)]


def revoke_token(
    workspace: Workspace, token_id: int, *, actor: str | None, now: datetime | None = None
) -> TokenInfo:
    """Revoke a token (it stops working at the next request); revoking twice keeps the first time."""
    at = _now(now)
    with workspace.db.write_transaction() as connection:
        row = accounts.token_by_id(connection, token_id)
        if row is None:
            raise NotFoundError(f"no token {token_id}")
        before = _token_info(row)
        if before.revoked_at is None:
            accounts.update_token(connection, token_id, {"revoked_at": at})
        after = _token_info(accounts.token_by_id(connection, token_id))
        owner = user_record(connection, after.user_id)
        audit.record(
            connection,
            actor=actor,
            action="token.revoke",
            target=owner.email,
            before=before.audited(),
            after=after.audited(),
            now=at,
        )
    return after

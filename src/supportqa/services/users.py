"""Users as use cases: add, list, change, disable, set a password (API tokens: `services.tokens`).

Each write and its audit row share one transaction. Disabling a user or changing their password ends
all of their sessions; a disabled user's tokens stop working (checked on every request). Secrets —
passwords and tokens — are returned once to the caller and only their hashes are stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from supportqa.errors import InputError, NotFoundError
from supportqa.services import audit
from supportqa.services.passwords import hash_password, random_password
from supportqa.services.permissions import Role
from supportqa.services.workspace import Workspace
from supportqa.storage import accounts
from supportqa.storage.accounts import UserRecord

__all__ = [
    "UserInfo",
    "add_user",
    "disable_user",
    "find_user",
    "get_user",
    "list_users",
    "set_password",
    "update_user",
]


@dataclass(frozen=True)
class UserInfo:
    """A user as the API and CLI show it (never the password hash)."""

    id: int
    email: str
    name: str | None
    role: str
    disabled: bool
    teams: list[str]
    agents: list[str]
    created_at: datetime
    password_changed_at: datetime | None

    def audited(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "disabled": self.disabled,
            "teams": self.teams,
            "agents": self.agents,
        }


def _info(record: UserRecord) -> UserInfo:
    return UserInfo(
        id=record.id,
        email=record.email,
        name=record.name,
        role=record.role,
        disabled=record.disabled,
        teams=list(record.teams),
        agents=[f"{s}:{e}" for s, e in record.agents],
        created_at=record.created_at,
        password_changed_at=record.password_changed_at,
    )


def normal_email(email: str) -> str:
    """E-mails are compared lower-cased and trimmed (unique regardless of case)."""
    cleaned = email.strip().lower()
    local, at, domain = cleaned.partition("@")
    if not at or not local or not domain or any(c.isspace() for c in cleaned):
        raise InputError(f"{email!r} is not an e-mail address")
    return cleaned


def parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InputError(
            f"unknown role {role!r}; use one of {', '.join(r.value for r in Role)}"
        ) from None


def parse_agents(refs: Sequence[str]) -> list[tuple[str, str]]:
    """`SOURCE:ID` identities (the id may itself hold colons)."""
    parsed = []
    for ref in refs:
        source, colon, external = ref.partition(":")
        if not colon or not source or not external:
            raise InputError(f"agent identity {ref!r}: write it as SOURCE:ID, e.g. zendesk:501")
        parsed.append((source, external))
    return list(dict.fromkeys(parsed))


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def user_record(connection: Connection, user_id: int) -> UserRecord:
    found = accounts.user_by_id(connection, user_id)
    if found is None:
        raise NotFoundError(f"no user {user_id}: `supportqa users list` shows them")
    return found


def _by_email(connection: Connection, email: str) -> UserRecord:
    found = accounts.user_by_email(connection, normal_email(email))
    if found is None:
        raise NotFoundError(f"no user {email!r}: `supportqa users list` shows them")
    return found


def add_user(
    workspace: Workspace,
    email: str,
    role: str,
    *,
    actor: str | None,
    name: str | None = None,
    teams: Sequence[str] = (),
    agents: Sequence[str] = (),
    password: str | None = None,
    now: datetime | None = None,
) -> tuple[UserInfo, str | None]:
    """Add a user; the second value is the generated password when none was given (show it once)."""
    address, chosen = normal_email(email), parse_role(role)
    generated = None if password is not None else random_password()
    hashed = hash_password(password if password is not None else str(generated))
    linked = parse_agents(agents)
    at = _now(now)
    try:
        with workspace.db.write_transaction() as connection:
            if accounts.user_by_email(connection, address) is not None:
                raise InputError(f"user {address} exists: `supportqa users set-password` or PATCH")
            user_id = accounts.add_user(
                connection,
                {
                    "email": address,
                    "name": name,
                    "role": chosen.value,
                    "password_hash": hashed,
                    "disabled": False,
                    "created_at": at,
                    "password_changed_at": at,
                },
            )
            accounts.set_teams(connection, user_id, list(dict.fromkeys(teams)))
            accounts.set_agents(connection, user_id, linked)
            info = _info(user_record(connection, user_id))
            audit.record(
                connection,
                actor=actor,
                action="user.add",
                target=address,
                after=info.audited(),
                now=at,
            )
    except IntegrityError:  # another process added the same e-mail in between
        raise InputError(f"user {address} exists") from None
    return info, generated


def list_users(workspace: Workspace) -> list[UserInfo]:
    with workspace.db.engine.connect() as connection:
        return [_info(record) for record in accounts.all_users(connection)]


def get_user(workspace: Workspace, user_id: int) -> UserInfo:
    with workspace.db.engine.connect() as connection:
        return _info(user_record(connection, user_id))


def find_user(workspace: Workspace, email: str) -> UserInfo:
    """The user with this e-mail (any case)."""
    with workspace.db.engine.connect() as connection:
        return _info(_by_email(connection, email))


def update_user(
    workspace: Workspace,
    user_id: int,
    *,
    actor: str | None,
    name: str | None = None,
    role: str | None = None,
    teams: Sequence[str] | None = None,
    agents: Sequence[str] | None = None,
    disabled: bool | None = None,
    now: datetime | None = None,
) -> UserInfo:
    """Change what is given (None leaves a field alone); disabling ends the user's sessions."""
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = name
    if role is not None:
        values["role"] = parse_role(role).value
    if disabled is not None:
        values["disabled"] = disabled
    linked = None if agents is None else parse_agents(agents)
    with workspace.db.write_transaction() as connection:
        before = _info(user_record(connection, user_id))
        if values:
            accounts.update_user(connection, user_id, values)
        if teams is not None:
            accounts.set_teams(connection, user_id, list(dict.fromkeys(teams)))
        if linked is not None:
            accounts.set_agents(connection, user_id, linked)
        if disabled:
            accounts.end_user_sessions(connection, user_id)
        after = _info(user_record(connection, user_id))
        audit.record(
            connection,
            actor=actor,
            action="user.update",
            target=after.email,
            before=before.audited(),
            after=after.audited(),
            now=_now(now),
        )
    return after


def disable_user(
    workspace: Workspace, email: str, *, actor: str | None, now: datetime | None = None
) -> UserInfo:
    with workspace.db.engine.connect() as connection:
        user_id = _by_email(connection, email).id
    return update_user(workspace, user_id, actor=actor, disabled=True, now=now)


def set_password(
    workspace: Workspace,
    email: str,
    *,
    actor: str | None,
    password: str | None = None,
    now: datetime | None = None,
) -> str | None:
    """Set a new password (generated when None: returned to show once); every session ends."""
    generated = None if password is not None else random_password()
    hashed = hash_password(password if password is not None else str(generated))
    at = _now(now)
    with workspace.db.write_transaction() as connection:
        user = _by_email(connection, email)
        accounts.update_user(
            connection, user.id, {"password_hash": hashed, "password_changed_at": at}
        )
        ended = accounts.end_user_sessions(connection, user.id)
        audit.record(
            connection,
            actor=actor,
            action="user.set_password",
            target=user.email,
            after={"sessions_ended": ended},
            now=at,
        )
    return generated

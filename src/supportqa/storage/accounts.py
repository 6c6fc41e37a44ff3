"""Rows of users, their teams and linked identities, sessions, API tokens, login failures and the
app secret: the queries behind `services.users` and `services.auth`, on one connection each, so a
service can write them and their audit row in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from supportqa.storage.auth_tables import (
    api_tokens,
    app_secrets,
    login_failures,
    user_agents,
    user_sessions,
    user_teams,
    users,
)
from supportqa.storage.tables import agents


@dataclass(frozen=True)
class UserRecord:
    """A user as stored, with teams and linked identities; the hash never leaves the services."""

    id: int
    email: str
    name: str | None
    role: str
    disabled: bool
    created_at: datetime
    password_changed_at: datetime | None
    teams: tuple[str, ...]
    agents: tuple[tuple[str, str], ...]
    password_hash: str | None


def _record(connection: Connection, row: Any) -> UserRecord:
    teams = connection.execute(
        select(user_teams.c.team).where(user_teams.c.user_id == row.id).order_by(user_teams.c.team)
    ).scalars()
    linked = connection.execute(
        select(user_agents.c.source, user_agents.c.external_id)
        .where(user_agents.c.user_id == row.id)
        .order_by(user_agents.c.source, user_agents.c.external_id)
    )
    return UserRecord(
        id=row.id,
        email=row.email,
        name=row.name,
        role=row.role,
        disabled=bool(row.disabled),
        created_at=row.created_at,
        password_changed_at=row.password_changed_at,
        teams=tuple(teams),
        agents=tuple((r.source, r.external_id) for r in linked),
        password_hash=row.password_hash,
    )


def user_by_email(connection: Connection, email: str) -> UserRecord | None:
    row = connection.execute(select(users).where(users.c.email == email)).first()
    return None if row is None else _record(connection, row)


def user_by_id(connection: Connection, user_id: int) -> UserRecord | None:
    row = connection.execute(select(users).where(users.c.id == user_id)).first()
    return None if row is None else _record(connection, row)


def all_users(connection: Connection) -> list[UserRecord]:
    rows = connection.execute(select(users).order_by(users.c.email)).all()
    return [_record(connection, row) for row in rows]


def _inserted(connection: Connection, statement: Any) -> int:
    key = connection.execute(statement).inserted_primary_key
    assert key is not None
    return int(key[0])


def add_user(connection: Connection, values: dict[str, Any]) -> int:
    return _inserted(connection, insert(users).values(**values))


def update_user(connection: Connection, user_id: int, values: dict[str, Any]) -> None:
    connection.execute(update(users).where(users.c.id == user_id).values(**values))


def set_teams(connection: Connection, user_id: int, teams: Sequence[str]) -> None:
    connection.execute(delete(user_teams).where(user_teams.c.user_id == user_id))
    if teams:
        connection.execute(insert(user_teams), [{"user_id": user_id, "team": t} for t in teams])


def set_agents(connection: Connection, user_id: int, linked: Sequence[tuple[str, str]]) -> None:
    connection.execute(delete(user_agents).where(user_agents.c.user_id == user_id))
    if linked:
        connection.execute(
            insert(user_agents),
            [{"user_id": user_id, "source": s, "external_id": e} for s, e in linked],
        )


def person_identities(
    connection: Connection, linked: Sequence[tuple[str, str]]
) -> frozenset[tuple[str, str]]:
    """The linked identities and every identity of the people they belong to (an agent sees their
    conversations under all of their help-desk accounts)."""
    found = set(linked)
    if not linked:
        return frozenset()
    person_ids = select(agents.c.person_id).where(
        tuple_(agents.c.source, agents.c.external_id).in_(list(linked))
    )
    rows = connection.execute(
        select(agents.c.source, agents.c.external_id).where(agents.c.person_id.in_(person_ids))
    )
    found.update((r.source, r.external_id) for r in rows)
    return frozenset(found)


# ---- sessions -----------------------------------------------------------------------------------


def add_session(
    connection: Connection, user_id: int, session_hash: str, csrf: str, now: datetime
) -> None:
    connection.execute(
        insert(user_sessions).values(
            session_hash=session_hash,
            user_id=user_id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
        )
    )


def session_by_hash(connection: Connection, session_hash: str) -> Any | None:
    return connection.execute(
        select(user_sessions).where(user_sessions.c.session_hash == session_hash)
    ).first()


def touch_session(connection: Connection, session_id: int, now: datetime) -> None:
    connection.execute(
        update(user_sessions).where(user_sessions.c.id == session_id).values(last_seen_at=now)
    )


def end_session(connection: Connection, session_hash: str) -> int:
    query = delete(user_sessions).where(user_sessions.c.session_hash == session_hash)
    return connection.execute(query).rowcount


def end_user_sessions(connection: Connection, user_id: int) -> int:
    query = delete(user_sessions).where(user_sessions.c.user_id == user_id)
    return connection.execute(query).rowcount


# ---- tokens -------------------------------------------------------------------------------------


def add_token(connection: Connection, values: dict[str, Any]) -> int:
    return _inserted(connection, insert(api_tokens).values(**values))


def token_by_prefix(connection: Connection, prefix: str) -> Any | None:
    return connection.execute(select(api_tokens).where(api_tokens.c.prefix == prefix)).first()


def token_by_id(connection: Connection, token_id: int) -> Any | None:
    return connection.execute(select(api_tokens).where(api_tokens.c.id == token_id)).first()


def tokens_of(connection: Connection, user_id: int) -> list[Any]:
    query = select(api_tokens).where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id)
    return list(connection.execute(query))


def update_token(connection: Connection, token_id: int, values: dict[str, Any]) -> None:
    connection.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(**values))


# ---- login failures -----------------------------------------------------------------------------


def add_failure(connection: Connection, email: str, address: str, now: datetime) -> None:
    connection.execute(insert(login_failures).values(email=email, address=address, failed_at=now))


def count_failures(connection: Connection, address: str, email: str | None, since: datetime) -> int:
    """Failures from `address` (for `email` only, unless None) since `since`."""
    query = select(func.count()).where(
        login_failures.c.address == address, login_failures.c.failed_at >= since
    )
    if email is not None:
        query = query.where(login_failures.c.email == email)
    return int(connection.execute(query).scalar_one())


def forget_failures(connection: Connection, before: datetime) -> None:
    """Failures older than the throttling window no longer count for anything."""
    connection.execute(delete(login_failures).where(login_failures.c.failed_at < before))


def nth_latest_failure(
    connection: Connection, address: str, email: str | None, n: int, since: datetime
) -> datetime | None:
    """The n-th most recent failure (of the pair, or of the address when `email` is None): when
    it leaves the window, the count drops below n again."""
    query = select(login_failures.c.failed_at).where(
        login_failures.c.address == address, login_failures.c.failed_at >= since
    )
    if email is not None:
        query = query.where(login_failures.c.email == email)
    query = query.order_by(login_failures.c.failed_at.desc()).offset(n - 1).limit(1)
    value: datetime | None = connection.execute(query).scalar()
    return value


# ---- the app secret -----------------------------------------------------------------------------


def secret(connection: Connection, name: str, candidate: str, now: datetime) -> str:
    """The stored secret `name`, storing `candidate` first if there is none: processes starting at
    once all end up with the first one written."""
    values = {"name": name, "value": candidate, "created_at": now}
    if connection.dialect.name == "postgresql":
        connection.execute(postgresql.insert(app_secrets).values(values).on_conflict_do_nothing())
    else:
        connection.execute(sqlite.insert(app_secrets).values(values).on_conflict_do_nothing())
    stored: str = connection.execute(
        select(app_secrets.c.value).where(app_secrets.c.name == name)
    ).scalar_one()
    return stored

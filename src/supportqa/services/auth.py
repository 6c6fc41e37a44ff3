"""Authentication: passwords with throttling, server-side sessions, bearer tokens, the app secret.

Every check happens against the database, so any number of server processes agree: throttling
counts failures in `login_failures`, sessions live in `user_sessions` (only a hash of the cookie's
id), tokens are found by prefix and compared by SHA-256 in constant time. A wrong password, an
unknown e-mail and a disabled user get the same error after the same work (an argon2 check against a
dummy hash), so the answer tells nothing about which e-mails exist.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from supportqa.errors import Throttled, Unauthenticated
from supportqa.services import audit
from supportqa.services.passwords import verify
from supportqa.services.permissions import Principal, Role
from supportqa.services.tokens import token_hash
from supportqa.services.users import normal_email
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings
from supportqa.storage import accounts
from supportqa.storage.accounts import UserRecord

__all__ = [
    "LOGIN_FAILED",
    "Login",
    "app_secret",
    "end_session",
    "login",
    "session_principal",
    "token_principal",
]

LOGIN_FAILED = "wrong e-mail or password"
TOUCH_EVERY = timedelta(seconds=60)
"""A session's or token's last use is written at most this often (not one write per request)."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def app_secret(workspace: Workspace, settings: Settings) -> str:
    """SUPPORTQA_SECRET_KEY, else the key generated once into the database (shared by every
    process serving it)."""
    if settings.secret_key:
        return settings.secret_key
    with workspace.db.write_transaction() as connection:
        return accounts.secret(connection, "secret_key", secrets.token_urlsafe(32), _now(None))


def principal_of(
    connection: Connection,
    user: UserRecord,
    *,
    via: str,
    read_only: bool = False,
    token_id: int | None = None,
) -> Principal:
    return Principal(
        user_id=user.id,
        email=user.email,
        role=Role(user.role),
        teams=frozenset(user.teams),
        identities=accounts.person_identities(connection, user.agents),
        read_only=read_only,
        via=via,  # type: ignore[arg-type]
        token_id=token_id,
    )


# ---- passwords and throttling ---------------------------------------------------------------------


def _throttle(
    connection: Connection, email: str, address: str, settings: Settings, now: datetime
) -> None:
    """Refuse before checking the password once the pair or the address had too many failures in
    the window; Retry-After is when the oldest failure that counts leaves it."""
    since = now - timedelta(seconds=settings.login_window_s)
    for who, limit in (
        (email, settings.login_max_failures_pair),
        (None, settings.login_max_failures_address),
    ):
        if accounts.count_failures(connection, address, who, since) < limit:
            continue
        nth = accounts.nth_latest_failure(connection, address, who, limit, since)
        free_at = (nth or now) + timedelta(seconds=settings.login_window_s)
        wait = max(1, math.ceil((free_at - now).total_seconds()))
        raise Throttled(f"too many failed logins: try again in {wait} s", wait)


@dataclass(frozen=True)
class Login:
    """A new session: `session_id` goes in the cookie (only its hash is stored), `csrf` in forms."""

    session_id: str
    csrf: str
    principal: Principal


def login(
    workspace: Workspace,
    email: str,
    password: str,
    *,
    address: str,
    settings: Settings,
    now: datetime | None = None,
) -> Login:
    """Check a password and start a new session (a fresh id at every login). Raises `Throttled`
    (429) or `Unauthenticated` with one message for every kind of failure."""
    at = _now(now)
    try:
        key = normal_email(email)
    except Exception:
        key = email.strip().lower()
    with workspace.db.engine.connect() as connection:
        _throttle(connection, key, address, settings, at)
        user = accounts.user_by_email(connection, key)
    usable = user is not None and not user.disabled
    ok = verify(password, user.password_hash if usable and user is not None else None)
    with workspace.db.write_transaction() as connection:
        if not ok or user is None:
            accounts.forget_failures(connection, at - timedelta(seconds=settings.login_window_s))
            accounts.add_failure(connection, key, address, at)
            audit.record(
                connection,
                actor=None,
                action="login.failed",
                target=key[:320],
                address=address,
                now=at,
            )
        else:
            session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            accounts.add_session(connection, user.id, _digest(session_id), csrf, at)
            audit.record(
                connection,
                actor=user.email,
                action="login",
                target=user.email,
                address=address,
                now=at,
            )
            principal = principal_of(connection, user, via="session")
    if not ok or user is None:
        raise Unauthenticated(LOGIN_FAILED)
    return Login(session_id, csrf, principal)


# ---- sessions -----------------------------------------------------------------------------------


def session_principal(
    workspace: Workspace, session_id: str, *, settings: Settings, now: datetime | None = None
) -> tuple[Principal, str] | None:
    """The principal and CSRF token of a live session; None when it is unknown, idle past
    `session_idle_s`, older than `session_absolute_s`, or its user is disabled (an ended session's
    row is removed)."""
    at = _now(now)
    digest = _digest(session_id)
    with workspace.db.engine.connect() as connection:
        row = accounts.session_by_hash(connection, digest)
        user = None if row is None else accounts.user_by_id(connection, row.user_id)
        if row is None or user is None:
            return None
        idle = at - row.last_seen_at > timedelta(seconds=settings.session_idle_s)
        old = at - row.created_at > timedelta(seconds=settings.session_absolute_s)
        stale = user.password_changed_at is not None and user.password_changed_at > row.created_at
        if not (idle or old or stale or user.disabled):
            principal = principal_of(connection, user, via="session")
    if idle or old or stale or user.disabled:
        with workspace.db.write_transaction() as connection:
            accounts.end_session(connection, digest)
        return None
    if at - row.last_seen_at > TOUCH_EVERY:
        with workspace.db.write_transaction() as connection:
            accounts.touch_session(connection, row.id, at)
    return principal, str(row.csrf_token)


def end_session(
    workspace: Workspace,
    session_id: str,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Log out: the session's row goes (its cookie is worthless from now on)."""
    digest = _digest(session_id)
    with workspace.db.write_transaction() as connection:
        row = accounts.session_by_hash(connection, digest)
        if row is None:
            return False
        user = accounts.user_by_id(connection, row.user_id)
        accounts.end_session(connection, digest)
        email = None if user is None else user.email
        audit.record(
            connection, actor=email, action="logout", target=email, address=address, now=_now(now)
        )
    return True


# ---- tokens -------------------------------------------------------------------------------------


def token_principal(
    workspace: Workspace, token: str, *, now: datetime | None = None
) -> Principal | None:
    """The principal of a live bearer token; None for an unknown, revoked or expired token or a
    disabled user."""
    at = _now(now)
    parts = token.split("_")
    if len(parts) < 3 or parts[0] != "sqa":
        return None
    with workspace.db.engine.connect() as connection:
        row = accounts.token_by_prefix(connection, parts[1])
        if row is None or not hmac.compare_digest(str(row.token_hash), token_hash(token)):
            return None
        if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= at):
            return None
        user = accounts.user_by_id(connection, row.user_id)
        if user is None or user.disabled:
            return None
        principal = principal_of(
            connection, user, via="token", read_only=bool(row.read_only), token_id=row.id
        )
    if row.last_used_at is None or at - row.last_used_at > TOUCH_EVERY:
        with workspace.db.write_transaction() as connection:
            accounts.update_token(connection, row.id, {"last_used_at": at})
    return principal

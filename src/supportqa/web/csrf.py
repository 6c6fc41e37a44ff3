"""The login form's CSRF protection, before anyone has a session: a signed double-submit cookie.

`GET /login` sets a cookie holding a random token and its HMAC under the app secret, and puts the
token in the form; `POST /login` accepts only when the cookie's signature holds and its token equals
the form's. A site that cannot read our cookies cannot forge the pair."""

from __future__ import annotations

import hashlib
import hmac
import secrets

COOKIE = "supportqa_login_csrf"


def _sign(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def issue(secret: str) -> tuple[str, str]:
    """(the form's token, the cookie's value)."""
    token = secrets.token_urlsafe(32)
    return token, f"{token}.{_sign(secret, token)}"


def valid(secret: str, cookie: str | None, sent: str | None) -> bool:
    if not cookie or not sent:
        return False
    token, _, signature = cookie.rpartition(".")
    return hmac.compare_digest(signature, _sign(secret, token)) and hmac.compare_digest(token, sent)

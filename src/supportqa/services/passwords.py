"""Passwords: argon2 hashes (pwdlib), random passwords, and the dummy check that makes an unknown
e-mail cost the same time as a wrong password."""

from __future__ import annotations

import secrets
from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from supportqa.errors import InputError

MIN_LENGTH = 10


@cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def random_password() -> str:
    """20 URL-safe characters (120 bits): printed once, never stored in the clear."""
    return secrets.token_urlsafe(15)


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise InputError(f"a password needs at least {MIN_LENGTH} characters")
    return _hasher().hash(password)


def verify(password: str, stored: str | None) -> bool:
    """Whether `password` matches `stored`; with no stored hash (an unknown or disabled user, or
    one without a password) a dummy hash is checked instead, so the answer takes as long."""
    if stored is None:
        _hasher().verify(password, _dummy_hash())
        return False
    try:
        return bool(_hasher().verify(password, stored))
    except Exception:  # a malformed stored hash is a failed login, not a crash
        return False

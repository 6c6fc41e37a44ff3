"""A failed job's error as it is kept and shown: one line without secrets or personal data.

URL passwords, keys and tokens are masked and customers' e-mails, phones and the like replaced (the
LLM judge's detectors), since `supportqa jobs` prints errors to whoever looks; and whether the failure
is worth a retry.
"""

from __future__ import annotations

import re

from supportqa.errors import ConfigError, InputError, SupportQAError
from supportqa.scorers.judge.personal_data import redact_personal_data

MAX_ERROR = 500
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]+):[^@\s]+@", re.IGNORECASE)
_SECRET = re.compile(
    r"\b(api[_-]?key|token|secret|password|passwd|authorization)(\s*[=:]\s*)(\S+)", re.IGNORECASE
)
_BEARER = re.compile(r"\bBearer\s+\S+", re.IGNORECASE)


def clean_error(exc: BaseException) -> str:
    """`Type: first line` of an error, with secrets and personal data taken out, at most 500
    characters. supportqa's own errors are shown as their message (they are written for people)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if not isinstance(exc, SupportQAError):
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    text = _URL_PASSWORD.sub(r"\1:***@", text)
    text = _SECRET.sub(r"\1\2***", text)
    text = _BEARER.sub("Bearer ***", text)
    text = redact_personal_data(text)
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


def retryable(exc: BaseException) -> bool:
    """Bad arguments or configuration will fail the same way again; anything else (a database
    outage, a crash) may pass."""
    return not isinstance(exc, InputError | ConfigError)

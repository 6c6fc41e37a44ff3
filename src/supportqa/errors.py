"""One error hierarchy, so the CLI can turn any expected failure into one clear line."""

from __future__ import annotations


class SupportQAError(Exception):
    """Base of every error supportqa raises on purpose; the CLI prints its message, not a traceback."""


class InputError(SupportQAError):
    """Bad input data: a malformed record, an unknown format, a missing file."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | None = None,
        line: int | None = None,
        index: int | None = None,
        id: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        self.index = index
        self.id = id
        where = ""
        if file is not None:
            if line is not None:
                where = f"{file}:{line}: "
            elif index is not None:
                where = f"{file}: record #{index}: "
            else:
                where = f"{file}: "
        super().__init__(f"{where}{reason}")

    def location(self) -> dict[str, str | int | None]:
        """Where the bad record is: file, line (JSONL/CSV) or index (0-based, in a JSON document),
        and its id when the error is about a whole record (e.g. an incomplete CSV conversation)."""
        return {
            "file": self.file,
            "line": self.line,
            "index": self.index,
            "id": self.id,
            "reason": self.reason,
        }


class ConfigError(SupportQAError):
    """A scorecard, setting or scorer configuration that cannot be used."""


class ScorerError(SupportQAError):
    """A scorer could not rate a criterion; recorded as a `failed` criterion, never a silent zero."""


class ScorerRetryable(ScorerError):
    """A scorer failed for a reason that may pass (a server outage, rate limits, a deadline): the
    criteria are recorded as owed, and the next run asks again."""


class ScorerAbort(ScorerError):
    """A scorer cannot go on for any conversation (a rejected API key, an unknown model): the run stops
    here instead of recording the same failure for every conversation."""


class StorageError(SupportQAError):
    """The database could not be opened, migrated or written."""


class MissingExtraError(ConfigError):
    """An optional dependency is not installed; the message names the `pip install` that fixes it."""

    def __init__(self, what: str, extra: str, module: str) -> None:
        super().__init__(
            f"{what} needs the '{extra}' extra ({module} is not installed): "
            f"pip install 'supportqa[{extra}]'"
        )


class InvalidField(InputError):
    """One named field of a record breaks a rule of the scorecard (a rating outside its scale, N/A
    where the criterion does not allow it, an unknown criterion): `field` is its dotted path in the
    record (`ratings.greeting`), so the API answers 422 naming it."""

    def __init__(self, reason: str, *, field: str) -> None:
        super().__init__(reason)
        self.field = field


class NotFoundError(InputError):
    """The thing named (a user, a token, a conversation) does not exist — or is outside what the
    caller may see, which the API answers the same way (404), so ids reveal nothing."""


class AccessError(SupportQAError):
    """A request the server refuses for who is asking (`supportqa serve`)."""


class Unauthenticated(AccessError):
    """No valid session or token, or a wrong login (the same message for a known and an unknown
    e-mail, so the answer reveals nothing)."""


class Forbidden(AccessError):
    """Authenticated, but the role (or a read-only token, or a missing CSRF token) does not allow it."""


class Throttled(AccessError):
    """Too many failed logins; `retry_after` seconds until the next attempt is heard."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

"""An HTTP client for OpenAI-compatible chat completions (and Anthropic Messages), built to be trusted
with a long unattended run: timeouts, retries with exponential back-off that honour Retry-After, a
deadline per call, and the accounting of every request that left the client.

A rejected key or an unknown model stops the run at once (`ScorerAbort`) rather than failing every
conversation; a server that cannot be reached after the retries stops it too. A wait that would end
past the caller's deadline (a `Retry-After: 3600`) is not waited for: the call fails at once as
retryable (`ScorerRetryable`), so the run goes on and a later run asks again.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from supportqa.errors import ScorerAbort, ScorerError, ScorerRetryable

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
ABORT_STATUSES = frozenset({401, 403, 404})
MAX_BACKOFF_S = 60.0
MAX_RETRY_AFTER_S = 300.0
"""The longest Retry-After honoured when the call has no deadline."""
ANNOUNCE_WAIT_S = 1.0
"""Waits at least this long are announced (`on_wait`): a silent minute looks like a hang."""
ANTHROPIC_VERSION = "2023-06-01"


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reported: bool = True
    """False when the server sent no readable `usage`: its tokens are unknown (counted as 0 here and
    as a request without usage in the accounting)."""


@dataclass(frozen=True)
class Completion:
    content: str
    usage: Usage
    retries: int
    seconds: float


@dataclass(frozen=True)
class Wait:
    """A pause before the next attempt, as the client reports it to whoever shows progress."""

    seconds: float
    reason: str
    label: str | None = None

    def describe(self) -> str:
        what = f" for {self.label}" if self.label else ""
        return f"waiting {self.seconds:.0f} s: {self.reason}{what}"


@dataclass
class RequestStats:
    """What left the client, counted per HTTP attempt where it is sent: retries, and the attempts of
    calls that finally failed, included; tokens only from usage the server reported readably."""

    requests: int = 0
    retries: int = 0
    answers: int = 0
    requests_without_usage: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    connect_failures: int = 0
    gave_up_at_deadline: int = 0
    request_seconds: float = 0.0
    waited_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["request_seconds"] = round(self.request_seconds, 3)
        data["waited_seconds"] = round(self.waited_seconds, 3)
        return data


def _token_count(value: object) -> int | None:
    """A token count as the server wrote it, or None when it is not a non-negative whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and value >= 0:
        return int(value)
    return None


def parse_usage(raw: object, prompt_key: str, completion_key: str) -> Usage:
    """The answer's usage; anything unreadable (missing, text, negative) is unknown, never an error:
    a valid answer is worth keeping whatever its server says it cost."""
    if not isinstance(raw, Mapping):
        return Usage(0, 0, reported=False)
    prompt = _token_count(raw.get(prompt_key))
    completion = _token_count(raw.get(completion_key))
    if prompt is None or completion is None:
        return Usage(0, 0, reported=False)
    return Usage(prompt, completion)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds, or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
        error = data.get("error") if isinstance(data, dict) else None
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
    except ValueError:
        pass
    return response.text[:200] or response.reason_phrase


class ChatClient:
    """One connection pool for the whole run; safe to call from the judge's worker threads."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        provider: str = "openai",
        timeout_s: float = 120.0,
        max_retries: int = 4,
        backoff_s: float = 1.0,
        concurrency: int = 8,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
        on_wait: Callable[[Wait], None] | None = None,
    ) -> None:
        if provider not in ("openai", "anthropic"):
            raise ScorerAbort(f"unknown LLM provider {provider!r} (use openai or anthropic)")
        self.base_url = base_url.rstrip("/")
        self.provider = provider
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.on_wait = on_wait
        self.stats = RequestStats()
        self._sleep = sleep
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        headers = {"content-type": "application/json"}
        if provider == "anthropic":
            headers["anthropic-version"] = ANTHROPIC_VERSION
            if api_key:
                headers["x-api-key"] = api_key
        elif api_key:
            headers["authorization"] = f"Bearer {api_key}"
        self._http = httpx.Client(
            headers=headers,
            timeout=self._timeout(timeout_s),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )

    @property
    def endpoint(self) -> str:
        path = "/messages" if self.provider == "anthropic" else "/chat/completions"
        return self.base_url + path

    def close(self) -> None:
        self._http.close()

    @staticmethod
    def _timeout(seconds: float) -> httpx.Timeout:
        return httpx.Timeout(seconds, connect=min(seconds, 10.0))

    def backoff(self, retry: int) -> float:
        """Exponential with jitter: 1, 2, 4, ... × backoff_s, each scaled by 0.5–1.0, capped."""
        base = min(MAX_BACKOFF_S, self.backoff_s * float(2**retry))
        with self._lock:
            jitter = self._random.random()
        return base * (0.5 + jitter / 2)

    def complete(
        self, body: dict[str, Any], *, label: str | None = None, deadline: float | None = None
    ) -> Completion:
        """POST the body and return the answer.

        `deadline` (a `time.monotonic()` instant) bounds the whole call: no attempt runs past it and
        no wait that would end past it is started. Raises ScorerRetryable when the retries or the time
        run out, ScorerError for an answer that cannot be used, ScorerAbort when nothing will work.
        """
        started = time.perf_counter()
        last = ""
        sent = 0
        unreachable = False
        for attempt in range(self.max_retries + 1):
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                self._count(gave_up_at_deadline=1)
                raise ScorerRetryable(
                    f"the deadline passed after {sent} request(s) ({last or 'no answer'}); "
                    "asked again by the next --llm run"
                )
            wait: float | None = None
            reason = ""
            timeout = self.timeout_s if left is None else min(self.timeout_s, left)
            began = time.perf_counter()
            try:
                response = self._http.post(self.endpoint, json=body, timeout=self._timeout(timeout))
            except httpx.ConnectError as exc:
                unreachable = True
                last = f"cannot connect to {self.endpoint} ({exc})"
                reason = "the server could not be reached"
                self._count(connect_failures=1)
            except httpx.TransportError as exc:  # sent, then timed out or dropped
                unreachable = False
                timed_out = isinstance(exc, httpx.TimeoutException)
                last = (
                    f"timed out ({type(exc).__name__})"
                    if timed_out
                    else f"connection failed ({type(exc).__name__}: {exc})"
                )
                reason = "the last request timed out" if timed_out else "the connection failed"
                self._count_sent(sent, began)
                sent += 1
            else:
                unreachable = False
                self._count_sent(sent, began)
                sent += 1
                status = response.status_code
                if status == 200:
                    content, usage = self._parse(response)
                    self._count_answer(usage)
                    return Completion(content, usage, sent - 1, time.perf_counter() - started)
                message = f"HTTP {status}: {_error_text(response)}"
                if status in ABORT_STATUSES:
                    hint = (
                        "check SUPPORTQA_LLM_API_KEY"
                        if status in (401, 403)
                        else "check SUPPORTQA_LLM_BASE_URL and the model name"
                    )
                    raise ScorerAbort(f"the LLM server refused the request ({message}); {hint}")
                if status not in RETRY_STATUSES:
                    raise ScorerError(f"the LLM server rejected the request ({message})")
                last = message
                wait = retry_after_seconds(response.headers.get("retry-after"))
                reason = (
                    f"server asked to retry later ({status})"
                    if wait is not None
                    else f"backing off after HTTP {status}"
                )
            if attempt == self.max_retries:
                break
            if wait is None:
                delay = self.backoff(attempt)
            else:
                delay = wait if deadline is not None else min(wait, MAX_RETRY_AFTER_S)
            if deadline is not None and time.monotonic() + delay > deadline:
                self._count(gave_up_at_deadline=1)
                left_s = max(0.0, deadline - time.monotonic())
                raise ScorerRetryable(
                    f"{last}; {reason}: waiting {delay:.0f} s would pass the deadline "
                    f"({left_s:.0f} s left), so not waited for; asked again by the next --llm run"
                )
            self._wait(Wait(delay, reason, label))
        if unreachable:
            raise ScorerAbort(
                f"the LLM server is unreachable: {last}; check SUPPORTQA_LLM_BASE_URL"
            )
        raise ScorerRetryable(
            f"the LLM request failed after {self.max_retries + 1} attempts: {last}"
        )

    def _wait(self, wait: Wait) -> None:
        if self.on_wait is not None and wait.seconds >= ANNOUNCE_WAIT_S:
            self.on_wait(wait)
        self._count(waited_seconds=wait.seconds)
        self._sleep(wait.seconds)

    def _count(self, **increments: float) -> None:
        with self._lock:
            for name, amount in increments.items():
                setattr(self.stats, name, getattr(self.stats, name) + amount)

    def _count_sent(self, earlier: int, began: float) -> None:
        """One request left the client: a retry when an earlier one of the same call did too."""
        self._count(
            requests=1, retries=1 if earlier else 0, request_seconds=time.perf_counter() - began
        )

    def _count_answer(self, usage: Usage) -> None:
        with self._lock:
            self.stats.answers += 1
            self.stats.prompt_tokens += usage.prompt_tokens
            self.stats.completion_tokens += usage.completion_tokens
            self.stats.requests_without_usage += not usage.reported

    def _parse(self, response: httpx.Response) -> tuple[str, Usage]:
        try:
            data = response.json()
        except ValueError:
            raise ScorerError("the LLM server answered 200 with a body that is not JSON") from None
        try:
            if self.provider == "anthropic":
                content = "".join(
                    part.get("text", "") for part in data["content"] if part.get("type") == "text"
                )
                usage = parse_usage(data.get("usage"), "input_tokens", "output_tokens")
            else:
                message = data["choices"][0]["message"]
                if message.get("content") is None and message.get("refusal"):
                    raise ScorerError(f"the model refused: {message['refusal']}")
                content = message.get("content") or ""
                usage = parse_usage(data.get("usage"), "prompt_tokens", "completion_tokens")
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise ScorerError(
                f"the LLM server's answer has an unexpected shape ({exc!r})"
            ) from None
        if not isinstance(content, str):
            raise ScorerError("the LLM server's answer has no text content")
        return content, usage

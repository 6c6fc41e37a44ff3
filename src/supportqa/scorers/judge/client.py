"""An HTTP client for OpenAI-compatible chat completions (and Anthropic Messages), built to be trusted
with a long unattended run: timeouts, retries with exponential back-off that honour Retry-After, and
the token usage each answer cost.

A rejected key or an unknown model stops the run at once (`ScorerAbort`) rather than failing every
conversation; a server that cannot be reached after the retries stops it too.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from supportqa.errors import ScorerAbort, ScorerError

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 529})
ABORT_STATUSES = frozenset({401, 403, 404})
MAX_BACKOFF_S = 60.0
MAX_RETRY_AFTER_S = 300.0
ANTHROPIC_VERSION = "2023-06-01"


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    reported: bool = True
    """False when the server sent no `usage` (its tokens are then counted as 0)."""


@dataclass(frozen=True)
class Completion:
    content: str
    usage: Usage
    retries: int
    seconds: float


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
    ) -> None:
        if provider not in ("openai", "anthropic"):
            raise ScorerAbort(f"unknown LLM provider {provider!r} (use openai or anthropic)")
        self.base_url = base_url.rstrip("/")
        self.provider = provider
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self._sleep = sleep
        self._random = random.Random(seed)
        headers = {"content-type": "application/json"}
        if provider == "anthropic":
            headers["anthropic-version"] = ANTHROPIC_VERSION
            if api_key:
                headers["x-api-key"] = api_key
        elif api_key:
            headers["authorization"] = f"Bearer {api_key}"
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )

    @property
    def endpoint(self) -> str:
        path = "/messages" if self.provider == "anthropic" else "/chat/completions"
        return self.base_url + path

    def close(self) -> None:
        self._http.close()

    def backoff(self, retry: int) -> float:
        """Exponential with jitter: 1, 2, 4, ... × backoff_s, each scaled by 0.5–1.0, capped."""
        base = min(MAX_BACKOFF_S, self.backoff_s * float(2**retry))
        return base * (0.5 + self._random.random() / 2)

    def complete(self, body: dict[str, Any]) -> Completion:
        """POST the body and return the answer; raises ScorerError when the retries run out."""
        started = time.perf_counter()
        last = ""
        for attempt in range(self.max_retries + 1):
            wait: float | None = None
            try:
                response = self._http.post(self.endpoint, json=body)
            except httpx.TimeoutException as exc:
                last = f"timed out ({type(exc).__name__})"
            except httpx.ConnectError as exc:
                last = f"cannot connect to {self.endpoint} ({exc})"
                if attempt == self.max_retries:
                    raise ScorerAbort(
                        f"the LLM server is unreachable: {last}; check SUPPORTQA_LLM_BASE_URL"
                    ) from None
            except httpx.TransportError as exc:
                last = f"connection failed ({type(exc).__name__}: {exc})"
            else:
                status = response.status_code
                if status == 200:
                    content, usage = self._parse(response)
                    return Completion(content, usage, attempt, time.perf_counter() - started)
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
            if attempt < self.max_retries:
                delay = self.backoff(attempt) if wait is None else min(wait, MAX_RETRY_AFTER_S)
                self._sleep(delay)
        raise ScorerError(f"the LLM request failed after {self.max_retries + 1} attempts: {last}")

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
                raw = data.get("usage") or {}
                usage = Usage(
                    int(raw.get("input_tokens") or 0),
                    int(raw.get("output_tokens") or 0),
                    bool(raw),
                )
            else:
                message = data["choices"][0]["message"]
                if message.get("content") is None and message.get("refusal"):
                    raise ScorerError(f"the model refused: {message['refusal']}")
                content = message.get("content") or ""
                raw = data.get("usage") or {}
                usage = Usage(
                    int(raw.get("prompt_tokens") or 0),
                    int(raw.get("completion_tokens") or 0),
                    bool(raw),
                )
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise ScorerError(
                f"the LLM server's answer has an unexpected shape ({exc!r})"
            ) from None
        return content, usage

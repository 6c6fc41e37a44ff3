"""A conversation plus a memo of the signals computed on it, so scorers never compute one twice."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from supportqa.domain.conversation import Conversation
from supportqa.domain.detectors import DetectorSpec

T = TypeVar("T")


class Analysis:
    """Wraps a conversation; `signal(fn)` runs `fn(conversation)` once and caches the result."""

    __slots__ = ("_cache", "conversation", "detectors")

    def __init__(
        self, conversation: Conversation, detectors: Mapping[str, DetectorSpec] | None = None
    ) -> None:
        self.conversation = conversation
        self.detectors: Mapping[str, DetectorSpec] = detectors or {}
        """The scorecard's detectors (packaged ones merged with the team's)."""
        self._cache: dict[Callable[[Conversation], Any], Any] = {}

    def has(self, fn: Callable[[Conversation], Any]) -> bool:
        return fn in self._cache

    def put(self, fn: Callable[[Conversation], T], value: T) -> None:
        """Memoise a signal computed elsewhere (in a batch across conversations) under `fn`."""
        self._cache[fn] = value

    def signal(self, fn: Callable[[Conversation], T]) -> T:
        try:
            return cast(T, self._cache[fn])
        except KeyError:
            value = fn(self.conversation)
            self._cache[fn] = value
            return value

"""A conversation plus a memo of the signals computed on it, so scorers never compute one twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from supportqa.domain.conversation import Conversation

T = TypeVar("T")


class Analysis:
    """Wraps a conversation; `signal(fn)` runs `fn(conversation)` once and caches the result."""

    __slots__ = ("_cache", "conversation")

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self._cache: dict[Callable[[Conversation], Any], Any] = {}

    def signal(self, fn: Callable[[Conversation], T]) -> T:
        try:
            return cast(T, self._cache[fn])
        except KeyError:
            value = fn(self.conversation)
            self._cache[fn] = value
            return value

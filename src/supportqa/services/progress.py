"""How a long service call reports progress without knowing who is watching.

A service names a task and its size and gets back a function to advance it; the CLI draws a rich bar,
a job can record a count, a test can collect the calls. The default does nothing, so library users
who do not care pass nothing."""

from __future__ import annotations

from collections.abc import Callable

Advance = Callable[[int], None]
"""Move a task forward by so many units."""
StartTask = Callable[[str, int], Advance]
"""Start a task (its label and total) and return how to advance it."""


def _ignore(_: int) -> None:
    return None


def no_progress(_label: str, _total: int) -> Advance:
    """The default: progress goes nowhere."""
    return _ignore

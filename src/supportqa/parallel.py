"""Ordered, bounded fan-out over worker processes. Parsing and scoring are CPU-bound; on a few cores a
chunked process pool beats any distributed engine (see MACHINE-NOTES)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[R]:
    """`map(fn, items)` in `workers` processes, results in input order, at most 2 × workers in flight
    so memory stays flat on any input size."""
    with ProcessPoolExecutor(workers, initializer=initializer, initargs=initargs) as pool:
        in_flight: deque[Future[R]] = deque()
        for item in items:
            in_flight.append(pool.submit(fn, item))
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

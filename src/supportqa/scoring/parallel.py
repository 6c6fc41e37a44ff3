"""Ordered, bounded fan-out over worker processes: scoring is CPU-bound, and on a few cores a chunked
process pool beats any distributed engine (see MACHINE-NOTES)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.scoring.engine import ScoringEngine

T = TypeVar("T")
R = TypeVar("R")

_ENGINE: ScoringEngine | None = None


def _init_worker(scorecard_data: dict[str, Any]) -> None:
    global _ENGINE
    _ENGINE = ScoringEngine(scorecard_from_dict(scorecard_data))


def worker_engine() -> ScoringEngine:
    """The engine of this worker process, built once by the pool's initializer."""
    if _ENGINE is None:
        raise RuntimeError("worker_engine() called outside a scoring worker")
    return _ENGINE


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int, scorecard: Scorecard
) -> Iterator[R]:
    """`map(fn, items)` in `workers` processes, results in input order, at most 2 × workers in flight
    so memory stays flat on any input size. `fn` reads its engine from `worker_engine()`."""
    with ProcessPoolExecutor(
        workers, initializer=_init_worker, initargs=(scorecard.to_dict(),)
    ) as pool:
        in_flight: deque[Future[R]] = deque()
        for item in items:
            in_flight.append(pool.submit(fn, item))
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()

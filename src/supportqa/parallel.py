"""Ordered, bounded fan-out over worker processes. Parsing and scoring are CPU-bound; on a few cores a
chunked process pool beats any distributed engine (see MACHINE-NOTES)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import sys
import threading
import time
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
    with ProcessPoolExecutor(
        workers,
        mp_context=_context(),
        initializer=_start_worker,
        initargs=(initializer, initargs),
    ) as pool:
        in_flight: deque[Future[R]] = deque()
        for item in items:
            in_flight.append(pool.submit(fn, item))
            if len(in_flight) >= 2 * workers:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


_THREADED_RUNTIMES = ("torch", "onnxruntime")


def _context() -> multiprocessing.context.BaseContext:
    """Fork is fastest, but a process that has started torch's or onnxruntime's thread pools cannot be
    forked safely (the child hangs on a lock held by a thread that was not copied): then spawn."""
    if any(name in sys.modules for name in _THREADED_RUNTIMES):
        return multiprocessing.get_context("spawn")
    return multiprocessing.get_context("fork")


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    exit_with_parent()
    if initializer is not None:
        initializer(*initargs)


def exit_with_parent(poll_seconds: float = 1.0) -> None:
    """Call in a worker's initializer: when the parent is killed (kill -9 leaves no chance to shut the
    pool down), the worker exits instead of lingering as an orphan."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(poll_seconds)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()

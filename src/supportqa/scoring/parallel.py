"""Scoring in worker processes: each worker builds its engine once, from the scorecard's data."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from supportqa.domain.scorecard import Scorecard, scorecard_from_dict
from supportqa.gc_tuning import tune_worker_process
from supportqa.models.onnx_encoder import THREADS_ENV
from supportqa.parallel import ordered_map as _ordered_map
from supportqa.scoring.engine import ScoringEngine

T = TypeVar("T")
R = TypeVar("R")

_ENGINE: ScoringEngine | None = None


def _init_worker(scorecard_data: dict[str, Any], workers: int) -> None:
    """Build this worker's engine; its ONNX encoder gets its share of the cores (not one session per
    core in every worker, which would oversubscribe them) unless the threads are set explicitly."""
    global _ENGINE
    tune_worker_process()
    os.environ.setdefault(THREADS_ENV, str(max(1, (os.cpu_count() or 1) // max(1, workers))))
    _ENGINE = ScoringEngine(scorecard_from_dict(scorecard_data))


def worker_engine() -> ScoringEngine:
    """The engine of this worker process, built once by the pool's initializer."""
    if _ENGINE is None:
        raise RuntimeError("worker_engine() called outside a scoring worker")
    return _ENGINE


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int, scorecard: Scorecard
) -> Iterator[R]:
    """`supportqa.parallel.ordered_map` with a scoring engine in every worker (`worker_engine()`)."""
    return _ordered_map(
        fn,
        items,
        workers=workers,
        initializer=_init_worker,
        initargs=(scorecard.to_dict(), workers),
    )

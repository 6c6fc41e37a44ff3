"""A sentence encoder in a child process, for encoding the next batch while this process scores the
current one.

The encoder's native work releases the GIL, but its per-sentence Python (feeds, pooling) does not,
and a scoring thread that never sleeps starves it: encoding in a thread beside scoring measured no
faster than taking turns (158 vs 155 conversations/s on 20k). A child process has its own GIL, so
the two really overlap. It runs the same encoder kind one sentence per call, so its vectors are
identical to this process's. The child exits with its parent (`parallel.exit_with_parent`).
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from supportqa.models.embeddings import Encoder, Vectors, make_encoder
from supportqa.parallel import exit_with_parent

_CHILD_ENCODER: Encoder | None = None


NICENESS = 10
"""The child yields the CPU to the scoring process: that one is the critical path (Python on one
core), while the child's lanes fill whatever core time is left."""


def _start(kind: str) -> None:
    global _CHILD_ENCODER
    exit_with_parent()
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    _CHILD_ENCODER = make_encoder(kind)


def _encode(texts: list[str]) -> Vectors:
    if _CHILD_ENCODER is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("background encoder used before it started")
    return _CHILD_ENCODER.encode(texts)


class BackgroundEncoder:
    """One child process running `make_encoder(kind)`; `submit` returns a future of the vectors."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        # spawn, not fork: this process may already run onnxruntime's or torch's threads.
        self._pool = ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(kind,),
        )
        # Shut down before the interpreter tears modules down: a pool collected after that prints
        # "Exception ignored in ... weakref_cb" on the way out.
        atexit.register(self.close)

    def submit(self, texts: Sequence[str]) -> Future[Vectors]:
        return self._pool.submit(_encode, list(texts))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        atexit.unregister(self.close)

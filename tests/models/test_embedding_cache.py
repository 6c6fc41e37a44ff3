"""The embedding cache: each text encoded once, and the next batch encoded in a child process
(`prefetch`) with the very vectors this process would have computed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from supportqa.domain.conversation import Conversation
from supportqa.models.embeddings import DIMENSIONS, EmbeddingCache, Vectors
from supportqa.models.onnx_encoder import OnnxEncoder
from supportqa.scoring.engine import prefetching

TEXTS = [
    "My card keeps getting declined even though it has funds.",
    "Please restart your router and wait two minutes.",
    "Thanks, that fixed it!",
    "I was charged twice for the same order.",
    "Please restart your router and wait two minutes.",  # a repeat: encoded once
]


class Counting:
    """Delegates to an encoder (or makes unit vectors), counting the texts it is asked for."""

    def __init__(self, inner: OnnxEncoder | None = None, kind: str | None = None) -> None:
        self.inner = inner
        self.name = "counting"
        if kind is not None:
            self.kind = kind
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        if self.inner is not None:
            return self.inner.encode(texts)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        out[:, 0] = 1.0
        return out


@pytest.fixture(scope="module")
def local() -> OnnxEncoder:
    return OnnxEncoder(threads=1)


def test_each_text_reaches_the_encoder_once() -> None:
    counting = Counting()
    cache = EmbeddingCache(counting)
    cache.embed(TEXTS)
    cache.embed(TEXTS[:2])
    assert counting.texts == list(dict.fromkeys(TEXTS))
    assert (cache.stats.encoded, cache.stats.hits) == (4, 3)


def test_without_a_kind_prefetch_does_nothing() -> None:
    counting = Counting()
    cache = EmbeddingCache(counting)
    cache.prefetch(TEXTS)
    assert counting.texts == [] and cache.stats.encoded == 0
    assert cache.embed(TEXTS).shape == (len(TEXTS), DIMENSIONS)


def test_prefetched_vectors_come_from_the_child_and_equal_this_process_s(
    local: OnnxEncoder,
) -> None:
    counting = Counting(local, kind="int8")
    cache = EmbeddingCache(counting)
    try:
        cache.prefetch(TEXTS)
        vectors = cache.embed(TEXTS)
    finally:
        cache.close()
    assert counting.texts == []  # none encoded here: the child did them all
    assert cache.stats.encoded == 4
    np.testing.assert_array_equal(vectors, local.encode(TEXTS))


def test_a_background_that_fails_falls_back_to_this_process(local: OnnxEncoder) -> None:
    counting = Counting(local, kind="no-such-encoder")
    cache = EmbeddingCache(counting)
    try:
        cache.prefetch(TEXTS)
        vectors = cache.embed(TEXTS)
        cache.prefetch(["another sentence entirely"])  # no second attempt at a broken child
        assert cache._prefetch is None
    finally:
        cache.close()
    assert counting.texts == list(dict.fromkeys(TEXTS))
    np.testing.assert_array_equal(vectors, local.encode(TEXTS))


class Recording:
    def __init__(self) -> None:
        self.prefetched: list[list[str]] = []

    def prefetch(self, conversations: Sequence[Conversation]) -> None:
        self.prefetched.append([c.id for c in conversations])


def test_prefetching_starts_the_next_batch_before_yielding_the_current() -> None:
    from supportqa.testing import conversation

    batches = [[conversation(id=f"c{i}{j}") for j in range(2)] for i in range(3)]
    engine = Recording()
    seen: list[tuple[list[str], int]] = []
    for batch in prefetching(engine, batches):
        seen.append(([c.id for c in batch], len(engine.prefetched)))
    assert seen == [(["c00", "c01"], 1), (["c10", "c11"], 2), (["c20", "c21"], 2)]
    assert engine.prefetched == [["c10", "c11"], ["c20", "c21"]]
    assert list(prefetching(object(), batches)) == batches  # no prefetch: plain batches

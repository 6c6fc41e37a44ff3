"""Markers: which sentences say "the agent states a solution", "the customer confirms it worked", ...

Each detector (see `supportqa.domain.detectors`) scores every sentence of its role by the cosine
similarity to its exemplars; keywords count as a full hit. Sentences of a whole batch of conversations
are embedded in one call through the shared cache, then every detector is a matrix product. The
dialogue-act cues (`signals.acts`) add hits to the detectors they name and veto others (a refusal
states no solution, a grudging "thanks anyway" is no thanks), whatever the embedding says. The result
per conversation (`Markers`) is memoised on its `Analysis`, so all model scorers share one pass.
Detectors read the shared embedding cache, so they sit in `models` with the encoder rather than in
`signals`, which stays model-free.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from supportqa.domain.conversation import Conversation, Role
from supportqa.domain.detectors import DetectorSpec
from supportqa.models.embeddings import EmbeddingCache, Vectors, shared_cache
from supportqa.signals.acts import CUE_DETECTORS, CUE_VETOES
from supportqa.signals.analysis import Analysis
from supportqa.signals.text import agent_message_indices, sentence_spans, verbatim_quote

MAX_SENTENCES_PER_MESSAGE = 12
"""Long emails: the first sentences carry the point; this bounds the encoder's work per message."""
MAX_SENTENCE_CHARS = 400


@dataclass(frozen=True)
class Sentence:
    message_index: int
    start: int
    end: int
    role: str
    text: str


@dataclass(frozen=True)
class Hit:
    """A sentence a detector fired on: where it is, the quote, and how sure (similarity, or 1.0 for a
    keyword). `keyword` is true for a rule hit: a keyword or a dialogue-act cue, not a similarity."""

    detector: str
    message_index: int
    quote: str
    similarity: float
    keyword: bool = False


@dataclass
class Markers:
    """Per detector: the hits in message order, and each message's best similarity (hit or not)."""

    hits: dict[str, list[Hit]] = field(default_factory=dict)
    best: dict[str, dict[int, float]] = field(default_factory=dict)
    quotes: dict[str, dict[int, str]] = field(default_factory=dict)
    """Per detector and message, the quote of the best-scoring sentence (hit or not)."""

    def found(self, name: str) -> bool:
        return bool(self.hits.get(name))

    def all(self, name: str) -> list[Hit]:
        return self.hits.get(name, [])

    def first(self, name: str) -> Hit | None:
        hits = self.hits.get(name)
        return hits[0] if hits else None

    def last(self, name: str) -> Hit | None:
        hits = self.hits.get(name)
        return hits[-1] if hits else None

    def strongest(self, name: str) -> Hit | None:
        return max(self.hits.get(name, []), key=lambda h: h.similarity, default=None)

    def in_message(self, name: str, index: int) -> Hit | None:
        return next((h for h in self.hits.get(name, []) if h.message_index == index), None)

    def strength(self, name: str, index: int | None = None) -> float:
        """Best similarity in message `index` (or anywhere), 0.0 when the role never spoke."""
        per_message = self.best.get(name, {})
        if index is not None:
            return per_message.get(index, 0.0)
        return max(per_message.values(), default=0.0)


def conversation_sentences(conversation: Conversation) -> list[Sentence]:
    """Public customer sentences and the reviewed side's sentences, in order."""
    agent = set(agent_message_indices(conversation))
    sentences: list[Sentence] = []
    for index, message in enumerate(conversation.messages):
        if index in agent:
            role = "agent"
        elif message.role is Role.CUSTOMER and message.public:
            role = "customer"
        else:
            continue
        spans = sentence_spans(message.text)[:MAX_SENTENCES_PER_MESSAGE]
        for start, end in spans:
            text = message.text[start:end][:MAX_SENTENCE_CHARS]
            if any(ch.isalnum() for ch in text):
                sentences.append(Sentence(index, start, end, role, text))
    return sentences


class DetectorSet:
    """Detectors with their exemplars embedded once and their keywords compiled."""

    def __init__(self, specs: Mapping[str, DetectorSpec], embeddings: EmbeddingCache) -> None:
        self.specs = dict(specs)
        self.embeddings = embeddings
        self._exemplars: dict[str, tuple[Vectors, Vectors | None]] = {}
        self._keywords = {
            name: re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(k) for k in spec.keywords) + r")(?!\w)",
                re.IGNORECASE,
            )
            for name, spec in specs.items()
            if spec.keywords
        }

    def _vectors(self, name: str) -> tuple[Vectors, Vectors | None]:
        if name not in self._exemplars:
            spec = self.specs[name]
            positives = self.embeddings.embed(spec.exemplars)
            counters = (
                self.embeddings.embed(spec.counter_exemplars) if spec.counter_exemplars else None
            )
            self._exemplars[name] = (positives, counters)
        return self._exemplars[name]

    def mark(self, sentences: Sequence[Sentence], vectors: Vectors) -> Markers:
        markers = Markers()
        for name, spec in self.specs.items():
            rows = [i for i, s in enumerate(sentences) if s.role == spec.role]
            markers.hits[name] = []
            markers.best[name] = {}
            markers.quotes[name] = {}
            if not rows:
                continue
            positives, counters = self._vectors(name)
            sub = vectors[rows]
            similarity = (sub @ positives.T).max(axis=1)
            beaten = (
                (sub @ counters.T).max(axis=1) >= similarity
                if counters is not None
                else np.zeros(len(rows), dtype=bool)
            )
            pattern = self._keywords.get(name)
            cue, veto = CUE_DETECTORS.get(name), CUE_VETOES.get(name)
            for row, sim, lost in zip(rows, similarity.tolist(), beaten.tolist(), strict=True):
                sentence = sentences[row]
                vetoed = bool(veto and veto(sentence.text))
                keyword = not vetoed and bool(pattern and pattern.search(sentence.text))
                cued = not vetoed and not keyword and bool(cue and cue(sentence.text))
                lost = lost or vetoed
                score = 1.0 if keyword else (0.0 if lost else float(sim))
                if cued:
                    score = max(score, spec.threshold)
                best = markers.best[name]
                if score > best.get(sentence.message_index, -1.0):
                    best[sentence.message_index] = score
                    markers.quotes[name][sentence.message_index] = verbatim_quote(sentence.text)
                if keyword or cued or (not lost and sim >= spec.threshold):
                    markers.hits[name].append(
                        Hit(
                            name,
                            sentence.message_index,
                            verbatim_quote(sentence.text),
                            score,
                            keyword or cued,
                        )
                    )
        return markers


@cache
def _packaged_detectors() -> dict[str, DetectorSpec]:
    from supportqa.domain.scorecard import default_scorecard

    return dict(default_scorecard().detectors)


def effective_detectors(overrides: Mapping[str, DetectorSpec]) -> dict[str, DetectorSpec]:
    """The packaged detectors with a scorecard's own detectors added or replacing them by name."""
    return {**_packaged_detectors(), **overrides}


_sets: dict[int, DetectorSet] = {}


def detector_set(specs: Mapping[str, DetectorSpec]) -> DetectorSet:
    """One DetectorSet per distinct configuration per process, so exemplars are embedded once."""
    key = hash(tuple(sorted((name, spec) for name, spec in specs.items())))
    found = _sets.get(key)
    if found is None or found.embeddings is not shared_cache():
        found = _sets[key] = DetectorSet(specs, shared_cache())
    return found


def _markers_key(conversation: Conversation) -> Markers:  # pragma: no cover - a memo key only
    raise RuntimeError("markers are computed in batches by prepare_markers()")


def prepare_markers(items: Sequence[Analysis], specs: Mapping[str, DetectorSpec]) -> None:
    """Embed every sentence of every item in one pass and memoise each item's Markers."""
    todo = [item for item in items if not item.has(_markers_key)]
    if not todo:
        return
    detectors = detector_set(specs)
    per_item = [conversation_sentences(item.conversation) for item in todo]
    texts = [s.text for sentences in per_item for s in sentences]
    vectors = detectors.embeddings.embed(texts)
    offset = 0
    for item, sentences in zip(todo, per_item, strict=True):
        block = vectors[offset : offset + len(sentences)]
        offset += len(sentences)
        item.put(_markers_key, detectors.mark(sentences, block))


def markers(item: Analysis, specs: Mapping[str, DetectorSpec]) -> Markers:
    """The item's markers, computing them alone when no batch pass has."""
    prepare_markers([item], specs)
    return item.signal(_markers_key)

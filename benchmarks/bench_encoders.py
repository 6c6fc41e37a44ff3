"""Sentence encoders compared on support text: sentences/s of `MiniLMEncoder` (sentence-transformers)
against `OnnxEncoder` (int8 ONNX Runtime), and how far the ONNX vectors drift from MiniLM's.

Prints figures, not a pass/fail. The sentences are the unique sentences (`sentence_spans`) of the
messages of `generate_conversations(600, seed=3)`; when those hold fewer than --sentences, further
seeds (4, 5, ...) top the set up. Both encoders are loaded and warmed up before timing, so the
one-off export/load is excluded from sentences/s; the export is timed on its own when the model is
not on disk yet (by default it is exported into a fresh temporary directory every run).

    python benchmarks/bench_encoders.py [--sentences 3000] [--repeats 3] [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from supportqa.models.embeddings import Encoder, MiniLMEncoder, Vectors
from supportqa.models.onnx_encoder import MODEL_FILE, OnnxEncoder
from supportqa.signals.text import sentence_spans
from supportqa.synthetic import generate_conversations


def support_sentences(count: int, conversations: int, seed: int) -> list[str]:
    """The first `count` unique sentences, in order of appearance."""
    seen: dict[str, None] = {}
    while len(seen) < count:
        for conversation in generate_conversations(conversations, seed):
            for message in conversation["messages"]:
                text = message["text"]
                for start, end in sentence_spans(text):
                    seen.setdefault(text[start:end], None)
        seed += 1
    return list(seen)[:count]


def timed_rate(encoder: Encoder, sentences: list[str], repeats: int) -> tuple[float, Vectors]:
    """Median sentences/s over `repeats` full passes, and the vectors of the last pass."""
    encoder.encode(sentences[:64])  # warm-up: lazy load, first-run allocations
    rates = []
    vectors = np.zeros((0, 0), dtype=np.float32)
    for _ in range(repeats):
        t0 = time.perf_counter()
        vectors = encoder.encode(sentences)
        rates.append(len(sentences) / (time.perf_counter() - t0))
    return statistics.median(rates), vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=3000)
    parser.add_argument("--conversations", type=int, default=600)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--model-dir", type=Path, help="reuse (or export once into) this directory")
    args = parser.parse_args()

    sentences = support_sentences(args.sentences, args.conversations, args.seed)
    words = [len(s.split()) for s in sentences]
    print(
        f"{len(sentences):,} unique sentences, {statistics.mean(words):.1f} words on average "
        f"(max {max(words)})"
    )

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = args.model_dir or Path(tmp)
        exported = not (model_dir / MODEL_FILE).is_file()
        t0 = time.perf_counter()
        onnx = OnnxEncoder(model_dir)
        setup_s = time.perf_counter() - t0
        size_mb = (model_dir / MODEL_FILE).stat().st_size / 1e6
        what = "export + quantise + load" if exported else "load (already exported)"
        print(f"ONNX model: {what} {setup_s:.1f} s, {size_mb:.1f} MB int8")

        minilm = MiniLMEncoder()
        t0 = time.perf_counter()
        minilm.encode(["warm up"])
        print(f"MiniLM: import + load {time.perf_counter() - t0:.1f} s")

        minilm_rate, reference = timed_rate(minilm, sentences, args.repeats)
        onnx_rate, vectors = timed_rate(onnx, sentences, args.repeats)
        # Dynamic int8 quantises activations with one scale per batch, so a vector depends a little
        # on the other sentences of its batch: compare 300 sentences encoded alone.
        alone = np.vstack([onnx.encode([s]) for s in sentences[:300]])

    cosines = (reference * vectors).sum(axis=1)
    sample = np.random.default_rng(0).choice(
        len(sentences), min(500, len(sentences)), replace=False
    )
    pairs_ref = reference[sample] @ reference[sample].T
    pairs_onnx = vectors[sample] @ vectors[sample].T
    drift = np.abs(pairs_ref - pairs_onnx)[np.triu_indices(len(sample), k=1)]

    print()
    print(f"{'encoder':<28} {'sentences/s':>12} {'ratio':>7}")
    print(f"{MiniLMEncoder.name:<28} {minilm_rate:>12,.0f} {1.0:>7.2f}")
    print(f"{OnnxEncoder.name:<28} {onnx_rate:>12,.0f} {onnx_rate / minilm_rate:>7.2f}")
    print()
    print(
        f"cosine(ONNX, MiniLM) per sentence: mean {cosines.mean():.4f}, "
        f"1st percentile {np.percentile(cosines, 1):.4f}, worst {cosines.min():.4f} "
        f"({sentences[int(cosines.argmin())]!r})"
    )
    stability = (alone * vectors[:300]).sum(axis=1)
    print(
        f"ONNX, same sentence alone vs in its batch of 64: cosine mean {stability.mean():.4f}, "
        f"worst {stability.min():.4f}"
    )
    print(
        f"pairwise cosines on {len(sample)} sentences, |ONNX - MiniLM|: "
        f"mean {drift.mean():.4f}, 99th percentile {np.percentile(drift, 99):.4f}, "
        f"max {drift.max():.4f}"
    )


if __name__ == "__main__":
    main()

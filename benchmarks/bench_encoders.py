"""The sentence encoders side by side (issue 19's A/B, docs/scorers.md § Encoders): for each
`SUPPORTQA_ENCODER` kind, the one-off preparation, sentences/s one sentence at a time with one thread
and with the default threads, peak memory, and how far its vectors are from MiniLM's
(sentence-transformers, the reference).

Prints figures, not a pass/fail. Each encoder runs in its own child process (so peak memory is its
own) with a fresh, empty model directory (so the first-run step is timed). The sentences are the
unique sentences (`sentence_spans`) of `generate_conversations(600, seed=3)`, topped up from further
seeds. `minilm` and `onnx` need the `models` extra (torch); without it their rows say so.

    python benchmarks/bench_encoders.py [--sentences 2000] [--repeats 3] [--kinds int8,minilm]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from supportqa.models.embeddings import ENCODERS, make_encoder
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


def measure(kind: str, sentences_file: Path, vectors_file: Path, repeats: int) -> dict[str, float]:
    """In the child: prepare + load, then sentences/s with 1 thread and with the default threads."""
    sentences = json.loads(sentences_file.read_text())
    figures: dict[str, float] = {}
    t0 = time.perf_counter()
    encoder = make_encoder(kind)
    encoder.encode(sentences[:8])  # lazy loads happen here
    figures["prepare_and_load_s"] = time.perf_counter() - t0
    settings = [("one_thread", 1), ("default_threads", 0)]
    for label, threads in settings:
        if kind == "minilm":
            import torch

            default = torch.get_num_threads()
            torch.set_num_threads(threads or default)
            timed = encoder
        else:
            from supportqa.models.onnx_encoder import OnnxEncoder

            timed = OnnxEncoder(source=kind, threads=threads or None)
        timed.encode(sentences[:64])
        rates = []
        for _ in range(repeats):
            t1 = time.perf_counter()
            vectors = timed.encode(sentences)
            rates.append(len(sentences) / (time.perf_counter() - t1))
        figures[f"{label}_per_s"] = statistics.median(rates)
        if kind == "minilm":
            torch.set_num_threads(default)
    np.save(vectors_file, vectors)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def run_child(kind: str, work: Path, repeats: int) -> dict[str, float] | str:
    env = {**os.environ, "SUPPORTQA_MODEL_DIR": str(work / f"models-{kind}")}
    command = [sys.executable, __file__, "--child", kind, "--work", str(work)]
    command += ["--repeats", str(repeats)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(ENCODERS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        work = args.work
        figures = measure(
            args.child, work / "sentences.json", work / f"{args.child}.npy", args.repeats
        )
        print(json.dumps(figures))
        return

    sentences = support_sentences(args.sentences, 600, 3)
    words = [len(s.split()) for s in sentences]
    print(
        f"{len(sentences):,} unique sentences, {statistics.mean(words):.1f} words on average; "
        f"{os.cpu_count()} cores; one sentence per call"
    )
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "sentences.json").write_text(json.dumps(sentences))
        results = {kind: run_child(kind, work, args.repeats) for kind in kinds}
        vectors = {k: np.load(work / f"{k}.npy") for k, r in results.items() if isinstance(r, dict)}
    reference = vectors.get("minilm")
    print()
    header = (
        f"{'encoder':<14} {'first run s':>11} {'1 thread/s':>11} {'default/s':>10} {'peak MB':>8}"
    )
    print(header + f" {'cos mean':>9} {'cos worst':>9}")
    for kind, result in results.items():
        if isinstance(result, str):
            print(f"{kind:<14} not measured: {result}")
            continue
        cosines = (vectors[kind] * reference).sum(axis=1) if reference is not None else None
        mean = f"{cosines.mean():.4f}" if cosines is not None else "-"
        worst = f"{cosines.min():.4f}" if cosines is not None else "-"
        print(
            f"{kind:<14} {result['prepare_and_load_s']:>11.1f} {result['one_thread_per_s']:>11,.0f} "
            f"{result['default_threads_per_s']:>10,.0f} {result['peak_rss_mb']:>8,.0f} "
            f"{mean:>9} {worst:>9}"
        )


if __name__ == "__main__":
    main()

"""Rule scoring throughput: conversations/s over generated conversations (goal ≥ 2,000/s on 2 cores).

Uses the default scorecard's rule criteria only (`supportqa.scoring.profiles.rules_only`, no CX); the
model criteria are measured by `bench_model_scoring.py`.

Prints figures, not a pass/fail: the engine alone (parsed conversations in memory), and the whole
`score FILE -o OUT` pipeline (read JSONL, validate, score, write reviews) at 1 and N worker processes.
A baseline measured in the same run — parsing and validating the same conversations, nothing else —
gives the ratio of scoring cost to bare input cost.

    python benchmarks/bench_scoring.py --n 100000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import orjson

from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import default_scorecard
from supportqa.scoring import profiles
from supportqa.scoring.engine import ScoringEngine
from supportqa.services.scoring import score_file
from supportqa.synthetic import generate_conversations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    card = profiles.rules_only(default_scorecard(), keep=profiles.RULE_SCORERS)

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "conversations.jsonl"
        t0 = time.perf_counter()
        with source.open("wb") as handle:
            for conv in generate_conversations(args.n, args.seed):
                handle.write(orjson.dumps(conv) + b"\n")
        gen_s = time.perf_counter() - t0
        print(f"generated {args.n:,} conversations in {gen_s:.1f} s ({args.n / gen_s:,.0f}/s)")

        t0 = time.perf_counter()
        with source.open("rb") as handle:  # streamed, as `score` reads it
            for line in handle:
                Conversation.model_validate(orjson.loads(line))
        parse_s = time.perf_counter() - t0
        print(f"baseline: read + parse + validate only: {args.n / parse_s:,.0f} conversations/s")

        sample = min(args.n, 10_000)
        with source.open("rb") as handle:
            conversations = [
                Conversation.model_validate(orjson.loads(line))
                for _, line in zip(range(sample), handle, strict=False)
            ]
        engine = ScoringEngine(card)
        t0 = time.perf_counter()
        for start in range(0, len(conversations), 500):
            engine.score(conversations[start : start + 500])
        engine_s = time.perf_counter() - t0
        print(
            f"engine only (1 process, {sample:,} parsed conversations): "
            f"{sample / engine_s:,.0f} conversations/s ({engine_s / sample * 1e6:,.0f} µs each)"
        )
        del conversations

        for workers in sorted({1, args.workers}):
            out = Path(tmp) / f"reviews-{workers}.jsonl"
            t0 = time.perf_counter()
            report = score_file(source, out, card, workers=workers)
            file_s = time.perf_counter() - t0
            rate = report.scored / file_s
            print(
                f"score FILE -o OUT, {workers} worker(s): {rate:,.0f} conversations/s "
                f"({report.scored:,} in {file_s:.1f} s; goal ≥ 2,000/s: "
                f"{'met' if rate >= 2000 else 'MISSED'}); ratio to parse-only baseline "
                f"{rate / (args.n / parse_s):.2f}"
            )


if __name__ == "__main__":
    main()

"""The writing checks (spelling and grammar) with and without the per-message cache, in one run.

Prints figures, not a pass/fail: conversations/s of `writing_check` over N generated conversations
(parsed before timing), first with the cache cleared and disabled (every message checked afresh),
then with the cache starting cold, and the ratio. The results are compared for equality as well.

    python benchmarks/bench_writing_checks.py --n 20000 [--seed 17]
"""

from __future__ import annotations

import argparse
import time

from supportqa.domain.conversation import Conversation
from supportqa.scorers import writing
from supportqa.synthetic import generate_conversations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    conversations = [
        Conversation.model_validate(c) for c in generate_conversations(args.n, seed=args.seed)
    ]
    fresh = writing.message_slips.__wrapped__

    def uncached(text: str) -> tuple[int, tuple[writing.Slip, ...]]:
        return fresh(text)

    cached = writing.message_slips
    writing.message_slips = uncached  # type: ignore[assignment]
    start = time.perf_counter()
    before = [writing.writing_check(c) for c in conversations]
    plain = time.perf_counter() - start
    writing.message_slips = cached
    cached.cache_clear()
    start = time.perf_counter()
    after = [writing.writing_check(c) for c in conversations]
    with_cache = time.perf_counter() - start
    info = cached.cache_info()
    assert before == after, "the cache changed a result"
    n = len(conversations)
    print(f"{n} conversations, {info.hits + info.misses} agent messages")
    print(f"  no cache:   {n / plain:8.0f} conversations/s ({plain:.2f} s)")
    print(
        f"  with cache: {n / with_cache:8.0f} conversations/s ({with_cache:.2f} s), "
        f"{info.hits / (info.hits + info.misses):.1%} of messages served from it"
    )
    print(f"  speed-up: {plain / with_cache:.2f}x; results identical")


if __name__ == "__main__":
    main()

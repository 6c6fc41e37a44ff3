"""Conversation list and detail at scale: p50/p95 of `list_conversations` (random filters, `q`,
sorts, cursors up to 20 pages deep, an agent's scope) and `conversation_detail`, in one process.

Conversations come from the synthetic generator through the repository (the import write path);
AI reviews are written directly as records through the same repository (scoring 100k conversations
would take far longer than the figures need: the list reads only the summary the review write keeps).

    python benchmarks/bench_conversations.py --n 100000 --db /tmp/bench.db
    python benchmarks/bench_conversations.py --n 100000 --db postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from serve_data import build  # the serve benchmark's workspace: conversations and AI reviews

from supportqa.services.conversation_detail import conversation_detail
from supportqa.services.conversations import ConversationFilters, Sort, list_conversations
from supportqa.services.scope import Scope
from supportqa.storage import Database, Repository

WORDS = ["refund", "parcel", "password", "invoice", "delivery", "cancel", "thanks", "order"]


def _filters(rng: random.Random, agents: list[str]) -> ConversationFilters:
    options: dict[str, Any] = {}
    if rng.random() < 0.4:
        options["q"] = " ".join(rng.sample(WORDS, rng.randint(1, 2)))
    if rng.random() < 0.3:
        options["iqs_min"] = rng.choice([40, 60, 80])
    if rng.random() < 0.2:
        options["flagged"] = True
    if rng.random() < 0.2:
        options["agent"] = rng.choice(agents)
    return ConversationFilters(**options)


def timed(samples: list[float], call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    t0 = time.perf_counter()
    result = call(*args, **kwargs)
    samples.append((time.perf_counter() - t0) * 1000)
    return result


def run(repo: Repository, rounds: int) -> dict[str, list[float]]:
    rng = random.Random(3)
    first = list_conversations(repo, limit=200)
    pairs = sorted({(r.source, r.id) for i in first.items for r in i.reviewees})
    agents = [ident for _source, ident in pairs]
    ids = [(i.source, i.id) for i in first.items]
    samples: dict[str, list[float]] = {"list": [], "list (agent scope)": [], "detail": []}
    sorts = ["newest", "oldest", "-iqs", "iqs", "cx", "-updated"]
    for _ in range(rounds):
        filters, sort = _filters(rng, agents), Sort.parse(rng.choice(sorts))
        cursor = None
        for _page in range(rng.randint(0, 20)):
            page = list_conversations(repo, filters, sort=sort, cursor=cursor)
            cursor = page.next_cursor
            if cursor is None:
                break
        page = timed(samples["list"], list_conversations, repo, filters, sort=sort, cursor=cursor)
        ids += [(i.source, i.id) for i in page.items[:3]]
        scope = Scope(reviewees=frozenset({rng.choice(pairs)}), mask_personal_data=True)
        timed(samples["list (agent scope)"], list_conversations, repo, sort=sort, scope=scope)
        source, id = rng.choice(ids)
        timed(samples["detail"], conversation_detail, repo, source, id)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--db", default="/tmp/supportqa-bench-conversations.db")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    database = Database.open(args.db, create=True)
    try:
        repo = Repository(database)
        t0 = time.perf_counter()
        build(repo, args.n)
        print(
            f"{repo.count_conversations()} conversations ready in {time.perf_counter() - t0:.0f} s"
        )
        for name, values in run(repo, args.rounds).items():
            values.sort()
            p95 = values[int(len(values) * 0.95) - 1]
            print(
                f"{name:20} n={len(values):4} p50={statistics.median(values):6.1f} ms  p95={p95:6.1f} ms"
            )
    finally:
        database.dispose()


if __name__ == "__main__":
    main()

"""The LLM judge against the scripted OpenAI-compatible server with a realistic simulated latency.

Measures, over generated conversations and the default scorecard's LLM criteria (its model criteria):
- conversations/second at concurrency 1, 8 and 32 (server latency `--latency` s ± `--jitter` s);
- requests and prompt tokens per conversation versus a naive judge that sends one request per
  criterion on the same scorecard (ratio; goals: requests ≤ 1 / number of LLM criteria, prompt
  tokens ≤ 0.5);
- a second run over the same data with the same cache: requests sent (goal: 0).
Prompt tokens are the server's `usage` (≈ characters / 4; no tokenizer download).

    python benchmarks/bench_judge.py [--n 96] [--latency 0.5] [--jitter 0.2] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.scorecard import Criterion, default_scorecard
from supportqa.scorers.judge.cache import AnswerCache
from supportqa.scorers.judge.client import ChatClient
from supportqa.scorers.judge.judge import LlmJudge
from supportqa.scorers.judge.policy import judged_criteria
from supportqa.scorers.judge.rubric import Rubric
from supportqa.signals.analysis import Analysis
from supportqa.synthetic import generate_conversations
from supportqa.testing import OpenAIServer, SimulatedJudge


def _judge(server: OpenAIServer, concurrency: int, cache: AnswerCache | None = None) -> LlmJudge:
    client = ChatClient(server.base_url, concurrency=concurrency, max_retries=2)
    return LlmJudge(client, model="bench", cache=cache, concurrency=concurrency)


def throughput(
    server: OpenAIServer, items: Sequence[Analysis], criteria: Sequence[Criterion], c: int
) -> dict[str, Any]:
    judge = _judge(server, c)
    started = time.perf_counter()
    results = judge(items, criteria)
    seconds = time.perf_counter() - started
    judge.close()
    failed = sum(any(s.status.value == "failed" for s in r.values()) for r in results)
    return {
        "concurrency": c,
        "conversations": len(items),
        "seconds": round(seconds, 2),
        "per_second": round(len(items) / seconds, 2),
        "failed": failed,
    }


def naive(
    server: OpenAIServer, conversations: Sequence[Conversation], criteria: Sequence[Criterion]
) -> dict[str, int]:
    """One request per criterion: what a judge without a shared rubric would send."""
    judge = _judge(server, 8)
    for conversation in conversations:
        for criterion in criteria:
            judge.judge(conversation, Rubric.of([criterion]))
    judge.close()
    return {"requests": judge.stats.requests, "prompt_tokens": judge.stats.prompt_tokens}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=96)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--jitter", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()

    card = default_scorecard()
    criteria = judged_criteria(card)
    conversations = [
        Conversation.model_validate(c) for c in generate_conversations(args.n, args.seed)
    ]
    items = [Analysis(c, {}) for c in conversations]
    print(
        f"{args.n} conversations · {len(criteria)} LLM criteria "
        f"({', '.join(c.key for c in criteria)}) · latency {args.latency}±{args.jitter} s"
    )
    figures: dict[str, Any] = {"n": args.n, "llm_criteria": len(criteria)}
    with OpenAIServer(
        responder=SimulatedJudge(), latency_s=args.latency, latency_jitter_s=args.jitter
    ) as server:
        figures["throughput"] = []
        for c in (1, 8, 32):
            row = throughput(server, items, criteria, c)
            figures["throughput"].append(row)
            print(
                f"  concurrency {c:>2}: {row['per_second']:>6.2f} conversations/s "
                f"({row['seconds']} s, {row['failed']} failed)"
            )

    with OpenAIServer(responder=SimulatedJudge()) as server:
        cache = AnswerCache(None)
        ours = _judge(server, 8, cache)
        ours(items, criteria)
        one = {"requests": ours.stats.requests, "prompt_tokens": ours.stats.prompt_tokens}
        second = _judge(server, 8, cache)
        second(items, criteria)
        figures["second_run_requests"] = second.stats.requests
        figures["second_run_cache_hits"] = second.stats.cache_hits
        per_criterion = naive(server, conversations, criteria)
    request_ratio = one["requests"] / per_criterion["requests"]
    token_ratio = one["prompt_tokens"] / per_criterion["prompt_tokens"]
    figures.update(
        {
            "one_request_per_conversation": one,
            "one_request_per_criterion": per_criterion,
            "request_ratio": round(request_ratio, 4),
            "request_ratio_goal": round(1 / len(criteria), 4),
            "prompt_token_ratio": round(token_ratio, 4),
            "prompt_token_ratio_goal": 0.5,
            "prompt_tokens_per_conversation": round(one["prompt_tokens"] / args.n),
            "naive_prompt_tokens_per_conversation": round(per_criterion["prompt_tokens"] / args.n),
        }
    )
    print(
        f"  requests/conversation: {one['requests'] / args.n:.2f} vs naive "
        f"{per_criterion['requests'] / args.n:.2f} → ratio {request_ratio:.3f} "
        f"(goal ≤ {1 / len(criteria):.3f}: {'met' if request_ratio <= 1 / len(criteria) else 'MISSED'})"
    )
    print(
        f"  prompt tokens/conversation: {figures['prompt_tokens_per_conversation']:,} vs naive "
        f"{figures['naive_prompt_tokens_per_conversation']:,} → ratio {token_ratio:.3f} "
        f"(goal ≤ 0.5: {'met' if token_ratio <= 0.5 else 'MISSED'})"
    )
    print(
        f"  second run over the same data: {figures['second_run_requests']} requests, "
        f"{figures['second_run_cache_hits']} answers from the cache"
    )
    if args.json_path:
        with open(args.json_path, "w") as handle:
            json.dump(figures, handle, indent=2)


if __name__ == "__main__":
    main()

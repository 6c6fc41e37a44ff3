"""The LLM judge as the CLI sets it up: settings, cache beside the database, and the run's accounting."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Protocol

import typer
from rich.rule import Rule
from rich.table import Table

from supportqa.cli.common import console, err_console, print_errors, print_json, settings, styled
from supportqa.domain.conversation import Conversation, Reviewee
from supportqa.domain.scorecard import Criterion, Scorecard
from supportqa.scorers.judge.cache import AnswerCache
from supportqa.scorers.judge.client import Wait
from supportqa.scorers.judge.judge import JudgeStats, LlmJudge
from supportqa.scorers.judge.policy import build_judge, cache_path, model_name
from supportqa.scorers.judge.rubric import Rubric
from supportqa.storage.database import database_url, workspace_dir

LlmModelOption = Annotated[
    str | None,
    typer.Option(
        "--llm-model",
        help="The model to ask (default: scorecard llm.model, else SUPPORTQA_LLM_MODEL)",
    ),
]
ConcurrencyOption = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        min=1,
        help="LLM requests in flight (default: SUPPORTQA_LLM_CONCURRENCY, 8)",
    ),
]

RULE_WIDTH = 100  # the console is unbounded off a terminal; a separator need not be


def announce_wait(wait: Wait) -> None:
    """A line on stderr while the client waits (stdout stays clean for --json)."""
    err_console.print(styled((wait.describe(), "yellow")), highlight=False)


def open_judge(
    card: Scorecard,
    db_url: str,
    *,
    model: str | None = None,
    concurrency: int | None = None,
    use_cache: bool = True,
) -> LlmJudge:
    """A judge whose answers are cached beside the database (or SUPPORTQA_LLM_CACHE)."""
    config = settings()
    cache = AnswerCache(
        cache_path(config, workspace_dir(database_url(db_url))) if use_cache else None
    )
    return build_judge(
        config,
        model_name(card, config, model),
        cache=cache,
        concurrency=concurrency,
        on_wait=announce_wait,
    )


def judge_summary(judge: LlmJudge, **extra: Any) -> dict[str, Any]:
    """The run's accounting as data: requests, cache hits, tokens, cost and what the checks caught."""
    config = settings()
    stats: JudgeStats = judge.stats
    cost = stats.cost(config.llm_price_input_per_mtok, config.llm_price_output_per_mtok)
    return {
        "model": judge.model,
        "base_url": judge.client.base_url,
        "provider": judge.client.provider,
        **extra,
        **stats.as_dict(),
        "cost": round(cost, 6),
        "priced": bool(config.llm_price_input_per_mtok or config.llm_price_output_per_mtok),
        "cache": str(judge.cache.path) if judge.cache.path else None,
    }


def print_judge_summary(summary: dict[str, Any]) -> None:
    table = Table(
        title=f"LLM judge · {summary['model']} at {summary['base_url']}", show_header=False
    )
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    checks = summary["checks"]
    rows = [
        ("views judged (one per reviewee)", summary["conversations"]),
        ("requests sent (every attempt)", summary["requests"]),
        ("answers from the cache", summary["cache_hits"]),
        ("retries (timeouts, 429, 5xx)", summary["retries"]),
        ("malformed answers asked again", summary["malformed_retries"]),
        ("conversations failed", summary["failed_conversations"]),
        ("of which retryable (out of retries or time)", summary["failed_retryable"]),
        *(
            [
                ("conversations judged fully", summary["judged_fully"]),
                ("conversations left pending (asked again next run)", summary["left_pending"]),
            ]
            if "left_pending" in summary
            else []
        ),
        ("ratings unverified (quote not in transcript)", checks["unverified"]),
        ("quotes dropped", checks["dropped_quotes"]),
        ("ratings rejected (off the scale)", checks["out_of_scale"]),
        (
            "prompt / completion tokens",
            f"{summary['prompt_tokens']:,} / {summary['completion_tokens']:,}",
        ),
        *(
            [("answers without usage (tokens unknown)", summary["requests_without_usage"])]
            if summary["requests_without_usage"]
            else []
        ),
        *(
            [("seconds spent waiting (back-off, Retry-After)", f"{summary['waited_seconds']:.1f}")]
            if summary["waited_seconds"]
            else []
        ),
        (
            "cost",
            (
                f"{summary['cost']:.4f}"
                + (" (at least: some tokens unknown)" if summary["requests_without_usage"] else "")
            )
            if summary["priced"]
            else "not priced (set SUPPORTQA_LLM_PRICE_INPUT_PER_MTOK)",
        ),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    if summary.get("redacted"):
        redacted = ", ".join(f"{k} {v}" for k, v in sorted(summary["redacted"].items()))
        table.add_row("redacted before sending", redacted)
    console.print(table)
    for failure in summary.get("failures", [])[:5]:
        console.print(styled(("failed:", "red"), f" {failure}"))


class PlannedRequest(Protocol):
    """A request the run would send (`scoring.llm_run.JudgeRequest`)."""

    @property
    def conversation(self) -> Conversation: ...
    @property
    def criteria(self) -> Sequence[Criterion]: ...
    @property
    def reviewee(self) -> Reviewee | None: ...


def show_requests(
    judge: LlmJudge,
    planned: Sequence[PlannedRequest],
    json: bool,
    errors: Sequence[dict[str, Any]] = (),
) -> None:
    """The dry run: each request exactly as the client would POST it (the API key masked; one per
    participant's view, `LlmRun.requests`), and the input's bad lines (file, line, reason) as the
    real run would report them."""
    requests = []
    for item in planned:
        conversation, rubric = item.conversation, Rubric.of(item.criteria)
        prepared = judge.prepare(conversation, rubric)
        who = item.reviewee
        requests.append(
            {
                "conversation": f"{conversation.source}/{conversation.id}",
                "reviewee": None if who is None else who.id,
                "criteria": [c.key for c in item.criteria],
                "url": judge.client.endpoint,
                "cached": judge.cached_verdict(prepared, rubric) is not None,
                "redacted": prepared.redacted,
                "body": prepared.body,
            }
        )
    if json:
        print_json(
            {
                "dry_run": True,
                "requests": requests,
                "failed_records": len(errors),
                "errors": list(errors),
            }
        )
        return
    for request in requests:
        state = "cached: would not be sent" if request["cached"] else "would be sent"
        whose = request["reviewee"] or "the whole conversation"
        title = f"{request['conversation']} ({whose}) → POST {request['url']} ({state})"
        console.print(Rule(title), width=min(console.width, RULE_WIDTH))
        console.print_json(data=request["body"])
    console.print(f"{len(requests)} request(s) shown; nothing was sent or written.")
    print_errors(errors)

"""The LLM judge in the CLI: its options, waits announced on stderr, and its accounting and dry-run
requests rendered (`services.llm` sets the judge up and does the accounting)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer
from rich.rule import Rule
from rich.table import Table

from supportqa.cli.common import console, err_console, print_errors, print_json, settings, styled
from supportqa.domain.scorecard import Scorecard
from supportqa.services import llm
from supportqa.services.llm import JudgeRequest, LlmJudge, Wait

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
    """A judge whose answers are cached beside the database (or SUPPORTQA_LLM_CACHE); waits are
    announced on stderr."""
    return llm.open_judge(
        card,
        db_url,
        settings=settings(),
        model=model,
        concurrency=concurrency,
        use_cache=use_cache,
        on_wait=announce_wait,
    )


def judge_summary(judge: LlmJudge, **extra: Any) -> dict[str, Any]:
    """The run's accounting as data, at the configured prices (`services.llm.judge_summary`)."""
    return llm.judge_summary(judge, settings(), **extra)


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


def show_requests(
    judge: LlmJudge,
    planned: Sequence[JudgeRequest],
    json: bool,
    errors: Sequence[dict[str, Any]] = (),
) -> None:
    """The dry run: each request exactly as the client would POST it (the API key masked; one per
    participant's view, `LlmRun.requests`), and the input's bad lines (file, line, reason) as the
    real run would report them."""
    requests = llm.dry_run_requests(judge, planned)
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

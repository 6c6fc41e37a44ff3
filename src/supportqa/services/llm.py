"""The optional LLM judge as a use case: set it up (settings, the answer cache beside the database), run
it over conversations with a policy, say what a run would send, and account for what it cost.

`score --llm`, `judge probe|check` and later jobs and the API all set the judge up here, so the cache and
the accounting are the same whoever asks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from supportqa.domain.scorecard import Criterion, Scorecard
from supportqa.errors import InputError
from supportqa.scorers.judge.cache import AnswerCache
from supportqa.scorers.judge.client import Wait
from supportqa.scorers.judge.judge import JudgeStats, LlmJudge
from supportqa.scorers.judge.policy import build_judge, cache_path, judged_criteria, model_name
from supportqa.scorers.judge.rubric import Rubric
from supportqa.scoring.llm_run import POLICIES, JudgeRequest, LlmRun
from supportqa.services.scoring import RunReport
from supportqa.settings import Settings
from supportqa.storage.database import database_url, workspace_dir

__all__ = [
    "POLICIES",
    "JudgeRequest",
    "LlmJudge",
    "LlmRun",
    "Wait",
    "account_llm_run",
    "dry_run_requests",
    "judge_summary",
    "judged_criteria_of",
    "open_judge",
    "start_llm_run",
]


def open_judge(
    card: Scorecard,
    db: str | None = None,
    *,
    settings: Settings | None = None,
    model: str | None = None,
    concurrency: int | None = None,
    use_cache: bool = True,
    on_wait: Callable[[Wait], None] | None = None,
) -> LlmJudge:
    """A judge whose answers are cached beside the database `db` (else SUPPORTQA_DB; or in
    SUPPORTQA_LLM_CACHE), so a stopped run never pays twice. Close it when done."""
    config = settings or Settings()
    cache = AnswerCache(
        cache_path(config, workspace_dir(database_url(db or config.db))) if use_cache else None
    )
    return build_judge(
        config,
        model_name(card, config, model),
        cache=cache,
        concurrency=concurrency,
        on_wait=on_wait,
    )


def judged_criteria_of(card: Scorecard) -> list[Criterion]:
    """The criteria the LLM judges; none is a clear error, not an empty request."""
    criteria = judged_criteria(card)
    if not criteria:
        raise InputError(f"scorecard {card.name} has no criteria for the LLM judge")
    return criteria


def start_llm_run(card: Scorecard, judge: LlmJudge, policy: str = "always") -> LlmRun:
    """A scorer for `score_file`/`score_database` that asks the judge as `policy` says (`always`, or
    `low-confidence`: only where the local scorers are unsure)."""
    if policy not in POLICIES:
        raise InputError(f"--llm-when {policy!r}: use one of {', '.join(POLICIES)}")
    return LlmRun(card, judge, policy)


def judge_summary(
    judge: LlmJudge, settings: Settings | None = None, **extra: Any
) -> dict[str, Any]:
    """The judge's accounting as data: requests, cache hits, tokens, cost (at the settings' prices)
    and what the checks caught."""
    config = settings or Settings()
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


def account_llm_run(report: RunReport, run: LlmRun, settings: Settings | None = None) -> RunReport:
    """Put the LLM run's accounting (`judge_summary` plus what the policy sent and kept local) on
    the run's report, so one report says everything a run did."""
    report.llm = judge_summary(
        run.judge,
        settings,
        policy=run.policy,
        sent_conversations=run.sent_conversations,
        kept_local=run.kept_local,
        judged_fully=run.judged_fully,
        left_pending=run.left_pending,
    )
    return report


def dry_run_requests(judge: LlmJudge, planned: Sequence[JudgeRequest]) -> list[dict[str, Any]]:
    """Each request exactly as the client would POST it (the API key masked; one per participant's
    view with judged criteria, `LlmRun.requests`), and whether the cache already holds its answer;
    nothing is sent."""
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
    return requests

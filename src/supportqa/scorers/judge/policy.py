"""Which criteria the LLM judge takes over under `score --llm`, and how the judge is configured.

The hybrid policy: the scorecard's model criteria (local models) and its LLM-only criteria go to the
LLM, in one request per reviewee's view (`scoring.participants`); rule criteria (greeting, PII,
reply time, ...) stay with the rules. A judged criterion keeps its local scorers as fallbacks, used
when the judge fails.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from supportqa.domain.scorecard import Criterion, Scorecard, ScorerSpec
from supportqa.errors import ConfigError
from supportqa.scorers.judge.cache import CACHE_FILE, AnswerCache
from supportqa.scorers.judge.client import ChatClient, Wait
from supportqa.scorers.judge.judge import JUDGE_SCORER, LlmJudge
from supportqa.scorers.registry import BoundScorer, registered
from supportqa.settings import Settings

RESPONSE_FORMATS = ("json_schema", "json_object", "none")


def _family(spec: ScorerSpec) -> str:
    info = registered().get(spec.name)
    return info.family if info is not None else "rule"


def judged_criteria(scorecard: Scorecard) -> list[Criterion]:
    """Every criterion that names the `llm` scorer, plus `llm.criteria` when given, else every
    criterion whose first scorer is a local model: all of them go in the one request."""

    def judged(c: Criterion) -> bool:
        if any(s.name == JUDGE_SCORER for s in c.scorers):
            return True
        if scorecard.llm.criteria is not None:
            return c.key in scorecard.llm.criteria
        return bool(c.scorers) and _family(c.scorers[0]) == "model"

    return [c for c in scorecard.criteria if judged(c)]


def with_llm(scorecard: Scorecard, model: str) -> Scorecard:
    """The scorecard as `score --llm` runs it: the judge first, the local scorers as fallbacks."""
    judged = {c.key for c in judged_criteria(scorecard)}
    spec = ScorerSpec(name=JUDGE_SCORER, args={"model": model})
    criteria = tuple(
        c.model_copy(update={"scorers": (spec, *(s for s in c.scorers if s.name != JUDGE_SCORER))})
        if c.key in judged
        else c
        for c in scorecard.criteria
    )
    return scorecard.model_copy(update={"criteria": criteria})


def model_name(scorecard: Scorecard, settings: Settings, override: str | None = None) -> str:
    model = override or scorecard.llm.model or settings.llm_model
    if not model:
        raise ConfigError(
            "no LLM model: set SUPPORTQA_LLM_MODEL, the scorecard's llm.model, or --llm-model"
        )
    return model


def cache_path(settings: Settings, workspace: Path) -> Path:
    return Path(settings.llm_cache) if settings.llm_cache else workspace / CACHE_FILE


def build_judge(
    settings: Settings,
    model: str,
    *,
    cache: AnswerCache | None = None,
    concurrency: int | None = None,
    on_wait: Callable[[Wait], None] | None = None,
) -> LlmJudge:
    """The judge the settings describe; `on_wait` hears of every wait of a second or more (the CLI
    prints it), so a long back-off never looks like a hang."""
    if settings.llm_response_format not in RESPONSE_FORMATS:
        raise ConfigError(
            f"SUPPORTQA_LLM_RESPONSE_FORMAT={settings.llm_response_format!r}: use one of "
            + ", ".join(RESPONSE_FORMATS)
        )
    workers = concurrency or settings.llm_concurrency
    client = ChatClient(
        settings.llm_base_url,
        api_key=settings.llm_api_key,
        provider=settings.llm_provider,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        backoff_s=settings.llm_backoff_s,
        concurrency=workers,
        on_wait=on_wait,
    )
    return LlmJudge(
        client,
        model=model,
        cache=cache,
        response_format=settings.llm_response_format,
        redact=settings.llm_redact,
        concurrency=workers,
        conversation_deadline_s=settings.llm_conversation_deadline_s,
        run_deadline_s=settings.llm_run_deadline_s,
    )


def bound_scorer(judge: LlmJudge) -> dict[str, BoundScorer]:
    """What `ScoringEngine(bound=...)` takes to use this judge for the scorecard's `llm` scorers."""
    return {JUDGE_SCORER: BoundScorer(judge.ref, judge)}

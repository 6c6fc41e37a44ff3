"""`llm` in the scorer registry, so a scorecard can name LLM-only criteria (`scorer: llm`).

The engine leaves `llm` out unless it is handed a configured judge (`score --llm`), so a scorecard
with LLM criteria still scores offline; this factory serves plugins and scripts that bind it
directly, configured from the `SUPPORTQA_LLM_*` environment.
"""

from __future__ import annotations

from supportqa.errors import ConfigError
from supportqa.scorers.judge.judge import JUDGE_SCORER, JUDGE_VERSION, LlmJudge
from supportqa.scorers.registry import scorer
from supportqa.settings import Settings


@scorer(name=JUDGE_SCORER, version=JUDGE_VERSION, batch=True, family="llm", scope="either")
def llm(model: str | None = None) -> LlmJudge:
    """An OpenAI-compatible LLM judges the criterion (one request per conversation; score --llm)."""
    from supportqa.scorers.judge.policy import build_judge

    settings = Settings()
    chosen = model or settings.llm_model
    if not chosen:
        raise ConfigError("the llm scorer needs a model: give `model` or set SUPPORTQA_LLM_MODEL")
    return build_judge(settings, chosen)

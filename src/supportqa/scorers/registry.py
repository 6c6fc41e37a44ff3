"""The scorer registry: scorers are decorated factories, named in scorecards as `{name: {args}}`.

A factory's keyword arguments are its configuration; it returns the scoring callable. Plain
per-conversation callables `(analysis, criterion) -> Score` are lifted to the batch protocol the engine
uses; batch scorers (`batch=True`) receive every conversation and every criterion they rate at once, so a
model scorer can vectorise and an LLM judge can rate several criteria in one call.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Protocol

from supportqa.domain.score import Score, ScorerRef
from supportqa.domain.scorecard import Criterion, ScorerSpec
from supportqa.errors import ConfigError
from supportqa.signals.analysis import Analysis

ENTRY_POINT_GROUP = "supportqa.scorers"

PARTICIPANT = "participant"
CONVERSATION = "conversation"
EITHER = "either"
SCOPES = (PARTICIPANT, CONVERSATION, EITHER)

SingleScoreFn = Callable[[Analysis, Criterion], Score]


class BatchScoreFn(Protocol):
    """Rate `criteria` for every item; returns one `{criterion key: Score}` per item, in order."""

    def __call__(
        self, items: Sequence[Analysis], criteria: Sequence[Criterion]
    ) -> list[dict[str, Score]]: ...


@dataclass(frozen=True)
class ScorerInfo:
    name: str
    version: str
    factory: Callable[..., Any]
    batch: bool
    description: str
    family: str = "rule"
    """`rule`, `model` (local models) or `llm`: the LLM judge's hybrid policy takes over `model`."""
    scope: str = PARTICIPANT
    """What one rating judges: `participant` (one participant's replies, rated on each AI review of
    a conversation), `conversation` (the whole conversation, rated on the review of the participant
    who held it at the end, N/A on the others) or `either` (generic scorers — the LLM judge, trained
    models — that take the scope of the criterion's other scorers)."""
    english_only: bool | Callable[[Mapping[str, Any]], bool] = False
    """Whether the scorer reads English only (English word lists, phrases, English-trained
    models): on a conversation detected as another language its answers become `unsure`. A
    callable decides from the configured arguments (a team's own patterns may be in any
    language)."""


@dataclass(frozen=True)
class BoundScorer:
    """A configured scorer: the callable plus the exact reference stored with each score it makes."""

    ref: ScorerRef
    score_batch: BatchScoreFn
    english_only: bool = False
    """`ScorerInfo.english_only` for these arguments."""


_REGISTRY: dict[str, ScorerInfo] = {}
_plugins_loaded = False


def scorer(
    *,
    name: str,
    version: str = "1",
    batch: bool = False,
    family: str = "rule",
    scope: str = PARTICIPANT,
    english_only: bool | Callable[[Mapping[str, Any]], bool] = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a scorer factory under `name`; the built-ins use this exactly as plugins do."""
    if scope not in SCOPES:
        raise ConfigError(f"scorer {name!r}: scope must be one of {', '.join(SCOPES)}")

    def register(factory: Callable[..., Any]) -> Callable[..., Any]:
        if name in _REGISTRY and _REGISTRY[name].factory is not factory:
            raise ConfigError(f"scorer {name!r} is registered twice")
        doc = inspect.getdoc(factory) or ""
        _REGISTRY[name] = ScorerInfo(
            name, version, factory, batch, doc.split("\n")[0], family, scope, english_only
        )
        return factory

    return register


def _lift(fn: SingleScoreFn) -> BatchScoreFn:
    def score_batch(
        items: Sequence[Analysis], criteria: Sequence[Criterion]
    ) -> list[dict[str, Score]]:
        return [{c.key: fn(item, c) for c in criteria} for item in items]

    return score_batch


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    import supportqa.scorers.builtin  # noqa: F401  (registers the built-in scorers)

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        entry.load()


def registered() -> dict[str, ScorerInfo]:
    _load_plugins()
    return dict(_REGISTRY)


def bind(spec: ScorerSpec) -> BoundScorer:
    """Build the configured scorer a scorecard names; unknown names and bad arguments are ConfigErrors."""
    _load_plugins()
    info = _REGISTRY.get(spec.name)
    if info is None:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ConfigError(f"unknown scorer {spec.name!r} (registered: {known})")
    try:
        inspect.signature(info.factory).bind(**spec.args)
    except TypeError as exc:
        raise ConfigError(f"scorer {spec.name!r}: bad arguments {spec.args!r} ({exc})") from None
    fn = info.factory(**spec.args)
    batch_fn: BatchScoreFn = fn if info.batch else _lift(fn)
    english = info.english_only
    return BoundScorer(
        ScorerRef(name=info.name, version=info.version, args=spec.args),
        batch_fn,
        english(spec.args) if callable(english) else english,
    )


def conversation_level(criterion: Criterion) -> bool:
    """Whether a criterion judges the whole conversation: every scorer it names is
    `conversation`-scoped, `either` scorers aside (an unregistered name counts as `participant`;
    `bind` reports it)."""
    _load_plugins()
    scopes = {
        info.scope if (info := _REGISTRY.get(spec.name)) else PARTICIPANT
        for spec in criterion.scorers
    } - {EITHER}
    return scopes == {CONVERSATION}

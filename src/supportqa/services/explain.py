"""How a conversation's reviews got their IQS and CX, in words: every criterion, weight and quote."""

from __future__ import annotations

from supportqa.analytics.explain import Explanation, explain
from supportqa.errors import InputError
from supportqa.services.workspace import Workspace


def check_kind(kind: str | None) -> None:
    if kind not in (None, "ai", "human"):
        raise InputError(f"--kind must be ai or human, not {kind!r}")


def explain_conversation(
    workspace: Workspace,
    conversation_id: str,
    *,
    source: str | None = None,
    kind: str | None = None,
) -> list[Explanation]:
    """One explanation per stored review of the conversation (AI first), against the scorecard each
    was made with and the conversation's current version (a review of an older one says so)."""
    check_kind(kind)
    found = workspace.reviews_of(conversation_id, source=source, kind=kind)
    if not found:
        where = (f" in source {source!r}" if source else "") + (f" of kind {kind}" if kind else "")
        raise InputError(
            f"no reviews of conversation {conversation_id!r}{where}: check the id "
            "(`supportqa queue` lists ids) or score it first"
        )
    sources = sorted({r.source for r in found})
    if len(sources) > 1:
        raise InputError(
            f"conversation {conversation_id!r} is in sources {', '.join(sources)}: "
            "pick one with --source"
        )
    cards = {(r.scorecard.name, r.scorecard.version) for r in found}
    scorecards = {ref: workspace.get_scorecard(*ref) for ref in cards}
    current = workspace.current_version(sources[0], conversation_id)
    return [
        explain(r, scorecards[(r.scorecard.name, r.scorecard.version)], current)
        for r in sorted(found, key=lambda r: r.kind.value)
    ]

"""Drift: two AI scorings of the same conversations compared, before a scorer change goes live.

Either two stored versions, or the stored version against a candidate scorecard scored in memory on a
seeded sample of its conversations (nothing is written). `supportqa.calibration.drift` compares the
review records; this service fetches them and, for a candidate, runs the engine.
"""

from __future__ import annotations

from collections.abc import Sequence

from supportqa.calibration.drift import DriftReport, compare_scorings, sample_reviews
from supportqa.domain.conversation import Conversation
from supportqa.domain.review import Review, ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.scoring.engine import ScoringEngine
from supportqa.services.progress import StartTask, no_progress
from supportqa.services.sessions import latest_scored_version
from supportqa.services.workspace import Workspace

__all__ = ["DriftReport", "drift_against_candidate", "drift_between_versions"]

DEFAULT_BATCH = 256


def _stored(workspace: Workspace, name: str, version: str | None) -> Scorecard:
    card = workspace.get_scorecard(name, version)
    if card is None:
        versions = [r.version for r in workspace.list_scorecards() if r.name == name]
        what = f"version {version} of scorecard {name!r}" if version else f"scorecard {name!r}"
        stored = f"stored versions: {', '.join(versions)}" if versions else "none stored"
        raise InputError(f"{what} is not in the database ({stored})")
    return card


def _ai_of(
    workspace: Workspace, card: Scorecard, sample: int | None = None, seed: int = 0
) -> list[Review]:
    """The version's AI reviews, or a seeded sample of them read in one streaming pass."""
    ref = ScorecardRef(name=card.name, version=card.version)
    reviews = workspace.iter_reviews(kind="ai", scorecard=ref)
    found = list(reviews) if sample is None else sample_reviews(reviews, sample, seed)
    if not found:
        raise InputError(
            f"no AI reviews of {card.name} v{card.version}: score with that version first "
            "(supportqa score --scorecard FILE)"
        )
    return found


def _score_candidate(
    workspace: Workspace,
    candidate: Scorecard,
    baseline: Sequence[Review],
    batch_size: int,
    progress: StartTask,
) -> tuple[list[Review], int]:
    """Score the baseline's conversations with the candidate in memory; nothing is written."""
    engine = ScoringEngine(candidate)
    conversations: list[Conversation] = []
    keys = dict.fromkeys((r.source, r.conversation_id) for r in baseline)  # one per reviewee
    for source, conversation_id in keys:
        found = workspace.get_conversation(source, conversation_id)
        if found is not None:
            conversations.append(found)
    reviews: list[Review] = []
    advance = progress("scoring the candidate", len(conversations))
    for start in range(0, len(conversations), batch_size):
        batch = conversations[start : start + batch_size]
        reviews.extend(engine.score(batch))
        advance(len(batch))
    return reviews, len(keys) - len(conversations)


def drift_between_versions(
    workspace: Workspace,
    *,
    scorecard_name: str = "default",
    from_version: str,
    to_version: str,
    resamples: int = 1000,
    seed: int = 0,
) -> DriftReport:
    """The shift per criterion, in IQS and CX, from one stored version's AI reviews to another's."""
    before_card = _stored(workspace, scorecard_name, from_version)
    after_card = _stored(workspace, scorecard_name, to_version)
    before, after = _ai_of(workspace, before_card), _ai_of(workspace, after_card)
    return compare_scorings(
        before,
        after,
        before_card=before_card,
        after_card=after_card,
        n_resamples=resamples,
        seed=seed,
    )


def drift_against_candidate(
    workspace: Workspace,
    candidate: Scorecard,
    *,
    source: str = "in memory",
    scorecard_name: str | None = None,
    from_version: str | None = None,
    sample: int = 500,
    resamples: int = 1000,
    seed: int = 0,
    batch_size: int = DEFAULT_BATCH,
    progress: StartTask = no_progress,
) -> DriftReport:
    """The stored version (`from_version`, else the newest scored) against `candidate` scored in
    memory on a seeded `sample` of the same conversations; `source` says where the candidate came
    from in the report's label. Nothing is written."""
    name = scorecard_name or candidate.name
    if from_version is None:
        from_version = latest_scored_version(workspace, name)
    before_card = _stored(workspace, name, from_version)
    before = _ai_of(workspace, before_card, sample, seed)
    after, missing = _score_candidate(workspace, candidate, before, batch_size, progress)
    report = compare_scorings(
        before,
        after,
        before_card=before_card,
        after_card=candidate,
        before_label=f"{before_card.name} v{before_card.version} (stored)",
        after_label=f"{candidate.name} v{candidate.version} (candidate {source}, "
        f"{len(after)} sampled)",
        n_resamples=resamples,
        seed=seed,
    )
    if missing:
        report.notes.append(f"{missing} sampled conversations are no longer stored; left out")
    return report

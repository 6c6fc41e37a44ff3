"""Train: learn criterion and CX models from the team's reviews, keep those that beat zero-shot.

The fitting and the accept/refuse decision live in `supportqa.calibration.training` and take records
and feature matrices; this service reads the pairs (AI review, human consensus, conversation) from a
workspace, computes features in batches, saves accepted models in the workspace's models folder and,
with `apply`, stores a scorecard version that uses them. The CLI and the `train` job call it alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from supportqa.calibration.apply import write_scorecard_yaml
from supportqa.calibration.learn import Figure
from supportqa.calibration.reference import holders, human_references
from supportqa.calibration.training import (
    TargetResult,
    analyses,
    evaluate_target,
    pair_keys,
    save_model,
    training_sets,
)
from supportqa.calibration.versions import trained_version
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.models.artefacts import MODELS_FOLDER
from supportqa.models.features import Features, conversation_features
from supportqa.paths import confined
from supportqa.services.audit import cli_actor
from supportqa.services.calibration import default_out_path_for, stored_scorecard
from supportqa.services.progress import StartTask, no_progress
from supportqa.services.workspace import Workspace
from supportqa.storage.database import workspace_dir

__all__ = [
    "Figure",
    "TargetResult",
    "TrainOptions",
    "TrainedVersion",
    "TrainingRun",
    "apply_trained",
    "models_dir",
    "train",
]

FEATURE_BATCH = 256


def models_dir(database_url: str) -> Path:
    """`supportqa-models/` beside a SQLite file, else in the working directory."""
    return confined(workspace_dir(database_url), MODELS_FOLDER)


@dataclass
class TrainOptions:
    """What `supportqa train` takes besides the workspace (its flags, with the same defaults)."""

    scorecard_name: str = "default"
    version: str | None = None
    """Scorecard version; default the newest stored one with AI reviews."""
    targets: Sequence[str] | None = None
    """Criterion keys and/or `cx`; default every target."""
    folds: int = 5
    bootstrap: int = 1000
    learning_curve: bool = False
    apply: bool = False
    """Store (and write as YAML) a scorecard version that uses the accepted models."""
    out: Path | None = None
    """Where `apply` writes the YAML; default beside the database."""
    seed: int = 0


@dataclass
class TrainedVersion:
    """The scorecard version `apply` stored, where its YAML is, and the targets now trained."""

    scorecard: ScorecardRef
    version: str
    file: str
    targets: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scorecard": self.scorecard,
            "version": self.version,
            "file": self.file,
            "targets": self.targets,
        }


@dataclass
class TrainingRun:
    """Every target's result in scorecard order (cx last), and what was written."""

    scorecard: ScorecardRef
    conversations: int
    models_dir: Path
    results: list[TargetResult]
    applied: TrainedVersion | None = None
    newer: list[str] = field(default_factory=list)
    """Versions stored after the one trained on that have no AI reviews yet."""


def apply_trained(
    workspace: Workspace, card: Scorecard, results: list[TargetResult], out: Path | None = None
) -> TrainedVersion | None:
    """Store a new scorecard version whose accepted targets use their trained models and write its
    YAML (`out`, else beside the database); None when no model was accepted."""
    existing = [r.version for r in workspace.list_scorecards() if r.name == card.name]
    made = trained_version(card, results, existing)
    if made is None:
        return None
    new, targets = made
    path = out or default_out_path_for(workspace, new.name, new.version)
    write_scorecard_yaml(new, path)
    workspace.save_scorecard(new, actor=cli_actor())
    return TrainedVersion(
        ScorecardRef(name=new.name, version=new.version), new.version, str(path), targets
    )


def train(
    workspace: Workspace, options: TrainOptions | None = None, *, progress: StartTask = no_progress
) -> TrainingRun:
    """Fit a model per target on the conversations rated by both the AI and people; save the ones
    whose out-of-fold gain over zero-shot has a 95% interval above 0."""
    options = options or TrainOptions()
    choice = stored_scorecard(workspace, options.scorecard_name, options.version)
    card = choice.card
    ref = ScorecardRef(name=card.name, version=card.version)
    ai = {
        (r.source, r.conversation_id): r
        for r in workspace.iter_reviews(kind="ai", scorecard=ref)
        if r.holder  # people's references are per conversation: the holder's review
    }
    humans = human_references(
        (r for r in workspace.iter_reviews(kind="human") if r.scorecard.name == card.name),
        reviewees=holders(ai.values()),
    )
    keys = pair_keys(ai, humans)
    if not keys:
        raise InputError(
            f"no conversation has both an AI review (scorecard {card.name} v{card.version}: "
            f"{len(ai)}) and a human review ({len(humans)} conversations): import human "
            "reviews with `supportqa import` and score with `supportqa score`"
        )
    conversations = [workspace.get_conversation(*key) for key in keys]
    present = [i for i, c in enumerate(conversations) if c is not None]
    keys = [keys[i] for i in present]
    found = [c for c in conversations if c is not None]
    directory = models_dir(workspace.db.url)
    advance = progress("features", len(found))
    items = analyses(found, card)
    parts: list[Features] = []
    for start in range(0, len(items), FEATURE_BATCH):
        chunk = items[start : start + FEATURE_BATCH]
        parts.append(conversation_features(chunk))
        advance(len(chunk))
    features = Features.concat(parts)
    targets = options.targets
    sets, results = training_sets(
        card, [ai[k] for k in keys], [humans[k] for k in keys], found, targets
    )
    unknown = sorted(set(targets or []) - {*card.keys, "cx"})
    if unknown:
        raise InputError(f"unknown target {', '.join(unknown)}; use {card.keys} or cx")
    for training in sets:
        fold = progress(f"training {training.target}", options.folds)
        result, x = evaluate_target(
            training,
            features,
            folds=options.folds,
            seed=options.seed,
            resamples=options.bootstrap,
            learning_curve=options.learning_curve,
            on_fold=partial(fold, 1),
        )
        if result.accepted:
            save_model(training, result, x, ref, directory, seed=options.seed)
        results.append(result)
    applied = apply_trained(workspace, card, results, options.out) if options.apply else None
    order = {key: i for i, key in enumerate([*card.keys, "cx"])}
    results.sort(key=lambda r: order.get(r.target, len(order)))
    return TrainingRun(ref, len(keys), directory, results, applied, choice.newer)

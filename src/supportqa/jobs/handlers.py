"""What each job kind does: the one module where jobs call into the library.

Each function takes the workspace, its validated arguments and the settings, and returns a small
JSON-able result kept on the job. They call what the library has today (`score_database`, the
train service, the IQS summaries) through thin wrappers, so pointing a job at a new
service changes this file only. Every effect is idempotent: scoring skips what is scored (work
claims, `storage/work.py`), a model is saved as a new version, a digest file is replaced whole.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard, default_scorecard, load_scorecard
from supportqa.errors import InputError
from supportqa.services import training
from supportqa.services.scoring import score_database
from supportqa.services.summaries import iqs_from_database
from supportqa.services.workspace import Workspace
from supportqa.settings import Settings


def _scorecard(workspace: Workspace, name: str | None, version: str | None) -> Scorecard:
    """The stored scorecard `name` (its `version`, else the newest stored), or without a name the
    configured one (SUPPORTQA_SCORECARD) or the packaged default — what `supportqa score` uses."""
    if name is None:
        configured = Settings().scorecard
        return load_scorecard(Path(configured)) if configured else default_scorecard()
    card = workspace.get_scorecard(name, version)
    if card is None:
        stored = sorted({ref.name for ref in workspace.list_scorecards()})
        raise InputError(
            f"no stored scorecard {name!r}{f' v{version}' if version else ''} (stored: "
            f"{', '.join(stored) or 'none'}); store it with `supportqa init --scorecard FILE`"
        )
    return card


def score(
    workspace: Workspace,
    settings: Settings,
    *,
    scorecard: str | None,
    version: str | None,
    conversations: list[str],
    rescore_stale: bool,
) -> dict[str, Any]:
    """Score what needs it (all, or the given conversation ids) with `score_database`: a re-run
    after a kill skips every batch already written."""
    card = _scorecard(workspace, scorecard, version)
    report = score_database(
        workspace,
        card,
        batch_size=settings.batch_size,
        rescore_stale=rescore_stale,
        lease_s=settings.claim_lease_s,
        heartbeat_s=settings.claim_heartbeat_s,
        conversations=conversations,
    )
    return {
        "scorecard": f"{card.name} v{card.version}",
        "run_id": report.run_id,
        "scored": report.scored,
        "criteria_failed": report.criteria_failed,
        "rescored_changed": report.rescored_changed,
        "interrupted_runs": report.interrupted_runs,
    }


def train(
    workspace: Workspace,
    settings: Settings,
    *,
    scorecard: str,
    version: str | None,
    targets: list[str],
    folds: int,
    bootstrap: int,
    seed: int,
) -> dict[str, Any]:
    """`supportqa train` without its tables (the train service): fit each target, keep the models
    that beat zero-shot. A re-run saves the models again as files replaced whole."""
    run = training.train(
        workspace,
        training.TrainOptions(
            scorecard_name=scorecard,
            version=version,
            targets=targets or None,
            folds=folds,
            bootstrap=bootstrap,
            seed=seed,
        ),
    )
    return {
        "scorecard": f"{run.scorecard.name} v{run.scorecard.version}",
        "conversations": run.conversations,
        "accepted": [r.target for r in run.results if r.accepted],
        "models_dir": str(run.models_dir),
    }


def digest(
    workspace: Workspace, settings: Settings, *, name: str, out: str, scorecard: str | None
) -> dict[str, Any]:
    """The weekly digest: IQS by week and by agent (AI and human reviews apart), from the stored
    reviews, written as one JSON file. The file is replaced whole (written beside, then renamed), so
    a re-run after a kill leaves one complete digest."""
    ref = None
    if scorecard is not None:
        card = _scorecard(workspace, scorecard, None)
        ref = ScorecardRef(name=card.name, version=card.version)
    sections = {
        by: iqs_from_database(workspace, ref, kind=None, by=(by, "kind"))
        for by in ("week", "agent")
    }
    data = {
        "digest": name,
        "generated_at": datetime.now(UTC),
        "database": workspace.db.url_for_display,
        "scorecard": None if ref is None else f"{ref.name} v{ref.version}",
        **{f"by_{by}": report.rows for by, report in sections.items()},
    }
    path = Path(out).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))
    partial.replace(path)
    return {
        "out": str(path),
        "weeks": len(sections["week"].rows),
        "agents": len(sections["agent"].rows),
    }

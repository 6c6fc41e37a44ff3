"""Before a scoring run: how much there is to score, how many processes to use, and — for a dry run of
`score --llm` — which conversations the judge would be sent.

Adapters size a progress bar with `count_lines`/`count_to_score`, pick workers with `choose_workers`,
then call `score_file`/`score_database`; the dry run reads the same input the real run would and
reports its bad lines the same way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from supportqa.domain.conversation import Conversation
from supportqa.domain.review import ScorecardRef
from supportqa.domain.scorecard import Scorecard
from supportqa.errors import InputError
from supportqa.jsonl import lines
from supportqa.scoring.llm_run import LlmRun
from supportqa.scoring.profiles import uses_sentence_model
from supportqa.services.scoring import current_scorer_versions, parse_line
from supportqa.services.workspace import Workspace

BIG_RUN = 5000
"""Conversations from which a rules-only run is worth one process per core."""


def count_lines(path: Path) -> int:
    """Lines in a conversations file: the size of a file run's progress bar."""
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def count_to_score(
    workspace: Workspace,
    card: Scorecard,
    *,
    reviewer: str | None = None,
    rescore_stale: bool = False,
) -> int:
    """Conversations a database run would score now (never scored, changed, or — with
    `rescore_stale` — reviewed by scorers the registry now has at another version)."""
    ref = ScorecardRef(name=card.name, version=card.version)
    stale = workspace.stale_scorer_versions(ref, current_scorer_versions()) if rescore_stale else []
    return workspace.count_unscored(ref, reviewer=reviewer, stale=stale)


def choose_workers(asked: int, conversations: int, card: Scorecard) -> int:
    """One process per core for big rules-only runs; small runs are not worth starting processes for.
    A scorecard that uses the sentence model stays in one process: the model already uses every core,
    and each worker would load its own copy (~850 MB) and encode shared sentences again (measured:
    47 conversations/s and 1.8 GB with two workers, 72/s and 0.9 GB with one)."""
    if asked:
        return asked
    if uses_sentence_model(card):
        return 1
    return (os.cpu_count() or 1) if conversations >= BIG_RUN else 1


def dry_run_conversations(
    file: Path | None, workspace: Workspace | None, card: Scorecard, run: LlmRun, limit: int
) -> tuple[list[Conversation], list[dict[str, Any]]]:
    """The first conversations the run would send (in --llm-when low-confidence, after the local
    pass picks them) from `file`, else from the workspace, and the bad lines met on the way (file,
    line, reason), as a real run reports them."""
    errors: list[dict[str, Any]] = []
    found: list[Conversation] = []
    if file is not None:
        if not file.is_file():
            raise InputError("no such file", file=str(file))
        for line in lines(file):
            parsed = parse_line(line)
            if isinstance(parsed, Conversation):
                found.append(parsed)
            else:
                errors.append(parsed)
            if len(found) >= limit * 20:
                break
    elif workspace is not None:
        ref = ScorecardRef(name=card.name, version=card.version)
        batches = workspace.iter_unscored(ref, batch_size=limit * 20, reviewer=run.reviewer)
        found = next(iter(batches), [])
    if run.policy == "low-confidence":
        local = run.local_engine.score(found)
        found = run.uncertain_conversations(found, local)
    return found[:limit], errors

"""The whole loop on synthetic data, for a first look: generate conversations and simulated human
reviews into a folder, import them into a SQLite workspace there, score them, calibrate the AI
against the simulated reviewers (recording the verdicts trust gating reads), and summarise IQS (AI
next to human) and CX. Safe to run again: imports update, scoring resumes.

The HTML report of the demo is drawn by the adapter from the same workspace (`db`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from supportqa.domain.scorecard import Scorecard, default_scorecard
from supportqa.errors import InputError
from supportqa.scoring.cx_summary import CxSummary, summarise_cx
from supportqa.services.calibration import CompareOptions, compare_with_humans
from supportqa.services.importing import ImportReport, import_files, write_jsonl
from supportqa.services.scoring import RunReport, score_database
from supportqa.services.summaries import IqsReport, iqs_from_database
from supportqa.services.workspace import open_workspace
from supportqa.synthetic import generate_conversations, simulate_reviews

__all__ = ["CxSummary", "DemoResult", "run_demo"]

DB_FILE = "supportqa.db"


@dataclass
class DemoResult:
    """What the demo made and found; `db` is the SQLite file the report is drawn from."""

    directory: Path
    db: Path
    scorecard: Scorecard
    conversations: int
    review_lines: int
    imported: ImportReport
    scored: RunReport
    iqs_overall: IqsReport
    iqs_by_team: IqsReport
    iqs_by_agent: IqsReport
    cx: CxSummary
    untrusted: list[str]
    """Criteria the demo's calibration marks untrusted: left out of coaching and rankings."""


def run_demo(
    directory: Path, n: int = 2000, *, seed: int = 7, progress: Callable[[int], None] | None = None
) -> DemoResult:
    """Generate `n` conversations (a tenth reviewed by simulated people) into `directory`, import,
    score and summarise them; `progress` hears how many conversations each scored batch held."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file in the way, no permission: one line, not a traceback
        raise InputError(
            f"cannot use {directory} for the demo ({exc.strerror or exc}): pass --dir with a "
            "folder (it is created if missing)"
        ) from None
    conversations_file = directory / "conversations.jsonl"
    reviews_file = directory / "human_reviews.jsonl"
    n_conv = write_jsonl(conversations_file, generate_conversations(n, seed))
    n_rev = write_jsonl(
        reviews_file, simulate_reviews(generate_conversations(n, seed), seed, share=0.1)
    )
    card = default_scorecard()
    db = directory / DB_FILE
    with open_workspace(str(db), create=True) as workspace:
        imported = import_files(workspace, [conversations_file, reviews_file], scorecard=card)
        scored = score_database(workspace, card, progress=progress)
        # the verdict is the point estimate: the report's intervals are `calibrate`'s job
        calibration = compare_with_humans(
            workspace, scorecard_name=card.name, options=CompareOptions(bootstrap=0)
        ).report
        return DemoResult(
            directory=directory,
            db=db,
            scorecard=card,
            conversations=n_conv,
            review_lines=n_rev,
            imported=imported,
            scored=scored,
            iqs_overall=iqs_from_database(workspace, None, kind=None, by=[]),
            iqs_by_team=iqs_from_database(workspace, None, kind=None, by=["team"]),
            iqs_by_agent=iqs_from_database(workspace, None, kind=None, by=["agent"]),
            cx=summarise_cx(workspace.iter_reviews(kind="ai")),
            untrusted=[c.key for c in calibration.criteria_with("untrusted")],
        )

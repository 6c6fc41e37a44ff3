"""supportqa: score the quality of every customer-support conversation, offline.

The public API is re-exported here and loaded lazily, so `import supportqa` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Conversation": "supportqa.domain.conversation",
    "Message": "supportqa.domain.conversation",
    "Role": "supportqa.domain.conversation",
    "Review": "supportqa.domain.review",
    "RatingsLine": "supportqa.domain.review",
    "Scorecard": "supportqa.domain.scorecard",
    "Criterion": "supportqa.domain.scorecard",
    "load_scorecard": "supportqa.domain.scorecard",
    "default_scorecard": "supportqa.domain.scorecard",
    "Score": "supportqa.domain.score",
    "Evidence": "supportqa.domain.score",
    "scorer": "supportqa.scorers.registry",
    "Analysis": "supportqa.signals.analysis",
    "ScoringEngine": "supportqa.scoring.engine",
    "compare_ai_human": "supportqa.calibration.ai_vs_human",
    "analyse_sessions": "supportqa.calibration.sessions",
    "compare_scorings": "supportqa.calibration.drift",
    "human_references": "supportqa.calibration.reference",
    "Database": "supportqa.storage",
    "Repository": "supportqa.storage",
    "Settings": "supportqa.settings",
    "SupportQAError": "supportqa.errors",
    "InputError": "supportqa.errors",
    "ConfigError": "supportqa.errors",
    "ScorerError": "supportqa.errors",
    "StorageError": "supportqa.errors",
    # services: one function per use case (docs/api.md)
    "open_workspace": "supportqa.services.workspace",
    "Workspace": "supportqa.services.workspace",
    "init_workspace": "supportqa.services.database",
    "migrate_workspace": "supportqa.services.database",
    "backup_workspace": "supportqa.services.database",
    "import_files": "supportqa.services.importing",
    "generate_files": "supportqa.services.importing",
    "ImportReport": "supportqa.services.importing",
    "score_file": "supportqa.services.scoring",
    "score_database": "supportqa.services.scoring",
    "RunReport": "supportqa.services.scoring",
    "count_to_score": "supportqa.services.score_plan",
    "dry_run_conversations": "supportqa.services.score_plan",
    "open_judge": "supportqa.services.llm",
    "start_llm_run": "supportqa.services.llm",
    "account_llm_run": "supportqa.services.llm",
    "dry_run_requests": "supportqa.services.llm",
    "probe_judge": "supportqa.services.judge",
    "check_judge": "supportqa.services.judge",
    "iqs_from_file": "supportqa.services.summaries",
    "iqs_from_database": "supportqa.services.summaries",
    "list_runs": "supportqa.services.runs",
    "validate_scorecard": "supportqa.services.scorecards",
    "list_scorers": "supportqa.services.scorecards",
    "run_demo": "supportqa.services.demo",
    "read_objects": "supportqa.jsonl",
    "ReportFilter": "supportqa.services.frames",
    "report_section": "supportqa.services.analytics",
    "build_report": "supportqa.services.report",
    "add_review": "supportqa.services.reviews",
    "override_rating": "supportqa.services.reviews",
    "list_overrides": "supportqa.services.reviews",
    "review_queue": "supportqa.services.queue",
    "coaching_card": "supportqa.services.coaching",
    "coaching_summary": "supportqa.services.coaching",
    "add_coaching_note": "supportqa.services.coaching",
    "list_agents": "supportqa.services.agents",
    "link_agents": "supportqa.services.agents",
    "unlink_agents": "supportqa.services.agents",
    "compare_with_humans": "supportqa.services.calibration",
    "apply_calibration": "supportqa.services.calibration",
    "calibration_sessions": "supportqa.services.sessions",
    "drift_between_versions": "supportqa.services.drift",
    "drift_against_candidate": "supportqa.services.drift",
    "train": "supportqa.services.training",
    "TrainOptions": "supportqa.services.training",
    "enqueue_job": "supportqa.services.jobs",
    "list_jobs": "supportqa.services.jobs",
}
_ALIASES = {
    "report_section": "section",
    "build_report": "report",
    "enqueue_job": "enqueue",
}
"""Exported names that differ from the name in their module."""

__all__ = [
    "Analysis",
    "ConfigError",
    "Conversation",
    "Criterion",
    "Database",
    "Evidence",
    "ImportReport",
    "InputError",
    "Message",
    "RatingsLine",
    "ReportFilter",
    "Repository",
    "Review",
    "Role",
    "RunReport",
    "Score",
    "Scorecard",
    "ScorerError",
    "ScoringEngine",
    "Settings",
    "StorageError",
    "SupportQAError",
    "TrainOptions",
    "Workspace",
    "__version__",
    "account_llm_run",
    "add_coaching_note",
    "add_review",
    "analyse_sessions",
    "apply_calibration",
    "backup_workspace",
    "build_report",
    "calibration_sessions",
    "check_judge",
    "coaching_card",
    "coaching_summary",
    "compare_ai_human",
    "compare_scorings",
    "compare_with_humans",
    "count_to_score",
    "default_scorecard",
    "drift_against_candidate",
    "drift_between_versions",
    "dry_run_conversations",
    "dry_run_requests",
    "enqueue_job",
    "generate_files",
    "human_references",
    "import_files",
    "init_workspace",
    "iqs_from_database",
    "iqs_from_file",
    "link_agents",
    "list_agents",
    "list_jobs",
    "list_overrides",
    "list_runs",
    "list_scorers",
    "load_scorecard",
    "migrate_workspace",
    "open_judge",
    "open_workspace",
    "override_rating",
    "probe_judge",
    "read_objects",
    "report_section",
    "review_queue",
    "run_demo",
    "score_database",
    "score_file",
    "scorer",
    "start_llm_run",
    "train",
    "unlink_agents",
    "validate_scorecard",
]

if TYPE_CHECKING:
    from supportqa.calibration.ai_vs_human import compare_ai_human
    from supportqa.calibration.drift import compare_scorings
    from supportqa.calibration.reference import human_references
    from supportqa.calibration.sessions import analyse_sessions
    from supportqa.domain.conversation import Conversation, Message, Role
    from supportqa.domain.review import RatingsLine, Review
    from supportqa.domain.score import Evidence, Score
    from supportqa.domain.scorecard import Criterion, Scorecard, default_scorecard, load_scorecard
    from supportqa.errors import ConfigError, InputError, ScorerError, StorageError, SupportQAError
    from supportqa.jsonl import read_objects
    from supportqa.scorers.registry import scorer
    from supportqa.scoring.engine import ScoringEngine
    from supportqa.services.agents import link_agents, list_agents, unlink_agents
    from supportqa.services.analytics import section as report_section
    from supportqa.services.calibration import apply_calibration, compare_with_humans
    from supportqa.services.coaching import add_coaching_note, coaching_card, coaching_summary
    from supportqa.services.database import backup_workspace, init_workspace, migrate_workspace
    from supportqa.services.demo import run_demo
    from supportqa.services.drift import drift_against_candidate, drift_between_versions
    from supportqa.services.frames import ReportFilter
    from supportqa.services.importing import ImportReport, generate_files, import_files
    from supportqa.services.jobs import enqueue as enqueue_job
    from supportqa.services.jobs import list_jobs
    from supportqa.services.judge import check_judge, probe_judge
    from supportqa.services.llm import (
        account_llm_run,
        dry_run_requests,
        open_judge,
        start_llm_run,
    )
    from supportqa.services.queue import review_queue
    from supportqa.services.report import report as build_report
    from supportqa.services.reviews import add_review, list_overrides, override_rating
    from supportqa.services.runs import list_runs
    from supportqa.services.score_plan import count_to_score, dry_run_conversations
    from supportqa.services.scorecards import list_scorers, validate_scorecard
    from supportqa.services.scoring import RunReport, score_database, score_file
    from supportqa.services.sessions import calibration_sessions
    from supportqa.services.summaries import iqs_from_database, iqs_from_file
    from supportqa.services.training import TrainOptions, train
    from supportqa.services.workspace import Workspace, open_workspace
    from supportqa.settings import Settings
    from supportqa.signals.analysis import Analysis
    from supportqa.storage import Database, Repository


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'supportqa' has no attribute {name!r}")
    return getattr(import_module(module), _ALIASES.get(name, name))

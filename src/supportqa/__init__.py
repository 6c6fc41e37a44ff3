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
}

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
    "Workspace",
    "__version__",
    "account_llm_run",
    "analyse_sessions",
    "backup_workspace",
    "check_judge",
    "compare_ai_human",
    "compare_scorings",
    "count_to_score",
    "default_scorecard",
    "dry_run_conversations",
    "dry_run_requests",
    "generate_files",
    "human_references",
    "import_files",
    "init_workspace",
    "iqs_from_database",
    "iqs_from_file",
    "list_runs",
    "list_scorers",
    "load_scorecard",
    "migrate_workspace",
    "open_judge",
    "open_workspace",
    "probe_judge",
    "read_objects",
    "run_demo",
    "score_database",
    "score_file",
    "scorer",
    "start_llm_run",
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
    from supportqa.services.database import backup_workspace, init_workspace, migrate_workspace
    from supportqa.services.demo import run_demo
    from supportqa.services.importing import ImportReport, generate_files, import_files
    from supportqa.services.judge import check_judge, probe_judge
    from supportqa.services.llm import (
        account_llm_run,
        dry_run_requests,
        open_judge,
        start_llm_run,
    )
    from supportqa.services.runs import list_runs
    from supportqa.services.score_plan import count_to_score, dry_run_conversations
    from supportqa.services.scorecards import list_scorers, validate_scorecard
    from supportqa.services.scoring import RunReport, score_database, score_file
    from supportqa.services.summaries import iqs_from_database, iqs_from_file
    from supportqa.services.workspace import Workspace, open_workspace
    from supportqa.settings import Settings
    from supportqa.signals.analysis import Analysis
    from supportqa.storage import Database, Repository


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'supportqa' has no attribute {name!r}")
    return getattr(import_module(module), name)

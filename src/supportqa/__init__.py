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
}

__all__ = [
    "Analysis",
    "ConfigError",
    "Conversation",
    "Criterion",
    "Database",
    "Evidence",
    "InputError",
    "Message",
    "RatingsLine",
    "Repository",
    "Review",
    "Role",
    "Score",
    "Scorecard",
    "ScorerError",
    "ScoringEngine",
    "Settings",
    "StorageError",
    "SupportQAError",
    "__version__",
    "analyse_sessions",
    "compare_ai_human",
    "compare_scorings",
    "default_scorecard",
    "human_references",
    "load_scorecard",
    "scorer",
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
    from supportqa.scorers.registry import scorer
    from supportqa.scoring.engine import ScoringEngine
    from supportqa.settings import Settings
    from supportqa.signals.analysis import Analysis
    from supportqa.storage import Database, Repository


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'supportqa' has no attribute {name!r}")
    return getattr(import_module(module), name)

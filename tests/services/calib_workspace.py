"""A small scored workspace for the calibration and training service tests, on SQLite or PostgreSQL.

Generated conversations with simulated reviewers (some in blind calibration sessions, one reviewer
planted harsh and one lenient), imported and scored by the model-free scorecard, so building one takes
seconds on either database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from supportqa.domain.scorecard import Scorecard, default_scorecard, scorecard_from_dict
from supportqa.importers.service import import_files
from supportqa.scoring.profiles import rules_only
from supportqa.services.scoring import score_database
from supportqa.storage import Database, Repository
from supportqa.synthetic import generate_conversations, simulate_reviews
from tests.conftest import postgres_schema

RULES = rules_only(default_scorecard())
"""`default-rules`: the model-free criteria, CX off."""
RULES_AS_DEFAULT = scorecard_from_dict(
    {**rules_only(default_scorecard(), name="default").to_dict(), "version": "rules"}
)
"""The same criteria under the name the human reviews use (`default`), so the two pair up."""


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


@contextmanager
def database_url(backend: str, folder: Path) -> Iterator[str]:
    """A fresh SQLite file in `folder`, or a PostgreSQL schema of its own (dropped afterwards)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'qa.db'}"
        return
    with postgres_schema("svc_calib") as url:
        yield url


def build(
    url: str, folder: Path, *, n: int = 160, seed: int = 5, share: float = 0.6,
    cards: tuple[Scorecard, ...] = (RULES,),
) -> int:  # fmt: skip
    """Import `n` conversations and reviews of about `share` of them; score with each card in turn.
    Returns how many conversations people reviewed."""
    conversations = list(generate_conversations(n, seed))
    lines = list(simulate_reviews(conversations, seed, share=share))
    files = [_write(folder / "c.jsonl", conversations)]
    if lines:
        files.append(_write(folder / "r.jsonl", lines))
    database = Database.open(url, create=True)
    try:
        repo = Repository(database)
        repo.save_scorecard(default_scorecard())
        assert import_files(repo, files, scorecard=default_scorecard()).failed == 0
        for card in cards:
            score_database(repo, card)
    finally:
        database.dispose()
    return len({line["conversation_id"] for line in lines})

"""Judged answers on disk, keyed by (transcript, rubric, model, prompt version), so re-scoring an
unchanged conversation sends nothing and a stopped run resumes without paying twice.

A small SQLite file of its own (beside the database by default), written as each answer arrives:
it works the same whether the reviews live in SQLite or PostgreSQL, and can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

CACHE_FILE = "supportqa-llm-cache.sqlite"


def cache_key(
    *, transcript: str, rubric: str, model: str, prompt_version: str, provider: str
) -> str:
    parts = (
        prompt_version,
        provider,
        model,
        rubric,
        hashlib.sha256(transcript.encode()).hexdigest(),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class CachedAnswer:
    content: str
    prompt_tokens: int
    completion_tokens: int


class AnswerCache:
    """Thread-safe; `path=None` keeps answers in memory for one process (tests, dry runs)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            str(self.path) if self.path else ":memory:", check_same_thread=False
        )
        with self._lock:
            if self.path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, model TEXT NOT NULL, "
                "content TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, "
                "completion_tokens INTEGER NOT NULL, created_at TEXT DEFAULT CURRENT_TIMESTAMP)"
            )
            self._db.commit()

    def get(self, key: str) -> CachedAnswer | None:
        with self._lock:
            row = self._db.execute(
                "SELECT content, prompt_tokens, completion_tokens FROM answers WHERE key = ?",
                (key,),
            ).fetchone()
        return CachedAnswer(str(row[0]), int(row[1]), int(row[2])) if row else None

    def put(self, key: str, model: str, answer: CachedAnswer) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers (key, model, content, prompt_tokens, "
                "completion_tokens) VALUES (?, ?, ?, ?, ?)",
                (key, model, answer.content, answer.prompt_tokens, answer.completion_tokens),
            )
            self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

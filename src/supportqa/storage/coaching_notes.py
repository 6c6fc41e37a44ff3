"""Coaching notes: an append-only JSONL file next to the database (`supportqa-coaching.jsonl`).

Notes need no schema change this way and travel with the database file; history is never rewritten.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from pydantic import ValidationError

from supportqa.analytics.coaching_notes import CoachingNote
from supportqa.errors import InputError
from supportqa.jsonl import read_objects
from supportqa.paths import confined
from supportqa.storage.database import workspace_dir
from supportqa.storage.repository import Repository

NOTES_FILE = "supportqa-coaching.jsonl"


def notes_path(repo: Repository) -> Path:
    """`supportqa-coaching.jsonl` beside a SQLite file; in the working directory for a server
    database (or an in-memory one)."""
    return confined(workspace_dir(repo.db.engine.url), NOTES_FILE)


def load_notes(path: Path) -> list[CoachingNote]:
    """Every note in the file (none if it does not exist yet); a bad line is an InputError."""
    if not path.exists():
        return []
    notes = []
    for parsed in read_objects(path):  # the one JSONL reader: file:line errors, BOM, bad bytes
        if isinstance(parsed, InputError):
            raise InputError(
                f"not a coaching note ({parsed.reason}): fix or delete the line",
                file=str(path),
                line=parsed.line,
            ) from None
        try:
            notes.append(CoachingNote.model_validate(parsed.data))
        except ValidationError as exc:
            reason = str(exc).splitlines()[0]
            raise InputError(
                f"not a coaching note ({reason}): fix or delete the line",
                file=str(path),
                line=parsed.line,
            ) from None
    return notes


def append_note(path: Path, note: CoachingNote) -> Path:
    """Append one note (the file is append-only: history is never rewritten)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.write(orjson.dumps(note.model_dump(mode="json")) + b"\n")
    return path

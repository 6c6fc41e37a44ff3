"""The analytics frames kept as Parquet beside a SQLite database, so the report and every analytics
command read them in a fraction of a second instead of reading the database again.

Reading a million reviews with their 8.4M criterion rows out of SQLite takes ~29 s, most of it in
building Python values (benchmarks/bench_analytics.py); the same frames read back from Parquet take
0.24 s. The snapshot is keyed by the database file's size and modification time (and those of its
WAL): any committed write changes them, so a stale snapshot is never used — at worst an unrelated
write costs one fresh read. PostgreSQL and in-memory databases are always read directly.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import polars as pl

from supportqa.analytics.frame import Frames
from supportqa.paths import confined
from supportqa.storage.database import sqlite_file
from supportqa.storage.frames import load_frames
from supportqa.storage.repository import Repository

SNAPSHOT_DIR = "supportqa-analytics"
SNAPSHOT_VERSION = "3"
"""Bump when the frames' columns or types change: old snapshots are then rebuilt."""


def _stamp(database: Path) -> dict[str, object]:
    """The database file's size and mtime, and its WAL's while the WAL holds changes not yet copied
    back. An empty WAL is left out: it comes and goes with connections (created on open, removed on
    the last close), and counting it would make every new process miss the snapshot."""
    stamp: dict[str, object] = {"version": SNAPSHOT_VERSION}
    for suffix in ("", "-wal"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            info = path.stat()
            if suffix and info.st_size == 0:
                continue
            stamp[f"file{suffix}"] = [info.st_size, info.st_mtime_ns]
    return stamp


def snapshot_dir(database: Path) -> Path:
    return confined(database.resolve().parent, SNAPSHOT_DIR, database.name)


def _read(folder: Path, stamp: dict[str, object]) -> Frames | None:
    try:
        if json.loads((folder / "stamp.json").read_text()) != stamp:
            return None
        return Frames(
            pl.read_parquet(folder / "reviews.parquet"),
            pl.read_parquet(folder / "criteria.parquet"),
        )
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return None  # missing, partial or unreadable: read the database instead


def _write(folder: Path, frames: Frames, stamp: dict[str, object]) -> None:
    """Files first, the stamp last (each via a temporary name), so a crash leaves no stamp that
    vouches for half-written frames."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stamp.json").unlink(missing_ok=True)
    for name, frame in (("reviews", frames.reviews), ("criteria", frames.criteria)):
        temporary = folder / f".{name}.parquet.tmp"
        frame.write_parquet(temporary)
        os.replace(temporary, folder / f"{name}.parquet")
    temporary = folder / ".stamp.json.tmp"
    temporary.write_text(json.dumps(stamp))
    os.replace(temporary, folder / "stamp.json")


def _only(frames: Frames, scorecard_name: str | None) -> Frames:
    if scorecard_name is None:
        return frames
    kept = frames.reviews.filter(pl.col("scorecard_name") == scorecard_name)
    pks = kept["review_pk"].implode()
    return Frames(kept, frames.criteria.filter(pl.col("review_pk").is_in(pks)))


def analytics_frames(
    repo: Repository, *, scorecard_name: str | None = None, use_snapshot: bool = True
) -> Frames:
    """The frames every analytics command shares: from the snapshot when the database has not
    changed since it was written, else from the database (and the snapshot is renewed)."""
    database = sqlite_file(repo.db.url)
    if database is None or not use_snapshot or not database.exists():
        return load_frames(repo, scorecard_name=scorecard_name)
    folder = snapshot_dir(database)
    stamp = _stamp(database)  # taken before reading: a write during the read makes it stale
    frames = _read(folder, stamp)
    if frames is None:
        frames = load_frames(repo)
        with contextlib.suppress(
            OSError
        ):  # a read-only folder: the next command reads the database
            _write(folder, frames, stamp)
    return _only(frames, scorecard_name)

"""The analytics frames kept between reads, brought up to date by re-reading only what changed.

Reading a million reviews with their 8.4M criterion rows takes ~30 s, most of it in building Python
values (benchmarks/bench_analytics.py); the same frames read back from Parquet take 0.24 s, and
re-reading the hundred reviews a few writes touched takes milliseconds (`storage.frame_changes`).
So a read never rebuilds the frames while it has a snapshot: it applies the change log instead.

Two places keep a snapshot:
- Parquet files beside a SQLite database (`supportqa-analytics/`), stamped with the change-log mark
  they stand at: every command starts from them and applies what changed since (the snapshot is
  then rewritten, so the next command has less to apply).
- `FrameCache`, in a long-running process (the server: one per worker), on SQLite and PostgreSQL.
  Within `max_lag_s` of its last look at the log it answers without a query; after that the next
  read applies the pending changes first (a few milliseconds of queries and one merge of the
  frames), so what a reader sees is never older than the lag.
Without either (PostgreSQL from the CLI) the frames are read whole, as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import polars as pl
from sqlalchemy import Connection

from supportqa.analytics.frame import Frames
from supportqa.paths import confined
from supportqa.storage.database import sqlite_file
from supportqa.storage.frame_changes import Mark, current_mark, refresh, usable
from supportqa.storage.frames import read_frames
from supportqa.storage.repository import Repository

SNAPSHOT_DIR = "supportqa-analytics"
SNAPSHOT_VERSION = "4"
"""Bump when the frames' columns or types change: old snapshots are then rebuilt."""

Path_ = Literal["cached", "current", "incremental", "full"]
"""How a snapshot was had: from memory within the lag without a query, checked and unchanged,
brought up to date from the change log, or read whole (there was no usable snapshot)."""


@dataclass(frozen=True)
class Snapshot:
    """The frames, the change-log mark they stand at, and `as_of`: the time the database was last
    looked at for them (every write committed before then is in the frames)."""

    frames: Frames
    mark: Mark
    as_of: datetime
    path: Path_


def snapshot_dir(database: Path) -> Path:
    return confined(database.resolve().parent, SNAPSHOT_DIR, database.name)


def _stamp(mark: Mark, as_of: datetime) -> dict[str, object]:
    return {
        "version": SNAPSHOT_VERSION,
        "token": mark.token,
        "position": mark.position,
        "as_of": as_of.isoformat(),
    }


def _read(folder: Path) -> Snapshot | None:
    try:
        stamp = json.loads((folder / "stamp.json").read_text())
        if stamp.get("version") != SNAPSHOT_VERSION:
            return None
        frames = Frames(
            pl.read_parquet(folder / "reviews.parquet"),
            pl.read_parquet(folder / "criteria.parquet"),
        )
        mark = Mark(str(stamp["token"]), int(stamp["position"]))
        return Snapshot(frames, mark, datetime.fromisoformat(stamp["as_of"]), "current")
    except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
        return None  # missing, partial or unreadable: read the database instead


def _write(folder: Path, snapshot: Snapshot) -> None:
    """Files first, the stamp last (each via a temporary name), so a crash leaves no stamp that
    vouches for half-written frames."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "stamp.json").unlink(missing_ok=True)
    frames = snapshot.frames
    for name, frame in (("reviews", frames.reviews), ("criteria", frames.criteria)):
        temporary = folder / f".{name}.parquet.tmp"
        frame.write_parquet(temporary)
        os.replace(temporary, folder / f"{name}.parquet")
    temporary = folder / ".stamp.json.tmp"
    temporary.write_text(json.dumps(_stamp(snapshot.mark, snapshot.as_of)))
    os.replace(temporary, folder / "stamp.json")


@contextlib.contextmanager
def _transaction(repo: Repository) -> Iterator[Connection]:
    """One read transaction: the change log, the mark and the rows re-read must agree (PostgreSQL
    gives each statement its own snapshot unless asked for REPEATABLE READ)."""
    with repo.db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


def build(repo: Repository, previous: Snapshot | None = None) -> Snapshot:
    """`previous` brought up to date from the change log, else (none, or of another database, or
    from before pruned changes) the frames read whole."""
    as_of = datetime.now(UTC)  # before reading: every write committed by now is seen
    with _transaction(repo) as connection:
        if previous is not None and usable(connection, previous.mark):
            done = refresh(connection, previous.frames, previous.mark)
            return Snapshot(
                done.frames, done.mark, as_of, "incremental" if done.reread else "current"
            )
        mark = current_mark(connection)
        return Snapshot(read_frames(connection), mark, as_of, "full")


def load_snapshot(
    repo: Repository, previous: Snapshot | None = None, *, use_parquet: bool = True
) -> Snapshot:
    """The frames brought up to date from `previous`, else from the Parquet snapshot beside a
    SQLite file (rewritten when it was read whole or brought up to date here), else read whole."""
    database = sqlite_file(repo.db.url)
    folder = None
    if use_parquet and database is not None and database.exists():
        folder = snapshot_dir(database)
    on_disk = previous is None and folder is not None
    if on_disk and folder is not None:
        previous = _read(folder)
    snapshot = build(repo, previous)
    renewed = snapshot.path == "full" or (on_disk and snapshot.path == "incremental")
    if folder is not None and renewed:
        with contextlib.suppress(OSError):  # a read-only folder: the next command reads more
            _write(folder, snapshot)
    return snapshot


class FrameCache:
    """The frames of a few databases kept in a long-running process (one per server worker),
    each served for `max_lag_s` after its last look at the database, then brought up to date from
    the change log by the next read (one read at a time per database; the others wait for it and
    share its result). `paths` counts how each read was answered."""

    def __init__(self, max_lag_s: float = 60.0, *, keep: int = 4) -> None:
        self.max_lag_s = max_lag_s
        self.keep = keep
        self.paths: Counter[str] = Counter()
        self._entries: OrderedDict[str, Snapshot] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _fresh(self, key: str) -> Snapshot | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        age = (datetime.now(UTC) - entry.as_of).total_seconds()
        return replace(entry, path="cached") if age <= self.max_lag_s else None

    def snapshot(self, repo: Repository, *, use_parquet: bool = True) -> Snapshot:
        key = repo.db.engine.url.render_as_string(hide_password=False)
        found = self._fresh(key)
        if found is None:
            with self._guard:
                lock = self._locks.setdefault(key, threading.Lock())
            with lock:
                found = self._fresh(key)  # another thread may have just brought it up to date
                if found is None:
                    found = load_snapshot(repo, self._entries.get(key), use_parquet=use_parquet)
                    with self._guard:
                        self._entries[key] = found
                        self._entries.move_to_end(key)
                        while len(self._entries) > self.keep:
                            self._entries.popitem(last=False)
        self.paths[found.path] += 1
        return found


def analytics_snapshot(
    repo: Repository, *, use_snapshot: bool = True, cache: FrameCache | None = None
) -> Snapshot:
    """The frames every analytics read shares, with the time they are as of: from `cache` when
    given, else from the Parquet snapshot beside a SQLite file, else read whole."""
    if cache is not None:
        return cache.snapshot(repo, use_parquet=use_snapshot)
    return load_snapshot(repo, use_parquet=use_snapshot)


def only_scorecard(frames: Frames, scorecard_name: str | None) -> Frames:
    if scorecard_name is None:
        return frames
    kept = frames.reviews.filter(pl.col("scorecard_name") == scorecard_name)
    pks = kept["review_pk"].implode()
    return Frames(kept, frames.criteria.filter(pl.col("review_pk").is_in(pks)))


def analytics_frames(
    repo: Repository,
    *,
    scorecard_name: str | None = None,
    use_snapshot: bool = True,
    cache: FrameCache | None = None,
) -> Frames:
    """`analytics_snapshot`'s frames, of one scorecard name if given."""
    snapshot = analytics_snapshot(repo, use_snapshot=use_snapshot, cache=cache)
    return only_scorecard(snapshot.frames, scorecard_name)

"""Analytics freshness: reading the frames whole vs bringing them up to date after a few writes.

Run:  .venv/bin/python benchmarks/bench_fresh.py [--n 200000] [--db URL] [--writes 100] [--runs 3]

Generates N conversations with their reviews and criteria (bench_analytics.py's generator) into a
fresh SQLite database (or an empty database given with --db, e.g. a PostgreSQL URL), then times, in
the same run: the full read (`storage.snapshot.build` without a snapshot: what every read after any
write cost before the change log), a refresh with nothing written, a refresh after --writes reviews
were updated (their IQS moved by one point: the triggers log them), a `FrameCache` answer within the
lag, and one `analytics.section("overview")` on the cached frames. Checks that the refreshed frames
equal a full read. Figures, not a timed test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analytics import generate

from supportqa.services import analytics
from supportqa.services.frames import frame_cache
from supportqa.settings import Settings
from supportqa.storage import Database, Repository
from supportqa.storage.snapshot import Snapshot, build
from supportqa.storage.tables import reviews


def timed(action: Callable[[], Any], runs: int) -> tuple[float, Any]:
    seconds: list[float] = []
    result: Any = None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def write(repo: Repository, n: int, rng: random.Random) -> None:
    with repo.db.engine.begin() as connection:
        ids = connection.execute(select(reviews.c.id)).scalars().all()
        chosen = rng.sample(list(ids), n)
        connection.execute(
            update(reviews).where(reviews.c.id.in_(chosen)).values(iqs=reviews.c.iqs * 0.99)
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--db")
    parser.add_argument("--writes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-fresh-")
    db = Database.open(args.db or f"sqlite:///{folder}/fresh.db", create=True)
    repo = Repository(db)
    counts = generate(db, args.n)
    print(f"{db.dialect}: {counts['reviews']:,} reviews, {counts['criteria']:,} criteria")
    rng = random.Random(7)

    full_s, snapshot = timed(lambda: build(repo), args.runs)
    same_s, _ = timed(lambda: build(repo, snapshot), args.runs)
    refreshed: list[float] = []
    current: Snapshot = snapshot
    for _ in range(args.runs):
        write(repo, args.writes, rng)
        seconds, current = timed(lambda s=current: build(repo, s), 1)
        refreshed.append(seconds)
    whole = build(repo)
    equal = current.frames.reviews.equals(whole.frames.reviews) and current.frames.criteria.equals(
        whole.frames.criteria
    )
    cache = frame_cache(Settings(analytics_max_lag_s=3600))
    cache.snapshot(repo)
    cached_s, _ = timed(lambda: cache.snapshot(repo), args.runs)
    section_s, _ = timed(lambda: analytics.section(repo, "overview", cache=cache), args.runs)
    incremental_s = statistics.median(refreshed)
    print(f"| step | seconds |\n|---|---|\n| full read (no snapshot) | {full_s:.2f} |")
    print(f"| refresh, nothing written | {same_s:.3f} |")
    print(f"| refresh after {args.writes} reviews written | {incremental_s:.3f} |")
    print(f"| FrameCache within the lag | {cached_s:.5f} |")
    print(f"| section('overview') on cached frames | {section_s:.3f} |")
    print(f"full / incremental = {full_s / incremental_s:.0f}x; refreshed == full read: {equal}")
    db.dispose()


if __name__ == "__main__":
    main()
